"""What every pod worker of one kubelet shares: the node, the runtime, the clocks."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

import attrs

from kube_actors.api import Service
from kube_actors.client import Client, EventRecorder, SharedInformer
from kube_actors.runtime import AddressPool, ContainerRuntime

from ._backoff import Backoff
from ._config import KubeletTimings, NodeConfig
from ._token_manager import TokenManager

__all__ = ["ExitWaits", "KubeletContext"]


class ExitWaits:
    """The kubelet's waits for its containers to exit: a plain asyncio task each (an actor's
    task, or a task group hosted in one, costs several times more, and every Pod on a node
    of its own starts one), cancelled by their pod worker when it stops or fails, and all
    that are left when the kubelet's incarnation ends."""

    __slots__ = ("_tasks",)

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] | None = None  # made with the first: idle nodes

    def start(self, wait: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """Run ``wait`` as a task (it copies the running context, as every task does)."""
        if self._tasks is None:
            self._tasks = set()
        task = asyncio.get_running_loop().create_task(wait)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def cancel_all(self) -> None:
        for task in self._tasks or ():
            task.cancel()


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
    #: Where pod workers wait for their containers to exit.
    exits: ExitWaits = attrs.Factory(ExitWaits)

    def event(self, obj: object, type: str, reason: str, message: str) -> None:
        if self.recorder is not None:
            self.recorder.event(obj, type, reason, message)  # type: ignore[arg-type]
