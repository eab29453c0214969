"""The Job controller: Pods that run to completion (Kubernetes' ``pkg/controller/job``).

Each reconcile of a Job reads the Job and the Pods it controls from the shared informers'
caches (the Pods through the owner-uid index) and:

1. leaves a finished Job (``Complete`` or ``Failed``) alone;
2. fails it when it has been active longer than ``activeDeadlineSeconds`` (reason
   ``DeadlineExceeded``) or when more Pods failed than ``backoffLimit`` allows
   (``BackoffLimitExceeded``): as Kubernetes 1.31 does, first the interim ``FailureTarget``
   condition while the Pods still running are deleted, then ``Failed`` (same reason and
   message) once none of them terminates any more. When both hold at once the deadline wins:
   once the deadline passed, no retry may run;
3. while ``suspend`` is set, deletes the running Pods and records ``Suspended``; resuming
   restarts the clock of ``activeDeadlineSeconds`` (``startTime`` is reset);
4. otherwise creates Pods up to ``min(parallelism, completions - succeeded)`` (or deletes the
   excess). In ``Indexed`` mode each Pod gets an index in ``[0, completions)``: the
   ``batch.kubernetes.io/job-completion-index`` annotation and label, ``JOB_COMPLETION_INDEX``
   in every container's environment (from the annotation, as Kubernetes does), hostname
   ``<job>-<index>``. A failed Pod is replaced after a back-off of 10 s doubling with each
   failure since the last success, up to 6 minutes, counted from when it failed;
5. marks it ``Complete`` when enough Pods succeeded and none still run;
6. writes ``status`` (active, ready, succeeded, failed, completedIndexes, startTime,
   completionTime, conditions) when it changed.

Counting follows Kubernetes' legacy tracking: succeeded and failed are counted from the
Pods that exist (the controller never deletes a finished Pod), not with tracking finalizers.

Selector and labels. Kubernetes' apiserver gives a Job without a selector the selector
``batch.kubernetes.io/controller-uid=<uid>`` and labels its template to match. Here the Job's
spec is immutable once created and the apiserver does not generate it, so the controller
treats such a Job as having that selector and puts the labels Kubernetes would
(``batch.kubernetes.io/controller-uid``, ``controller-uid``, ``batch.kubernetes.io/job-name``,
``job-name``) on every Pod it creates. It finds its Pods by owner reference, so it adopts no
orphans.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import attrs

from ..actors import wall_clock
from ..api import (
    EnvVar,
    EnvVarSource,
    Job,
    JobCondition,
    ObjectFieldSelector,
    Pod,
    get_condition,
    is_pod_active,
    is_pod_ready,
    set_condition,
)
from ..client import Client, EventRecorder, SharedInformer
from ..reconcile import ControllerSpec, Request, Result, reconcile_log
from ._context import ControllerContext
from ._expectations import Expectations
from ._ranking import active_pods_order
from ._workloads import (
    PodControl,
    PodEvents,
    finished_time,
    owned_pods,
    pod_from_template,
)

__all__ = [
    "BACKOFF_INITIAL",
    "BACKOFF_MAX",
    "COMPLETION_INDEX_ANNOTATION",
    "COMPONENT",
    "CONTROLLER_UID_LABEL",
    "JOB_NAME_LABEL",
    "JobReconciler",
    "WORKERS",
    "controller",
    "finish_time",
    "is_job_finished",
]

#: The Event source and client name, as kube-controller-manager names this controller.
COMPONENT = "job-controller"
#: kube-controller-manager's ``--concurrent-job-syncs``.
WORKERS = 5

#: The back-off before replacing a failed Pod: 10 s, doubling per failure, up to 6 min.
BACKOFF_INITIAL = 10.0
BACKOFF_MAX = 360.0

COMPLETION_INDEX_ANNOTATION = "batch.kubernetes.io/job-completion-index"
CONTROLLER_UID_LABEL = "batch.kubernetes.io/controller-uid"
LEGACY_CONTROLLER_UID_LABEL = "controller-uid"
JOB_NAME_LABEL = "batch.kubernetes.io/job-name"
LEGACY_JOB_NAME_LABEL = "job-name"
COMPLETION_INDEX_ENV = "JOB_COMPLETION_INDEX"


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


@attrs.frozen(kw_only=True)
class _Pods:
    """A Job's Pods, sorted out once per reconcile."""

    active: list[Pod]
    succeeded: list[Pod]
    failed: list[Pod]
    #: Deleted but still running (``status.terminating``).
    terminating: list[Pod]

    @classmethod
    def of(cls, pods: Iterable[Pod]) -> _Pods:
        active, succeeded, failed, terminating = [], [], [], []
        for pod in pods:
            if pod.status.phase == "Succeeded":
                succeeded.append(pod)
            elif pod.status.phase == "Failed":
                failed.append(pod)
            elif is_pod_active(pod):
                active.append(pod)
            elif pod.metadata.deletion_timestamp is not None:
                terminating.append(pod)
        return cls(active=active, succeeded=succeeded, failed=failed, terminating=terminating)


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
    ) -> None:
        self.client = client
        self.jobs = jobs
        self.pods = pods
        self.recorder = recorder
        self.expectations = expectations
        self.control = PodControl(client, recorder, expectations)

    async def reconcile(self, request: Request) -> Result:
        key = str(request)
        job = self.jobs.indexer.get(request.name, request.namespace)
        if job is None:
            self.expectations.delete(key)
            return Result()
        if is_job_finished(job) or job.metadata.deletion_timestamp is not None:
            return Result()
        needs_sync = self.expectations.satisfied(key)
        pods = _Pods.of(owned_pods(self.pods, job))
        sync = _Sync(self, key, job, pods)
        return await sync.run(needs_sync)


