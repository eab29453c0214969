"""Node: where Pods run; its taints, capacity and conditions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import ClassVar

import attrs

from ._affinity import Taint
from ._base import EMPTY, freeze_seq
from ._container import quantities
from ._meta import ObjectMeta
from ._quantity import Quantity

__all__ = [
    "ContainerImage",
    "Node",
    "NodeAddress",
    "NodeCondition",
    "NodeSpec",
    "NodeStatus",
    "NodeSystemInfo",
]


@attrs.frozen(kw_only=True)
class NodeSpec:
    pod_cidr: str = ""
    pod_cidrs: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)
    provider_id: str = ""
    unschedulable: bool | None = None
    taints: tuple[Taint, ...] = attrs.field(default=(), converter=freeze_seq)


@attrs.frozen(kw_only=True)
class NodeCondition:
    type: str = ""  # Ready, MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable
    status: str = ""
    last_heartbeat_time: dt.datetime | None = None
    last_transition_time: dt.datetime | None = None
    reason: str = ""
    message: str = ""


@attrs.frozen(kw_only=True)
class NodeAddress:
    type: str = ""  # InternalIP, ExternalIP, Hostname
    address: str = ""


@attrs.frozen(kw_only=True)
class ContainerImage:
    names: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)
    size_bytes: int | None = None


@attrs.frozen(kw_only=True)
class NodeSystemInfo:
    machine_id: str = ""
    system_uuid: str = ""
    boot_id: str = ""
    kernel_version: str = ""
    os_image: str = ""
    container_runtime_version: str = ""
    kubelet_version: str = ""
    kube_proxy_version: str = ""
    operating_system: str = ""
    architecture: str = ""


@attrs.frozen(kw_only=True)
class NodeStatus:
    capacity: Mapping[str, Quantity] = attrs.field(default=EMPTY, converter=quantities)
    allocatable: Mapping[str, Quantity] = attrs.field(default=EMPTY, converter=quantities)
    phase: str = ""
    conditions: tuple[NodeCondition, ...] = attrs.field(default=(), converter=freeze_seq)
    addresses: tuple[NodeAddress, ...] = attrs.field(default=(), converter=freeze_seq)
    node_info: NodeSystemInfo | None = None
    images: tuple[ContainerImage, ...] = attrs.field(default=(), converter=freeze_seq)


@attrs.frozen(kw_only=True)
class Node:
    api_version: ClassVar[str] = "v1"
    kind: ClassVar[str] = "Node"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    spec: NodeSpec = attrs.field(default=NodeSpec())
    status: NodeStatus = attrs.field(default=NodeStatus())
