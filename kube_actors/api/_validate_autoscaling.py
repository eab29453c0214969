"""Defaulting and validation of a HorizontalPodAutoscaler, as Kubernetes' autoscaling/v2."""

from __future__ import annotations

from typing import Final

import attrs

from kube_actors.errors import FieldCause

from . import _field as f
from ._autoscaling import (
    HorizontalPodAutoscaler,
    MetricSpec,
    MetricTarget,
    ResourceMetricSource,
)

__all__ = ["default_horizontal_pod_autoscaler", "validate_horizontal_pod_autoscaler"]

#: Without metrics, an HPA keeps the Pods' average CPU at 80 % of their requests.
DEFAULT_CPU_UTILIZATION: Final = 80
_TARGET_TYPES: Final = ("Utilization", "Value", "AverageValue")


def default_horizontal_pod_autoscaler(obj: HorizontalPodAutoscaler) -> HorizontalPodAutoscaler:
    spec = obj.spec
    changes: dict[str, object] = {}
    if spec.min_replicas is None:
        changes["min_replicas"] = 1
    if not spec.metrics:
        target = MetricTarget(type="Utilization", average_utilization=DEFAULT_CPU_UTILIZATION)
        cpu = MetricSpec(type="Resource", resource=ResourceMetricSource(name="cpu", target=target))
        changes["metrics"] = (cpu,)
    if not changes:
        return obj
    return attrs.evolve(obj, spec=attrs.evolve(spec, **changes))  # type: ignore[arg-type]


def validate_horizontal_pod_autoscaler(
    obj: HorizontalPodAutoscaler, old: HorizontalPodAutoscaler | None
) -> list[FieldCause]:
    spec = obj.spec
    causes: list[FieldCause] = []
    ref = spec.scale_target_ref
    if not ref.kind:
        causes.append(f.required("spec.scaleTargetRef.kind"))
    if not ref.name:
        causes.append(f.required("spec.scaleTargetRef.name"))
    minimum = spec.min_replicas
    if minimum is not None and minimum < 1:
        detail = "must be greater than or equal to 1"
        causes.append(f.invalid("spec.minReplicas", minimum, detail))
    if spec.max_replicas < 1:
        detail = "must be greater than or equal to 1"
        causes.append(f.invalid("spec.maxReplicas", spec.max_replicas, detail))
    if minimum is not None and spec.max_replicas < minimum:
        detail = "must be greater than or equal to `minReplicas`"
        causes.append(f.invalid("spec.maxReplicas", spec.max_replicas, detail))
    for i, metric in enumerate(spec.metrics):
        causes.extend(_metric(f.index("spec.metrics", i), metric))
    return causes


def _metric(path: str, metric: MetricSpec) -> list[FieldCause]:
    if metric.type != "Resource":
        return [f.not_supported(f.child(path, "type"), metric.type, ("Resource",))]
    resource = metric.resource
    if resource is None:
        return [
            f.required(
                f.child(path, "resource"), "must populate information for the given metric source"
            )
        ]
    causes: list[FieldCause] = []
    if resource.name not in ("cpu", "memory"):
        causes.append(
            f.not_supported(f.child(path, "resource.name"), resource.name, ("cpu", "memory"))
        )
    target, at = resource.target, f.child(path, "resource.target")
    if target.type not in _TARGET_TYPES:
        causes.append(f.not_supported(f.child(at, "type"), target.type, _TARGET_TYPES))
    elif target.type == "Utilization" and target.average_utilization is None:
        causes.append(
            f.required(
                f.child(at, "averageUtilization"),
                "must set either a target raw value or a target utilization",
            )
        )
    elif target.type == "AverageValue" and target.average_value is None:
        causes.append(
            f.required(
                f.child(at, "averageValue"),
                "must set either a target raw value or a target utilization",
            )
        )
    if target.average_utilization is not None and target.average_utilization < 1:
        causes.append(
            f.invalid(
                f.child(at, "averageUtilization"),
                target.average_utilization,
                "must be greater than 0",
            )
        )
    return causes
