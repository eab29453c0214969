"""Job tracking with finalizers: how the Job controller counts each finished Pod exactly once.

Kubernetes' Job controller puts the ``batch.kubernetes.io/job-tracking`` finalizer on every
Pod it creates, so that no Pod of a Job disappears before the Job has counted it: a Pod a user
deletes, one the pod garbage collector removes, one the kubelet deletes after its grace period
all stay (Terminating) until the controller lets them go. Counting a finished Pod takes three
writes, in this order, so that a crash between any two loses or doubles nothing:

1. the Job's ``status.uncountedTerminatedPods`` gets the Pod's UID (succeeded or failed);
2. the finalizer is removed from the Pod (a strategic-merge patch);
3. the UID moves from ``uncountedTerminatedPods`` into ``status.succeeded`` or
   ``status.failed``: only a UID whose Pod no longer has the finalizer moves.

Between 2 and the moment the controller's Pod cache shows the finalizer gone, the cache is
behind its own write: ``FinalizerExpectations`` remembers those UIDs so that a reconcile in
between neither counts the Pod again nor keeps its UID as uncounted.

A Pod whose Job is gone (deleted, or a Job of the same name with another UID), whose Job has
finished, or that lost its controller reference (the garbage collector orphaned it) keeps no
finalizer: ``release_orphans`` removes it (Kubernetes' ``syncOrphanPod``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import attrs

from ..api import Job, Pod, controller_of, namespaced_name
from ..client import Client, SharedInformer
from ..errors import NotFound
from ..reconcile import Request, WorkQueue, reconcile_log
from ._expectations import Expectations
from ._workloads import PodEvents, finished_time

__all__ = [
    "TRACKING_FINALIZER",
    "TRACKING_INDEX",
    "BackoffRecord",
    "FinalizerExpectations",
    "JobPodEvents",
    "has_tracking_finalizer",
    "is_failed_for",
    "orphans_request",
    "release_finalizer",
    "release_orphans",
    "tracking_index",
]

TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking"
#: The Pod informer's index of Pods that still carry the finalizer, by namespace.
TRACKING_INDEX = "job-tracking"


def has_tracking_finalizer(pod: Pod) -> bool:
    return TRACKING_FINALIZER in pod.metadata.finalizers


def tracking_index(pod: Any) -> Iterable[str]:
    return (pod.metadata.namespace,) if TRACKING_FINALIZER in pod.metadata.finalizers else ()


def orphans_request(namespace: str) -> Request:
    """The request that looks for orphaned tracked Pods in ``namespace`` (no Job has an
    empty name)."""
    return Request(namespace, "")


def is_failed_for(pod: Pod, job: Job) -> bool:
    """Whether ``job`` counts ``pod`` as failed: its phase says so, or (unless the Job
    replaces only failed Pods) it is being deleted before it succeeded, since a deleted Pod
    may never reach a phase of its own (Kubernetes' ``isPodFailed``)."""
    if pod.status.phase == "Failed":
        return True
    if job.spec.pod_replacement_policy == "Failed":
        return False
    return pod.metadata.deletion_timestamp is not None and pod.status.phase != "Succeeded"


async def release_finalizer(client: Client, pod: Pod) -> bool:
    """Remove the tracking finalizer from ``pod``; False if the Pod is gone (which counts
    as removed: nothing holds it any more)."""
    meta = pod.metadata
    patch = {"metadata": {"$deleteFromPrimitiveList/finalizers": [TRACKING_FINALIZER]}}
    try:
        await client.patch(Pod, meta.name, patch, namespace=meta.namespace, patch_type="strategic")
    except NotFound:
        return False
    return True


async def release_orphans(client: Client, jobs: SharedInformer[Job], pods: Iterable[Pod]) -> int:
    """Release the finalizer of each of ``pods`` that no unfinished Job tracks any more;
    how many were released."""
    released = 0
    for pod in pods:
        if not has_tracking_finalizer(pod) or _tracked(jobs, pod):
            continue
        await release_finalizer(client, pod)
        released += 1
        reconcile_log().info("orphan_pod_finalizer_removed", pod=namespaced_name(pod))
    return released


def _tracked(jobs: SharedInformer[Job], pod: Pod) -> bool:
    ref = controller_of(pod)
    if ref is None:
        return False
    if ref.kind != "Job" or ref.api_version != "batch/v1":
        return True  # another controller's Pod: not ours to touch
    job = jobs.indexer.get(ref.name, pod.metadata.namespace)
    if job is None or job.metadata.uid != ref.uid:
        return False
    return not any(
        c.type in ("Complete", "Failed") and c.status == "True" for c in job.status.conditions
    )


class FinalizerExpectations:
    """Per Job key, the UIDs of Pods whose finalizer removal was sent and not yet seen in
    the Pod cache (Kubernetes' ``uidTrackingExpectations``)."""

    __slots__ = ("_by_key",)

    def __init__(self) -> None:
        self._by_key: dict[str, set[str]] = {}

    def expected(self, key: str) -> frozenset[str]:
        return frozenset(self._by_key.get(key, ()))

    def expect_removed(self, key: str, uids: Iterable[str]) -> None:
        self._by_key.setdefault(key, set()).update(uids)

    def removal_observed(self, key: str, uid: str) -> None:
        pending = self._by_key.get(key)
        if pending is not None:
            pending.discard(uid)
            if not pending:
                del self._by_key[key]

    def delete(self, key: str) -> None:
        self._by_key.pop(key, None)


class JobPodEvents(PodEvents):
    """The Job controller's Pod handler: a workload's (expectations, then the Job), plus the
    finalizer removals it sees and the orphaned tracked Pods it hands to ``release_orphans``."""

    __slots__ = ("finalizers",)

    def __init__(self, expectations: Expectations, finalizers: FinalizerExpectations) -> None:
        super().__init__(Job, expectations)
        self.finalizers = finalizers

    def _observe(self, pod: Pod, gone: bool, queue: WorkQueue[Request]) -> None:
        owner = self._owner(pod)
        if owner is None:
            if has_tracking_finalizer(pod):
                queue.add(orphans_request(pod.metadata.namespace))
            return
        if gone or not has_tracking_finalizer(pod):
            self.finalizers.removal_observed(str(owner), pod.metadata.uid)

    def on_add(self, pod: Pod, queue: WorkQueue[Request]) -> None:
        self._observe(pod, False, queue)
        super().on_add(pod, queue)

    def on_update(self, old: Pod, new: Pod, queue: WorkQueue[Request]) -> None:
        if not new.metadata.owner_references and not old.metadata.owner_references:
            # Owned by no controller, before or after (a bare Pod's every write): only an
            # orphan still tracked matters, as ``_observe`` tells it.
            if has_tracking_finalizer(new):
                queue.add(orphans_request(new.metadata.namespace))
            return
        previous = self._owner(old)
        if previous is not None and previous != self._owner(new):
            self.finalizers.removal_observed(str(previous), new.metadata.uid)
        self._observe(new, False, queue)
        super().on_update(old, new, queue)

    def on_delete(self, pod: Pod, queue: WorkQueue[Request]) -> None:
        self._observe(pod, True, queue)
        super().on_delete(pod, queue)


@attrs.frozen(kw_only=True)
class BackoffRecord:
    """Failures since the last success and when the last of them happened: what the delay
    before the next Pod is computed from (Kubernetes' ``backoffRecord``). Kept in memory per
    Job, fed with the Pods each reconcile counts for the first time."""

    failures: int = 0
    last_failure: dt.datetime | None = None

    def after(self, succeeded: Iterable[Pod], failed: Iterable[Pod]) -> BackoffRecord:
        failed_at = sorted(_finished_or_created(p) for p in failed)
        succeeded_at = sorted(_finished_or_created(p) for p in succeeded)
        if not succeeded_at:
            if not failed_at:
                return self
            return BackoffRecord(
                failures=self.failures + len(failed_at), last_failure=failed_at[-1]
            )
        later = [t for t in failed_at if t > succeeded_at[-1]]
        return BackoffRecord(failures=len(later), last_failure=later[-1] if later else None)

    def remaining(self, now: dt.datetime, initial: float, cap: float) -> float:
        """Seconds until the next Pod may be created (0: now)."""
        if self.failures == 0 or self.last_failure is None:
            return 0.0
        delay: float = min(initial * 2.0 ** (self.failures - 1), cap)
        return max(0.0, delay - (now - self.last_failure).total_seconds())


def _finished_or_created(pod: Pod) -> dt.datetime:
    finished = finished_time(pod)
    if finished is not None:
        return finished
    created = pod.metadata.creation_timestamp
    assert created is not None, "a Pod read from the apiserver has a creation timestamp"
    return created
