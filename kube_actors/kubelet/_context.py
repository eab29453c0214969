"""What every pod worker of one kubelet shares: the node, the runtime, the clocks."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Coroutine
from typing import Any

import attrs

from kube_actors.api import Service
from kube_actors.client import Client, EventRecorder, SharedInformer
from kube_actors.runtime import AddressPool, ContainerRuntime, LoopbackPool

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
        # Made with the first (idle nodes have none); a dict for its order: cancelled in
        # start order, run after run, where a set's order is the tasks' addresses.
        self._tasks: dict[asyncio.Task[None], None] | None = None

    def start(self, wait: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """Run ``wait`` as a task (it copies the running context, as every task does)."""
        if self._tasks is None:
            self._tasks = {}
        task = asyncio.get_running_loop().create_task(wait)
        self._tasks[task] = None
        task.add_done_callback(self._forget)
        return task

    def _forget(self, task: asyncio.Task[None]) -> None:
        if self._tasks is not None:
            self._tasks.pop(task, None)

    def cancel_all(self) -> None:
        for task in list(self._tasks or ()):
            task.cancel()


@attrs.define(kw_only=True)
class KubeletContext:
    """What the kubelet and its pod workers share. What only pods need (the address pool,
    the back-offs, the token cache) is made when the first pod needs it: a cluster's
    thousands of idle nodes would each build and keep it for nothing."""

    client: Client
    runtime: ContainerRuntime
    node: NodeConfig
    host_ip: str
    timings: KubeletTimings
    recorder: EventRecorder | None
    #: Set when the node is stopped with its containers left running (a fault).
    abandon: bool = False
    #: The Services, for the containers' service-link variables (None: no variables).
    services: SharedInformer[Service] | None = None
    #: Where pod workers wait for their containers to exit.
    exits: ExitWaits = attrs.Factory(ExitWaits)

    @functools.cached_property
    def ips(self) -> AddressPool:
        """The node's pod addresses: its pod CIDR's hosts, on loopback or routable."""
        return _pool_for(self.node.pod_cidr)

    @functools.cached_property
    def images(self) -> set[str]:
        """Images pulled on this node: ``IfNotPresent`` does not pull them again."""
        return set()

    @functools.cached_property
    def crash_backoff(self) -> Backoff:
        return Backoff(self.timings.backoff_initial, self.timings.backoff_max)

    @functools.cached_property
    def pull_backoff(self) -> Backoff:
        return Backoff(self.timings.backoff_initial, self.timings.backoff_max)

    @functools.cached_property
    def tokens(self) -> TokenManager:
        """The service-account tokens of projected volumes, renewed before they expire."""
        return TokenManager(self.client)

    def event(self, obj: object, type: str, reason: str, message: str) -> None:
        if self.recorder is not None:
            self.recorder.event(obj, type, reason, message)  # type: ignore[arg-type]


def _pool_for(pod_cidr: str) -> AddressPool:
    if not pod_cidr:
        return LoopbackPool()
    return AddressPool.for_cidr(pod_cidr)
