"""DaemonSets follow the nodes, StatefulSets start in order: both with the real scheduler and
kubelets, on virtual time."""

from __future__ import annotations

from collections.abc import Mapping

import anyio

from kube_actors import Cluster
from kube_actors.actors import monotonic
from kube_actors.api import DaemonSet, Pod, StatefulSet, is_pod_active, is_pod_ready

from ._workloads import NS, PodWatch, advance, daemonset, pods_of, statefulset


async def get_ds(cluster: Cluster) -> DaemonSet:
    return await cluster.client.get(DaemonSet, "agent", namespace=NS)


def placement(pods: list[Pod]) -> dict[str, str]:
    """Node -> the daemon Pod on it."""
    return {p.spec.node_name: p.metadata.name for p in pods}


async def test_a_daemon_set_runs_one_pod_on_every_node_and_on_each_node_that_joins() -> None:
    async with Cluster(nodes=3, seed=21) as cluster:
        await cluster.client.create(daemonset())
        await cluster.settle()
        pods = await pods_of(cluster, "agent")
        assert sorted(placement(pods)) == sorted(cluster.nodes)
        assert all(is_pod_ready(p) for p in pods)
        new = await cluster.add_node()
        await cluster.settle()
        pods = await pods_of(cluster, "agent")
        assert sorted(placement(pods)) == sorted(cluster.nodes)
        assert new in placement(pods)
        ds = await get_ds(cluster)
        status = ds.status
        assert (status.desired_number_scheduled, status.current_number_scheduled) == (4, 4)
        assert (status.number_ready, status.number_available) == (4, 4)


async def test_a_daemon_pod_stays_on_its_stopped_node_and_runs_again_when_it_returns() -> None:
    async with Cluster(nodes=3, seed=22) as cluster:
        await cluster.client.create(daemonset())
        await cluster.settle()
        before = placement(await pods_of(cluster, "agent"))
        await cluster.stop_node("node-1")
        # Unknown after 50 s, yet the daemon Pods tolerate unreachable nodes: no eviction.
        await advance(cluster, 400)
        pods = await pods_of(cluster, "agent")
        assert placement(pods) == before
        assert all(p.metadata.deletion_timestamp is None for p in pods)
        await cluster.start_node("node-1")
        await cluster.settle(horizon=10)  # the node lifecycle controller lifts the taints
        pods = await pods_of(cluster, "agent")
        assert placement(pods) == before
        assert all(is_pod_ready(p) for p in pods)
        assert (await get_ds(cluster)).status.number_available == 3


async def test_an_ordered_ready_stateful_set_starts_each_pod_once_the_one_before_is_ready() -> None:
    created: dict[str, float] = {}

    def check(pods: Mapping[str, Pod]) -> None:
        current = sorted((p for p in pods.values() if is_pod_active(p)), key=ordinal)
        for name in pods:
            created.setdefault(name, monotonic())
        assert [ordinal(p) for p in current] == list(range(len(current))), "not a prefix"
        assert all(is_pod_ready(p) for p in current[:-1]), (
            "a Pod started before its elder was ready"
        )

    async with Cluster(nodes=3, seed=23) as cluster:
        watch = PodWatch(check)
        async with anyio.create_task_group() as group:
            await watch.start(cluster, group, "db")
            sts = statefulset(replicas=3, script={"ready-after": "5s"}, ready_probe=True)
            await cluster.client.create(sts)
            await advance(cluster, 20)
            assert created == {"db-0": 0.0, "db-1": 5.0, "db-2": 10.0}
            pods = await pods_of(cluster, "db")
            assert [p.metadata.name for p in pods] == ["db-0", "db-1", "db-2"]
            assert all(is_pod_ready(p) for p in pods)
            current = await cluster.client.get(StatefulSet, "db", namespace=NS)
            assert (current.status.replicas, current.status.ready_replicas) == (3, 3)
            # Scaling down removes the highest ordinal first, one at a time.
            await cluster.client.patch(StatefulSet, "db", {"spec": {"replicas": 1}}, namespace=NS)
            await cluster.settle()
            group.cancel_scope.cancel()
        assert [p.metadata.name for p in await pods_of(cluster, "db")] == ["db-0"]


def ordinal(pod: Pod) -> int:
    return int(pod.metadata.name.rsplit("-", 1)[1])
