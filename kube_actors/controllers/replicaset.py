"""The ReplicaSet controller: keeps ``spec.replicas`` Pods matching a ReplicaSet's selector.

kube-controller-manager's ``pkg/controller/replicaset``. One reconcile of a ReplicaSet:

1. **Claim** its Pods. The active Pods it controls (found through the Pod informer's
   owner-uid index) stay its own while they match its selector and are *released* (their
   controller reference removed) once they stop matching; active orphans of its namespace
   that match are *adopted* (a controller reference added). Pods controlled by anyone else
   are left alone.
2. **Manage replicas**, unless its expectations are pending (see ``_expectations``): a
   ReplicaSet that has not yet seen its own last creations or deletions in the cache leaves
   the count alone rather than act twice. Too few Pods: create the difference (at most 500 per
   reconcile) from the template, named ``<replicaset>-<5 random chars>``, in *slow start*
   batches of 1, 2, 4, ... so a creation that fails (a quota, an admission webhook) stops the
   rest after one failure instead of hundreds. Too many: delete the difference in
   Kubernetes' order (see ``_ranking``).
3. **Status**: ``replicas`` (the claimed active Pods), ``fullyLabeledReplicas``,
   ``readyReplicas``, ``availableReplicas`` (ready for ``minReadySeconds``),
   ``observedGeneration``, and a ``ReplicaFailure`` condition while creating or deleting
   fails. A Pod ready but not yet available brings the ReplicaSet back at the very moment it
   becomes available, so availability is counted at the exact simulated second.

Every Pod created or deleted is recorded as an Event on the ReplicaSet, as Kubernetes' own
``RealPodControl`` words it: ``SuccessfulCreate`` "Created pod: web-6d4f8b7c9-x7k2p",
``FailedCreate`` "Error creating: ...", ``SuccessfulDelete`` "Deleted pod: ...",
``FailedDelete`` "Error deleting: ...".

The controller counts a Pod ready when its ``Ready`` condition is True, and available when
that condition's ``lastTransitionTime`` is ``minReadySeconds`` in the past.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import anyio
import attrs

from ..actors import wall_clock
from ..api import (
    Pod,
    ReplicaSet,
    ReplicaSetCondition,
    ReplicaSetStatus,
    Selector,
    controller_of,
    get_condition,
    is_pod_active,
    namespaced_name,
    remove_condition,
    set_condition,
)
from ..client import OWNER_UID_INDEX, Client, EventRecorder, SharedInformer
from ..errors import ApiError, Conflict
from ..reconcile import ControllerSpec, Request, Result, WorkQueue, reconcile_log
from ._claims import adopt, release
from ._context import ControllerContext
from ._expectations import Expectations
from ._ranking import pods_to_delete
from ._selectors import SelectorCache
from ._workloads import PodControl, pod_from_template

__all__ = [
    "BURST_REPLICAS",
    "COMPONENT",
    "ORPHAN_PODS_INDEX",
    "ReplicaSetReconciler",
    "SLOW_START_INITIAL_BATCH_SIZE",
    "WORKERS",
    "controller",
    "slow_start_batch",
]

#: The Event source and client name, as kube-controller-manager names this controller.
COMPONENT = "replicaset-controller"
#: kube-controller-manager's ``--concurrent-replicaset-syncs``.
WORKERS = 5

#: Most Pods one reconcile creates or deletes (kube-controller-manager's burstReplicas).
BURST_REPLICAS = 500
#: The first slow-start batch; each batch that fully succeeds doubles the next.
SLOW_START_INITIAL_BATCH_SIZE = 1
#: The Pod informer's index of Pods that no controller owns, by namespace.
ORPHAN_PODS_INDEX = "orphans_by_namespace"
#: The component Events are recorded as.
COMPONENT = "replicaset-controller"
#: ReplicaSets reconciled at once (kube-controller-manager's --concurrent-replicaset-syncs).
WORKERS = 5

_GROUP_VERSION = ReplicaSet.api_version
_KIND = ReplicaSet.kind


def _orphan_namespace(pod: Any) -> tuple[str, ...]:
    return () if controller_of(pod) is not None else (pod.metadata.namespace,)


class PodFacts(NamedTuple):
    """What a reconcile needs to know of one Pod, worked out once per version of the Pod."""

    pod: Pod
    active: bool
    controller_uid: str  # "" for an orphan
    matches: bool  # the ReplicaSet's selector
    fully_labeled: bool  # every label of the ReplicaSet's template
    ready: bool
    ready_since: dt.datetime | None


def pod_facts(pod: Pod, selector: Selector, template_labels: Mapping[str, str]) -> PodFacts:
    meta = pod.metadata
    ref = controller_of(pod)
    labels = meta.labels
    ready_condition = get_condition(pod.status.conditions, "Ready")
    ready = ready_condition is not None and ready_condition.status == "True"
    return PodFacts(
        pod=pod,
        active=is_pod_active(pod),
        controller_uid=ref.uid if ref is not None else "",
        matches=selector.matches(labels),
        fully_labeled=labels.items() >= template_labels.items(),
        ready=ready,
        ready_since=ready_condition.last_transition_time if ready_condition and ready else None,
    )


async def slow_start_batch(
    count: int, initial_batch_size: int, call: Callable[[], Awaitable[None]]
) -> tuple[int, ApiError | None]:
    """Call ``call`` ``count`` times, in concurrent batches of ``initial_batch_size``, then
    twice that, and so on; after a batch with a failure, stop. Returns the successes and the
    first failure."""
    successes = 0
    remaining = count
    batch = min(remaining, initial_batch_size)
    errors: list[ApiError] = []

    async def one() -> None:
        try:
            await call()
        except ApiError as error:
            errors.append(error)

    while batch > 0:
        async with anyio.create_task_group() as tg:
            for _ in range(batch):
                tg.start_soon(one)
        successes += batch - len(errors)
        if errors:
            return successes, errors[0]
        remaining -= batch
        batch = min(2 * batch, remaining)
    return successes, None


class _PodEvents:
    """The Pod informer's handler: counts off expectations, enqueues the ReplicaSets that a
    Pod's change concerns (its controller, or for an orphan every ReplicaSet selecting it)."""

    __slots__ = ("expectations", "selector", "sets")

    def __init__(
        self,
        sets: SharedInformer[ReplicaSet],
        expectations: Expectations,
        selector: Callable[[ReplicaSet], Selector],
    ) -> None:
        self.sets = sets
        self.expectations = expectations
        self.selector = selector

    def _resolve(self, namespace: str, pod: Pod) -> ReplicaSet | None:
        ref = controller_of(pod)
        if ref is None or ref.kind != _KIND or ref.api_version != _GROUP_VERSION:
            return None
        rs = self.sets.indexer.get(ref.name, namespace)
        return rs if rs is not None and rs.metadata.uid == ref.uid else None

    def _enqueue_selecting(self, pod: Pod, queue: WorkQueue[Request]) -> None:
        namespace = pod.metadata.namespace
        labels = pod.metadata.labels
        for rs in self.sets.indexer.list(namespace):
            if self.selector(rs).matches(labels):
                queue.add(Request(namespace, rs.metadata.name))

    def on_add(self, pod: Pod, queue: WorkQueue[Request]) -> None:
        if pod.metadata.deletion_timestamp is not None:
            self.on_delete(pod, queue)  # seen for the first time while already going
            return
        if controller_of(pod) is None:
            self._enqueue_selecting(pod, queue)
            return
        rs = self._resolve(pod.metadata.namespace, pod)
        if rs is not None:
            self.expectations.creation_observed(namespaced_name(rs))
            queue.add(Request(rs.metadata.namespace, rs.metadata.name))

    def on_update(self, old: Pod, new: Pod, queue: WorkQueue[Request]) -> None:
        if old.metadata.resource_version == new.metadata.resource_version:
            return
        labels_changed = old.metadata.labels != new.metadata.labels
        if new.metadata.deletion_timestamp is not None:
            # A graceful deletion has begun: count it as the deletion, at once.
            self.on_delete(new, queue)
            if labels_changed:
                self.on_delete(old, queue)
            return
        old_ref, new_ref = controller_of(old), controller_of(new)
        if old_ref != new_ref and old_ref is not None:
            previous = self._resolve(old.metadata.namespace, old)
            if previous is not None:
                queue.add(Request(previous.metadata.namespace, previous.metadata.name))
        if new_ref is not None:
            rs = self._resolve(new.metadata.namespace, new)
            if rs is not None:
                queue.add(Request(rs.metadata.namespace, rs.metadata.name))
            return
        if labels_changed or old_ref != new_ref:
            self._enqueue_selecting(new, queue)

    def on_delete(self, pod: Pod, queue: WorkQueue[Request]) -> None:
        rs = self._resolve(pod.metadata.namespace, pod)
        if rs is not None:
            key = namespaced_name(rs)
            self.expectations.deletion_observed(key, namespaced_name(pod))
            queue.add(Request(rs.metadata.namespace, rs.metadata.name))


