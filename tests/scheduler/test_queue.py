"""The scheduling queue: back-off of 1 s doubling to 10 s per pod, unschedulable pods moved
back by the events that could help them, and at the latest after 5 minutes; checked on the
queue itself and, on virtual time, through the Scheduler actor."""

from __future__ import annotations

from typing import Any, ClassVar

from kube_actors import Cluster
from kube_actors.actors import monotonic
from kube_actors.api import Pod
from kube_actors.scheduler import PodInfo, Profile, SchedulerSettings
from kube_actors.scheduler._queue import SchedulingQueue
from kube_actors.scheduler.framework import (
    SUCCESS,
    CycleState,
    Handle,
    NodeInfo,
    PluginRef,
    QueuedPodInfo,
    Snapshot,
    Status,
)
from kube_actors.scheduler.plugins import PrioritySort

from ._builders import node, pod

EVENTS = {
    "NodeResourcesFit": frozenset({"NodeAdd", "NodeUpdate", "AssignedPodDelete"}),
    "NodeName": frozenset({"NodeAdd"}),
}


def _queue() -> SchedulingQueue:
    return SchedulingQueue(PrioritySort().sort_key, plugin_events=EVENTS)


def _failed(queue: SchedulingQueue, name: str, now: float, *plugins: str) -> QueuedPodInfo:
    queue.add(PodInfo(pod(name)), now)
    queued = queue.pop()
    assert queued is not None
    queued.unschedulable_plugins = frozenset(plugins)
    queue.requeue_failed(queued, now, unschedulable=True, cycle=queue.move_cycle)
    return queued


def test_back_off_starts_at_one_second_and_doubles_to_ten_per_pod() -> None:
    queue = _queue()
    queued = QueuedPodInfo(PodInfo(pod("p")), 0.0)
    durations = []
    for attempts in range(1, 7):
        queued.attempts = attempts
        durations.append(queue.backoff_duration(queued))
    assert durations == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]


def test_a_pod_in_back_off_returns_to_the_active_queue_exactly_when_it_ends() -> None:
    queue = _queue()
    queue.add(PodInfo(pod("p")), 0.0)
    queued = queue.pop()
    assert queued is not None
    queue.requeue_failed(queued, 5.0, unschedulable=False, cycle=-1)
    assert queue.next_due() == 6.0
    queue.flush(5.999)
    assert queue.pop() is None
    queue.flush(6.0)
    assert queue.pop() is queued


def test_an_event_moves_only_the_pods_whose_rejecting_plugins_registered_it() -> None:
    queue = _queue()
    _failed(queue, "short-of-cpu", 0.0, "NodeResourcesFit")
    _failed(queue, "wrong-node", 0.0, "NodeName")
    assert queue.move_all("AssignedPodDelete", 20.0) == 1
    assert queue.counts() == (1, 0, 1)
    assert queue.move_all("NodeAdd", 20.0) == 1
    assert queue.counts() == (2, 0, 0)


def test_a_pod_moved_before_its_back_off_ends_waits_in_back_off() -> None:
    queue = _queue()
    _failed(queue, "p", 0.0, "NodeResourcesFit")
    queue.move_all("NodeAdd", 0.5)
    assert queue.counts() == (0, 1, 0)
    assert queue.next_due() == 1.0


def test_an_unschedulable_pod_is_flushed_back_after_five_minutes() -> None:
    queue = _queue()
    _failed(queue, "p", 10.0, "NodeResourcesFit")
    assert queue.next_due() == 310.0
    queue.flush(309.9)
    assert queue.counts() == (0, 0, 1)
    queue.flush(310.0)
    assert queue.counts() == (1, 0, 0)


def test_a_pod_that_failed_while_an_event_happened_goes_to_back_off_not_the_pool() -> None:
    queue = _queue()
    queue.add(PodInfo(pod("p")), 0.0)
    queued = queue.pop()
    assert queued is not None
    cycle = queue.move_cycle
    queue.move_all("NodeAdd", 0.0)  # during the attempt
    queue.requeue_failed(queued, 0.0, unschedulable=True, cycle=cycle)
    assert queue.counts() == (0, 1, 0)


# ------------------------------------------------------------------- in a cluster


class Flaky:
    """A Filter that errs (or rejects) until told otherwise; its PreFilter notes when each
    attempt started."""

    name: ClassVar[str] = "Flaky"
    times: ClassVar[list[float]] = []
    outcome: ClassVar[Status] = Status.error("not yet")

    @classmethod
    def new(cls, args: Any, handle: Handle) -> Flaky:
        return cls()

    def pre_filter(self, state: CycleState, pod: PodInfo, snapshot: Snapshot) -> Status:
        Flaky.times.append(monotonic())
        return SUCCESS

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status:
        return Flaky.outcome


def _settings() -> SchedulerSettings:
    return SchedulerSettings(
        profiles=[Profile(enabled=[PluginRef("Flaky")])], out_of_tree={"Flaky": Flaky.new}
    )


async def test_a_pod_whose_attempts_err_is_retried_after_1_2_4_8_10_10_seconds() -> None:
    Flaky.times, Flaky.outcome = [], Status.error("not yet")
    async with Cluster(scheduler=_settings(), controllers=(), seed=1) as cluster:
        await cluster.client.create(node("n"))
        await cluster.settle()
        await cluster.client.create(pod("p"))
        await cluster.settle(horizon=36)
        start = Flaky.times[0]
        assert [round(t - start, 6) for t in Flaky.times] == [0, 1, 3, 7, 15, 25, 35]


async def test_an_unschedulable_pod_without_helpful_events_is_retried_after_five_minutes() -> None:
    Flaky.times, Flaky.outcome = [], Status.unschedulable("not yet")
    async with Cluster(scheduler=_settings(), controllers=(), seed=1) as cluster:
        await cluster.client.create(node("n"))
        await cluster.settle()
        await cluster.client.create(pod("p"))
        await cluster.settle(horizon=10)
        Flaky.outcome = SUCCESS
        await cluster.settle(horizon=400)
        start = Flaky.times[0]
        assert [round(t - start, 6) for t in Flaky.times] == [0, 300]
        assert (await cluster.client.get(Pod, "p", namespace="default")).spec.node_name == "n"


async def test_deleting_a_pod_makes_room_for_the_waiting_one_at_once() -> None:
    async with Cluster(controllers=(), seed=1) as cluster:
        await cluster.client.create(node("n", cpu="1"))
        await cluster.client.create(pod("first", cpu="800m"))
        await cluster.settle()
        await cluster.client.create(pod("second", cpu="800m"))
        await cluster.settle(horizon=30)
        assert not (await cluster.client.get(Pod, "second", namespace="default")).spec.node_name
        deleted_at = monotonic()
        await cluster.client.delete(Pod, "first", namespace="default", grace_period_seconds=0)
        await cluster.settle(horizon=30)
        bound = await cluster.client.get(Pod, "second", namespace="default")
        assert bound.spec.node_name == "n"
        # The deletion moved it at once; it only waited out what was left of its back-off.
        assert monotonic() - deleted_at < 300


async def test_adding_a_node_makes_room_for_the_waiting_pod() -> None:
    async with Cluster(controllers=(), seed=1) as cluster:
        await cluster.client.create(node("small", cpu="1"))
        await cluster.client.create(pod("big", cpu="2"))
        await cluster.settle(horizon=30)
        await cluster.client.create(node("large", cpu="4"))
        await cluster.settle(horizon=15)
        assert (await cluster.client.get(Pod, "big", namespace="default")).spec.node_name == "large"
