"""Pod: the unit the scheduler places and the kubelet runs; and its template."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import ClassVar

import attrs

from ._affinity import Affinity, Toleration, TopologySpreadConstraint
from ._base import EMPTY, freeze_map, freeze_seq
from ._container import Container, ContainerStatus, quantities
from ._meta import ObjectMeta
from ._quantity import Quantity
from ._volumes import Volume

__all__ = [
    "HostIP",
    "Pod",
    "PodCondition",
    "PodIP",
    "PodSpec",
    "PodStatus",
    "PodTemplateSpec",
]


@attrs.frozen(kw_only=True)
class PodSpec:
    containers: tuple[Container, ...] = attrs.field(default=(), converter=freeze_seq)
    init_containers: tuple[Container, ...] = attrs.field(default=(), converter=freeze_seq)
    volumes: tuple[Volume, ...] = attrs.field(default=(), converter=freeze_seq)
    restart_policy: str = ""
    termination_grace_period_seconds: int | None = None
    active_deadline_seconds: int | None = None
    dns_policy: str = ""
    node_selector: Mapping[str, str] = attrs.field(default=EMPTY, converter=freeze_map)
    service_account_name: str = ""
    automount_service_account_token: bool | None = None
    node_name: str = ""
    host_network: bool | None = None
    hostname: str = ""
    subdomain: str = ""
    affinity: Affinity | None = None
    scheduler_name: str = ""
    tolerations: tuple[Toleration, ...] = attrs.field(default=(), converter=freeze_seq)
    priority_class_name: str = ""
    priority: int | None = None
    preemption_policy: str | None = None
    overhead: Mapping[str, Quantity] = attrs.field(default=EMPTY, converter=quantities)
    topology_spread_constraints: tuple[TopologySpreadConstraint, ...] = attrs.field(
        default=(), converter=freeze_seq
    )
    enable_service_links: bool | None = None


@attrs.frozen(kw_only=True)
class PodCondition:
    type: str = ""  # PodScheduled, Initialized, ContainersReady, Ready, DisruptionTarget
    status: str = ""  # True, False, Unknown
    last_probe_time: dt.datetime | None = None
    last_transition_time: dt.datetime | None = None
    reason: str = ""
    message: str = ""


@attrs.frozen(kw_only=True)
class PodIP:
    ip: str = ""


@attrs.frozen(kw_only=True)
class HostIP:
    ip: str = ""


@attrs.frozen(kw_only=True)
class PodStatus:
    phase: str = ""  # Pending, Running, Succeeded, Failed, Unknown
    conditions: tuple[PodCondition, ...] = attrs.field(default=(), converter=freeze_seq)
    message: str = ""
    reason: str = ""
    nominated_node_name: str = ""
    host_ip: str = ""
    host_ips: tuple[HostIP, ...] = attrs.field(default=(), converter=freeze_seq)
    pod_ip: str = ""
    pod_ips: tuple[PodIP, ...] = attrs.field(default=(), converter=freeze_seq)
    start_time: dt.datetime | None = None
    init_container_statuses: tuple[ContainerStatus, ...] = attrs.field(
        default=(), converter=freeze_seq
    )
    container_statuses: tuple[ContainerStatus, ...] = attrs.field(default=(), converter=freeze_seq)
    qos_class: str = attrs.field(default="", metadata={"wire": "qosClass"})


@attrs.frozen(kw_only=True)
class Pod:
    api_version: ClassVar[str] = "v1"
    kind: ClassVar[str] = "Pod"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    spec: PodSpec = attrs.field(default=PodSpec())
    status: PodStatus = attrs.field(default=PodStatus())


@attrs.frozen(kw_only=True)
class PodTemplateSpec:
    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    spec: PodSpec = attrs.field(default=PodSpec())
