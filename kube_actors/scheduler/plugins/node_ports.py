"""NodePorts: a pod asking for host ports fits only where those ports are free.

Two ports clash when protocol and number are equal and either IP is the wildcard
``0.0.0.0`` or both IPs are the same.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..framework import (
    SUCCESS,
    CycleState,
    EnqueueExtensions,
    FilterPlugin,
    Handle,
    NodeInfo,
    PodInfo,
    PreFilterPlugin,
    Snapshot,
    Status,
)

__all__ = ["NodePorts"]

REASON = "node(s) didn't have free ports for the requested pod ports"
_WILDCARD = "0.0.0.0"


class NodePorts(EnqueueExtensions, PreFilterPlugin, FilterPlugin):
    name: ClassVar[str] = "NodePorts"

    @classmethod
    def new(cls, args: Any, handle: Handle) -> NodePorts:
        return cls()

    def events_to_register(self) -> frozenset[str]:
        return frozenset({"NodeAdd", "AssignedPodDelete"})

    def pre_filter(self, state: CycleState, pod: PodInfo, snapshot: Snapshot) -> Status:
        return SUCCESS if pod.host_ports else Status.skip()

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status:
        used = node.used_ports
        if not used:
            return SUCCESS
        for ip, protocol, port in pod.host_ports:
            for used_ip, used_protocol, used_port in used:
                if used_port != port or used_protocol != protocol:
                    continue
                if ip == used_ip or _WILDCARD in (ip, used_ip):
                    return Status.unschedulable(REASON)
        return SUCCESS
