"""The Job controller: Pods that run to completion (Kubernetes' ``pkg/controller/job``).

Each reconcile of a Job reads the Job and the Pods it controls from the shared informers'
caches (the Pods through the owner-uid index) and:

1. leaves a finished Job (``Complete`` or ``Failed``) alone, but for the tracking finalizer
   of any Pod of it that still has one;
2. decides whether the Job is done. It fails when more Pods failed than ``backoffLimit``
   allows (``BackoffLimitExceeded``) or, failing that, when it has been active longer than
   ``activeDeadlineSeconds`` (``DeadlineExceeded``); it succeeds when enough Pods succeeded
   and none still runs. Either way it first gets the interim condition (``FailureTarget`` or
   ``SuccessCriteriaMet``), its Pods still running are deleted, and only once every finished
   Pod is counted and no Pod of it is terminating any more does it get ``Failed`` or
   ``Complete`` (same reason and message), with the Warning or ``Completed`` Event;
3. while ``suspend`` is set, deletes the running Pods and records ``Suspended``; resuming
   restarts the clock of ``activeDeadlineSeconds`` (``startTime`` is reset);
4. otherwise creates Pods up to ``min(parallelism, completions - succeeded)`` (or deletes the
   excess). In ``Indexed`` mode each Pod gets an index in ``[0, completions)``: the
   ``batch.kubernetes.io/job-completion-index`` annotation and label, ``JOB_COMPLETION_INDEX``
   in every container's environment (from the annotation, as Kubernetes does), hostname
   ``<job>-<index>``. A failed Pod is replaced after a back-off of 10 s doubling with each
   failure since the last success, up to 6 minutes, counted from when it failed. With
   ``podReplacementPolicy: Failed`` a Pod being deleted is replaced only once it is gone;
5. counts finished Pods with the tracking finalizer (``_job_tracking``): each Pod it creates
   carries ``batch.kubernetes.io/job-tracking``; a Pod that succeeded, failed or is being
   deleted before it succeeded (a deleted Pod counts as failed) goes to
   ``status.uncountedTerminatedPods``, loses its finalizer, then moves into ``succeeded`` or
   ``failed``. A Pod the controller deletes itself to scale down or suspend loses its
   finalizer first and is not counted; one it deletes because the Job failed keeps it and
   counts as failed. So the counters survive the Pods: deleting a finished Pod changes
   nothing, and no Pod is left with the finalizer once its Job finished or is gone;
6. writes ``status`` (active, ready, terminating, succeeded, failed, completedIndexes,
   uncountedTerminatedPods, startTime, completionTime, conditions) when it changed.

Selector and labels. The apiserver gives a Job without a selector the selector
``batch.kubernetes.io/controller-uid=<uid>`` and labels its template to match; the controller
also puts those labels (``batch.kubernetes.io/controller-uid``, ``controller-uid``,
``batch.kubernetes.io/job-name``, ``job-name``) on every Pod it creates. It finds its Pods by
owner reference, so it adopts no orphans.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence

import attrs

from ..actors import wall_clock
from ..api import (
    EnvVar,
    EnvVarSource,
    Job,
    JobCondition,
    ObjectFieldSelector,
    Pod,
    UncountedTerminatedPods,
    get_condition,
    is_pod_active,
    is_pod_ready,
    is_pod_terminal,
    set_condition,
)
from ..client import Client, EventRecorder, SharedInformer
from ..errors import ApiError
from ..reconcile import ControllerSpec, Request, Result, reconcile_log
from ._context import ControllerContext
from ._expectations import Expectations
from ._job_tracking import (
    TRACKING_FINALIZER,
    TRACKING_INDEX,
    BackoffRecord,
    FinalizerExpectations,
    JobPodEvents,
    has_tracking_finalizer,
    is_failed_for,
    release_finalizer,
    release_orphans,
    tracking_index,
)
from ._ranking import active_pods_order
from ._workloads import PodControl, owned_pods, pod_from_template

__all__ = [
    "BACKOFF_INITIAL",
    "BACKOFF_MAX",
    "COMPLETION_INDEX_ANNOTATION",
    "COMPONENT",
    "CONTROLLER_UID_LABEL",
    "JOB_NAME_LABEL",
    "MAX_UNCOUNTED_PODS",
    "TRACKING_FINALIZER",
    "WORKERS",
    "JobReconciler",
    "controller",
    "finish_time",
    "format_indexes",
    "is_job_finished",
    "parse_indexes",
]

#: The Event source and client name, as kube-controller-manager names this controller.
COMPONENT = "job-controller"
#: kube-controller-manager's ``--concurrent-job-syncs``.
WORKERS = 5

#: The back-off before replacing a failed Pod: 10 s, doubling per failure, up to 6 min.
BACKOFF_INITIAL = 10.0
BACKOFF_MAX = 360.0
#: At most this many UIDs in ``uncountedTerminatedPods`` at once (its size stays under
#: ~20 KB, and one big Job's sync does not starve the others); the rest wait for the next.
MAX_UNCOUNTED_PODS = 500

COMPLETION_INDEX_ANNOTATION = "batch.kubernetes.io/job-completion-index"
CONTROLLER_UID_LABEL = "batch.kubernetes.io/controller-uid"
LEGACY_CONTROLLER_UID_LABEL = "controller-uid"
JOB_NAME_LABEL = "batch.kubernetes.io/job-name"
LEGACY_JOB_NAME_LABEL = "job-name"
COMPLETION_INDEX_ENV = "JOB_COMPLETION_INDEX"
_COMPLETIONS_REACHED = ("CompletionsReached", "Reached expected number of succeeded pods")


def is_job_finished(job: Job) -> bool:
    """Whether the Job has a ``Complete`` or ``Failed`` condition that is True."""
    return any(
        c.type in ("Complete", "Failed") and c.status == "True" for c in job.status.conditions
    )


def finish_time(job: Job) -> dt.datetime | None:
    """When the Job finished: the transition time of its Complete or Failed condition."""
    for condition in job.status.conditions:
        if condition.type in ("Complete", "Failed") and condition.status == "True":
            return condition.last_transition_time
    return None


def pod_index(pod: Pod) -> int | None:
    """A Pod's completion index, from its annotation (None when absent or malformed)."""
    value = pod.metadata.annotations.get(COMPLETION_INDEX_ANNOTATION)
    if value is None or not value.isdigit():
        return None
    return int(value)


