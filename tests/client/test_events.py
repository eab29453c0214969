from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TypeVar

from kube_actors import Client, Cluster
from kube_actors.actors import wall_clock
from kube_actors.api import (
    Container,
    Event,
    Namespace,
    ObjectMeta,
    ObjectReference,
    Pod,
    PodSpec,
    WatchEvent,
)
from kube_actors.client import EventRecorder, EventSink, event_name
from kube_actors.errors import ApiError

T = TypeVar("T")


async def test_recorded_events_are_written_and_repeats_fold_into_a_count() -> None:
    # No scheduler: its own FailedScheduling Events would mix with the ones recorded here.
    async with Cluster(seed=2, scheduler=False) as cluster:
        pod = await cluster.client.create(
            Pod(
                metadata=ObjectMeta(name="web", namespace="default"),
                spec=PodSpec(containers=[Container(name="c", image="nginx")]),
            )
        )
        recorder = cluster.event_recorder("default-scheduler")
        recorder.event(pod, "Warning", "FailedScheduling", "0/0 nodes are available.")
        await cluster.settle()
        await asyncio.sleep(30)
        recorder.event(pod, "Warning", "FailedScheduling", "0/0 nodes are available.")
        recorder.event(pod, "Normal", "Scheduled", "Successfully assigned default/web to n1")
        await cluster.settle()
        events = {e.reason: e for e in await cluster.client.list(Event, namespace="default")}
        failed = events["FailedScheduling"]
        assert failed.count == 2
        assert failed.type == "Warning"
        assert failed.involved_object.uid == pod.metadata.uid
        assert failed.source is not None
        assert failed.source.component == "default-scheduler"
        assert failed.last_timestamp is not None
        assert failed.first_timestamp is not None
        assert (failed.last_timestamp - failed.first_timestamp).total_seconds() == 30
        assert events["Scheduled"].count == 1
        assert failed.metadata.name.startswith("web.")


async def test_clients_keep_working_across_a_control_plane_restart() -> None:
    async with Cluster() as cluster:
        client = cluster.client
        await cluster.restart_control_plane()
        assert cluster.client is client
        names = {ns.metadata.name for ns in await client.list(Namespace)}
        assert names == {"default", "kube-system", "kube-public", "kube-node-lease"}


async def test_events_expire_an_hour_after_their_last_write() -> None:
    async with Cluster(seed=2, scheduler=False) as cluster:
        pod = await cluster.client.create(
            Pod(
                metadata=ObjectMeta(name="web", namespace="default"),
                spec=PodSpec(containers=[Container(name="c", image="nginx")]),
            )
        )
        recorder = cluster.event_recorder("default-scheduler")

        async def reasons_at(t: float) -> set[str]:
            await asyncio.sleep(t - asyncio.get_running_loop().time())
            await cluster.settle()
            return {e.reason for e in await cluster.client.list(Event)}

        start = asyncio.get_running_loop().time()
        recorder.event(pod, "Warning", "FailedScheduling", "0/0 nodes are available.")
        assert await reasons_at(start + 1800) == {"FailedScheduling"}
        recorder.event(pod, "Normal", "Scheduled", "Successfully assigned default/web to n1")
        # A repeat within the correlator's 10 minutes updates the Event: its hour restarts.
        assert await reasons_at(start + 2100) == {"FailedScheduling", "Scheduled"}
        recorder.event(pod, "Normal", "Scheduled", "Successfully assigned default/web to n1")
        # An hour (and at most the shared lease's minute) after its only write.
        assert await reasons_at(start + 3540) == {"FailedScheduling", "Scheduled"}
        assert await reasons_at(start + 3661) == {"Scheduled"}
        assert await reasons_at(start + 5600) == {"Scheduled"}  # 1 h after its update
        assert await reasons_at(start + 5761) == set()
        # Other objects never expire.
        assert await cluster.client.get(Pod, "web", namespace="default")


async def test_the_event_ttl_is_the_clusters_to_choose() -> None:
    async with Cluster(seed=2, scheduler=False, clock="virtual", event_ttl=120) as cluster:
        pod = await cluster.client.create(
            Pod(
                metadata=ObjectMeta(name="web", namespace="default"),
                spec=PodSpec(containers=[Container(name="c", image="nginx")]),
            )
        )
        start = asyncio.get_running_loop().time()
        cluster.event_recorder("default-scheduler").event(
            pod, "Warning", "FailedScheduling", "0/0 nodes are available."
        )
        await cluster.settle()
        assert [e.reason for e in await cluster.client.list(Event)] == ["FailedScheduling"]
        # Two minutes, and at most the shared lease's window more (5 %: 6 s).
        await asyncio.sleep(start + 119 - asyncio.get_running_loop().time())
        await cluster.settle()
        assert len(await cluster.client.list(Event)) == 1
        await asyncio.sleep(start + 127 - asyncio.get_running_loop().time())
        await cluster.settle()
        assert await cluster.client.list(Event) == []