class ReplicaSetReconciler:
    """Claims, creates and deletes a ReplicaSet's Pods and writes its status."""

    def __init__(
        self,
        *,
        client: Client,
        sets: SharedInformer[ReplicaSet],
        pods: SharedInformer[Pod],
        recorder: EventRecorder,
        expectations: Expectations,
    ) -> None:
        self.client = client
        self.sets = sets
        self.pods = pods
        self.recorder = recorder
        self.expectations = expectations
        self.control = PodControl(client, recorder, expectations)
        self._selectors = SelectorCache()
        # Per ReplicaSet: its namespace, the template labels the facts were worked out for,
        # and the facts of each Pod by uid. A reconcile reuses the facts of every Pod that has
        # not changed (the cache hands out the same object until it changes), so it costs a
        # dict lookup per Pod rather than a selector match and a condition scan.
        self._facts: dict[str, tuple[str, Mapping[str, str], dict[str, PodFacts]]] = {}

    def selector(self, rs: ReplicaSet) -> Selector:
        """The compiled selector of ``rs`` (cached: a ReplicaSet's selector is immutable)."""
        return self._selectors.of(rs)

    async def reconcile(self, request: Request) -> Result:
        key = str(request)
        rs = self.sets.indexer.get(request.name, request.namespace)
        if rs is None:
            self.expectations.delete(key)
            self._forget(request.namespace)
            return Result()
        needs_sync = self.expectations.satisfied(key)
        claimed = await self._claim(rs)
        error: ApiError | None = None
        if needs_sync and rs.metadata.deletion_timestamp is None:
            error = await self._manage_replicas(rs, key, [f.pod for f in claimed])
        now = wall_clock()
        status, next_available = calculate_status(rs, claimed, error, now)
        await self._update_status(rs, status)
        if error is not None:
            raise error
        if next_available is not None:
            return Result(requeue_after=max((next_available - now).total_seconds(), 0.0))
        return Result()

    # ------------------------------------------------------------------------ claiming

    def _forget(self, namespace: str) -> None:
        """Drop what was kept for the ReplicaSets of ``namespace`` that are gone."""
        live = {rs.metadata.uid for rs in self.sets.indexer.list(namespace)}
        for uid, (rs_namespace, _, _) in list(self._facts.items()):
            if rs_namespace == namespace and uid not in live:
                del self._facts[uid]
                self._selectors.forget(uid)

    def _owned_facts(self, rs: ReplicaSet, selector: Selector) -> list[PodFacts]:
        """The facts of every cached Pod that names ``rs`` among its owners."""
        uid = rs.metadata.uid
        template_labels = rs.spec.template.metadata.labels
        _, known_labels, known = self._facts.get(uid, ("", template_labels, {}))
        if known_labels != template_labels:
            known = {}
        fresh: dict[str, PodFacts] = {}
        for pod in self.pods.indexer.by_index(OWNER_UID_INDEX, uid):
            pod_uid = pod.metadata.uid
            facts = known.get(pod_uid)
            if facts is None or facts.pod is not pod:
                facts = pod_facts(pod, selector, template_labels)
            fresh[pod_uid] = facts
        self._facts[uid] = (rs.metadata.namespace, template_labels, fresh)
        return list(fresh.values())

    async def _claim(self, rs: ReplicaSet) -> list[PodFacts]:
        """The active Pods ``rs`` controls once it adopted and released what it should."""
        uid = rs.metadata.uid
        selector = self.selector(rs)
        template_labels = rs.spec.template.metadata.labels
        deleting = rs.metadata.deletion_timestamp is not None
        claimed: list[PodFacts] = []
        orphans: list[Pod] = []
        errors: list[ApiError] = []
        for facts in self._owned_facts(rs, selector):
            if not facts.active:
                continue
            if not facts.controller_uid:
                orphans.append(facts.pod)  # an owner reference to it, but not as controller
            elif facts.controller_uid == uid:
                if facts.matches:
                    claimed.append(facts)
                elif not deleting:
                    await self._release(rs, facts.pod, errors)
        if not deleting:
            for pod in self.pods.indexer.by_index(ORPHAN_PODS_INDEX, rs.metadata.namespace):
                if is_pod_active(pod) and uid not in {r.uid for r in pod.metadata.owner_references}:
                    orphans.append(pod)
            can_adopt: bool | None = None
            for pod in orphans:
                if not selector.matches(pod.metadata.labels):
                    continue
                if can_adopt is None:
                    can_adopt = await self._can_adopt(rs)
                if not can_adopt:
                    break
                adopted = await self._adopt(rs, pod, errors)
                if adopted is not None:
                    claimed.append(pod_facts(adopted, selector, template_labels))
        if errors:
            raise errors[0]
        return claimed

    async def _can_adopt(self, rs: ReplicaSet) -> bool:
        """Adopt only for a ReplicaSet that is still there and not being deleted, as read
        from the apiserver itself rather than the cache."""
        fresh = await self.client.get(ReplicaSet, rs.metadata.name, namespace=rs.metadata.namespace)
        return fresh.metadata.uid == rs.metadata.uid and fresh.metadata.deletion_timestamp is None

    async def _adopt(self, rs: ReplicaSet, pod: Pod, errors: list[ApiError]) -> Pod | None:
        try:
            adopted = await adopt(self.client, Pod, pod, rs)
        except ApiError as error:
            errors.append(error)
            return None
        if adopted is not None:
            reconcile_log().info("pod_adopted", pod=namespaced_name(pod))
        return adopted

    async def _release(self, rs: ReplicaSet, pod: Pod, errors: list[ApiError]) -> None:
        try:
            released = await release(self.client, Pod, pod, rs)
        except ApiError as error:
            errors.append(error)
            return
        if released is not None:
            reconcile_log().info("pod_released", pod=namespaced_name(pod))

    # ------------------------------------------------------------------------ replicas

    async def _manage_replicas(self, rs: ReplicaSet, key: str, pods: list[Pod]) -> ApiError | None:
        """Create or delete toward ``spec.replicas``; the first failure, if any."""
        wanted = rs.spec.replicas if rs.spec.replicas is not None else 1
        diff = len(pods) - wanted
        if diff < 0:
            return await self._create_pods(rs, key, min(-diff, BURST_REPLICAS))
        if diff > 0:
            return await self._delete_pods(rs, key, pods, min(diff, BURST_REPLICAS))
        return None

    async def _create_pods(self, rs: ReplicaSet, key: str, count: int) -> ApiError | None:
        reconcile_log().info("too_few_replicas", need=rs.spec.replicas, creating=count)
        pod = pod_from_template(rs.spec.template, rs, generate_name=f"{rs.metadata.name}-")

        async def create() -> None:
            await self.control.create(key, rs, pod)

        _, error = await slow_start_batch(count, SLOW_START_INITIAL_BATCH_SIZE, create)
        return error

    async def _delete_pods(
        self, rs: ReplicaSet, key: str, pods: list[Pod], count: int
    ) -> ApiError | None:
        reconcile_log().info("too_many_replicas", need=rs.spec.replicas, deleting=count)
        victims = pods_to_delete(pods, self._related_pods(rs), count, wall_clock())
        errors: list[ApiError] = []

        async def delete(pod: Pod) -> None:
            try:
                await self.control.delete(key, rs, pod)
            except ApiError as error:
                errors.append(error)

        async with anyio.create_task_group() as tg:
            for pod in victims:
                tg.start_soon(delete, pod)
        return errors[0] if errors else None

    def _related_pods(self, rs: ReplicaSet) -> Iterable[Pod]:
        """The Pods of every ReplicaSet with the same controller as ``rs`` (none if it has no
        controller): how crowded each node is counts them all."""
        owner = controller_of(rs)
        if owner is None:
            return ()
        related: list[Pod] = []
        for sibling in self.sets.indexer.by_index(OWNER_UID_INDEX, owner.uid):
            ref = controller_of(sibling)
            if ref is None or ref.uid != owner.uid:
                continue
            for pod in self.pods.indexer.by_index(OWNER_UID_INDEX, sibling.metadata.uid):
                pod_ref = controller_of(pod)
                if pod_ref is not None and pod_ref.uid == sibling.metadata.uid:
                    related.append(pod)
        return related

    # -------------------------------------------------------------------------- status

    async def _update_status(self, rs: ReplicaSet, status: ReplicaSetStatus) -> None:
        generation = rs.metadata.generation
        unchanged = attrs.evolve(status, observed_generation=rs.status.observed_generation)
        if rs.status == unchanged and rs.status.observed_generation == generation:
            return
        status = attrs.evolve(status, observed_generation=generation)
        try:
            await self.client.update_status(attrs.evolve(rs, status=status))
        except Conflict:
            # The cache was behind: once more on the stored object (Kubernetes retries once).
            fresh = await self.client.get(
                ReplicaSet, rs.metadata.name, namespace=rs.metadata.namespace
            )
            if fresh.metadata.uid != rs.metadata.uid:
                return
            status = attrs.evolve(status, observed_generation=fresh.metadata.generation)
            await self.client.update_status(attrs.evolve(fresh, status=status))