def format_indexes(indexes: Iterable[int]) -> str:
    """Sorted indexes as Kubernetes writes ``completedIndexes``: ``"0-2,5,7-8"``."""
    ranges: list[str] = []
    ordered = sorted(set(indexes))
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        ranges.append(str(ordered[i]) if i == j else f"{ordered[i]}-{ordered[j]}")
        i = j + 1
    return ",".join(ranges)


def parse_indexes(text: str, completions: int) -> set[int]:
    """The indexes below ``completions`` that ``completedIndexes`` text names (what cannot
    be read is skipped, as Kubernetes does)."""
    found: set[int] = set()
    for part in filter(None, text.split(",")):
        first, _, last = part.partition("-")
        if not first.isdigit() or (last and not last.isdigit()):
            continue
        found.update(range(int(first), min(int(last or first), completions - 1) + 1))
    return found


def _condition(kind: str, status: str, reason: str, message: str) -> JobCondition:
    now = wall_clock()
    return JobCondition(
        type=kind,
        status=status,
        reason=reason,
        message=message,
        last_probe_time=now,
        last_transition_time=now,
    )


def _terminating(pod: Pod) -> bool:
    return pod.metadata.deletion_timestamp is not None and not is_pod_terminal(pod)


@attrs.frozen(kw_only=True)
class _Finish:
    """How the Job ends, once its Pods let it: ``Complete`` or ``Failed``, with the reason
    and message both the interim and the final condition carry."""

    final: str
    reason: str
    message: str

    @property
    def interim(self) -> str:
        return "SuccessCriteriaMet" if self.final == "Complete" else "FailureTarget"


