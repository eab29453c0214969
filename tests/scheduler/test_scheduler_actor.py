"""The Scheduler actor in a cluster: pods created through the apiserver get bound, failures
are told as Kubernetes tells them."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from typing import TypeVar

from structlog.testing import capture_logs

from kube_actors import Cluster
from kube_actors.actors import ActorRef, wall_clock
from kube_actors.api import (
    Binding,
    Create,
    CreateEach,
    Event,
    EventSource,
    ObjectMeta,
    ObjectReference,
    Pod,
    PriorityClass,
    Taint,
    get_condition,
)
from kube_actors.client import Client
from kube_actors.errors import ApiError, Conflict, Forbidden
from kube_actors.scheduler import Scheduler, SchedulerSettings

from ._builders import node, pod

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

T = TypeVar("T")


async def _cluster_with_scheduler(
    cluster: Cluster, settings: SchedulerSettings | None = None
) -> None:
    client = cluster.client
    await cluster.system.spawn(lambda: Scheduler(client, settings), name="test-scheduler")


async def test_pods_created_through_the_apiserver_are_bound_to_nodes_that_fit() -> None:
    async with Cluster(scheduler=False, seed=1) as cluster:
        await _cluster_with_scheduler(cluster)
        for i in range(3):
            await cluster.client.create(node(f"n{i}", cpu="1"))
        for i in range(6):
            await cluster.client.create(pod(f"p{i}", cpu="300m"))
        await cluster.settle()
        pods = await cluster.client.list(Pod, namespace="default")
        assert all(p.spec.node_name for p in pods)
        per_node: dict[str, int] = {}
        for p in pods:
            per_node[p.spec.node_name] = per_node.get(p.spec.node_name, 0) + 1
            scheduled = get_condition(p.status.conditions, "PodScheduled")
            assert scheduled is not None
            assert scheduled.status == "True"
        assert max(per_node.values()) <= 3  # 3 x 300m fit in one CPU
        events = await cluster.client.list(Event, namespace="default")
        assert sum(e.reason == "Scheduled" for e in events) == 6


async def test_scheduled_events_are_named_and_stamped_at_the_instant_of_their_binding() -> None:
    # The name's time part and the whole-second timestamps are worked out once per instant:
    # a later instant's Events must carry the later instant, not the first one's.
    async with Cluster(scheduler=False, seed=1) as cluster:
        await _cluster_with_scheduler(cluster)
        await cluster.client.create(node("n1"))
        instants: list[dt.datetime] = []
        for wave in range(2):
            for i in range(3):
                await cluster.client.create(pod(f"w{wave}-{i}"))
            await cluster.settle()
            instants.append(wall_clock())
            await asyncio.sleep(1.5)
        events = await cluster.client.list(Event, namespace="default")
        scheduled = [e for e in events if e.reason == "Scheduled"]
        assert len(scheduled) == 6
        for event in scheduled:
            pod_name, _, nanos = event.metadata.name.partition(".")
            assert pod_name == event.involved_object.name
            instant = _EPOCH + dt.timedelta(microseconds=int(nanos, 16) // 1000)
            assert event.first_timestamp == event.last_timestamp == instant.replace(microsecond=0)
            wave = int(pod_name[1])
            assert instant <= instants[wave]
            assert wave == 0 or instant > instants[0]


async def test_a_batch_of_bindings_sends_its_scheduled_events_together() -> None:
    # Each Event is still a create of its own, with Kubernetes' content; the scheduler sends
    # those of bindings that end together in one message rather than one round trip each.
    async with Cluster(scheduler=False, seed=1, trace=True) as cluster:
        await _cluster_with_scheduler(cluster)
        await cluster.client.create(node("n1"))
        await cluster.settle()
        trace = cluster.system.trace
        assert trace is not None
        start = len(trace)
        await asyncio.gather(*(cluster.client.create(pod(f"p{i}")) for i in range(6)))
        await cluster.settle()
        sent = [
            r.message
            for r in trace.records[start:]
            if r.sender == "test-scheduler" and r.receiver == "kube-apiserver"
        ]
        together = [m.objs for m in sent if isinstance(m, CreateEach)]
        assert [len(objs) for objs in together] == [6]
        assert not any(isinstance(m, Create) and isinstance(m.obj, Event) for m in sent)
        pods = {p.metadata.name: p for p in await cluster.client.list(Pod, namespace="default")}
        events = await cluster.client.list(Event, namespace="default")
        scheduled = [e for e in events if e.reason == "Scheduled"]
        assert sorted(e.involved_object.name for e in scheduled) == sorted(pods)
        for event in scheduled:
            meta = pods[event.involved_object.name].metadata
            assert event.involved_object == ObjectReference(
                api_version="v1", kind="Pod", namespace="default", name=meta.name, uid=meta.uid
            )
            assert event.message == f"Successfully assigned default/{meta.name} to n1"
            assert (event.type, event.count) == ("Normal", 1)
            assert event.source == EventSource(component="default-scheduler")
            assert event.reporting_component == "default-scheduler"


class _RefusingFirstBinding(Client):
    """A client that refuses the first Binding it is asked to create (a Conflict, as the
    apiserver's when it found the Pod changed) without sending it; the rest go through."""

    __slots__ = ("refused",)

    def __init__(self, apiserver: ActorRef) -> None:
        super().__init__(apiserver)
        self.refused: list[str] = []

    def create_nowait(self, obj: T, *, field_manager: str = "") -> asyncio.Future[T] | None:
        if self.refused or not isinstance(obj, Binding):
            return super().create_nowait(obj, field_manager=field_manager)
        self.refused.append(obj.metadata.name)
        refusal: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        refusal.set_exception(Conflict("binding refused"))
        return refusal

    async def create(self, obj: T, *, dry_run: bool = False, field_manager: str = "") -> T:
        if not self.refused and isinstance(obj, Binding):
            self.refused.append(obj.metadata.name)
            raise Conflict("binding refused")
        return await super().create(obj, dry_run=dry_run, field_manager=field_manager)


async def test_a_binding_the_apiserver_refuses_sends_its_pod_back_to_the_queue() -> None:
    # The cache forgets the pod it assumed and the pod goes back to the queue (back-off),
    # to be bound on a later attempt.
    async with Cluster(scheduler=False, seed=1) as cluster:
        scheduler = Scheduler(_RefusingFirstBinding(cluster.apiserver))
        client = scheduler.client
        assert isinstance(client, _RefusingFirstBinding)
        await cluster.system.spawn(lambda: scheduler, name="test-scheduler")
        await cluster.client.create(node("n1"))
        with capture_logs() as logs:
            await cluster.client.create(pod("p0"))
            await cluster.settle(horizon=30)
        assert client.refused == ["p0"]
        failed = [entry for entry in logs if entry["event"] == "pod_binding_failed"]
        assert [(entry["pod"], entry["node"]) for entry in failed] == [("default/p0", "n1")]
        assert "binding refused" in failed[0]["reason"]
        stored = await cluster.client.get(Pod, "p0", namespace="default")
        assert stored.spec.node_name == "n1"
        assert scheduler.statistics().scheduled == 1


class _RefusingEvents(Client):
    """A client whose Event creates all fail (as a recorder's may: a namespace going)."""

    async def create_each(
        self, objs: Sequence[T], *, field_manager: str = ""
    ) -> list[T | ApiError]:
        return [Forbidden("events refused") for _ in objs]


async def test_an_event_the_apiserver_refuses_is_logged_and_the_pod_stays_bound() -> None:
    async with Cluster(scheduler=False, seed=1) as cluster:
        client = _RefusingEvents(cluster.apiserver)
        await cluster.system.spawn(lambda: Scheduler(client), name="test-scheduler")
        await cluster.client.create(node("n1"))
        with capture_logs() as logs:
            await cluster.client.create(pod("p0"))
            await cluster.settle()
        stored = await cluster.client.get(Pod, "p0", namespace="default")
        assert stored.spec.node_name == "n1"
        events = await cluster.client.list(Event, namespace="default")
        assert [e for e in events if e.involved_object.kind == "Pod"] == []
        failed = [entry for entry in logs if entry["event"] == "event_create_failed"]
        assert [entry["pod"] for entry in failed] == ["default/p0"]
        assert "events refused" in failed[0]["error"]


async def test_a_pod_that_fits_nowhere_gets_kubernetes_failed_scheduling_message() -> None:
    async with Cluster(scheduler=False, seed=1) as cluster:
        await _cluster_with_scheduler(cluster)
        control = Taint(key="node-role.kubernetes.io/control-plane", effect="NoSchedule")
        await cluster.client.create(node("cp", taints=[control]))
        await cluster.client.create(node("n1", cpu="1"))
        await cluster.client.create(node("n2", cpu="1"))
        await cluster.client.create(pod("big", cpu="2"))
        await cluster.settle()
        stored = await cluster.client.get(Pod, "big", namespace="default")
        expected = (
            "0/3 nodes are available: 1 node(s) had untolerated taint "
            "{node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. "
            "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
        )
        condition = get_condition(stored.status.conditions, "PodScheduled")
        assert condition is not None
        assert (condition.status, condition.reason) == ("False", "Unschedulable")
        assert condition.message == expected
        events = await cluster.client.list(Event, namespace="default")
        assert [e.message for e in events if e.reason == "FailedScheduling"] == [expected]


async def test_an_unschedulable_pod_is_bound_once_a_node_that_fits_is_added() -> None:
    async with Cluster(scheduler=False, seed=1) as cluster:
        await _cluster_with_scheduler(cluster)
        await cluster.client.create(node("small", cpu="1"))
        await cluster.client.create(pod("big", cpu="2"))
        await cluster.settle()
        assert not (await cluster.client.get(Pod, "big", namespace="default")).spec.node_name
        await cluster.client.create(node("large", cpu="8"))
        await cluster.settle(horizon=15)
        stored = await cluster.client.get(Pod, "big", namespace="default")
        assert stored.spec.node_name == "large"


async def test_preemption_evicts_the_lower_priority_pod_and_nominates_the_node() -> None:
    async with Cluster(scheduler=False, seed=1) as cluster:
        await _cluster_with_scheduler(cluster)
        for name, value in (("low", 1), ("high", 100)):
            await cluster.client.create(PriorityClass(metadata=ObjectMeta(name=name), value=value))
        await cluster.client.create(node("n1", cpu="1"))
        await cluster.client.create(pod("low", cpu="800m", priority_class="low"))
        await cluster.settle()
        await cluster.client.create(pod("high", cpu="800m", priority_class="high"))
        await cluster.settle()
        high = await cluster.client.get(Pod, "high", namespace="default")
        assert high.status.nominated_node_name == "n1"
        low = await cluster.client.get(Pod, "low", namespace="default")
        assert low.metadata.deletion_timestamp is not None  # deleted gracefully
        # No kubelet here: finish the deletion as one would.
        await cluster.client.delete(Pod, "low", namespace="default", grace_period_seconds=0)
        await cluster.settle(horizon=15)
        high = await cluster.client.get(Pod, "high", namespace="default")
        assert high.spec.node_name == "n1"
