"""One pod worker per Pod for as long as the Pod runs: no worker churn (#20)."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from kube_actors import Cluster
from kube_actors.api import Container, ObjectMeta, Pod, PodSpec
from kube_actors.kubelet import _pod_worker
from kube_actors.kubelet._pod_worker import PodWorker


async def test_each_pod_gets_one_worker_that_starts_once_and_never_stops_while_it_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started: Counter[str] = Counter()
    stopped: Counter[str] = Counter()
    on_start, on_stop = PodWorker.on_start, PodWorker.on_stop

    async def counted_start(self: PodWorker) -> None:
        started[self.pod.metadata.name] += 1
        await on_start(self)

    async def counted_stop(self: PodWorker) -> None:
        stopped[self.pod.metadata.name] += 1
        await on_stop(self)

    monkeypatch.setattr(_pod_worker.PodWorker, "on_start", counted_start)
    monkeypatch.setattr(_pod_worker.PodWorker, "on_stop", counted_stop)
    names = [f"web-{i}" for i in range(12)]
    async with Cluster(nodes=3) as cluster:
        for name in names:  # through the scheduler: each Pod changes several times
            await cluster.client.create(
                Pod(
                    metadata=ObjectMeta(name=name, namespace="default"),
                    spec=PodSpec(containers=[Container(name="app", image="nginx")]),
                )
            )
        await cluster.settle(horizon=120)
        pods = await cluster.client.list(Pod, namespace="default")
        assert {p.metadata.name: p.status.phase for p in pods} == dict.fromkeys(names, "Running")
        assert started == Counter(names)  # one worker each, started once
        assert not stopped
        workers = [
            s
            for s in cluster.system.statistics().values()
            if s.name.startswith("kubelet/") and "/default/" in s.name
        ]
        assert len(workers) == len(names)
        assert all(s.restarts == 0 and s.state == "running" for s in workers)


def _exit_waits() -> int:
    """The tasks waiting for a container to exit, in the whole program."""
    return sum(
        1
        for task in asyncio.all_tasks()
        if not task.done() and getattr(task.get_coro(), "__qualname__", "") == _WAIT
    )


_WAIT = PodWorker._wait_for_exit.__qualname__


async def test_one_exit_wait_a_running_container_none_left_by_a_crashed_kubelet() -> None:
    names = [f"web-{i}" for i in range(3)]
    async with Cluster(nodes=1, clock="virtual") as cluster:
        for name in names:
            await cluster.client.create(
                Pod(
                    metadata=ObjectMeta(name=name, namespace="default"),
                    spec=PodSpec(containers=[Container(name="app", image="nginx")]),
                )
            )
        await cluster.settle(horizon=60)
        assert _exit_waits() == len(names)
        await cluster.crash("kubelet/control-plane")
        await cluster.settle(horizon=60)
        # The new incarnation's workers wait for the containers they found; the old
        # incarnation's waits were cancelled with it.
        assert cluster.system.lookup("kubelet/control-plane").statistics().restarts == 1
        assert _exit_waits() == len(names)