class JobReconciler:
    """Reconciles one Job at a time against its Pods (see the module docstring)."""

    def __init__(
        self,
        *,
        client: Client,
        jobs: SharedInformer[Job],
        pods: SharedInformer[Pod],
        recorder: EventRecorder,
        expectations: Expectations,
        finalizers: FinalizerExpectations,
    ) -> None:
        self.client = client
        self.jobs = jobs
        self.pods = pods
        self.recorder = recorder
        self.expectations = expectations
        self.finalizers = finalizers
        self.control = PodControl(client, recorder, expectations)
        #: Per Job key, the failures since its last success (the replacement back-off).
        self.backoff: dict[str, BackoffRecord] = {}

    async def reconcile(self, request: Request) -> Result:
        key = str(request)
        job = self.jobs.indexer.get(request.name, request.namespace) if request.name else None
        if job is None:
            self.expectations.delete(key)
            self.finalizers.delete(key)
            self.backoff.pop(key, None)
            tracked = self.pods.indexer.by_index(TRACKING_INDEX, request.namespace)
            await release_orphans(self.client, self.jobs, tracked)
            return Result()
        pods = owned_pods(self.pods, job)
        if is_job_finished(job):
            # Every finalizer goes before a Job is marked finished; this is the backstop.
            self.backoff.pop(key, None)
            await release_orphans(self.client, self.jobs, pods)
            return Result()
        needs_sync = self.expectations.satisfied(key)
        return await _Sync(self, key, job, pods).run(needs_sync)


