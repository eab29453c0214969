"""``kubectl get`` columns of ConfigMaps, Secrets, ResourceQuotas and LimitRanges, as
Kubernetes' printers define them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..api import ConfigMap, LimitRange, ResourceQuota, Secret
from ._columns import AGE, NAME, Column

__all__ = ["CONFIG_COLUMNS"]


def _quota_cell(quota: ResourceQuota, limits: bool) -> str:
    """``pods: 1/10, requests.cpu: 0/1``: used over hard of the requests (or the limits)."""
    shown = []
    for name in sorted(quota.status.hard):
        if name.startswith("limits.") == limits:
            used = quota.status.used.get(name)
            shown.append(f"{name}: {used if used is not None else 0}/{quota.status.hard[name]}")
    return ", ".join(shown)


def _created_at(obj: Any) -> str:
    stamp: dt.datetime | None = obj.metadata.creation_timestamp
    return stamp.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if stamp else "<unknown>"


CONFIG_COLUMNS: dict[type[Any], tuple[Column, ...]] = {
    ConfigMap: (
        NAME,
        Column(
            name="Data",
            type="integer",
            description="Count of the keys in data and binaryData.",
            cell=lambda c, now: len(c.data) + len(c.binary_data),
        ),
        AGE,
    ),
    Secret: (
        NAME,
        Column(name="Type", description="The type of the secret.", cell=lambda s, now: s.type),
        Column(
            name="Data",
            type="integer",
            description="Count of the keys in data.",
            cell=lambda s, now: len(s.data),
        ),
        AGE,
    ),
    ResourceQuota: (
        NAME,
        AGE,
        Column(
            name="Request",
            description="What is used of each capped resource that is not a limit, over its cap.",
            cell=lambda q, now: _quota_cell(q, limits=False),
        ),
        Column(
            name="Limit",
            description="What is used of each capped limit, over its cap.",
            cell=lambda q, now: _quota_cell(q, limits=True),
        ),
    ),
    LimitRange: (
        NAME,
        Column(
            name="Created At",
            type="date",
            description="When the server created the object (creationTimestamp).",
            cell=lambda r, now: _created_at(r),
        ),
    ),
}
