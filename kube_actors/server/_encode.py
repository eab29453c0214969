"""Objects out: a stored object as Kubernetes' JSON, a page of a list as a ``<Kind>List``, and
both as ``meta.k8s.io/v1`` Tables when the client asks for one (what ``kubectl get`` prints).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from kube_actors.actors import wall_clock
from kube_actors.api import KindInfo, ObjectList, to_dict

from ._tables import table_for

__all__ = ["list_body", "object_body", "table_body", "wants_table"]


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


def table_body(
    info: KindInfo,
    objects: Sequence[Any],
    *,
    resource_version: str = "",
    continue_token: str = "",
    include_object: str = "Metadata",
) -> dict[str, Any]:
    """A Table of ``objects`` with kubectl's columns, ages as of now."""
    now: dt.datetime = wall_clock()
    return table_for(
        info.cls,
        objects,
        now,
        include_object=include_object or "Metadata",
        resource_version=resource_version,
        continue_token=continue_token,
    )
