"""The kubelet's stats provider: the Summary API (``/stats/summary``) over its runtime.

``GetSummary`` asks a kubelet for it. Containers are the runtime's samples (CRI's
``ListContainerStats``), grouped by the Pod their sandbox belongs to. The node's figures are
the sum over the containers it ran since the kubelet started (a finished container's CPU
time stays counted, so the node's count never goes back); they leave out what the machine
spends outside containers, which a node here does not have apart from the Python process
that hosts every node.
"""

from __future__ import annotations

import datetime as dt

import attrs

from kube_actors.actors import wall_clock
from kube_actors.api import ContainerStats, NodeStats, PodReference, PodStats, Summary
from kube_actors.runtime import ContainerRuntime, ContainerUsage, StatsRuntime

__all__ = ["GetSummary", "StatsProvider"]


@attrs.frozen
class GetSummary:
    """Ask a kubelet for its node's ``Summary`` (the metrics server's scrape)."""


class StatsProvider:
    """Builds a node's ``Summary``; keeps the CPU time of the containers that have ended."""

    def __init__(self, runtime: ContainerRuntime, node_name: str) -> None:
        self.runtime = runtime
        self.node_name = node_name
        self.start_time = wall_clock()
        #: Per container id still running: the most CPU time it was seen to have used.
        self._running: dict[str, int] = {}
        #: The CPU time of the containers that have ended since the kubelet started.
        self._ended = 0

    async def summary(self) -> Summary:
        usages: list[ContainerUsage] = []
        if isinstance(self.runtime, StatsRuntime):
            usages = list(await self.runtime.list_container_stats())
        now = usages[0].timestamp if usages else wall_clock()
        seen = {u.id for u in usages}
        for gone in set(self._running) - seen:
            self._ended += self._running.pop(gone)
        for usage in usages:
            self._running[usage.id] = max(
                self._running.get(usage.id, 0), usage.cpu_core_nano_seconds
            )
        node = NodeStats(
            node_name=self.node_name,
            start_time=self.start_time,
            time=now,
            usage_core_nano_seconds=self._ended + sum(self._running.values()),
            working_set_bytes=sum(u.working_set_bytes for u in usages),
        )
        return Summary(node=node, pods=await self._pods(usages))

    async def _pods(self, usages: list[ContainerUsage]) -> list[PodStats]:
        sandboxes = {s.id: s for s in await self.runtime.list_pod_sandboxes()}
        by_pod: dict[str, tuple[PodReference, dt.datetime, list[ContainerStats]]] = {}
        for usage in usages:
            sandbox = sandboxes.get(usage.sandbox_id)
            if sandbox is None:
                continue
            config = sandbox.config
            ref = PodReference(name=config.name, namespace=config.namespace, uid=config.uid)
            _, _, containers = by_pod.setdefault(config.uid, (ref, sandbox.created_at, []))
            containers.append(
                ContainerStats(
                    name=usage.name,
                    start_time=usage.started_at,
                    time=usage.timestamp,
                    usage_core_nano_seconds=usage.cpu_core_nano_seconds,
                    working_set_bytes=usage.working_set_bytes,
                )
            )
        return [
            PodStats(pod_ref=ref, start_time=start, containers=tuple(containers))
            for ref, start, containers in by_pod.values()
        ]
