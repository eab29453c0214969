"""One pod worker per Pod for as long as the Pod runs: no worker churn (#20)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from typing import Literal

import pytest

from kube_actors import Cluster
from kube_actors.api import Container, ObjectMeta, Pod, PodSpec
from kube_actors.kubelet import NodeConfig, _pod_worker
from kube_actors.kubelet._pod_worker import PodWorker
from kube_actors.runtime import ContainerRuntime, ContainerState, FakeRuntime
from kube_actors.runtime._base import RuntimeBase


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


def _exit_waits(runtime: ContainerRuntime) -> int:
    """The waits for a container to exit, in the whole program: the tasks waiting (of a
    runtime without exit futures) and the callbacks on ``runtime``'s exit futures."""
    tasks = sum(
        1
        for task in asyncio.all_tasks()
        if not task.done() and getattr(task.get_coro(), "__qualname__", "") == _WAIT
    )
    assert isinstance(runtime, RuntimeBase)
    futures = [r.exit_future for r in runtime._containers.values() if r.exit_future is not None]
    return tasks + sum(len(f._callbacks or ()) for f in futures if not f.done())


_WAIT = PodWorker._wait_for_exit.__qualname__


class _WaitingRuntime(FakeRuntime):
    """A runtime without exit futures (not an ``ExitWatchRuntime``): the kubelet awaits
    ``wait_container`` in a task a container."""

    exit_future = None  # type: ignore[assignment]


def _waiting(config: NodeConfig) -> ContainerRuntime:
    return _WaitingRuntime()


@pytest.mark.parametrize("runtime", ["fake", _waiting], ids=["exit futures", "waits"])
async def test_one_exit_wait_a_running_container_none_left_by_a_crashed_kubelet(
    runtime: Literal["fake"] | Callable[[NodeConfig], ContainerRuntime],
) -> None:
    names = [f"web-{i}" for i in range(3)]
    async with Cluster(nodes=1, clock="virtual", runtime=runtime) as cluster:
        for name in names:
            await cluster.client.create(
                Pod(
                    metadata=ObjectMeta(name=name, namespace="default"),
                    spec=PodSpec(containers=[Container(name="app", image="nginx")]),
                )
            )
        await cluster.settle(horizon=60)
        assert _exit_waits(cluster.runtime("control-plane")) == len(names)
        await cluster.crash("kubelet/control-plane")
        await cluster.settle(horizon=60)
        # The new incarnation's workers wait for the containers they found; the old
        # incarnation's waits were cancelled with it.
        assert cluster.system.lookup("kubelet/control-plane").statistics().restarts == 1
        assert _exit_waits(cluster.runtime("control-plane")) == len(names)


async def test_a_node_stopped_with_its_containers_running_leaves_no_exit_wait() -> None:
    # The runtime keeps the containers, and their exit futures, after the kubelet is gone:
    # the workers' callbacks on them go with the workers, not to keep them.
    names = [f"web-{i}" for i in range(3)]
    async with Cluster(nodes=2, clock="virtual") as cluster:
        for name in names:
            await cluster.client.create(
                Pod(
                    metadata=ObjectMeta(name=name, namespace="default"),
                    spec=PodSpec(
                        node_name="node-1", containers=[Container(name="app", image="nginx")]
                    ),
                )
            )
        await cluster.settle(horizon=60)
        runtime = cluster.runtime("node-1")
        assert _exit_waits(runtime) == len(names)
        await cluster.stop_node("node-1")
        await cluster.settle(horizon=1)
        assert len(await runtime.list_containers(state=ContainerState.RUNNING)) == len(names)
        assert _exit_waits(runtime) == 0
