"""A Pod's slow start does not hold up the other Pods of the same kubelet."""

from __future__ import annotations

import anyio

from kube_actors import Cluster
from kube_actors.api import ContainerStatus, Pod

from ._pods import pod


async def test_a_slow_container_start_does_not_delay_another_pod_on_the_node() -> None:
    async with Cluster(nodes=2, controllers=()) as cluster:
        await cluster.client.create(pod("slow", script={"app.start-latency": "60s"}))
        await cluster.client.create(pod("quick"))
        await cluster.settle(horizon=5)
        quick = await cluster.client.get(Pod, "quick", namespace="default")
        slow = await cluster.client.get(Pod, "slow", namespace="default")
        assert quick.status.phase == "Running"
        assert slow.status.phase == "Pending"
        await cluster.settle(horizon=120)
        slow = await cluster.client.get(Pod, "slow", namespace="default")
        assert slow.status.phase == "Running"


async def test_a_starting_container_shows_container_creating_until_it_runs() -> None:
    async with Cluster(nodes=2, controllers=()) as cluster:
        await cluster.client.create(pod("slow", script={"app.start-latency": "60s"}))
        await cluster.settle(horizon=5)
        slow = await cluster.client.get(Pod, "slow", namespace="default")
        assert slow.status.phase == "Pending"
        [status] = slow.status.container_statuses
        assert status.state.waiting is not None
        assert status.state.waiting.reason == "ContainerCreating"
        assert (status.ready, status.started, status.restart_count) == (False, False, 0)
        await cluster.settle(horizon=120)
        slow = await cluster.client.get(Pod, "slow", namespace="default")
        [status] = slow.status.container_statuses
        assert status.state.running is not None


async def test_containers_that_start_at_once_are_reported_once_already_running() -> None:
    """The status manager writes the newest status it holds (#20): a Pod whose containers
    start without delay gets one status write, Running; a slow start shows ContainerCreating
    first (the test above)."""
    async with Cluster(nodes=2, controllers=()) as cluster:
        created = await cluster.client.create(pod("quick"))
        stream = await cluster.client.watch(
            Pod, namespace="default", resource_version=created.metadata.resource_version
        )
        statuses: list[list[str]] = []

        async def follow() -> None:
            async for event in stream:
                if event.obj is not None and event.obj.status.container_statuses:
                    statuses.append([_state(s) for s in event.obj.status.container_statuses])

        async with anyio.create_task_group() as group:
            group.start_soon(follow)
            await cluster.settle(horizon=5)
            group.cancel_scope.cancel()
        stream.close()
        assert statuses == [["running"]]


def _state(status: ContainerStatus) -> str:
    state = status.state
    if state.waiting is not None:
        return f"waiting:{state.waiting.reason}"
    return "running" if state.running is not None else "terminated"
