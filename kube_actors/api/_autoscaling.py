"""autoscaling/v2 HorizontalPodAutoscaler: a workload's replicas following its Pods' usage."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import attrs

from ._base import freeze_seq, omitempty
from ._meta import ObjectMeta
from ._quantity import Quantity

__all__ = [
    "CrossVersionObjectReference",
    "HPAScalingPolicy",
    "HPAScalingRules",
    "HorizontalPodAutoscaler",
    "HorizontalPodAutoscalerBehavior",
    "HorizontalPodAutoscalerCondition",
    "HorizontalPodAutoscalerSpec",
    "HorizontalPodAutoscalerStatus",
    "MetricSpec",
    "MetricStatus",
    "MetricTarget",
    "MetricValueStatus",
    "ResourceMetricSource",
    "ResourceMetricStatus",
]


@attrs.frozen(kw_only=True)
class CrossVersionObjectReference:
    kind: str = ""
    name: str = ""
    api_version: str = ""


@attrs.frozen(kw_only=True)
class MetricTarget:
    type: str = ""  # Utilization, Value or AverageValue
    value: Quantity | None = None
    average_value: Quantity | None = None
    average_utilization: int | None = None


@attrs.frozen(kw_only=True)
class ResourceMetricSource:
    name: str = ""  # cpu or memory
    target: MetricTarget = attrs.field(default=MetricTarget())


@attrs.frozen(kw_only=True)
class MetricSpec:
    type: str = ""  # Resource (Pods, Object, External, ContainerResource are not served)
    resource: ResourceMetricSource | None = None


@attrs.frozen(kw_only=True)
class HPAScalingPolicy:
    type: str = ""  # Pods or Percent
    value: int = 0
    period_seconds: int = 0


@attrs.frozen(kw_only=True)
class HPAScalingRules:
    stabilization_window_seconds: int | None = None
    select_policy: str | None = None  # Max, Min or Disabled
    policies: tuple[HPAScalingPolicy, ...] = attrs.field(default=(), converter=freeze_seq)


@attrs.frozen(kw_only=True)
class HorizontalPodAutoscalerBehavior:
    scale_up: HPAScalingRules | None = None
    scale_down: HPAScalingRules | None = None


@attrs.frozen(kw_only=True)
class HorizontalPodAutoscalerSpec:
    scale_target_ref: CrossVersionObjectReference = attrs.field(
        default=CrossVersionObjectReference()
    )
    min_replicas: int | None = None
    max_replicas: int = 0
    metrics: tuple[MetricSpec, ...] = attrs.field(default=(), converter=freeze_seq)
    behavior: HorizontalPodAutoscalerBehavior | None = None


@attrs.frozen(kw_only=True)
class MetricValueStatus:
    value: Quantity | None = None
    average_value: Quantity | None = None
    average_utilization: int | None = None


@attrs.frozen(kw_only=True)
class ResourceMetricStatus:
    name: str = ""
    current: MetricValueStatus = attrs.field(default=MetricValueStatus())


@attrs.frozen(kw_only=True)
class MetricStatus:
    type: str = ""
    resource: ResourceMetricStatus | None = None


@attrs.frozen(kw_only=True)
class HorizontalPodAutoscalerCondition:
    type: str = ""  # AbleToScale, ScalingActive, ScalingLimited
    status: str = ""
    last_transition_time: dt.datetime | None = None
    reason: str = ""
    message: str = ""


@attrs.frozen(kw_only=True)
class HorizontalPodAutoscalerStatus:
    observed_generation: int | None = None
    last_scale_time: dt.datetime | None = None
    current_replicas: int = omitempty(0)
    desired_replicas: int = 0
    current_metrics: tuple[MetricStatus, ...] = attrs.field(default=(), converter=freeze_seq)
    conditions: tuple[HorizontalPodAutoscalerCondition, ...] = attrs.field(
        default=(), converter=freeze_seq
    )


@attrs.frozen(kw_only=True)
class HorizontalPodAutoscaler:
    api_version: ClassVar[str] = "autoscaling/v2"
    kind: ClassVar[str] = "HorizontalPodAutoscaler"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    spec: HorizontalPodAutoscalerSpec = attrs.field(default=HorizontalPodAutoscalerSpec())
    status: HorizontalPodAutoscalerStatus = attrs.field(default=HorizontalPodAutoscalerStatus())
