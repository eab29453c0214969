"""``meta.k8s.io/v1`` Tables: what the apiserver answers ``kubectl get`` with.

kubectl asks for ``application/json;as=Table;v=v1;g=meta.k8s.io`` and prints the Table it
gets: column definitions (priority 1 only with ``-o wide``) and one row of cells per object.
The columns are kubectl's own (``kube_actors.kubectl.columns_for``, the same the in-process
printers use). Like Kubernetes, the server always fills every column and leaves it to the
client to hide the wide ones. Each row carries its object as asked by ``includeObject``:
``Metadata`` (the default: a PartialObjectMetadata), ``Object`` (the whole object) or ``None``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from ..api import to_dict, unstructure
from ..errors import BadRequest
from ..kubectl import columns_for

__all__ = ["check_include_object", "table_for"]

_INCLUDE = ("None", "Metadata", "Object")


def table_for(
    kind_cls: type[Any],
    objects: Iterable[Any],
    now: dt.datetime,
    *,
    include_object: str = "Metadata",
    resource_version: str = "",
    continue_token: str = "",
) -> dict[str, Any]:
    """The Table of ``objects`` (of ``kind_cls``) as seen at ``now``.

    ``include_object`` is the request's ``includeObject`` parameter; BadRequest for any other
    value, as Kubernetes answers. ``resource_version`` and ``continue_token`` go into the
    Table's list metadata (a list's; empty for a single object or a watch event).
    """
    check_include_object(include_object)
    columns = columns_for(kind_cls)
    metadata: dict[str, Any] = {}
    if resource_version:
        metadata["resourceVersion"] = resource_version
    if continue_token:
        metadata["continue"] = continue_token
    rows = []
    for obj in objects:
        row: dict[str, Any] = {"cells": [c.cell(obj, now) for c in columns]}
        if include_object != "None":
            row["object"] = _row_object(obj, include_object)
        rows.append(row)
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": metadata,
        "columnDefinitions": [
            {
                "name": c.name,
                "type": c.type,
                "format": c.format,
                "description": c.description,
                "priority": c.priority,
            }
            for c in columns
        ],
        "rows": rows,
    }


def check_include_object(include_object: str) -> None:
    """BadRequest, in Kubernetes' words, unless ``includeObject`` is one it knows."""
    if include_object not in _INCLUDE:
        raise BadRequest(
            f"includeObject: Unsupported value: {include_object!r}: supported values: "
            + ", ".join(f'"{v}"' for v in _INCLUDE)
        )


def _row_object(obj: Any, include_object: str) -> dict[str, Any]:
    if include_object == "Object":
        return to_dict(obj)
    return {
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": unstructure(obj.metadata),
    }
