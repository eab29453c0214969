"""The Scheduler actor: watches pending pods and nodes, schedules one pod per cycle, binds
through the apiserver, and tells failures as Kubernetes tells them.

Each cycle is synchronous (PreFilter to the choice, then the pod is *assumed* on its node in
the cache), so cycles never interleave; the binding cycle (Reserve, Permit, PreBind, Bind,
PostBind) runs as a background task, and a failed binding forgets the assumption and puts the
pod back in the queue. A pod no node fits gets PostFilter (preemption), a ``FailedScheduling``
Event and a ``PodScheduled=False`` condition with Kubernetes' message.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs

from kube_actors.actors import Actor, wall_clock
from kube_actors.api import (
    Binding,
    Event,
    EventSource,
    FrozenDict,
    Node,
    ObjectMeta,
    ObjectReference,
    Pod,
    evolver,
    namespaced_name,
    quick_new,
)
from kube_actors.client import Client, EventHandlerFuncs, SharedInformer, event_name
from kube_actors.errors import ApiError

from ._cache import Cache
from ._owners import OwnerSelectors
from ._queue import SchedulingQueue
from .framework import (
    CycleState,
    FitError,
    Framework,
    PluginFactory,
    PodInfo,
    Profile,
    QueuedPodInfo,
    ScheduleResult,
    Status,
)
from .plugins import DefaultBinder, in_tree_registry

__all__ = ["Scheduler", "SchedulerSettings", "SchedulerStatistics"]

_BATCH = 64

#: What ``_record`` builds each Event with (``quick_new``, ``evolver``: by field name, no
#: class call; the metadata a copy of the empty one with a name and a namespace).
_new_event: Final = quick_new(Event)
_new_reference: Final = quick_new(ObjectReference)
_named_meta: Final = evolver(ObjectMeta)
_EMPTY_META: Final = ObjectMeta()


def _profiles(value: Iterable[Profile]) -> tuple[Profile, ...]:
    return tuple(value)


def _factories(value: Mapping[str, PluginFactory]) -> Mapping[str, PluginFactory]:
    return FrozenDict(value)


@attrs.frozen(kw_only=True)
class SchedulerSettings:
    """KubeSchedulerConfiguration, in short."""

    profiles: tuple[Profile, ...] = attrs.field(default=(Profile(),), converter=_profiles)
    #: None: Kubernetes' adaptive default.
    percentage_of_nodes_to_score: int | None = None
    pod_initial_backoff_seconds: float = 1.0
    pod_max_backoff_seconds: float = 10.0
    pod_max_in_unschedulable_pods_duration: float = 300.0
    #: The user's own plugins, by name (enable them in a profile).
    out_of_tree: Mapping[str, PluginFactory] = attrs.field(
        default=FrozenDict(), converter=_factories
    )
    #: Record ``Scheduled`` / ``FailedScheduling`` Events.
    events: bool = True


@attrs.frozen(kw_only=True)
class SchedulerStatistics:
    """A snapshot of the scheduler: pods bound and failed attempts so far, and the pods in
    each part of the queue (activeQ, back-off, the unschedulable pool, gated pods included)."""

    scheduled: int
    failed_attempts: int
    active: int
    backoff: int
    unschedulable: int


class _Next:
    pass


#: A pod's binding cycle to run: its profile, cycle state, queue entry and chosen node.
_Binding = tuple[Framework, CycleState, QueuedPodInfo, str]


class _Flush:
    pass


class Scheduler(Actor):
    component = "scheduler"

    def __init__(
        self, client: Client, settings: SchedulerSettings | None = None, *, instance: str = ""
    ) -> None:
        self.client = client
        self.settings = settings or SchedulerSettings()
        #: Which scheduler this is among several (its leader-election identity): its Events'
        #: ``reportingInstance`` is ``<profile>-<instance>``, as kube-scheduler's
        #: ``<reportingController>-<hostname>``, so they tell which leader bound a Pod.
        self.instance = instance

    async def on_start(self) -> None:
        settings = self.settings
        self.cache = Cache()
        self.owners = OwnerSelectors(self.client)
        registry = in_tree_registry().merge(settings.out_of_tree)
        self.frameworks: dict[str, Framework] = {
            p.scheduler_name: Framework(
                p,
                registry,
                snapshot=self.cache.snapshot,
                client=self.client,
                rng=self.random,
                percentage_of_nodes_to_score=settings.percentage_of_nodes_to_score,
                default_spread_selector=self.owners.selector,
                nominated=self.cache.nominated_pods,
            )
            for p in settings.profiles
        }
        #: The profiles whose Bind is DefaultBinder's alone: that binder, by profile (a
        #: pod it binds needs no task of its own, ``_start_bindings``).
        self._default_binders: dict[Framework, DefaultBinder] = {
            fw: fw.bind[0]
            for fw in self.frameworks.values()
            if len(fw.bind) == 1 and type(fw.bind[0]) is DefaultBinder
        }
        first = next(iter(self.frameworks.values()))
        events: dict[str, frozenset[str]] = {}
        for fw in self.frameworks.values():
            events.update(fw.events)
        gated = any(fw.pre_enqueue for fw in self.frameworks.values())
        self.queue = SchedulingQueue(
            first.queue_sort.sort_key,
            initial_backoff=settings.pod_initial_backoff_seconds,
            max_backoff=settings.pod_max_backoff_seconds,
            max_unschedulable=settings.pod_max_in_unschedulable_pods_duration,
            plugin_events=events,
            # None without PreEnqueue plugins (the default profile has none): a queued pod
            # then costs no call to find there is nothing to ask.
            pre_enqueue=self._pre_enqueue if gated else None,
        )
        self.next_start = 0
        self._kicked = False
        self._flush_at: float | None = None
        self.nodes: SharedInformer[Node] = SharedInformer(self.client, Node)
        self.pods: SharedInformer[Pod] = SharedInformer(self.client, Pod)
        self.nodes.add_event_handler(
            EventHandlerFuncs(
                on_add=self._node_added, on_update=self._node_updated, on_delete=self._node_deleted
            )
        )
        self.pods.add_event_handler(
            EventHandlerFuncs(
                on_add=self._pod_added, on_update=self._pod_updated, on_delete=self._pod_deleted
            )
        )
        self.start_soon(self.nodes.run, name=f"{self.name}:nodes")
        self.start_soon(self.pods.run, name=f"{self.name}:pods")
        for informer in self.owners.informers:
            self.start_soon(informer.run, name=f"{self.name}:{informer.kind.__name__}")
        self.scheduled = 0
        self.failed = 0
        self._event_instant: dt.datetime | None = None
        self._event_stamps = (dt.datetime.min, "")
        self._event_sources: dict[str, EventSource] = {}
        #: Events recorded and not yet sent (``_record``); whether a writer is on its way.
        self._unwritten: list[Event] = []
        self._writing_events = False

    def statistics(self) -> SchedulerStatistics:
        """Pods bound and failed attempts so far; pods in activeQ, back-off, unschedulable."""
        active, backoff, unschedulable = self.queue.counts()
        return SchedulerStatistics(
            scheduled=self.scheduled,
            failed_attempts=self.failed,
            active=active,
            backoff=backoff,
            unschedulable=unschedulable,
        )

    # ----------------------------------------------------------------- informers

    def _node_added(self, node: Node) -> None:
        self.cache.add_node(node)
        self._move("NodeAdd")

    def _node_updated(self, old: Node, new: Node) -> None:
        self.cache.add_node(new)
        if (
            old.spec != new.spec
            or old.metadata.labels != new.metadata.labels
            or (old.status.allocatable != new.status.allocatable)
        ):
            self._move("NodeUpdate")

    def _node_deleted(self, node: Node) -> None:
        self.cache.remove_node(node)

    def _pre_enqueue(self, pod: PodInfo) -> Status:
        return self.frameworks[pod.pod.spec.scheduler_name].run_pre_enqueue(pod)

    def _responsible(self, pod: Pod) -> bool:
        return pod.spec.scheduler_name in self.frameworks

    def _pod_added(self, pod: Pod) -> None:
        if pod.spec.node_name:
            self.cache.add_pod(pod)
            self._move("AssignedPodAdd")
        elif self._responsible(pod) and pod.metadata.deletion_timestamp is None:
            info = PodInfo(pod)
            if pod.status.nominated_node_name:
                self.cache.nominate(info, pod.status.nominated_node_name)
            self.queue.add(info, self.now)
            self._kick()

    def _pod_updated(self, old: Pod, new: Pod) -> None:
        if new.spec.node_name:
            if old.spec.node_name:
                self.cache.add_pod(new)
                return
            key = namespaced_name(new)  # just bound: out of the queue, no more nominated
            self.queue.delete(key)
            self.cache.clear_nomination(key)
            self.cache.add_pod(new, key)
            return
        nominated = new.status.nominated_node_name
        if nominated != old.status.nominated_node_name:
            self.cache.nominate(PodInfo(new), nominated)
        if (
            self._responsible(new)
            and new.metadata.deletion_timestamp is None
            and not self.cache.is_assumed(namespaced_name(new))
            and _changed(old, new)
        ):
            self.queue.add(PodInfo(new), self.now)
            self._kick()

    def _pod_deleted(self, pod: Pod) -> None:
        if pod.spec.node_name:
            self.cache.remove_pod(pod)
            self._move("AssignedPodDelete")
        else:
            self.queue.delete(namespaced_name(pod))
            self.cache.forget(namespaced_name(pod))
            self.cache.clear_nomination(namespaced_name(pod))

    def _move(self, event: str) -> None:
        if self.queue.move_all(event, self.now):
            self._kick()
        self._arm_flush()

    def _kick(self) -> None:
        if not self._kicked:
            self._kicked = True
            self.ref.tell_nowait(_Next())

    def _arm_flush(self) -> None:
        due = self.queue.next_due()
        if due is None or (self._flush_at is not None and self._flush_at <= due):
            return
        self._flush_at = due
        self.send_after(max(due - self.now, 0.0), _Flush())

    # ------------------------------------------------------------------- cycles

    async def receive(self, message: Any) -> Any:
        if isinstance(message, _Next):
            self._kicked = False
            binds: list[_Binding] = []
            now = self.now  # the batch's: its cycles run at once, between two awaits
            for _ in range(_BATCH):
                queued = self.queue.pop()
                if queued is None:
                    break
                self._schedule_one(queued, binds, now)
            else:
                self._kick()
            if binds:
                self._start_bindings(binds)
            return None
        if isinstance(message, _Flush):
            self._flush_at = None
            self.queue.flush(self.now)
            self._kick()
            self._arm_flush()
            return None
        return await super().receive(message)

    def _schedule_one(self, queued: QueuedPodInfo, binds: list[_Binding], now: float) -> None:
        pod = queued.pod_info
        fw = self.frameworks[pod.pod.spec.scheduler_name]
        if queued.initial_attempt is None:
            queued.initial_attempt = now
        state = CycleState()
        cycle = self.queue.move_cycle
        result = fw.schedule(state, pod, self.next_start)
        if isinstance(result, ScheduleResult):
            n = len(self.cache.snapshot)
            self.next_start = (self.next_start + result.evaluated) % max(n, 1)
            node = result.node.name
            self.cache.assume(pod, node)
            status = fw.run_reserve(state, pod, node)
            if not status.is_success:
                self.cache.forget(pod.key)
                self.start_soon(self._failed, fw, state, queued, status, cycle)
                return
            binds.append((fw, state, queued, node))
            return
        self.start_soon(self._failed, fw, state, queued, result, cycle)

    def _start_bindings(self, binds: list[_Binding]) -> None:
        """The binding cycles of one batch of scheduling cycles. Permit runs first for each
        (it never waits). A pod no PreBind plugin has work for, bound by DefaultBinder
        alone, has its Binding sent at once (``Client.create_nowait``), each its own
        create as before, and its answer taken by a callback (``when_done``), where each
        took an asyncio task: the actor goes on meanwhile, as kube-scheduler's goroutine a
        binding lets it. Any other pod's PreBind and Bind run in a task of their own
        (``_bind_all``)."""
        alone: list[_Binding] = []
        for binding in binds:
            fw, state, queued, node = binding
            pod = queued.pod_info
            status, _ = fw.run_permit(state, pod, node)
            if not status.is_success:
                self._binding_failed(binding, status)
                continue
            binder = self._default_binders.get(fw)
            if binder is not None and fw.run_pre_bind_pre_flights(state, pod, node).is_skip:
                reply = self.client.create_nowait(binder.binding(pod, node))
                if reply is not None:  # else awaited in a task: over HTTP, a full mailbox
                    self.when_done(reply, functools.partial(self._binding_answered, binding))
                    continue
            alone.append(binding)
        if alone:
            self.start_soon(self._bind_all, alone)

    def _binding_answered(self, binding: _Binding, reply: asyncio.Future[Binding]) -> None:
        """The apiserver's answer to a Binding ``_start_bindings`` sent."""
        try:
            self.client.answer(reply)
        except ApiError as error:
            # What DefaultBinder.bind returns for the error, through run_bind.
            self._binding_failed(binding, Status.error(str(error)).with_plugin(DefaultBinder.name))
            return
        self._bound(binding)

    async def _bind_all(self, binds: list[_Binding]) -> None:
        """PreBind and Bind of pods Permit let through, each in an asyncio task (kube-
        scheduler's goroutine a binding), all in one task of the actor's. A binding that
        raises crashes the actor; the others are cancelled with it."""
        if len(binds) == 1:
            await self._bind(binds[0])
            return
        async with asyncio.TaskGroup() as group:
            for binding in binds:
                group.create_task(self._bind(binding))

    async def _bind(self, binding: _Binding) -> None:
        """PreBind and Bind of a pod Permit let through."""
        fw, state, queued, node = binding
        pod = queued.pod_info
        status = await fw.run_pre_bind(state, pod, node)
        if status.is_success:
            status = await fw.run_bind(state, pod, node)
        if status.is_success:
            self._bound(binding)
        else:
            self._binding_failed(binding, status)

    def _binding_failed(self, binding: _Binding, status: Status) -> None:
        """Unreserve, forget the assumption, and back to the queue (back-off)."""
        fw, state, queued, node = binding
        pod = queued.pod_info
        fw.run_unreserve(state, pod, node)
        self.cache.forget(pod.key)
        self.log.info("pod_binding_failed", pod=pod.key, node=node, reason=status.message)
        self.queue.requeue_failed(queued, self.now, unschedulable=False, cycle=-1)
        self._arm_flush()

    def _bound(self, binding: _Binding) -> None:
        """PostBind, and the ``Scheduled`` Event."""
        fw, state, queued, node = binding
        pod = queued.pod_info
        fw.run_post_bind(state, pod, node)
        self.scheduled += 1
        self.log.debug("pod_bound", pod=pod.key, node=node)
        if self.settings.events:
            meta = pod.pod.metadata
            message = f"Successfully assigned {meta.namespace}/{meta.name} to {node}"
            self._record(pod, "Normal", "Scheduled", message, fw.profile_name)

    async def _failed(
        self,
        fw: Framework,
        state: CycleState,
        queued: QueuedPodInfo,
        result: FitError | Status,
        cycle: int,
    ) -> None:
        pod = queued.pod_info
        self.failed += 1
        nominated = ""
        if isinstance(result, FitError):
            if result.statuses and fw.post_filter:
                outcome, status = await fw.run_post_filters(state, pod, result.statuses)
                if outcome is not None:
                    nominated = outcome.nominated_node_name
                    self.cache.nominate(pod, nominated)
                elif status.message:
                    result.post_filter_message = status.message
            queued.unschedulable_plugins = result.unschedulable_plugins
            message, reason = result.message, "Unschedulable"
        else:
            message, reason = result.message, "SchedulerError"
        self.queue.requeue_failed(
            queued, self.now, unschedulable=isinstance(result, FitError), cycle=cycle
        )
        self._arm_flush()
        self.log.info("pod_unschedulable", pod=pod.key, message=message, nominated=nominated)
        await self._mark_unschedulable(pod, reason, message)
        if self.settings.events:
            self._record(pod, "Warning", "FailedScheduling", message, fw.profile_name)

    async def _mark_unschedulable(self, pod: PodInfo, reason: str, message: str) -> None:
        meta = pod.pod.metadata
        condition = {
            "type": "PodScheduled",
            "status": "False",
            "reason": reason,
            "message": message,
            "lastTransitionTime": wall_clock().isoformat().replace("+00:00", "Z"),
        }
        others = [
            {"type": c.type, "status": c.status, "reason": c.reason, "message": c.message}
            for c in pod.pod.status.conditions
            if c.type != "PodScheduled"
        ]
        try:
            await self.client.patch_status(
                Pod,
                meta.name,
                {"status": {"conditions": [*others, condition]}},
                namespace=meta.namespace,
            )
        except ApiError as error:
            self.log.info("pod_status_update_failed", pod=pod.key, error=repr(error))

    def _event_time(self) -> tuple[dt.datetime, str]:
        """An Event's timestamp now and what ``event_name`` puts after the object's name (the
        instant in hex nanoseconds), worked out once per instant: under virtual time a
        batch's bindings all end at one instant."""
        instant = wall_clock()
        if instant != self._event_instant:
            self._event_instant = instant
            self._event_stamps = (instant.replace(microsecond=0), event_name("", instant))
        return self._event_stamps

    def _record(self, pod: PodInfo, kind: str, reason: str, message: str, component: str) -> None:
        """Record an Event about ``pod``, stamped now, and return at once: it is written
        with every other recorded meanwhile (``_write_events``). As client-go's recorder,
        a cycle never waits for its Event; unlike it, the scheduler's Events travel
        together: a batch of bindings ends at once, and its Events then cost the
        apiserver one message, each still a create of its own."""
        meta = pod.pod.metadata
        # An Event's timestamps are metav1.Time: whole seconds on the wire, as the kubelet's
        # are. With a finer one, Scheduled would sort after the kubelet's Events of the same
        # second in describe (kubectl sorts by lastTimestamp).
        now, stamp = self._event_time()
        source = self._event_sources.get(component)
        if source is None:  # frozen: one for each profile, shared by its Events
            source = self._event_sources[component] = EventSource(component=component)
        namespace = meta.namespace
        self._unwritten.append(
            _new_event(
                metadata=_named_meta(_EMPTY_META, name=meta.name + stamp, namespace=namespace),
                involved_object=_new_reference(
                    api_version="v1", kind="Pod", namespace=namespace, name=meta.name, uid=meta.uid
                ),
                reason=reason,
                message=message,
                type=kind,
                source=source,
                first_timestamp=now,
                last_timestamp=now,
                count=1,
                reporting_component=component,
                reporting_instance=f"{component}-{self.instance}" if self.instance else "",
            )
        )
        if not self._writing_events:
            self._writing_events = True
            self.start_soon(self._write_events)

    async def _write_events(self) -> None:
        """Create the Events recorded, all waiting in one message (``Client.create_each``),
        until none is left; a failed create is logged, as a recorder drops what it cannot
        write."""
        try:
            while self._unwritten:
                events, self._unwritten = self._unwritten, []
                try:
                    outcomes: list[Event | ApiError] = await self.client.create_each(events)
                except ApiError as error:
                    outcomes = [error] * len(events)
                for event, outcome in zip(events, outcomes, strict=True):
                    if isinstance(outcome, ApiError):
                        pod = f"{event.metadata.namespace}/{event.involved_object.name}"
                        self.log.info("event_create_failed", pod=pod, error=repr(outcome))
        finally:
            self._writing_events = False


def _changed(old: Pod, new: Pod) -> bool:
    """A change the scheduler cares about (not just its own status write)."""
    return old.spec != new.spec or old.metadata.labels != new.metadata.labels
