"""Objects out: a stored object as Kubernetes' JSON, a page of a list as a ``<Kind>List``, and
both as ``meta.k8s.io/v1`` Tables when the client asks for one (what ``kubectl get`` prints).
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Sequence
from typing import Any

from kube_actors.actors import wall_clock
from kube_actors.api import KindInfo, ObjectList, to_dict

__all__ = ["list_body", "object_body", "table_body", "wants_table"]

TableFor = Callable[..., dict[str, Any]]


def object_body(obj: Any) -> dict[str, Any]:
    """The object's manifest, as the API answers it."""
    return to_dict(obj)


def list_body(info: KindInfo, page: ObjectList) -> dict[str, Any]:
    """``PodList`` and friends: items without their own apiVersion/kind, as Kubernetes
    writes them, and the page's resourceVersion, continue token and remaining count."""
    metadata: dict[str, Any] = {"resourceVersion": page.resource_version}
    if page.continue_token:
        metadata["continue"] = page.continue_token
    if page.remaining_item_count is not None:
        metadata["remainingItemCount"] = page.remaining_item_count
    items = []
    for obj in page.items:
        item = to_dict(obj)
        del item["apiVersion"], item["kind"]
        items.append(item)
    return {
        "kind": f"{info.kind}List",
        "apiVersion": info.api_version,
        "metadata": metadata,
        "items": items,
    }


def wants_table(accept: str) -> bool:
    """Whether ``Accept`` asks for ``as=Table`` (kubectl's human-readable ``get``)."""
    return any("as=Table" in part and "g=meta.k8s.io" in part for part in accept.split(","))


def _table_for() -> TableFor | None:
    # Tables come from a module of their own (kubectl's columns for every kind); without
    # it, the server answers plain JSON, which clients accept in place of a Table.
    try:
        module = importlib.import_module("kube_actors.server._tables")
    except ModuleNotFoundError:
        return None
    table_for: TableFor = module.table_for
    return table_for


def table_body(
    info: KindInfo,
    objects: Sequence[Any],
    *,
    resource_version: str = "",
    continue_token: str = "",
    include_object: str = "Metadata",
) -> dict[str, Any] | None:
    """A Table of ``objects`` with kubectl's columns, or None where none can be made."""
    table_for = _table_for()
    if table_for is None:
        return None
    now: dt.datetime = wall_clock()
    table = table_for(info.cls, list(objects), now, include_object=include_object)
    metadata = table.setdefault("metadata", {})
    if resource_version:
        metadata["resourceVersion"] = resource_version
    if continue_token:
        metadata["continue"] = continue_token
    return table
