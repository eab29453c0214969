"""Deployments end to end: the real scheduler places the Pods, the real kubelets run them on
the fake runtime, and everything happens on virtual time, so durations are exact."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import anyio

from kube_actors import Cluster
from kube_actors.actors import monotonic
from kube_actors.api import (
    Deployment,
    Event,
    Node,
    Pod,
    ReplicaSet,
    get_condition,
    is_pod_active,
    is_pod_ready,
)
from kube_actors.controllers.deployment import _util as util
from kube_actors.kubectl import rollback

from ._workloads import NS, PodWatch, advance, deployment, live, pods_of


async def get_d(cluster: Cluster, name: str = "web") -> Deployment:
    return await cluster.client.get(Deployment, name, namespace=NS)


async def replica_sets(cluster: Cluster) -> list[ReplicaSet]:
    return sorted(await cluster.client.list(ReplicaSet, namespace=NS), key=util.revision)


async def set_image(cluster: Cluster, image: str, name: str = "web") -> None:
    """``kubectl set image``: a strategic merge patch of the one container."""
    containers = [{"name": "app", "image": image}]
    patch = {"spec": {"template": {"spec": {"containers": containers}}}}
    await cluster.client.patch(Deployment, name, patch, namespace=NS, patch_type="strategic")


async def scale(cluster: Cluster, replicas: int, name: str = "web") -> None:
    await cluster.client.patch(Deployment, name, {"spec": {"replicas": replicas}}, namespace=NS)


def condition(d: Deployment, kind: str) -> tuple[str, str]:
    found = get_condition(d.status.conditions, kind)
    assert found is not None, f"no {kind} condition"
    return found.status, found.reason


def images(pods: list[Pod]) -> list[str]:
    return sorted(p.spec.containers[0].image for p in pods)


async def test_a_deployment_of_two_becomes_available_on_real_nodes() -> None:
    async with Cluster(nodes=3, seed=1) as cluster:
        await cluster.client.create(deployment(replicas=2))
        await cluster.settle()
        d = await get_d(cluster)
        assert condition(d, "Available") == ("True", "MinimumReplicasAvailable")
        assert condition(d, "Progressing") == ("True", "NewReplicaSetAvailable")
        assert (d.status.replicas, d.status.ready_replicas, d.status.available_replicas) == (
            2,
            2,
            2,
        )
        pods = await pods_of(cluster, "web")
        nodes = {n.metadata.name for n in await cluster.client.list(Node)}
        assert len(pods) == 2
        for pod in pods:
            assert pod.spec.node_name in nodes
            assert pod.status.phase == "Running"
            assert is_pod_ready(pod)
            assert pod.status.pod_ip
            assert pod.status.host_ip
        assert monotonic() == 0.0  # the fake runtime starts containers at once


async def test_scaling_a_deployment_to_five_spreads_the_new_pods_over_the_nodes() -> None:
    async with Cluster(nodes=3, seed=2) as cluster:
        await cluster.client.create(deployment(replicas=2))
        await cluster.settle()
        await scale(cluster, 5)
        await cluster.settle()
        d = await get_d(cluster)
        assert (d.status.replicas, d.status.available_replicas) == (5, 5)
        pods = await pods_of(cluster, "web")
        assert len(pods) == 5
        assert all(is_pod_ready(p) for p in pods)
        assert len({p.spec.node_name for p in pods}) == 3
        (rs,) = await replica_sets(cluster)
        assert util.spec_replicas(rs) == 5
        await scale(cluster, 1)
        await cluster.settle(horizon=60)
        assert len(await pods_of(cluster, "web")) == 1


async def test_a_rolling_update_stays_within_max_surge_and_max_unavailable_at_every_step() -> None:
    seen: list[tuple[int, int]] = []
    done: list[float] = []

    def check(pods: Mapping[str, Pod]) -> None:
        current = [p for p in pods.values() if is_pod_active(p)]
        available = [p for p in current if is_pod_ready(p)]
        seen.append((len(current), len(available)))
        if images(available) == ["nginx:2.0"] * 4 and len(pods) == 4 and not done:
            done.append(monotonic())
        assert len(current) <= 4 + 1, f"more than replicas + maxSurge: {len(current)}"
        assert len(available) >= 4 - 1, f"fewer than replicas - maxUnavailable: {len(available)}"

    async with Cluster(nodes=3, seed=3) as cluster:
        web = deployment(
            replicas=4,
            max_surge=1,
            max_unavailable=1,
            script={"ready-after": "5s"},
            ready_probe=True,
        )
        await cluster.client.create(web)
        await advance(cluster, 10)
        assert len([p for p in await pods_of(cluster, "web") if is_pod_ready(p)]) == 4
        watch = PodWatch(check)
        async with anyio.create_task_group() as group:
            await watch.start(cluster, group, "web")
            await cluster.settle()
            started = monotonic()
            await set_image(cluster, "nginx:2.0")
            await cluster.settle(horizon=120)
            group.cancel_scope.cancel()
        # Two waves of Pods that take 5 s to be ready: (1 + 1) surged and unavailable, then 2.
        assert done == [started + 10.0]
        assert max(total for total, _ in seen) == 5
        assert min(available for _, available in seen) == 3
        d = await get_d(cluster)
        assert condition(d, "Progressing") == ("True", "NewReplicaSetAvailable")
        pods = await pods_of(cluster, "web")
        assert images(pods) == ["nginx:2.0"] * 4
        old, new = await replica_sets(cluster)
        assert (util.spec_replicas(old), util.spec_replicas(new)) == (0, 4)
        assert watch.events > 20


async def test_recreate_starts_no_new_pod_while_an_old_one_is_left() -> None:
    def check(pods: Mapping[str, Pod]) -> None:
        found = set(images(list(pods.values())))
        assert found != {"nginx:1.0", "nginx:2.0"}, "old and new Pods at the same time"

    async with Cluster(nodes=3, seed=4) as cluster:
        await cluster.client.create(deployment(replicas=3, strategy="Recreate"))
        await cluster.settle()
        watch = PodWatch(check)
        async with anyio.create_task_group() as group:
            await watch.start(cluster, group, "web")
            await set_image(cluster, "nginx:2.0")
            await cluster.settle()
            group.cancel_scope.cancel()
        pods = await pods_of(cluster, "web")
        assert images(pods) == ["nginx:2.0"] * 3
        assert all(is_pod_ready(p) for p in pods)
        assert condition(await get_d(cluster), "Available") == ("True", "MinimumReplicasAvailable")
        assert watch.events >= 9  # three Pods deleted, three created, each then running


async def test_a_rollback_restores_the_previous_template_at_a_new_revision() -> None:
    async with Cluster(nodes=3, seed=5) as cluster:
        await cluster.client.create(deployment(replicas=3))
        await cluster.settle()
        await set_image(cluster, "nginx:2.0")
        await cluster.settle()
        assert images(await pods_of(cluster, "web")) == ["nginx:2.0"] * 3
        await rollback(cluster.client, "web", NS)
        await cluster.settle()
        pods = await pods_of(cluster, "web")
        assert images(pods) == ["nginx:1.0"] * 3
        assert all(is_pod_ready(p) for p in pods)
        first, second = await replica_sets(cluster)
        assert first.spec.template.spec.containers[0].image == "nginx:2.0"
        assert (util.revision(first), util.spec_replicas(first)) == (2, 0)
        assert (util.revision(second), util.spec_replicas(second)) == (3, 3)
        assert second.metadata.annotations["deployment.kubernetes.io/revision-history"] == "1"
        d = await get_d(cluster)
        assert d.metadata.annotations["deployment.kubernetes.io/revision"] == "3"


async def test_a_paused_deployment_rolls_out_nothing_until_resumed() -> None:
    async with Cluster(nodes=3, seed=6) as cluster:
        await cluster.client.create(deployment(replicas=3))
        await cluster.settle()
        await cluster.client.patch(Deployment, "web", {"spec": {"paused": True}}, namespace=NS)
        await set_image(cluster, "nginx:2.0")
        await scale(cluster, 4)
        await advance(cluster, 60)
        assert images(await pods_of(cluster, "web")) == ["nginx:1.0"] * 4
        assert len(await replica_sets(cluster)) == 1
        assert condition(await get_d(cluster), "Progressing") == ("Unknown", "DeploymentPaused")
        await cluster.client.patch(Deployment, "web", {"spec": {"paused": False}}, namespace=NS)
        await cluster.settle()
        assert images(await pods_of(cluster, "web")) == ["nginx:2.0"] * 4
        assert condition(await get_d(cluster), "Progressing") == ("True", "NewReplicaSetAvailable")


async def test_a_pod_that_never_becomes_ready_exceeds_the_progress_deadline_at_600_s() -> None:
    async with Cluster(nodes=3, seed=7) as cluster:
        never = deployment(replicas=1, script={"ready-after": "10h"}, ready_probe=True)
        await cluster.client.create(never)
        await cluster.settle()
        (pod,) = await pods_of(cluster, "web")
        assert pod.status.phase == "Running"
        assert not is_pod_ready(pod)
        await advance(cluster, 599)
        assert condition(await get_d(cluster), "Progressing") == ("True", "ReplicaSetUpdated")
        await advance(cluster, 1)
        d = await get_d(cluster)
        assert condition(d, "Progressing") == ("False", "ProgressDeadlineExceeded")
        assert condition(d, "Available") == ("False", "MinimumReplicasUnavailable")
        progressing = get_condition(d.status.conditions, "Progressing")
        assert progressing is not None
        assert (
            progressing.message == f'ReplicaSet "{pod.metadata.owner_references[0].name}" '
            "has timed out progressing."
        )


async def test_pods_count_as_available_min_ready_seconds_after_they_became_ready() -> None:
    async with Cluster(nodes=3, seed=8) as cluster:
        await cluster.client.create(deployment(replicas=2, min_ready_seconds=10))
        await cluster.settle()
        await advance(cluster, 9)
        d = await get_d(cluster)
        assert (d.status.ready_replicas, d.status.available_replicas) == (2, 0)
        assert condition(d, "Available") == ("False", "MinimumReplicasUnavailable")
        await advance(cluster, 1)
        d = await get_d(cluster)
        assert (d.status.ready_replicas, d.status.available_replicas) == (2, 2)
        assert condition(d, "Available") == ("True", "MinimumReplicasAvailable")


async def test_a_deleted_pod_is_replaced_by_its_replica_set() -> None:
    async with Cluster(nodes=3, seed=9) as cluster:
        await cluster.client.create(deployment(replicas=2))
        await cluster.settle()
        victim, survivor = await pods_of(cluster, "web")
        await cluster.client.delete(Pod, victim.metadata.name, namespace=NS)
        await cluster.settle()
        pods = await pods_of(cluster, "web")
        names = {p.metadata.name for p in pods}
        assert len(pods) == 2
        assert victim.metadata.name not in names
        assert survivor.metadata.name in names
        assert all(is_pod_ready(p) for p in pods)
        d = await get_d(cluster)
        assert d.status.available_replicas == 2


async def test_pods_of_a_stopped_node_are_evicted_after_50_plus_300_s_and_replaced_elsewhere() -> (
    None
):
    async with Cluster(nodes=3, seed=10) as cluster:
        await cluster.client.create(deployment(replicas=3))
        await cluster.settle()
        pods = await pods_of(cluster, "web")
        lost = pods[0].spec.node_name
        stranded = {p.metadata.name for p in pods if p.spec.node_name == lost}
        await asyncio.sleep(5)  # its last heartbeat was at 0 s
        await cluster.stop_node(lost)
        await advance(cluster, 344)
        pods = await pods_of(cluster, "web")
        assert len(pods) == 3
        assert all(p.metadata.deletion_timestamp is None for p in pods)
        await advance(cluster, 1)
        assert monotonic() == 350.0
        pods = await pods_of(cluster, "web")
        evicted = [p for p in pods if p.metadata.name in stranded]
        assert evicted
        assert all(p.metadata.deletion_timestamp is not None for p in evicted)
        for p in evicted:  # marked as Kubernetes' taint eviction controller marks them
            target = get_condition(p.status.conditions, "DisruptionTarget")
            assert target is not None
            assert target.status == "True"
            assert target.reason == "DeletionByTaintManager"
        events = await cluster.client.list(Event, namespace=NS)
        marked = [e for e in events if e.reason == "TaintManagerEviction"]
        assert {e.involved_object.name for e in marked} == stranded
        assert {e.source.component for e in marked if e.source} == {"taint-eviction-controller"}
        replacements = live(pods)
        assert len(replacements) == 3
        assert all(p.spec.node_name != lost and is_pod_ready(p) for p in replacements)
        assert (await get_d(cluster)).status.available_replicas == 3
