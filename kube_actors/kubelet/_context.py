"""What every pod worker of one kubelet shares: the node, the runtime, the clocks."""

from __future__ import annotations

import asyncio

import attrs

from kube_actors.api import Service
from kube_actors.client import Client, EventRecorder, SharedInformer
from kube_actors.runtime import AddressPool, ContainerRuntime

from ._backoff import Backoff
from ._config import KubeletTimings, NodeConfig
from ._token_manager import TokenManager

__all__ = ["KubeletContext"]


@attrs.define(kw_only=True)
class KubeletContext:
    client: Client
    runtime: ContainerRuntime
    node: NodeConfig
    host_ip: str
    timings: KubeletTimings
    ips: AddressPool
    recorder: EventRecorder | None
    crash_backoff: Backoff
    pull_backoff: Backoff
    #: The service-account tokens of projected volumes, renewed before they expire.
    tokens: TokenManager
    #: Set when the node is stopped with its containers left running (a fault).
    abandon: bool = False
    #: The Services, for the containers' service-link variables (None: no variables).
    services: SharedInformer[Service] | None = None
    #: Images pulled on this node: ``IfNotPresent`` does not pull them again.
    images: set[str] = attrs.Factory(set)
    #: Where pod workers wait for their containers to exit (None until the kubelet runs).
    exits: asyncio.TaskGroup | None = None

    def event(self, obj: object, type: str, reason: str, message: str) -> None:
        if self.recorder is not None:
            self.recorder.event(obj, type, reason, message)  # type: ignore[arg-type]