async def test_a_burst_of_pods_loses_none_of_their_events() -> None:
    """Kubernetes' recorder folds repeats but never loses a Pod's first Events: 16 clients
    creating Pods as fast as they can (as the scale benchmark does) get every Pod its
    Scheduled, Pulled, Created and Started Events."""
    names = [f"web-{i}" for i in range(400)]
    todo = iter(names)

    async def creator(cluster: Cluster) -> None:
        for name in todo:
            await cluster.client.create(
                Pod(
                    metadata=ObjectMeta(name=name, namespace="default"),
                    spec=PodSpec(containers=[Container(name="c", image="nginx")]),
                )
            )

    async with Cluster(nodes=10, controllers=()) as cluster:
        async with asyncio.TaskGroup() as group:
            for _ in range(16):
                group.create_task(creator(cluster))
        await cluster.settle()
        reasons: dict[str, set[str]] = {name: set() for name in names}
        for event in await cluster.client.list(Event, namespace="default"):
            if event.involved_object.kind == "Pod":
                reasons[event.involved_object.name].add(event.reason)
    expected = {"Scheduled", "Pulled", "Created", "Started"}
    assert {name: expected - got for name, got in reasons.items() if expected - got} == {}


async def test_the_sink_forgets_the_least_recently_used_series_beyond_4096() -> None:
    """As client-go's correlator, whose LRU cache holds 4,096 events: a repeat folds into
    its Event while the series is remembered, and is written anew once 4,096 other series
    came after it; the sink's memory stays bounded however many objects it reports on."""

    def pod(name: str) -> Pod:
        return Pod(metadata=ObjectMeta(name=name, namespace="default", uid=name))

    async with Cluster(nodes=0, scheduler=False, controllers=(), clock="virtual") as cluster:
        recorder = cluster.event_recorder("kubelet")
        recorder.event(pod("kept"), "Normal", "Pulled", "image present")
        recorder.event(pod("forgotten"), "Normal", "Pulled", "image present")
        await cluster.settle()
        recorder.event(pod("kept"), "Normal", "Pulled", "image present")  # used again: kept
        await cluster.settle()
        for i in range(4095):
            recorder.event(pod(f"other-{i}"), "Normal", "Pulled", "image present")
            if i % 500 == 0:
                await cluster.settle()  # within the sink's mailbox
        await cluster.settle()
        for name in ("kept", "forgotten"):
            recorder.event(pod(name), "Normal", "Pulled", "image present")
        await cluster.settle()
        counts = sorted(
            (e.involved_object.name, e.count)
            for e in await cluster.client.list(Event, namespace="default")
            if e.involved_object.name in ("kept", "forgotten")
        )
    assert counts == [("forgotten", 1), ("forgotten", 1), ("kept", 3)]


class _CountingClient(Client):
    """The sink's client, counting the Events each of its requests carries."""

    __slots__ = ("requests",)

    def __init__(self, client: Client) -> None:
        super().__init__(client.apiserver, field_manager="event-broadcaster")
        self.requests: list[int] = []

    async def create(self, obj: T, *, dry_run: bool = False, field_manager: str = "") -> T:
        self.requests.append(1)
        return await super().create(obj, dry_run=dry_run, field_manager=field_manager)

    async def create_each(
        self, objs: Sequence[T], *, field_manager: str = ""
    ) -> list[T | ApiError]:
        self.requests.append(len(objs))
        return await super().create_each(objs, field_manager=field_manager)


async def test_a_burst_of_events_is_written_in_a_few_requests_each_event_a_create() -> None:
    async with Cluster(nodes=0, scheduler=False, controllers=(), clock="virtual") as cluster:
        client = _CountingClient(cluster.client)
        sink = await cluster.system.spawn(lambda: EventSink(client), name="counted-sink")
        recorder = EventRecorder(sink, "kubelet", "node-1")
        stream = await cluster.client.watch(Event, namespace="default")
        for i in range(300):
            pod = Pod(metadata=ObjectMeta(name=f"web-{i}", namespace="default", uid=f"u{i}"))
            recorder.event(pod, "Normal", "Pulled", "image present")
        await cluster.settle()
        events = await cluster.client.list(Event, namespace="default")
        assert sorted(e.involved_object.name for e in events) == sorted(
            f"web-{i}" for i in range(300)
        )
        assert sum(client.requests) == 300
        assert len(client.requests) <= 8  # where it was one request an Event
        seen: list[WatchEvent] = []
        while len(seen) < 300:
            seen += await stream.next_batch()
        stream.close()
        assert [e.type for e in seen] == ["ADDED"] * 300  # each a create of its own
        versions = [int(e.obj.metadata.resource_version) for e in seen]
        assert versions == sorted(set(versions))


async def test_an_event_whose_name_is_taken_is_created_under_a_longer_one() -> None:
    async with Cluster(nodes=0, scheduler=False, controllers=(), clock="virtual") as cluster:
        pod = Pod(metadata=ObjectMeta(name="web", namespace="default", uid="u"))
        # The name the sink gives the Event it writes now: an earlier run's Event has it.
        taken = event_name("web", wall_clock())
        await cluster.client.create(
            Event(
                metadata=ObjectMeta(name=taken, namespace="default"),
                involved_object=ObjectReference(kind="Pod", namespace="default", name="web"),
                reason="Old",
            )
        )
        recorder = cluster.event_recorder("kubelet")
        recorder.event(pod, "Normal", "Pulled", "image present")
        recorder.event(pod, "Normal", "Started", "started")
        await cluster.settle()
        events = {e.reason: e for e in await cluster.client.list(Event, namespace="default")}
    assert set(events) == {"Old", "Pulled", "Started"}
    renamed = events["Pulled"].metadata.name
    assert renamed.startswith(taken)
    assert len(renamed) == len(taken) + 8
    assert events["Started"].metadata.name > taken
