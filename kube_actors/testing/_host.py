"""``ClusterHost``: a running Cluster held by a task of its own, usable from any task.

A Cluster's task groups belong to the task that entered it, and must be left by that same
task. A pytest-asyncio fixture sets up and tears down in two different tasks, and a
hypothesis state machine runs each rule as a task of its own; both therefore hand the
``async with Cluster(...)`` to one *holder* task and talk to the cluster from outside it,
which its actors allow (everything goes through mailboxes).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from kube_actors.cluster import Cluster

__all__ = ["ClusterHost", "SetupCluster"]

#: Called once the cluster runs, before anyone else uses it (add controllers, kinds...).
SetupCluster = Callable[[Cluster], Awaitable[None]]


class ClusterHost:
    """Starts ``Cluster(**options)`` in a holder task; ``stop()`` ends it there."""

    def __init__(self, options: Mapping[str, Any], setup: SetupCluster | None = None) -> None:
        self.options = dict(options)
        self._setup = setup
        self._holder: asyncio.Task[None] | None = None
        self._release = asyncio.Event()

    async def start(self) -> Cluster:
        """The cluster, running and set up; raises what starting it raised."""
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[Cluster] = loop.create_future()
        self._holder = loop.create_task(self._hold(ready), name="kube_actors.testing/cluster")
        waiting: list[asyncio.Future[Any]] = [ready, self._holder]
        await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        if not ready.done():
            await self._holder  # it ended before the cluster was ready: raise why
            raise RuntimeError("the cluster's holder task ended before the cluster started")
        return ready.result()

    async def _hold(self, ready: asyncio.Future[Cluster]) -> None:
        async with Cluster(**self.options) as cluster:
            if self._setup is not None:
                await self._setup(cluster)
            ready.set_result(cluster)
            await self._release.wait()

    async def run(self, call: Awaitable[Any]) -> Any:
        """Await ``call``, unless the cluster dies first (an actor escalated): then raise
        that error instead of waiting for an answer that never comes."""
        holder = self._holder
        task = asyncio.ensure_future(call)
        if holder is None:
            return await task
        waiting: list[asyncio.Future[Any]] = [task, holder]
        await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        if not task.done():
            task.cancel()
            await holder
            raise RuntimeError("the cluster stopped while a call to it was under way")
        return task.result()

    async def stop(self) -> None:
        """Leave the cluster (its kubelets, then its actors) and raise what it died of."""
        self._release.set()
        if self._holder is not None:
            await self._holder
