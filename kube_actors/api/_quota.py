"""ResourceQuota and LimitRange (core/v1): what a namespace may consume, and per-object bounds.

A ResourceQuota caps a namespace's total: object counts (``pods``, ``count/deployments.apps``)
and compute (``requests.cpu``, ``limits.memory``...), enforced at admission; its status holds
the caps it enforces (``hard``) and what is in use (``used``). A LimitRange bounds each
container, Pod or claim (``min``, ``max``, ``maxLimitRequestRatio``) and gives containers
the requests and limits they leave out (``defaultRequest``, ``default``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

import attrs

from ._base import EMPTY, freeze_seq
from ._container import quantities
from ._meta import ObjectMeta
from ._quantity import Quantity

__all__ = [
    "LimitRange",
    "LimitRangeItem",
    "LimitRangeSpec",
    "ResourceQuota",
    "ResourceQuotaSpec",
    "ResourceQuotaStatus",
    "ScopeSelector",
    "ScopedResourceSelectorRequirement",
]


@attrs.frozen(kw_only=True)
class ScopedResourceSelectorRequirement:
    scope_name: str = ""
    operator: str = ""
    values: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)


@attrs.frozen(kw_only=True)
class ScopeSelector:
    match_expressions: tuple[ScopedResourceSelectorRequirement, ...] = attrs.field(
        default=(), converter=freeze_seq
    )


@attrs.frozen(kw_only=True)
class ResourceQuotaSpec:
    hard: Mapping[str, Quantity] = attrs.field(default=EMPTY, converter=quantities)
    scopes: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)
    scope_selector: ScopeSelector | None = None


@attrs.frozen(kw_only=True)
class ResourceQuotaStatus:
    hard: Mapping[str, Quantity] = attrs.field(default=EMPTY, converter=quantities)
    used: Mapping[str, Quantity] = attrs.field(default=EMPTY, converter=quantities)


@attrs.frozen(kw_only=True)
class ResourceQuota:
    api_version: ClassVar[str] = "v1"
    kind: ClassVar[str] = "ResourceQuota"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    spec: ResourceQuotaSpec = attrs.field(default=ResourceQuotaSpec())
    status: ResourceQuotaStatus = attrs.field(default=ResourceQuotaStatus())


@attrs.frozen(kw_only=True)
class LimitRangeItem:
    type: str = ""  # Container, Pod or PersistentVolumeClaim
    max: Mapping[str, Quantity] = attrs.field(default=EMPTY, converter=quantities)
    min: Mapping[str, Quantity] = attrs.field(default=EMPTY, converter=quantities)
    default: Mapping[str, Quantity] = attrs.field(default=EMPTY, converter=quantities)
    default_request: Mapping[str, Quantity] = attrs.field(default=EMPTY, converter=quantities)
    max_limit_request_ratio: Mapping[str, Quantity] = attrs.field(
        default=EMPTY, converter=quantities
    )


@attrs.frozen(kw_only=True)
class LimitRangeSpec:
    limits: tuple[LimitRangeItem, ...] = attrs.field(default=(), converter=freeze_seq)


@attrs.frozen(kw_only=True)
class LimitRange:
    api_version: ClassVar[str] = "v1"
    kind: ClassVar[str] = "LimitRange"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    spec: LimitRangeSpec = attrs.field(default=LimitRangeSpec())