class _Sync:
    """One reconcile of one Job: the state it computes as it goes."""

    def __init__(self, owner: JobReconciler, key: str, job: Job, pods: _Pods) -> None:
        self.owner = owner
        self.key = key
        self.job = job
        self.pods = pods
        self.now = wall_clock()
        self.status = job.status
        self.active = list(pods.active)
        self.failed = len(pods.failed)
        self.requeue: list[float] = []

    # ------------------------------------------------------------------------- decide

    async def run(self, needs_sync: bool) -> Result:
        spec = self.job.spec
        suspended = bool(spec.suspend)
        self._track_start(suspended)
        failure = self._failure_target() or self._failure(suspended)
        if failure is not None:
            await self._fail(*failure)
        elif suspended:
            await self._delete(self.active)
            self.active = []
            self._suspend()
        else:
            self._resume()
            if needs_sync:
                await self._manage()
            self._maybe_complete()
        await self._write_status()
        return Result(requeue_after=min(self.requeue)) if self.requeue else Result()

    def _track_start(self, suspended: bool) -> None:
        if self.status.start_time is None and not suspended:
            self.status = attrs.evolve(self.status, start_time=self.now)

    def _failure(self, suspended: bool) -> tuple[str, str] | None:
        spec = self.job.spec
        deadline = spec.active_deadline_seconds
        start = self.status.start_time
        if deadline is not None and start is not None and not suspended:
            remaining = deadline - (self.now - start).total_seconds()
            if remaining <= 0:
                return "DeadlineExceeded", "Job was active longer than specified deadline"
            self.requeue.append(remaining)
        backoff_limit = 6 if spec.backoff_limit is None else spec.backoff_limit
        if self.failed > backoff_limit:
            return "BackoffLimitExceeded", "Job has reached the specified backoff limit"
        return None

    def _failure_target(self) -> tuple[str, str] | None:
        """The reason and message of a ``FailureTarget`` the Job already has."""
        target = get_condition(self.status.conditions, "FailureTarget")
        if target is None or target.status != "True":
            return None
        return target.reason, target.message

    async def _fail(self, reason: str, message: str) -> None:
        """Kubernetes 1.31's two steps: ``FailureTarget`` at once, with the Pods still
        running deleted (and counted as failed); ``Failed``, with the same reason and message
        and the Warning Event, only once none of them runs or terminates any more."""
        if get_condition(self.status.conditions, "FailureTarget") is None:
            target = _condition("FailureTarget", "True", reason, message)
            self.status = attrs.evolve(
                self.status, conditions=set_condition(self.status.conditions, target)
            )
        still_running = self.active
        await self._delete(still_running)
        gone = len(self.pods.failed) + len(still_running) + len(self.pods.terminating)
        self.failed = max(self.status.failed, gone)
        self.active = []
        self.requeue.clear()
        if still_running or self.pods.terminating:
            return  # their deletion brings this Job back
        self._finish(_condition("Failed", "True", reason, message))
        self.owner.recorder.event(self.job, "Warning", reason, message)

    def _suspend(self) -> None:
        current = get_condition(self.status.conditions, "Suspended")
        if current is not None and current.status == "True":
            return
        condition = _condition("Suspended", "True", "JobSuspended", "Job suspended")
        self.status = attrs.evolve(
            self.status, conditions=set_condition(self.status.conditions, condition)
        )
        self.owner.recorder.event(self.job, "Normal", "Suspended", "Job suspended")

    def _resume(self) -> None:
        current = get_condition(self.status.conditions, "Suspended")
        if current is None or current.status != "True":
            return
        condition = _condition("Suspended", "False", "JobResumed", "Job resumed")
        self.status = attrs.evolve(
            self.status,
            conditions=set_condition(self.status.conditions, condition),
            start_time=self.now,  # the deadline's clock starts again on resume
        )
        self.owner.recorder.event(self.job, "Normal", "Resumed", "Job resumed")

    def _maybe_complete(self) -> None:
        spec = self.job.spec
        succeeded = self._succeeded_count()
        if self.active:
            return
        complete = succeeded > 0 if spec.completions is None else succeeded >= spec.completions
        if not complete:
            return
        # Kubernetes marks the success criteria met first, and the Job Complete once no Pod of
        # it still terminates; here no Pod runs any more, so both at once, in that order.
        message = "Reached expected number of succeeded pods"
        met = _condition("SuccessCriteriaMet", "True", "CompletionsReached", message)
        self.status = attrs.evolve(
            self.status, conditions=set_condition(self.status.conditions, met)
        )
        condition = _condition("Complete", "True", "CompletionsReached", message)
        self._finish(condition)
        self.status = attrs.evolve(self.status, completion_time=self.now)
        self.owner.recorder.event(self.job, "Normal", "Completed", "Job completed")

    def _finish(self, condition: JobCondition) -> None:
        conditions = self.status.conditions
        suspended = get_condition(conditions, "Suspended")
        if suspended is not None and suspended.status == "True":
            resumed = _condition("Suspended", "False", "JobResumed", "Job resumed")
            conditions = set_condition(conditions, resumed)
        self.status = attrs.evolve(self.status, conditions=set_condition(conditions, condition))
        self.requeue.clear()

    # ------------------------------------------------------------------------- manage

    def _indexed(self) -> bool:
        return self.job.spec.completion_mode == "Indexed"

    def _succeeded_indexes(self) -> set[int]:
        completions = self.job.spec.completions or 0
        indexes = (pod_index(pod) for pod in self.pods.succeeded)
        return {i for i in indexes if i is not None and 0 <= i < completions}

    def _succeeded_count(self) -> int:
        if self._indexed():
            return len(self._succeeded_indexes())
        return len(self.pods.succeeded)

    def _want_active(self) -> int:
        spec = self.job.spec
        parallelism = 1 if spec.parallelism is None else spec.parallelism
        succeeded = self._succeeded_count()
        if spec.completions is None:
            return len(self.active) if succeeded > 0 else parallelism
        return max(0, min(parallelism, spec.completions - succeeded))

    async def _manage(self) -> None:
        if self._indexed():
            await self._drop_bad_indexes()
        want = self._want_active()
        excess = len(self.active) - want
        if excess > 0:
            doomed = active_pods_order(self.active)[:excess]
            await self._delete(doomed)
            gone = {id(pod) for pod in doomed}
            self.active = [pod for pod in self.active if id(pod) not in gone]
            return
        missing = want - len(self.active)
        if missing <= 0:
            return
        wait = self._backoff_remaining()
        if wait > 0:
            self.requeue.append(wait)
            return
        for pod in self._new_pods(missing):
            created = await self.owner.control.create(self.key, self.job, pod)
            self.active.append(created)

    async def _drop_bad_indexes(self) -> None:
        """Delete active Pods whose index is out of range, already succeeded, or taken."""
        completions = self.job.spec.completions or 0
        done = self._succeeded_indexes()
        seen: set[int] = set()
        keep, doomed = [], []
        for pod in self.active:
            index = pod_index(pod)
            if index is None or index >= completions or index in done or index in seen:
                doomed.append(pod)
            else:
                seen.add(index)
                keep.append(pod)
        if doomed:
            await self._delete(doomed)
            self.active = keep

    def _backoff_remaining(self) -> float:
        """Seconds until a failed Pod may be replaced (0: now)."""
        last_success = max(
            (t for t in map(finished_time, self.pods.succeeded) if t is not None), default=None
        )
        failures = [
            t
            for t in map(finished_time, self.pods.failed)
            if t is not None and (last_success is None or t > last_success)
        ]
        if not failures:
            return 0.0
        delay: float = min(BACKOFF_INITIAL * 2.0 ** (len(failures) - 1), BACKOFF_MAX)
        elapsed = (self.now - max(failures)).total_seconds()
        return max(0.0, delay - elapsed)

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
            return [
                pod_from_template(template, job, generate_name=f"{name}-", labels=labels)
                for _ in range(count)
            ]
        return [self._indexed_pod(index, labels) for index in self._free_indexes()[:count]]

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

    async def _delete(self, pods: Sequence[Pod]) -> None:
        for pod in pods:
            await self.owner.control.delete(self.key, self.job, pod)

    # ------------------------------------------------------------------------- status

    async def _write_status(self) -> None:
        ready = sum(1 for pod in self.active if is_pod_ready(pod))
        status = attrs.evolve(
            self.status,
            active=len(self.active),
            ready=ready,
            terminating=len(self.pods.terminating),
            succeeded=self._succeeded_count(),
            failed=self.failed,
            completed_indexes=format_indexes(self._succeeded_indexes()) if self._indexed() else "",
        )
        if status == self.job.status:
            return
        await self.owner.client.update_status(attrs.evolve(self.job, status=status))
        reconcile_log().debug(
            "job_status_updated",
            active=status.active,
            succeeded=status.succeeded,
            failed=status.failed,
        )


def controller(context: ControllerContext) -> ControllerSpec:
    """The Job controller, as kube-controller-manager's ``job-controller``."""
    jobs = context.informers.informer(Job)
    pods = context.informers.informer(Pod)
    expectations = Expectations()
    reconciler = JobReconciler(
        client=context.client,
        jobs=jobs,
        pods=pods,
        recorder=context.recorder(COMPONENT),
        expectations=expectations,
    )
    return ControllerSpec(
        for_=Job,
        watches=[(Pod, PodEvents(Job, expectations))],
        reconciler=reconciler,
        workers=WORKERS,
        name="job",
    )
