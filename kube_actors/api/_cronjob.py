"""batch/v1 CronJob: a Job created on a cron schedule."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import attrs

from ._base import freeze_seq
from ._batch import JobSpec
from ._meta import ObjectMeta, ObjectReference

__all__ = ["CronJob", "CronJobSpec", "CronJobStatus", "JobTemplateSpec"]


@attrs.frozen(kw_only=True)
class JobTemplateSpec:
    """The Job a CronJob creates at each scheduled time: its metadata and spec."""

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    spec: JobSpec = attrs.field(default=JobSpec())


@attrs.frozen(kw_only=True)
class CronJobSpec:
    schedule: str = ""
    time_zone: str | None = None
    starting_deadline_seconds: int | None = None
    concurrency_policy: str = ""  # Allow, Forbid or Replace
    suspend: bool | None = None
    job_template: JobTemplateSpec = attrs.field(default=JobTemplateSpec())
    successful_jobs_history_limit: int | None = None
    failed_jobs_history_limit: int | None = None


@attrs.frozen(kw_only=True)
class CronJobStatus:
    active: tuple[ObjectReference, ...] = attrs.field(default=(), converter=freeze_seq)
    last_schedule_time: dt.datetime | None = None
    last_successful_time: dt.datetime | None = None


@attrs.frozen(kw_only=True)
class CronJob:
    api_version: ClassVar[str] = "batch/v1"
    kind: ClassVar[str] = "CronJob"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    spec: CronJobSpec = attrs.field(default=CronJobSpec())
    status: CronJobStatus = attrs.field(default=CronJobStatus())
