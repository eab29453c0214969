"""The nodes of a ``Cluster``: how they are named, addressed and given their runtimes.

Node ``k`` (counting from 0) is ``control-plane`` for ``k == 0`` (the master is a node too,
as in minikube), then ``node-1``, ``node-2``... Its InternalIP is a loopback address, and its
pods get addresses from its own /24 of 127.0.0.0/8: ``127.{64 + k // 256}.{k % 256}.0/24``,
so every pod of the cluster has an address of its own and nothing leaves the machine.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import attrs

from ..actors import ActorRef
from ..api import Taint
from ..kubelet import CONTROL_PLANE_TAINT, NodeConfig
from ..runtime import PROCESS_SLOTS, ContainerRuntime, FakeRuntime, SubprocessRuntime
from ._link import NodeLink

__all__ = ["NodeHandle", "RuntimeChoice", "host_ip", "make_runtime", "node_config"]

RuntimeChoice = Literal["fake", "subprocess"] | Callable[[NodeConfig], ContainerRuntime]


def node_config(index: int, *, control_plane_taint: bool = False, slot: int = 0) -> NodeConfig:
    name = "control-plane" if index == 0 else f"node-{index}"
    taints: tuple[Taint, ...] = (CONTROL_PLANE_TAINT,) if index == 0 and control_plane_taint else ()
    return NodeConfig(
        name=name,
        control_plane=index == 0,
        taints=taints,
        pod_cidr=pod_cidr(index, slot),
    )


#: Second octets of the pod network in one process slot (``runtime.process_slot``).
SLOT_OCTETS = (256 - 64) // PROCESS_SLOTS


def pod_cidr(index: int, slot: int = 0) -> str:
    """Node ``index``'s /24 of 127.64.0.0/10: anywhere in it for slot 0 (a fake runtime binds
    nothing), else within the slot's own four /16s, apart from other processes' pods."""
    if slot:
        if index >= SLOT_OCTETS * 256:
            raise ValueError(f"no pod CIDR left for node {index} in process slot {slot}")
        return f"127.{64 + slot * SLOT_OCTETS + index // 256}.{index % 256}.0/24"
    if index >= (256 - 64) * 256:
        raise ValueError(f"no pod CIDR left for node {index}")
    return f"127.{64 + index // 256}.{index % 256}.0/24"


def host_ip(index: int) -> str:
    return f"127.0.{1 + index // 250}.{1 + index % 250}"


def make_runtime(choice: RuntimeChoice, config: NodeConfig) -> ContainerRuntime:
    if choice == "fake":
        return FakeRuntime()
    if choice == "subprocess":
        return SubprocessRuntime(
            log_max_size=config.container_log_max_size,
            log_max_files=config.container_log_max_files,
        )
    if callable(choice):
        return choice(config)
    raise ValueError(f"unknown runtime {choice!r}: use 'fake', 'subprocess' or a factory")


@attrs.define(kw_only=True)
class NodeHandle:
    """What the cluster keeps of a node: its config, runtime, link and kubelet."""

    config: NodeConfig
    index: int
    runtime: ContainerRuntime
    link: NodeLink
    host_ip: str
    kubelet: ActorRef | None = None
