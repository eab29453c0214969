"""apps/v1: Deployment, ReplicaSet, DaemonSet, StatefulSet."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import attrs

from ._base import freeze_seq, omitempty
from ._intstr import IntOrString
from ._meta import LabelSelector, ObjectMeta
from ._pod import PodTemplateSpec
from ._storage import PersistentVolumeClaim

__all__ = [
    "DaemonSet",
    "DaemonSetCondition",
    "DaemonSetSpec",
    "DaemonSetStatus",
    "DaemonSetUpdateStrategy",
    "Deployment",
    "DeploymentCondition",
    "DeploymentSpec",
    "DeploymentStatus",
    "DeploymentStrategy",
    "ReplicaSet",
    "ReplicaSetCondition",
    "ReplicaSetSpec",
    "ReplicaSetStatus",
    "RollingUpdateDaemonSet",
    "RollingUpdateDeployment",
    "RollingUpdateStatefulSetStrategy",
    "StatefulSet",
    "StatefulSetCondition",
    "StatefulSetSpec",
    "StatefulSetStatus",
    "StatefulSetUpdateStrategy",
]


@attrs.frozen(kw_only=True)
class _AppsCondition:
    type: str = ""
    status: str = ""
    last_transition_time: dt.datetime | None = None
    reason: str = ""
    message: str = ""


# -------------------------------------------------------------------------- Deployment


@attrs.frozen(kw_only=True)
class RollingUpdateDeployment:
    max_unavailable: IntOrString | None = None
    max_surge: IntOrString | None = None


@attrs.frozen(kw_only=True)
class DeploymentStrategy:
    type: str = ""  # RollingUpdate or Recreate
    rolling_update: RollingUpdateDeployment | None = None


@attrs.frozen(kw_only=True)
class DeploymentSpec:
    replicas: int | None = None
    selector: LabelSelector | None = None
    template: PodTemplateSpec = attrs.field(default=PodTemplateSpec())
    strategy: DeploymentStrategy | None = None
    min_ready_seconds: int = omitempty(0)
    revision_history_limit: int | None = None
    paused: bool = omitempty(False)
    progress_deadline_seconds: int | None = None


@attrs.frozen(kw_only=True)
class DeploymentCondition(_AppsCondition):
    last_update_time: dt.datetime | None = None


@attrs.frozen(kw_only=True)
class DeploymentStatus:
    observed_generation: int = omitempty(0)
    replicas: int = omitempty(0)
    updated_replicas: int = omitempty(0)
    ready_replicas: int = omitempty(0)
    available_replicas: int = omitempty(0)
    unavailable_replicas: int = omitempty(0)
    terminating_replicas: int | None = None
    conditions: tuple[DeploymentCondition, ...] = attrs.field(default=(), converter=freeze_seq)
    collision_count: int | None = None


@attrs.frozen(kw_only=True)
class Deployment:
    api_version: ClassVar[str] = "apps/v1"
    kind: ClassVar[str] = "Deployment"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    spec: DeploymentSpec = attrs.field(default=DeploymentSpec())
    status: DeploymentStatus = attrs.field(default=DeploymentStatus())


# -------------------------------------------------------------------------- ReplicaSet


@attrs.frozen(kw_only=True)
class ReplicaSetSpec:
    replicas: int | None = None
    min_ready_seconds: int = omitempty(0)
    selector: LabelSelector | None = None
    template: PodTemplateSpec = attrs.field(default=PodTemplateSpec())


@attrs.frozen(kw_only=True)
class ReplicaSetCondition(_AppsCondition):
    pass


@attrs.frozen(kw_only=True)
class ReplicaSetStatus:
    replicas: int = 0
    fully_labeled_replicas: int = omitempty(0)
    ready_replicas: int = omitempty(0)
    available_replicas: int = omitempty(0)
    terminating_replicas: int | None = None
    observed_generation: int = omitempty(0)
    conditions: tuple[ReplicaSetCondition, ...] = attrs.field(default=(), converter=freeze_seq)


@attrs.frozen(kw_only=True)
class ReplicaSet:
    api_version: ClassVar[str] = "apps/v1"
    kind: ClassVar[str] = "ReplicaSet"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    spec: ReplicaSetSpec = attrs.field(default=ReplicaSetSpec())
    status: ReplicaSetStatus = attrs.field(default=ReplicaSetStatus())


# --------------------------------------------------------------------------- DaemonSet


@attrs.frozen(kw_only=True)
class RollingUpdateDaemonSet:
    max_unavailable: IntOrString | None = None
    max_surge: IntOrString | None = None


@attrs.frozen(kw_only=True)
class DaemonSetUpdateStrategy:
    type: str = ""  # RollingUpdate or OnDelete
    rolling_update: RollingUpdateDaemonSet | None = None


@attrs.frozen(kw_only=True)
class DaemonSetSpec:
    selector: LabelSelector | None = None
    template: PodTemplateSpec = attrs.field(default=PodTemplateSpec())
    update_strategy: DaemonSetUpdateStrategy | None = None
    min_ready_seconds: int = omitempty(0)
    revision_history_limit: int | None = None


@attrs.frozen(kw_only=True)
class DaemonSetCondition(_AppsCondition):
    pass


@attrs.frozen(kw_only=True)
class DaemonSetStatus:
    current_number_scheduled: int = 0
    number_misscheduled: int = 0
    desired_number_scheduled: int = 0
    number_ready: int = 0
    observed_generation: int = omitempty(0)
    updated_number_scheduled: int = omitempty(0)
    number_available: int = omitempty(0)
    number_unavailable: int = omitempty(0)
    collision_count: int | None = None
    conditions: tuple[DaemonSetCondition, ...] = attrs.field(default=(), converter=freeze_seq)


@attrs.frozen(kw_only=True)
class DaemonSet:
    api_version: ClassVar[str] = "apps/v1"
    kind: ClassVar[str] = "DaemonSet"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    spec: DaemonSetSpec = attrs.field(default=DaemonSetSpec())
    status: DaemonSetStatus = attrs.field(default=DaemonSetStatus())


# ------------------------------------------------------------------------- StatefulSet


@attrs.frozen(kw_only=True)
class RollingUpdateStatefulSetStrategy:
    partition: int | None = None
    max_unavailable: IntOrString | None = None


@attrs.frozen(kw_only=True)
class StatefulSetUpdateStrategy:
    type: str = ""  # RollingUpdate or OnDelete
    rolling_update: RollingUpdateStatefulSetStrategy | None = None


@attrs.frozen(kw_only=True)
class StatefulSetSpec:
    replicas: int | None = None
    selector: LabelSelector | None = None
    template: PodTemplateSpec = attrs.field(default=PodTemplateSpec())
    volume_claim_templates: tuple[PersistentVolumeClaim, ...] = attrs.field(
        default=(), converter=freeze_seq
    )
    service_name: str = ""
    pod_management_policy: str = ""  # OrderedReady or Parallel
    update_strategy: StatefulSetUpdateStrategy | None = None
    revision_history_limit: int | None = None
    min_ready_seconds: int = omitempty(0)


@attrs.frozen(kw_only=True)
class StatefulSetCondition(_AppsCondition):
    pass


@attrs.frozen(kw_only=True)
class StatefulSetStatus:
    observed_generation: int = omitempty(0)
    replicas: int = 0
    ready_replicas: int = omitempty(0)
    current_replicas: int = omitempty(0)
    updated_replicas: int = omitempty(0)
    current_revision: str = ""
    update_revision: str = ""
    collision_count: int | None = None
    conditions: tuple[StatefulSetCondition, ...] = attrs.field(default=(), converter=freeze_seq)
    available_replicas: int = omitempty(0)


@attrs.frozen(kw_only=True)
class StatefulSet:
    api_version: ClassVar[str] = "apps/v1"
    kind: ClassVar[str] = "StatefulSet"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    spec: StatefulSetSpec = attrs.field(default=StatefulSetSpec())
    status: StatefulSetStatus = attrs.field(default=StatefulSetStatus())
