"""Validation of a PodDisruptionBudget, as Kubernetes' policy validation."""

from __future__ import annotations

from typing import Final

from kube_actors.errors import FieldCause

from . import _checks as c
from . import _field as f
from ._converter import to_dict
from ._policy import PodDisruptionBudget

__all__ = ["validate_pod_disruption_budget"]

UNHEALTHY_POD_EVICTION_POLICIES: Final = ("AlwaysAllow", "IfHealthyBudget")


def validate_pod_disruption_budget(
    obj: PodDisruptionBudget, old: PodDisruptionBudget | None
) -> list[FieldCause]:
    spec = obj.spec
    causes: list[FieldCause] = []
    if spec.min_available is not None and spec.max_unavailable is not None:
        shown = to_dict(obj).get("spec", {})
        detail = "minAvailable and maxUnavailable cannot be both set"
        causes.append(f.invalid("spec", shown, detail))
    causes.extend(c.int_or_percent("spec.minAvailable", spec.min_available, max_percent=True))
    causes.extend(c.int_or_percent("spec.maxUnavailable", spec.max_unavailable, max_percent=True))
    causes.extend(c.label_selector("spec.selector", spec.selector))
    policy = spec.unhealthy_pod_eviction_policy
    if policy is not None and policy not in UNHEALTHY_POD_EVICTION_POLICIES:
        path = "spec.unhealthyPodEvictionPolicy"
        causes.append(f.not_supported(path, policy, UNHEALTHY_POD_EVICTION_POLICIES))
    return causes
