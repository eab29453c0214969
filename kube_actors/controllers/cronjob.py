"""The CronJob controller: a Job at each scheduled time (Kubernetes' ``pkg/controller/cronjob``,
the v2 controller).

Each reconcile of a CronJob reads it and the Jobs it controls (through the owner-uid index) and:

1. brings ``status.active`` up to date: a finished Job leaves it (``SawCompletedJob``), a Job
   that is gone leaves it (``MissingJob``), and the latest ``completionTime`` of a succeeded
   Job becomes ``lastSuccessfulTime``;
2. unless the CronJob is being deleted, suspended, or its ``timeZone`` is unknown, finds the
   most recent scheduled time not yet run, counting from ``lastScheduleTime`` (or the
   creation time), and no earlier than ``startingDeadlineSeconds`` ago. Only that one time is
   run: missed earlier times are skipped, as Kubernetes does; more than 100 of them also
   record a ``TooManyMissedTimes`` warning. A time already past its starting deadline is
   ``MissSchedule``;
3. with ``Forbid`` and a Job still active, skips the time (``JobAlreadyActive``); with
   ``Replace``, deletes the active Jobs first; then creates the Job
   ``<cronjob>-<scheduled time in minutes since the epoch>`` from ``jobTemplate``, adds it to
   ``status.active`` and sets ``lastScheduleTime``;
4. deletes the oldest finished Jobs beyond ``successfulJobsHistoryLimit`` and
   ``failedJobsHistoryLimit`` (by start time);
5. writes the status when it changed, and asks to be queued again 100 ms after the next
   scheduled time, on the running clock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from ..actors import wall_clock
from ..api import (
    CronJob,
    CronJobStatus,
    CronSchedule,
    Job,
    ObjectMeta,
    ObjectReference,
    get_condition,
    owner_reference,
    parse_schedule,
)
from ..client import OWNER_UID_INDEX, Client, EventRecorder, SharedInformer
from ..errors import AlreadyExists, NotFound
from ..reconcile import ControllerSpec, Request, Result, reconcile_log
from ._context import ControllerContext
from .job import is_job_finished

__all__ = [
    "COMPONENT",
    "CronJobReconciler",
    "MISSED_TIMES_WARNING",
    "NEXT_SCHEDULE_DELTA",
    "SCHEDULED_TIMESTAMP_ANNOTATION",
    "WORKERS",
    "controller",
    "job_name",
    "most_recent_schedule_time",
]

#: The Event source and client name, as kube-controller-manager names this controller.
COMPONENT = "cronjob-controller"
#: kube-controller-manager's ``--concurrent-cron-job-syncs``.
WORKERS = 5
#: How long after a scheduled time the CronJob is queued again (Kubernetes' nextScheduleDelta).
NEXT_SCHEDULE_DELTA = 0.1
#: More missed times than this record a ``TooManyMissedTimes`` warning.
MISSED_TIMES_WARNING = 100
SCHEDULED_TIMESTAMP_ANNOTATION = "batch.kubernetes.io/cronjob-scheduled-timestamp"


def job_name(cron_job: CronJob, scheduled: dt.datetime) -> str:
    """``<cronjob>-<minutes since the epoch>``: one name per scheduled time."""
    return f"{cron_job.metadata.name}-{int(scheduled.timestamp()) // 60}"


def most_recent_schedule_time(
    cron_job: CronJob,
    schedule: CronSchedule,
    now: dt.datetime,
    *,
    with_deadline: bool,
) -> tuple[dt.datetime | None, int]:
    """The latest scheduled time after the last one run and not after ``now`` (None when the
    next is still to come), and roughly how many times were missed to get there.

    Counting every missed time could take forever on a clock decades off, so, as Kubernetes
    does, the count is the time elapsed over the interval between the first two times, and
    only the last stretch is walked.
    """
    zone = cron_job.spec.time_zone
    earliest = cron_job.status.last_schedule_time or cron_job.metadata.creation_timestamp or now
    deadline = cron_job.spec.starting_deadline_seconds
    if with_deadline and deadline is not None:
        earliest = max(earliest, now - dt.timedelta(seconds=deadline))
    first = schedule.next(earliest, zone)
    if first is None or now < first:
        return None, 0
    second = schedule.next(first, zone)
    if second is None or now < second:
        return first, 1
    interval = round((second - first).total_seconds())
    if interval < 1:
        return None, 0
    missed = int((now - first).total_seconds()) // interval + 1
    latest: dt.datetime | None = None
    t = schedule.next(first + dt.timedelta(seconds=(missed - 2) * interval), zone)
    while t is not None and t <= now:
        latest = t
        t = schedule.next(t, zone)
    return latest, missed


def _succeeded(job: Job) -> bool:
    found = get_condition(job.status.conditions, "Complete")
    return found is not None and found.status == "True"


def _failed(job: Job) -> bool:
    found = get_condition(job.status.conditions, "Failed")
    return found is not None and found.status == "True"


class CronJobReconciler:
    """Reconciles one CronJob at a time against its Jobs (see the module docstring)."""

    def __init__(
        self,
        *,
        client: Client,
        cron_jobs: SharedInformer[CronJob],
        jobs: SharedInformer[Job],
        recorder: EventRecorder,
    ) -> None:
        self.client = client
        self.cron_jobs = cron_jobs
        self.jobs = jobs
        self.recorder = recorder

    async def reconcile(self, request: Request) -> Result:
        cron_job = self.cron_jobs.indexer.get(request.name, request.namespace)
        if cron_job is None:
            return Result()
        uid = cron_job.metadata.uid
        jobs = [
            job
            for job in self.jobs.indexer.by_index(OWNER_UID_INDEX, uid)
            if any(ref.uid == uid and ref.controller for ref in job.metadata.owner_references)
        ]
        return await _Sync(self, cron_job, jobs).run()


class _Sync:
    """One reconcile of one CronJob: the status it builds as it goes."""

    def __init__(self, owner: CronJobReconciler, cron_job: CronJob, jobs: list[Job]) -> None:
        self.owner = owner
        self.cron_job = cron_job
        self.jobs = jobs
        self.now = wall_clock()
        self.active = list(cron_job.status.active)
        self.last_successful = cron_job.status.last_successful_time
        self.last_scheduled = cron_job.status.last_schedule_time

    def _event(self, type_: str, reason: str, message: str) -> None:
        self.owner.recorder.event(self.cron_job, type_, reason, message)  # type: ignore[arg-type]

    async def run(self) -> Result:
        await self._track_jobs()
        requeue = None
        if self.cron_job.metadata.deletion_timestamp is None:
            requeue = await self._schedule()
            await self._clean_up_history()
        await self._write_status()
        return Result() if requeue is None else Result(requeue_after=max(requeue, 0.0))

    # ------------------------------------------------------------------------- active list

    async def _track_jobs(self) -> None:
        active_uids = {ref.uid for ref in self.active}
        for job in self.jobs:
            listed = job.metadata.uid in active_uids
            if not listed and not is_job_finished(job):
                if await self._listed_upstream(job):
                    active_uids = {ref.uid for ref in self.active}
                    continue
                self._event(
                    "Warning",
                    "UnexpectedJob",
                    f"Saw a job that the controller did not create or forgot: {job.metadata.name}",
                )
            elif listed and is_job_finished(job):
                condition = "Complete" if _succeeded(job) else "Failed"
                self._drop(job.metadata.uid)
                self._event(
                    "Normal",
                    "SawCompletedJob",
                    f"Saw completed job: {job.metadata.name}, condition: {condition}",
                )
            if (
                _succeeded(job)
                and job.status.completion_time is not None
                and (
                    self.last_successful is None
                    or job.status.completion_time > self.last_successful
                )
            ):
                self.last_successful = job.status.completion_time
        children = {job.metadata.uid for job in self.jobs}
        for ref in list(self.active):
            if ref.uid in children:
                continue
            # The cache may lag behind a Job just created: ask the apiserver before dropping.
            try:
                await self.owner.client.get(Job, ref.name, namespace=ref.namespace)
            except NotFound:
                self._drop(ref.uid)
                self._event("Normal", "MissingJob", f"Active job went missing: {ref.name}")

    async def _listed_upstream(self, job: Job) -> bool:
        """Whether the apiserver's copy of the CronJob lists ``job``: the cache may not have
        its status update yet. If so, that copy is the one to work from."""
        meta = self.cron_job.metadata
        try:
            fresh = await self.owner.client.get(CronJob, meta.name, namespace=meta.namespace)
        except NotFound:
            return False
        if not any(ref.uid == job.metadata.uid for ref in fresh.status.active):
            return False
        self.cron_job = fresh
        self.active = list(fresh.status.active)
        self.last_scheduled = fresh.status.last_schedule_time
        self.last_successful = fresh.status.last_successful_time
        return True

    def _drop(self, uid: str) -> None:
        self.active = [ref for ref in self.active if ref.uid != uid]

    # ------------------------------------------------------------------------- schedule

    async def _schedule(self) -> float | None:
        """Run the scheduled time that is due, if any; the seconds until the next one."""
        spec = self.cron_job.spec
        if spec.time_zone is not None:
            try:
                ZoneInfo(spec.time_zone)
            except (ZoneInfoNotFoundError, ValueError):
                self._event("Warning", "UnknownTimeZone", f"invalid timeZone: {spec.time_zone!r}")
                return None
        if spec.suspend:
            return None
        try:
            schedule = parse_schedule(spec.schedule)
        except ValueError as error:
            self._event(
                "Warning",
                "UnparseableSchedule",
                f"unparseable schedule: {spec.schedule!r} : {error}",
            )
            return None
        scheduled, missed = most_recent_schedule_time(
            self.cron_job, schedule, self.now, with_deadline=True
        )
        if missed > MISSED_TIMES_WARNING:
            self._event(
                "Warning",
                "TooManyMissedTimes",
                f"too many missed start times: {missed}. Set or decrease "
                ".spec.startingDeadlineSeconds or check clock skew",
            )
        if scheduled is not None:
            await self._run_at(scheduled)
        return self._until_next(schedule)

    async def _run_at(self, scheduled: dt.datetime) -> None:
        spec = self.cron_job.spec
        deadline = spec.starting_deadline_seconds
        if deadline is not None and scheduled + dt.timedelta(seconds=deadline) < self.now:
            stamp = scheduled.strftime("%a, %d %b %Y %H:%M:%S +0000")
            self._event("Warning", "MissSchedule", f"Missed scheduled time to start a job: {stamp}")
            return
        name = job_name(self.cron_job, scheduled)
        if any(ref.name == name for ref in self.active) or self.last_scheduled == scheduled:
            return
        if spec.concurrency_policy == "Forbid" and self.active:
            self._event(
                "Normal",
                "JobAlreadyActive",
                "Not starting job because prior execution is running and concurrency policy is "
                "Forbid",
            )
            return
        if spec.concurrency_policy == "Replace":
            for ref in list(self.active):
                await self._delete(ref.name, ref.uid)
        try:
            job = await self.owner.client.create(self._job(name, scheduled))
        except AlreadyExists:
            job = await self.owner.client.get(Job, name, namespace=self.cron_job.metadata.namespace)
            controller = [r for r in job.metadata.owner_references if r.controller]
            if not controller or controller[0].uid != self.cron_job.metadata.uid:
                return  # someone else's Job: leave the status to whoever made it
            if any(ref.uid == job.metadata.uid for ref in self.active):
                return
        else:
            self._event("Normal", "SuccessfulCreate", f"Created job {name}")
            reconcile_log().debug("cronjob_job_created", job=name)
        meta = job.metadata
        self.active.append(
            ObjectReference(
                api_version=Job.api_version,
                kind=Job.kind,
                namespace=meta.namespace,
                name=meta.name,
                uid=meta.uid,
                resource_version=meta.resource_version,
            )
        )
        self.last_scheduled = scheduled

    def _job(self, name: str, scheduled: dt.datetime) -> Job:
        template = self.cron_job.spec.job_template
        zone = ZoneInfo(self.cron_job.spec.time_zone or "UTC")
        annotations = dict(template.metadata.annotations)
        annotations[SCHEDULED_TIMESTAMP_ANNOTATION] = scheduled.astimezone(zone).isoformat()
        return Job(
            metadata=ObjectMeta(
                name=name,
                namespace=self.cron_job.metadata.namespace,
                labels=template.metadata.labels,
                annotations=annotations,
                owner_references=[owner_reference(self.cron_job)],
            ),
            spec=template.spec,
        )

    def _until_next(self, schedule: CronSchedule) -> float | None:
        """Seconds from now to 100 ms past the first scheduled time after the latest one due."""
        status = attrs.evolve(self.cron_job.status, last_schedule_time=self.last_scheduled)
        updated = attrs.evolve(self.cron_job, status=status)
        latest, _ = most_recent_schedule_time(updated, schedule, self.now, with_deadline=False)
        base = latest or self.last_scheduled or self.cron_job.metadata.creation_timestamp
        following = schedule.next(base or self.now, self.cron_job.spec.time_zone)
        if following is None:
            return None
        return (following - self.now).total_seconds() + NEXT_SCHEDULE_DELTA

    # ------------------------------------------------------------------------- history

    async def _clean_up_history(self) -> None:
        spec = self.cron_job.spec
        for limit, finished in (
            (spec.successful_jobs_history_limit, [j for j in self.jobs if _succeeded(j)]),
            (spec.failed_jobs_history_limit, [j for j in self.jobs if _failed(j)]),
        ):
            if limit is None or len(finished) <= limit:
                continue
            finished.sort(key=_by_start_time)
            for job in finished[: len(finished) - limit]:
                await self._delete(job.metadata.name, job.metadata.uid)

    async def _delete(self, name: str, uid: str) -> None:
        with contextlib.suppress(NotFound):
            await self.owner.client.delete(
                Job,
                name,
                namespace=self.cron_job.metadata.namespace,
                propagation_policy="Background",
            )
        self._drop(uid)
        self._event("Normal", "SuccessfulDelete", f"Deleted job {name}")

    # ------------------------------------------------------------------------- status

    async def _write_status(self) -> None:
        status = CronJobStatus(
            active=self.active,
            last_schedule_time=self.last_scheduled,
            last_successful_time=self.last_successful,
        )
        if status == self.cron_job.status:
            return
        await self.owner.client.update_status(attrs.evolve(self.cron_job, status=status))


def _by_start_time(job: Job) -> tuple[bool, dt.datetime, str]:
    start = job.status.start_time
    return (start is None, start or dt.datetime.min.replace(tzinfo=dt.UTC), job.metadata.name)


def controller(context: ControllerContext) -> ControllerSpec:
    """The CronJob controller, as kube-controller-manager's ``cronjob-controller``."""
    cron_jobs = context.informers.informer(CronJob)
    jobs = context.informers.informer(Job)
    reconciler = CronJobReconciler(
        client=context.client,
        cron_jobs=cron_jobs,
        jobs=jobs,
        recorder=context.recorder(COMPONENT),
    )
    return ControllerSpec(
        for_=CronJob,
        owns=[Job],
        reconciler=reconciler,
        workers=WORKERS,
        name="cronjob",
    )