def calculate_status(
    rs: ReplicaSet, pods: Sequence[PodFacts], error: ApiError | None, now: dt.datetime
) -> tuple[ReplicaSetStatus, dt.datetime | None]:
    """The status the claimed ``pods`` give ``rs`` (``observedGeneration`` left as it was),
    and when the next ready Pod becomes available (None: none is waiting)."""
    min_ready = dt.timedelta(seconds=rs.spec.min_ready_seconds)
    fully_labeled = ready = available = 0
    next_available: dt.datetime | None = None
    for facts in pods:
        if facts.fully_labeled:
            fully_labeled += 1
        if not facts.ready:
            continue
        ready += 1
        since = facts.ready_since
        if not min_ready:
            available += 1
        elif since is not None:
            becomes = since + min_ready
            if becomes <= now:
                available += 1
            elif next_available is None or becomes < next_available:
                next_available = becomes
    conditions = rs.status.conditions
    failure = get_condition(conditions, "ReplicaFailure")
    if error is not None and failure is None:
        wanted = rs.spec.replicas if rs.spec.replicas is not None else 1
        reason = "FailedCreate" if len(pods) < wanted else "FailedDelete"
        condition = ReplicaSetCondition(
            type="ReplicaFailure",
            status="True",
            reason=reason,
            message=str(error),
            last_transition_time=now,
        )
        conditions = set_condition(conditions, condition)
    elif error is None and failure is not None:
        conditions = remove_condition(conditions, "ReplicaFailure")
    status = attrs.evolve(
        rs.status,
        replicas=len(pods),
        fully_labeled_replicas=fully_labeled,
        ready_replicas=ready,
        available_replicas=available,
        conditions=conditions,
    )
    return status, next_available


def controller(context: ControllerContext) -> ControllerSpec:
    """The ReplicaSet controller on the cluster's shared informers."""
    pods = context.informers.informer(Pod, indexers={ORPHAN_PODS_INDEX: _orphan_namespace})
    sets = context.informers.informer(ReplicaSet)
    expectations = Expectations()
    reconciler = ReplicaSetReconciler(
        client=context.client,
        sets=sets,
        pods=pods,
        recorder=context.recorder(COMPONENT),
        expectations=expectations,
    )
    return ControllerSpec(
        for_=ReplicaSet,
        watches=[(Pod, _PodEvents(sets, expectations, reconciler.selector))],
        reconciler=reconciler,
        workers=WORKERS,
        name="replicaset",
    )
