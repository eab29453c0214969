"""The ReplicaSet controller, on virtual time, through the real apiserver.

The tests play the scheduler and the kubelet (``_kubelet``): after ``settle()`` they bind
Pods, report them Running and Ready, and end graceful deletions.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import attrs

from kube_actors.actors import wall_clock
from kube_actors.api import (
    Container,
    Event,
    KindInfo,
    LabelSelector,
    ObjectMeta,
    OwnerReference,
    Pod,
    PodSpec,
    PodTemplateSpec,
    ReplicaSet,
    ReplicaSetSpec,
    controller_of,
    get_condition,
)
from kube_actors.apiserver import DEFAULT_PLUGINS, Lookup, Operation
from kube_actors.cluster import Cluster
from kube_actors.controllers.replicaset import slow_start_batch
from kube_actors.errors import Forbidden

from . import _fake_kubelet as kubelet

NS = "default"


def replica_set(
    name: str = "web",
    replicas: int = 3,
    *,
    app: str = "web",
    min_ready_seconds: int = 0,
    owner: OwnerReference | None = None,
) -> ReplicaSet:
    labels = {"app": app}
    return ReplicaSet(
        metadata=ObjectMeta(
            name=name, namespace=NS, owner_references=(owner,) if owner is not None else ()
        ),
        spec=ReplicaSetSpec(
            replicas=replicas,
            min_ready_seconds=min_ready_seconds,
            selector=LabelSelector(match_labels=labels),
            template=PodTemplateSpec(
                metadata=ObjectMeta(labels=labels),
                spec=PodSpec(containers=[Container(name="app", image="nginx")]),
            ),
        ),
    )


def cluster(**options: Any) -> Cluster:
    return Cluster(scheduler=False, controllers=["replicaset"], seed=7, **options)


async def live_pods(c: Cluster, app: str = "web") -> list[Pod]:
    pods = await c.client.list(Pod, namespace=NS, label_selector={"app": app})
    return [p for p in pods if p.metadata.deletion_timestamp is None]


async def get_rs(c: Cluster, name: str = "web") -> ReplicaSet:
    return await c.client.get(ReplicaSet, name, namespace=NS)


async def scale(c: Cluster, replicas: int, name: str = "web") -> None:
    await c.client.patch(ReplicaSet, name, {"spec": {"replicas": replicas}}, namespace=NS)


async def events(c: Cluster, reason: str) -> list[str]:
    found = [e for e in await c.client.list(Event, namespace=NS) if e.reason == reason]
    return sorted(e.message for e in found)


# ------------------------------------------------------------------------- replicas


async def test_a_replica_set_creates_its_pods_named_after_it_and_controlled_by_it() -> None:
    async with cluster() as c:
        rs = await c.client.create(replica_set(replicas=3))
        await c.settle()
        pods = await live_pods(c)
        assert len(pods) == 3
        for pod in pods:
            assert pod.metadata.name.startswith("web-")
            assert len(pod.metadata.name) == len("web-") + 5
            ref = controller_of(pod)
            assert ref is not None
            assert (ref.kind, ref.name, ref.uid) == ("ReplicaSet", "web", rs.metadata.uid)
            assert pod.metadata.labels == {"app": "web"}
        assert await events(c, "SuccessfulCreate") == sorted(
            f"Created pod: {p.metadata.name}" for p in pods
        )
        status = (await get_rs(c)).status
        assert (status.replicas, status.fully_labeled_replicas, status.ready_replicas) == (3, 3, 0)
        assert status.observed_generation == 1


async def test_a_deleted_pod_is_replaced() -> None:
    async with cluster() as c:
        await c.client.create(replica_set(replicas=2))
        await c.settle()
        await kubelet.run_all(c.client)
        await c.settle()
        victim = (await live_pods(c))[0]
        await c.client.delete(Pod, victim.metadata.name, namespace=NS)
        await c.settle()  # the deletion has begun: replaced at once, before the Pod is gone
        pods = await live_pods(c)
        assert len(pods) == 2
        assert victim.metadata.name not in {p.metadata.name for p in pods}
        await kubelet.finish_deletions(c.client)
        await c.settle()
        assert len(await c.client.list(Pod, namespace=NS)) == 2


async def test_scaling_up_and_down_and_the_observed_generation() -> None:
    async with cluster() as c:
        await c.client.create(replica_set(replicas=1))
        await c.settle()
        await scale(c, 4)
        await c.settle()
        assert len(await live_pods(c)) == 4
        await scale(c, 2)
        await c.settle()
        assert len(await live_pods(c)) == 2  # unscheduled Pods go at once
        rs = await get_rs(c)
        assert (rs.metadata.generation, rs.status.observed_generation) == (3, 3)
        assert rs.status.replicas == 2
        kept = {p.metadata.name for p in await live_pods(c)}
        deleted = await events(c, "SuccessfulDelete")
        assert len(deleted) == 2
        assert all(m.startswith("Deleted pod: web-") and m[13:] not in kept for m in deleted)


async def test_slow_start_runs_batches_of_1_2_4_and_stops_after_a_failing_batch() -> None:
    calls: list[int] = []

    async def create() -> None:
        calls.append(len(calls))
        number = len(calls)
        await asyncio.sleep(0)
        if number == 5:
            raise Forbidden("exceeded quota", kind="Pod")

    successes, error = await slow_start_batch(20, 1, create)
    assert (len(calls), successes) == (7, 6)  # the batch of 4 runs out; no batch of 8
    assert isinstance(error, Forbidden)
    calls.clear()
    assert await slow_start_batch(20, 1, lambda: asyncio.sleep(0)) == (20, None)


async def test_a_failing_creation_sets_replica_failure_until_creations_succeed_again() -> None:
    refusing = {"on": True}

    def quota(operation: Operation, info: KindInfo, obj: Any, old: Any, lookup: Lookup) -> Any:
        if operation == "CREATE" and isinstance(obj, Pod) and refusing["on"]:
            raise Forbidden('pods "web-" is forbidden: exceeded quota: pods', kind="Pod")
        return obj

    async with cluster(admission=(*DEFAULT_PLUGINS, quota)) as c:
        await c.client.create(replica_set(replicas=20))
        await c.settle()
        assert await live_pods(c) == []
        rs = await get_rs(c)
        failure = get_condition(rs.status.conditions, "ReplicaFailure")
        assert failure is not None
        assert (failure.status, failure.reason) == ("True", "FailedCreate")
        assert failure.message == 'pods "web-" is forbidden: exceeded quota: pods'
        failed = [e for e in await c.client.list(Event, namespace=NS) if e.reason == "FailedCreate"]
        assert [(e.type, e.message) for e in failed] == [
            ("Warning", 'Error creating: pods "web-" is forbidden: exceeded quota: pods')
        ]
        assert failed[0].count > 1  # each retry failed again: folded into one Event
        refusing["on"] = False
        await c.settle(horizon=1000)  # the next rate-limited retry
        assert len(await live_pods(c)) == 20
        rs = await get_rs(c)
        assert get_condition(rs.status.conditions, "ReplicaFailure") is None


async def test_a_slow_pod_watch_never_causes_a_second_round_of_creations() -> None:
    async with cluster() as c:
        await c.client.create(replica_set(name="warmup", app="warmup", replicas=0))
        await c.settle()
        pod_informer = c.system.lookup("informers/pods")
        await c.system.stop(pod_informer)  # the controller's Pod cache stands still
        await c.client.create(replica_set(replicas=3))
        await c.settle()
        assert len(await live_pods(c)) == 3
        for round_ in range(3):  # the ReplicaSet changes: reconciled on a stale Pod cache
            await c.client.patch(
                ReplicaSet, "web", {"metadata": {"labels": {"round": str(round_)}}}, namespace=NS
            )
            await c.settle()
        assert len(await live_pods(c)) == 3
        informers = c._informers
        assert informers is not None
        await informers.start(c.system)  # the watch catches up
        await c.settle()
        assert len(await live_pods(c)) == 3
        assert (await get_rs(c)).status.replicas == 3


# ------------------------------------------------------------------- ownership


async def test_a_matching_orphan_is_adopted_and_counts_toward_the_replicas() -> None:
    async with cluster() as c:
        orphan = await c.client.create(
            Pod(
                metadata=ObjectMeta(name="stray", namespace=NS, labels={"app": "web"}),
                spec=PodSpec(containers=[Container(name="app", image="nginx")]),
            )
        )
        rs = await c.client.create(replica_set(replicas=2))
        await c.settle()
        pods = await live_pods(c)
        assert len(pods) == 2
        adopted = await c.client.get(Pod, "stray", namespace=NS)
        ref = controller_of(adopted)
        assert ref is not None
        assert ref.uid == rs.metadata.uid
        assert adopted.metadata.uid == orphan.metadata.uid


async def test_a_pod_relabelled_out_of_the_selector_is_released_and_replaced() -> None:
    async with cluster() as c:
        await c.client.create(replica_set(replicas=2))
        await c.settle()
        pod = (await live_pods(c))[0]
        await c.client.patch(
            Pod, pod.metadata.name, {"metadata": {"labels": {"app": "debug"}}}, namespace=NS
        )
        await c.settle()
        released = await c.client.get(Pod, pod.metadata.name, namespace=NS)
        assert released.metadata.owner_references == ()
        assert len(await live_pods(c)) == 2


async def test_pods_of_another_controller_are_left_alone() -> None:
    async with cluster() as c:
        await c.client.create(replica_set(name="a", replicas=1))
        await c.settle()
        await c.client.create(replica_set(name="b", replicas=1))
        await c.settle()
        pods = await live_pods(c)
        assert sorted(controller_of(p).name for p in pods) == ["a", "b"]  # type: ignore[union-attr]


# -------------------------------------------------------------------- scale down


async def test_scale_down_deletes_unscheduled_then_pending_then_not_ready_pods() -> None:
    async with cluster() as c:
        await c.client.create(replica_set(replicas=4))
        await c.settle()
        ready, not_ready, pending, unscheduled = await live_pods(c)
        await kubelet.run(c.client, [ready])
        await kubelet.start(c.client, await kubelet.bind(c.client, not_ready, "n1"), ready=False)
        await kubelet.bind(c.client, pending, "n1")
        await c.settle()
        order: list[str] = []
        for replicas in (3, 2, 1):
            before = {p.metadata.name for p in await live_pods(c)}
            await scale(c, replicas)
            await c.settle()
            after = {p.metadata.name for p in await live_pods(c)}
            order.extend(before - after)
        names = [p.metadata.name for p in (unscheduled, pending, not_ready)]
        assert order == names
        assert [p.metadata.name for p in await live_pods(c)] == [ready.metadata.name]


async def test_scale_down_honours_the_pod_deletion_cost() -> None:
    async with cluster() as c:
        await c.client.create(replica_set(replicas=3))
        await c.settle()
        pods = await kubelet.run(c.client, await live_pods(c))
        costs = {
            pods[0].metadata.name: "10",
            pods[1].metadata.name: "-5",
            pods[2].metadata.name: "3",
        }
        for name, cost in costs.items():
            annotation = {"controller.kubernetes.io/pod-deletion-cost": cost}
            await c.client.patch(Pod, name, {"metadata": {"annotations": annotation}}, namespace=NS)
        await c.settle()
        await scale(c, 1)
        await c.settle()
        assert [p.metadata.name for p in await live_pods(c)] == [pods[0].metadata.name]


async def test_scale_down_empties_the_most_crowded_node_first() -> None:
    owner = OwnerReference(
        api_version="apps/v1", kind="Deployment", name="web", uid="d-1", controller=True
    )
    async with cluster() as c:
        await c.client.create(replica_set(replicas=4, owner=owner))
        await c.settle()
        pods = await live_pods(c)
        await kubelet.run(c.client, pods[:1], node="quiet")
        await kubelet.run(c.client, pods[1:], node="crowded")
        await c.settle()
        await scale(c, 2)
        await c.settle()
        nodes = sorted(p.spec.node_name for p in await live_pods(c))
        assert nodes == ["crowded", "quiet"]


async def test_scale_down_deletes_the_newest_of_equivalent_pods() -> None:
    async with cluster() as c:
        await c.client.create(replica_set(replicas=1))
        await c.settle()
        oldest = (await live_pods(c))[0]
        await asyncio.sleep(3600)
        await scale(c, 2)
        await c.settle()
        newest = next(p for p in await live_pods(c) if p.metadata.name != oldest.metadata.name)
        # Both became ready at the same moment, on nodes of their own.
        await kubelet.run(c.client, [oldest], node="n1")
        await kubelet.run(c.client, [newest], node="n2")
        await c.settle()
        await asyncio.sleep(60)
        await scale(c, 1)
        await c.settle()
        assert [p.metadata.name for p in await live_pods(c)] == [oldest.metadata.name]


# ------------------------------------------------------------------------- status


async def test_ready_pods_become_available_exactly_min_ready_seconds_later() -> None:
    async with cluster() as c:
        await c.client.create(replica_set(replicas=2, min_ready_seconds=30))
        await c.settle()
        await kubelet.run_all(c.client)
        became_ready = wall_clock()
        await c.settle()
        status = (await get_rs(c)).status
        assert (status.ready_replicas, status.available_replicas) == (2, 0)
        await asyncio.sleep(30 - (wall_clock() - became_ready).total_seconds() - 0.001)
        await c.settle()
        assert (await get_rs(c)).status.available_replicas == 0
        await asyncio.sleep(0.001)
        await c.settle()
        rs = await get_rs(c)
        assert (rs.status.ready_replicas, rs.status.available_replicas) == (2, 2)
        assert wall_clock() - became_ready == dt.timedelta(seconds=30)


async def test_status_counts_only_fully_labelled_ready_pods_it_claims() -> None:
    async with cluster() as c:
        rs = replica_set(replicas=2)
        template = attrs.evolve(
            rs.spec.template,
            metadata=ObjectMeta(labels={"app": "web", "tier": "front"}),
        )
        await c.client.create(attrs.evolve(rs, spec=attrs.evolve(rs.spec, template=template)))
        await c.settle()
        pod = (await live_pods(c))[0]
        await c.client.patch(
            Pod, pod.metadata.name, {"metadata": {"labels": {"tier": None}}}, namespace=NS
        )
        await kubelet.run(c.client, [pod])
        await c.settle()
        status = (await get_rs(c)).status
        assert (status.replicas, status.fully_labeled_replicas) == (2, 1)
        assert (status.ready_replicas, status.available_replicas) == (1, 1)
