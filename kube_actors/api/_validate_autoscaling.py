"""Defaulting and validation of a HorizontalPodAutoscaler, as Kubernetes' autoscaling/v2."""

from __future__ import annotations

from typing import Final

import attrs

from kube_actors.errors import FieldCause

from . import _field as f
from ._autoscaling import (
    HorizontalPodAutoscaler,
    HorizontalPodAutoscalerBehavior,
    HPAScalingPolicy,
    HPAScalingRules,
    MetricSpec,
    MetricTarget,
    ResourceMetricSource,
)

__all__ = ["default_horizontal_pod_autoscaler", "validate_horizontal_pod_autoscaler"]

#: Without metrics, an HPA keeps the Pods' average CPU at 80 % of their requests.
DEFAULT_CPU_UTILIZATION: Final = 80
_TARGET_TYPES: Final = ("Utilization", "Value", "AverageValue")
#: What a behavior that is given leaves unset: up by max(4 Pods, 100 %) per 15 s at once; down
#: by 100 % per 15 s, with no window of its own (the controller's flag decides, 300 s).
_SCALE_UP: Final = HPAScalingRules(
    stabilization_window_seconds=0,
    select_policy="Max",
    policies=(
        HPAScalingPolicy(type="Pods", value=4, period_seconds=15),
        HPAScalingPolicy(type="Percent", value=100, period_seconds=15),
    ),
)
_SCALE_DOWN: Final = HPAScalingRules(
    select_policy="Max",
    policies=(HPAScalingPolicy(type="Percent", value=100, period_seconds=15),),
)


def default_horizontal_pod_autoscaler(obj: HorizontalPodAutoscaler) -> HorizontalPodAutoscaler:
    spec = obj.spec
    changes: dict[str, object] = {}
    if spec.min_replicas is None:
        changes["min_replicas"] = 1
    if not spec.metrics:
        target = MetricTarget(type="Utilization", average_utilization=DEFAULT_CPU_UTILIZATION)
        cpu = MetricSpec(type="Resource", resource=ResourceMetricSource(name="cpu", target=target))
        changes["metrics"] = (cpu,)
    if spec.behavior is not None:
        behavior = HorizontalPodAutoscalerBehavior(
            scale_up=_filled(spec.behavior.scale_up, _SCALE_UP),
            scale_down=_filled(spec.behavior.scale_down, _SCALE_DOWN),
        )
        if behavior != spec.behavior:
            changes["behavior"] = behavior
    if not changes:
        return obj
    return attrs.evolve(obj, spec=attrs.evolve(spec, **changes))  # type: ignore[arg-type]


def _filled(given: HPAScalingRules | None, defaults: HPAScalingRules) -> HPAScalingRules:
    """A direction's rules with what is unset taken from ``defaults``, field by field
    (Kubernetes' ``SetDefaults_HorizontalPodAutoscalerBehavior``, for a behavior given)."""
    if given is None:
        return defaults
    window = given.stabilization_window_seconds
    return HPAScalingRules(
        stabilization_window_seconds=defaults.stabilization_window_seconds
        if window is None
        else window,
        select_policy=given.select_policy or defaults.select_policy,
        policies=given.policies or defaults.policies,
    )


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
