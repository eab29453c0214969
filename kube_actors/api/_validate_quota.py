"""Defaulting and validation of ResourceQuotas and LimitRanges, as Kubernetes does them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import attrs

from kube_actors.errors import FieldCause

from . import _checks as c
from . import _field as f
from ._quantity import Quantity
from ._quota import LimitRange, LimitRangeItem, ResourceQuota

__all__ = ["default_limit_range", "validate_limit_range", "validate_resource_quota"]

Causes = list[FieldCause]

LIMIT_TYPES: Final = ("Container", "Pod", "PersistentVolumeClaim")
QUOTA_SCOPES: Final = (
    "BestEffort",
    "CrossNamespacePodAffinity",
    "NotBestEffort",
    "NotTerminating",
    "PriorityClass",
    "Terminating",
)
#: Quota resources that count objects: their amounts are whole numbers.
_COUNTS: Final = frozenset(
    {
        "pods",
        "services",
        "services.nodeports",
        "services.loadbalancers",
        "configmaps",
        "secrets",
        "persistentvolumeclaims",
        "replicationcontrollers",
        "resourcequotas",
    }
)
_ONE: Final = Quantity(1)


def _fill(into: dict[str, Quantity], source: Mapping[str, Quantity]) -> None:
    for name, amount in source.items():
        into.setdefault(name, amount)


def _default_item(item: LimitRangeItem) -> LimitRangeItem:
    """A Container item's default limit is its max, its default request its default limit,
    else its min (Kubernetes' SetDefaults_LimitRangeItem)."""
    if item.type != "Container":
        return item
    default = dict(item.default)
    _fill(default, item.max)
    request = dict(item.default_request)
    _fill(request, default)
    _fill(request, item.min)
    if default == dict(item.default) and request == dict(item.default_request):
        return item
    return attrs.evolve(item, default=default, default_request=request)


def default_limit_range(obj: LimitRange) -> LimitRange:
    limits = tuple(_default_item(item) for item in obj.spec.limits)
    if limits == obj.spec.limits:
        return obj
    return attrs.evolve(obj, spec=attrs.evolve(obj.spec, limits=limits))


def _amounts(path: str, resources: Mapping[str, Quantity]) -> Causes:
    causes = c.resource_amounts(path, resources)
    for name, amount in resources.items():
        whole = name in _COUNTS or name.startswith("count/")
        if whole and amount.nano_value % 1_000_000_000:
            causes.append(f.invalid(f.key(path, name), str(amount), "must be an integer"))
    return causes


def validate_resource_quota(obj: ResourceQuota, old: ResourceQuota | None) -> Causes:
    spec = obj.spec
    causes = _amounts("spec.hard", spec.hard)
    for i, scope in enumerate(spec.scopes):
        causes.extend(c.one_of(f.index("spec.scopes", i), scope, QUOTA_SCOPES))
    if spec.scope_selector is not None:
        for i, requirement in enumerate(spec.scope_selector.match_expressions):
            at = f.index("spec.scopeSelector.matchExpressions", i)
            causes.extend(c.one_of(f.child(at, "scopeName"), requirement.scope_name, QUOTA_SCOPES))
            operators = ("In", "NotIn", "Exists", "DoesNotExist")
            causes.extend(
                c.one_of(f.child(at, "operator"), requirement.operator, operators, required=True)
            )
    causes.extend(_amounts("status.hard", obj.status.hard))
    causes.extend(_amounts("status.used", obj.status.used))
    return causes


def _validate_item(at: str, item: LimitRangeItem) -> Causes:
    causes: Causes = []
    for field, amounts in (
        ("max", item.max),
        ("min", item.min),
        ("default", item.default),
        ("defaultRequest", item.default_request),
        ("maxLimitRequestRatio", item.max_limit_request_ratio),
    ):
        causes.extend(c.resource_amounts(f.child(at, field), amounts))
    if item.type == "Pod":
        for field, amounts in (("default", item.default), ("defaultRequest", item.default_request)):
            if amounts:
                causes.append(
                    f.forbidden(f.child(at, field), "may not be specified when `type` is 'Pod'")
                )
    names = {*item.max, *item.min, *item.default, *item.default_request}
    names |= set(item.max_limit_request_ratio)
    for name in sorted(names):
        low, high = item.min.get(name), item.max.get(name)
        request, limit = item.default_request.get(name), item.default.get(name)
        if low is not None and high is not None and low > high:
            detail = f"min value {low} is greater than max value {high}"
            causes.append(f.invalid(f.key(f.child(at, "min"), name), str(low), detail))
        # (smaller, its name, larger, its name, the field the cause names)
        checks = (
            (low, "min", request, "default request", "defaultRequest"),
            (request, "default request", high, "max", "defaultRequest"),
            (request, "default request", limit, "default limit", "defaultRequest"),
            (low, "min", limit, "default", "default"),
            (limit, "default", high, "max", "default"),
        )
        for smaller, small, larger, large, field in checks:
            if smaller is not None and larger is not None and smaller > larger:
                shown = request if field == "defaultRequest" else limit
                detail = f"{small} value {smaller} is greater than {large} value {larger}"
                causes.append(f.invalid(f.key(f.child(at, field), name), str(shown), detail))
        ratio = item.max_limit_request_ratio.get(name)
        if ratio is not None and ratio < _ONE:
            at_ratio = f.key(f.child(at, "maxLimitRequestRatio"), name)
            causes.append(f.invalid(at_ratio, str(ratio), f"ratio {ratio} is less than 1"))
    return causes


def validate_limit_range(obj: LimitRange, old: LimitRange | None) -> Causes:
    causes: Causes = []
    seen: set[str] = set()
    for i, item in enumerate(obj.spec.limits):
        at = f.index("spec.limits", i)
        causes.extend(c.one_of(f.child(at, "type"), item.type, LIMIT_TYPES, required=True))
        if item.type in seen:
            causes.append(f.duplicate(f.child(at, "type"), item.type))
        seen.add(item.type)
        causes.extend(_validate_item(at, item))
    return causes