class _Sync:
    """One reconcile of one Job: the state it computes as it goes."""

    def __init__(self, owner: JobReconciler, key: str, job: Job, pods: list[Pod]) -> None:
        self.owner = owner
        self.key = key
        self.job = job
        self.pods = sorted(pods, key=lambda p: (pod_index(p) or 0, p.metadata.name))
        self.now = wall_clock()
        self.status = attrs.evolve(
            job.status,
            uncounted_terminated_pods=job.status.uncounted_terminated_pods
            or UncountedTerminatedPods(),
        )
        self.written = job
        self.expected = owner.finalizers.expected(key)
        self.active = [pod for pod in self.pods if is_pod_active(pod)]
        self.terminating = sum(1 for pod in self.pods if _terminating(pod))
        self.requeue: list[float] = []
        uncounted = self._uncounted()
        new_succeeded = self._newly_finished(
            uncounted.succeeded, lambda p: p.status.phase == "Succeeded"
        )
        new_failed = self._newly_finished(uncounted.failed, lambda p: is_failed_for(p, job))
        self.backoff = owner.backoff.get(key, BackoffRecord()).after(new_succeeded, new_failed)
        self.failed = self.status.failed + len(new_failed) + len(uncounted.failed)
        self.prev_indexes: set[int] = set()
        if self._indexed():
            completions = job.spec.completions or 0
            self.prev_indexes = parse_indexes(self.status.completed_indexes, completions)
            self.succeeded = len(self.prev_indexes | self._indexes_of(new_succeeded))
        else:
            self.succeeded = self.status.succeeded + len(new_succeeded) + len(uncounted.succeeded)

    # ------------------------------------------------------------------------- decide

    async def run(self, needs_sync: bool) -> Result:
        suspended = bool(self.job.spec.suspend)
        self._track_start(suspended)
        finish = self._finish_decided(suspended)
        if finish is not None:
            await self._delete(self.active, keep_finalizer=True)
            self.active = []
            if not needs_sync:
                finish = None  # the cache is behind this controller's writes: next time
        else:
            managed = needs_sync and self.job.metadata.deletion_timestamp is None
            if managed:
                await self._manage(suspended)
            if self._complete():
                finish = _Finish(
                    final="Complete",
                    reason=_COMPLETIONS_REACHED[0],
                    message=_COMPLETIONS_REACHED[1],
                )
            elif managed and suspended:
                self._suspend()
            elif managed:
                self._resume()
        await self._track(finish)
        return Result(requeue_after=min(self.requeue)) if self.requeue else Result()

    def _track_start(self, suspended: bool) -> None:
        if self.status.start_time is None and not suspended:
            self.status = attrs.evolve(self.status, start_time=self.now)

    def _finish_decided(self, suspended: bool) -> _Finish | None:
        """How the Job ends, if it does: an interim condition it already has, else a new
        failure (the back-off limit before the deadline, as Kubernetes checks them)."""
        for interim, final in (("SuccessCriteriaMet", "Complete"), ("FailureTarget", "Failed")):
            found = get_condition(self.status.conditions, interim)
            if found is not None and found.status == "True":
                return _Finish(final=final, reason=found.reason, message=found.message)
        spec = self.job.spec
        backoff_limit = 6 if spec.backoff_limit is None else spec.backoff_limit
        if self.failed > backoff_limit or self._restarts_reach(backoff_limit):
            message = "Job has reached the specified backoff limit"
            return _Finish(final="Failed", reason="BackoffLimitExceeded", message=message)
        deadline = spec.active_deadline_seconds
        start = self.status.start_time
        if deadline is not None and start is not None and not suspended:
            remaining = deadline - (self.now - start).total_seconds()
            if remaining <= 0:
                message = "Job was active longer than specified deadline"
                return _Finish(final="Failed", reason="DeadlineExceeded", message=message)
            self.requeue.append(remaining)
        return None

    def _restarts_reach(self, limit: int) -> bool:
        """With ``restartPolicy: OnFailure`` a failing container restarts in its Pod instead
        of failing it: the restarts of the running Pods count against the limit instead
        (Kubernetes' ``pastBackoffLimitOnFailure``)."""
        if self.job.spec.template.spec.restart_policy != "OnFailure":
            return False
        restarts = sum(
            status.restart_count
            for pod in self.pods
            if pod.status.phase in ("Pending", "Running")
            for status in (*pod.status.init_container_statuses, *pod.status.container_statuses)
        )
        return restarts > 0 if limit == 0 else restarts >= limit

    def _complete(self) -> bool:
        if self.active:
            return False
        completions = self.job.spec.completions
        return self.succeeded > 0 if completions is None else self.succeeded >= completions

    def _suspend(self) -> None:
        current = get_condition(self.status.conditions, "Suspended")
        if current is not None and current.status == "True":
            return
        self._set(_condition("Suspended", "True", "JobSuspended", "Job suspended"))
        self.owner.recorder.event(self.job, "Normal", "Suspended", "Job suspended")

    def _resume(self) -> None:
        current = get_condition(self.status.conditions, "Suspended")
        if current is None or current.status != "True":
            return
        self._set(_condition("Suspended", "False", "JobResumed", "Job resumed"))
        # The deadline's clock starts again on resume.
        self.status = attrs.evolve(self.status, start_time=self.now)
        self.owner.recorder.event(self.job, "Normal", "Resumed", "Job resumed")

    def _set(self, condition: JobCondition) -> None:
        conditions = set_condition(self.status.conditions, condition)
        self.status = attrs.evolve(self.status, conditions=conditions)

    # ------------------------------------------------------------------------- manage

    def _indexed(self) -> bool:
        return self.job.spec.completion_mode == "Indexed"

    def _valid_index(self, pod: Pod) -> bool:
        index = pod_index(pod)
        return index is not None and index < (self.job.spec.completions or 0)

    def _indexes_of(self, pods: Iterable[Pod]) -> set[int]:
        return {
            i
            for i in map(pod_index, pods)
            if i is not None and i < (self.job.spec.completions or 0)
        }

    def _succeeded_indexes(self) -> set[int]:
        succeeded = (
            p for p in self.pods if p.status.phase == "Succeeded" and has_tracking_finalizer(p)
        )
        return self.prev_indexes | self._indexes_of(succeeded)

    def _want_active(self) -> int:
        spec = self.job.spec
        parallelism = 1 if spec.parallelism is None else spec.parallelism
        if spec.completions is None:
            return len(self.active) if self.succeeded > 0 else parallelism
        return max(0, min(parallelism, spec.completions - self.succeeded))

    async def _manage(self, suspended: bool) -> None:
        if suspended:
            await self._delete(self.active, keep_finalizer=False)
            self.active = []
            return
        if self._indexed():
            await self._drop_bad_indexes()
        want = self._want_active()
        excess = len(self.active) - want
        if excess > 0:
            doomed = active_pods_order(self.active)[:excess]
            await self._delete(doomed, keep_finalizer=False)
            gone = {id(pod) for pod in doomed}
            self.active = [pod for pod in self.active if id(pod) not in gone]
            return
        missing = want - len(self.active)
        if self.job.spec.pod_replacement_policy == "Failed":
            missing -= self.terminating  # replaced once they are gone
        if missing <= 0:
            return
        wait = self.backoff.remaining(self.now, BACKOFF_INITIAL, BACKOFF_MAX)
        if wait > 0:
            self.requeue.append(wait)
            return
        for pod in self._new_pods(missing):
            created = await self.owner.control.create(self.key, self.job, pod)
            self.active.append(created)

    async def _drop_bad_indexes(self) -> None:
        """Delete active Pods whose index is out of range, already succeeded, or taken."""
        done = self._succeeded_indexes()
        seen: set[int] = set()
        keep, doomed = [], []
        for pod in self.active:
            index = pod_index(pod)
            if index is None or not self._valid_index(pod) or index in done or index in seen:
                doomed.append(pod)
            else:
                seen.add(index)
                keep.append(pod)
        if doomed:
            await self._delete(doomed, keep_finalizer=False)
            self.active = keep

    def _new_pods(self, count: int) -> list[Pod]:
        job = self.job
        name, uid = job.metadata.name, job.metadata.uid
        labels = {
            CONTROLLER_UID_LABEL: uid,
            LEGACY_CONTROLLER_UID_LABEL: uid,
            JOB_NAME_LABEL: name,
            LEGACY_JOB_NAME_LABEL: name,
        }
        template = job.spec.template
        if not self._indexed():
            pods = [
                pod_from_template(template, job, generate_name=f"{name}-", labels=labels)
                for _ in range(count)
            ]
        else:
            pods = [self._indexed_pod(i, labels) for i in self._free_indexes()[:count]]
        return [_tracked(pod) for pod in pods]

    def _free_indexes(self) -> list[int]:
        completions = self.job.spec.completions or 0
        taken = self._succeeded_indexes() | {pod_index(pod) for pod in self.active} - {None}
        return [i for i in range(completions) if i not in taken]

    def _indexed_pod(self, index: int, labels: dict[str, str]) -> Pod:
        job = self.job
        name = job.metadata.name
        pod = pod_from_template(
            job.spec.template,
            job,
            generate_name=f"{name}-{index}-",
            labels={**labels, COMPLETION_INDEX_ANNOTATION: str(index)},
            annotations={COMPLETION_INDEX_ANNOTATION: str(index)},
        )
        field = f"metadata.annotations['{COMPLETION_INDEX_ANNOTATION}']"
        env = EnvVar(
            name=COMPLETION_INDEX_ENV,
            value_from=EnvVarSource(field_ref=ObjectFieldSelector(field_path=field)),
        )
        containers = tuple(
            attrs.evolve(c, env=(*(e for e in c.env if e.name != COMPLETION_INDEX_ENV), env))
            for c in pod.spec.containers
        )
        hostname = pod.spec.hostname or f"{name}-{index}"
        spec = attrs.evolve(pod.spec, containers=containers, hostname=hostname)
        return attrs.evolve(pod, spec=spec)

    async def _delete(self, pods: Sequence[Pod], *, keep_finalizer: bool) -> None:
        """Delete ``pods``. Scaling down or suspending releases a Pod first, so that it is
        not counted as failed; a failed Job's Pods keep the finalizer and count as failed."""
        for pod in pods:
            if not keep_finalizer and has_tracking_finalizer(pod):
                await release_finalizer(self.owner.client, pod)
            await self.owner.control.delete(self.key, self.job, pod)
            self.terminating += 1

    # ------------------------------------------------------------------------ tracking

    def _uncounted(self) -> UncountedTerminatedPods:
        uncounted = self.status.uncounted_terminated_pods
        assert uncounted is not None, "set in __init__"
        return uncounted

    def _newly_finished(
        self, uncounted: Iterable[str], finished: Callable[[Pod], bool]
    ) -> list[Pod]:
        """Finished Pods not counted yet: they have the finalizer, no removal of it is
        pending, and their UID is not among ``uncounted`` (Kubernetes'
        ``getNewFinishedPods``)."""
        skip = set(uncounted) | self.expected
        return [
            pod
            for pod in self.pods
            if has_tracking_finalizer(pod)
            and pod.metadata.uid not in skip
            and (not self._indexed() or self._valid_index(pod))
            and finished(pod)
        ]

    def _count_released(self, with_finalizer: set[str]) -> None:
        """Move the uncounted UIDs whose Pods lost their finalizer into the counters."""
        uncounted = self._uncounted()
        succeeded = tuple(uid for uid in uncounted.succeeded if uid in with_finalizer)
        failed = tuple(uid for uid in uncounted.failed if uid in with_finalizer)
        self.status = attrs.evolve(
            self.status,
            succeeded=self.status.succeeded + len(uncounted.succeeded) - len(succeeded),
            failed=self.status.failed + len(uncounted.failed) - len(failed),
            uncounted_terminated_pods=UncountedTerminatedPods(succeeded=succeeded, failed=failed),
        )

    def _releasable(self, pod: Pod, failed: bool, finish: _Finish | None) -> bool:
        deleting = self.job.metadata.deletion_timestamp is not None
        return deleting or finish is not None or pod.status.phase == "Succeeded" or failed

    async def _track(self, finish: _Finish | None) -> None:
        """Count what finished, release it, then finish the Job if it may (Kubernetes'
        ``trackJobStatusAndRemoveFinalizers``)."""
        with_finalizer = {
            pod.metadata.uid
            for pod in self.pods
            if has_tracking_finalizer(pod) and pod.metadata.uid not in self.expected
        }
        self._count_released(with_finalizer)
        uncounted = self._uncounted()
        succeeded, failed = list(uncounted.succeeded), list(uncounted.failed)
        new_indexes: set[int] = set()
        releasing: list[Pod] = []
        full = False
        for pod in self.pods:
            uid = pod.metadata.uid
            if uid not in with_finalizer:
                continue
            pod_failed = is_failed_for(pod, self.job)
            if not self._releasable(pod, pod_failed, finish):
                continue
            releasing.append(pod)
            if pod.status.phase == "Succeeded" and uid not in failed:
                if self._indexed():
                    new_indexes |= self._indexes_of([pod]) - self.prev_indexes
                elif uid not in succeeded:
                    succeeded.append(uid)
            elif pod_failed or (finish is not None and finish.final == "Failed"):
                counted = uid in failed or (self._indexed() and not self._valid_index(pod))
                if not counted:
                    failed.append(uid)
            if len(new_indexes) + len(succeeded) + len(failed) >= MAX_UNCOUNTED_PODS:
                full = True
                break
        self.status = attrs.evolve(
            self.status,
            uncounted_terminated_pods=UncountedTerminatedPods(succeeded=succeeded, failed=failed),
        )
        if self._indexed():
            indexes = self.prev_indexes | new_indexes
            self.status = attrs.evolve(
                self.status, succeeded=len(indexes), completed_indexes=format_indexes(indexes)
            )
        if finish is not None and get_condition(self.status.conditions, finish.interim) is None:
            self._set(_condition(finish.interim, "True", finish.reason, finish.message))
        await self._write_status()
        self.owner.backoff[self.key] = self.backoff
        error = await self._release(releasing, with_finalizer)
        self._count_released(with_finalizer)
        if finish is not None and not full:
            self._enact(finish)
        await self._write_status()
        if error is not None:
            raise error

    async def _release(self, pods: list[Pod], with_finalizer: set[str]) -> ApiError | None:
        """Remove the finalizer of ``pods``; the first error, after trying them all."""
        finalizers = self.owner.finalizers
        finalizers.expect_removed(self.key, (pod.metadata.uid for pod in pods))
        error: ApiError | None = None
        for pod in pods:
            try:
                await release_finalizer(self.owner.client, pod)
            except ApiError as failed:
                finalizers.removal_observed(self.key, pod.metadata.uid)
                error = error or failed
                continue
            with_finalizer.discard(pod.metadata.uid)
        return error

    def _enact(self, finish: _Finish) -> None:
        """The final condition, once every finished Pod is counted and none terminates."""
        uncounted = self._uncounted()
        if uncounted.succeeded or uncounted.failed or self.terminating:
            return  # a Pod's update brings this Job back
        conditions = self.status.conditions
        suspended = get_condition(conditions, "Suspended")
        if suspended is not None and suspended.status == "True":
            self._set(_condition("Suspended", "False", "JobResumed", "Job resumed"))
        self._set(_condition(finish.final, "True", finish.reason, finish.message))
        self.requeue.clear()
        recorder = self.owner.recorder
        if finish.final == "Failed":
            recorder.event(self.job, "Warning", finish.reason, finish.message)
            return
        self.status = attrs.evolve(self.status, completion_time=self.now)
        completions = self.job.spec.completions
        if completions is not None and self.status.succeeded > completions:
            message = "Too many succeeded pods running after completion count reached"
            recorder.event(self.job, "Warning", "TooManySucceededPods", message)
        recorder.event(self.job, "Normal", "Completed", "Job completed")

    # ------------------------------------------------------------------------- status

    async def _write_status(self) -> None:
        status = attrs.evolve(
            self.status,
            active=len(self.active),
            ready=sum(1 for pod in self.active if is_pod_ready(pod)),
            terminating=self.terminating,
        )
        if status == self.written.status:
            return
        self.written = await self.owner.client.update_status(
            attrs.evolve(self.written, status=status)
        )
        reconcile_log().debug(
            "job_status_updated",
            active=status.active,
            succeeded=status.succeeded,
            failed=status.failed,
        )


def _tracked(pod: Pod) -> Pod:
    """``pod`` with the tracking finalizer (Kubernetes adds it to the template's own)."""
    finalizers = pod.metadata.finalizers
    if TRACKING_FINALIZER in finalizers:
        return pod
    meta = attrs.evolve(pod.metadata, finalizers=(*finalizers, TRACKING_FINALIZER))
    return attrs.evolve(pod, metadata=meta)


def controller(context: ControllerContext) -> ControllerSpec:
    """The Job controller, as kube-controller-manager's ``job-controller``."""
    jobs = context.informers.informer(Job)
    pods = context.informers.informer(Pod, indexers={TRACKING_INDEX: tracking_index})
    expectations = Expectations()
    finalizers = FinalizerExpectations()
    reconciler = JobReconciler(
        client=context.client,
        jobs=jobs,
        pods=pods,
        recorder=context.recorder(COMPONENT),
        expectations=expectations,
        finalizers=finalizers,
    )
    return ControllerSpec(
        for_=Job,
        watches=[(Pod, JobPodEvents(expectations, finalizers))],
        reconciler=reconciler,
        workers=WORKERS,
        name="job",
    )
