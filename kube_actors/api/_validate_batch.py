"""Defaulting and validation of a CronJob, as Kubernetes' batch/v1 defaults and validation."""

from __future__ import annotations

import re
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from kube_actors.errors import FieldCause

from . import _checks as c
from . import _field as f
from ._batch import Job
from ._cron_schedule import parse_schedule
from ._cronjob import CronJob, JobTemplateSpec
from ._defaults import default_template
from ._validate_apps import validate_job

__all__ = ["default_cron_job", "validate_cron_job"]

Causes = list[FieldCause]

CONCURRENCY_POLICIES: Final = ("Allow", "Forbid", "Replace")
#: The controller names each Job ``<cronjob>-<minutes>`` (11 more characters), and a Job's
#: name must stay a 63-character label.
MAX_NAME_LENGTH: Final = 52
_ZONE_PART: Final = re.compile(r"[A-Za-z.\-_0-9+]{1,14}")


def default_cron_job(obj: CronJob) -> CronJob:
    spec = obj.spec
    template = spec.job_template
    pod_template = default_template(template.spec.template)
    if pod_template is not template.spec.template:
        template = attrs.evolve(template, spec=attrs.evolve(template.spec, template=pod_template))
    changes: dict[str, Any] = {
        "concurrency_policy": spec.concurrency_policy or "Allow",
        "suspend": False if spec.suspend is None else spec.suspend,
        "successful_jobs_history_limit": _or(spec.successful_jobs_history_limit, 3),
        "failed_jobs_history_limit": _or(spec.failed_jobs_history_limit, 1),
        "job_template": template,
    }
    if all(getattr(spec, k) == v for k, v in changes.items()):
        return obj
    return attrs.evolve(obj, spec=attrs.evolve(spec, **changes))


def _or(value: int | None, fallback: int) -> int:
    return fallback if value is None else value


def validate_cron_job(obj: CronJob, old: CronJob | None) -> Causes:
    spec = obj.spec
    causes: Causes = []
    if not spec.schedule:
        causes.append(f.required("spec.schedule"))
    else:
        allow_tz = old is not None and "TZ" in old.spec.schedule
        causes.extend(_schedule(spec.schedule, allow_tz, spec.time_zone))
    causes.extend(c.at_least("spec.startingDeadlineSeconds", spec.starting_deadline_seconds, 0))
    if old is None or old.spec.time_zone != spec.time_zone:
        causes.extend(_time_zone(spec.time_zone))
    policy = spec.concurrency_policy
    if not policy:
        causes.append(f.required("spec.concurrencyPolicy"))
    elif policy not in CONCURRENCY_POLICIES:
        causes.append(f.not_supported("spec.concurrencyPolicy", policy, CONCURRENCY_POLICIES))
    causes.extend(_job_template(spec.job_template))
    for field, value in (
        ("successfulJobsHistoryLimit", spec.successful_jobs_history_limit),
        ("failedJobsHistoryLimit", spec.failed_jobs_history_limit),
    ):
        causes.extend(c.at_least(f.child("spec", field), value, 0))
    if old is None and len(obj.metadata.name) > MAX_NAME_LENGTH:
        causes.append(
            f.invalid("metadata.name", obj.metadata.name, "must be no more than 52 characters")
        )
    return causes


def _schedule(schedule: str, allow_tz: bool, time_zone: str | None) -> Causes:
    path = "spec.schedule"
    causes: Causes = []
    try:
        parse_schedule(schedule)
    except ValueError as error:
        causes.append(f.invalid(path, schedule, str(error)))
    if allow_tz and "TZ" in schedule and time_zone is not None:
        detail = "cannot use both timeZone field and TZ or CRON_TZ in schedule"
        causes.append(f.invalid(path, schedule, detail))
    elif not allow_tz and "TZ" in schedule:
        detail = "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"
        causes.append(f.invalid(path, schedule, detail))
    return causes


def _time_zone(zone: str | None) -> Causes:
    path = "spec.timeZone"
    if zone is None:
        return []
    if zone == "":
        return [f.invalid(path, zone, "timeZone must be nil or non-empty string")]
    for part in zone.split("/"):
        if part in (".", "..") or part.startswith("-") or not _ZONE_PART.fullmatch(part):
            return [f.invalid(path, zone, f"unknown time zone {zone}")]
    if zone.lower() == "local":  # the controller's own zone: not the same on every host
        detail = (
            "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"
        )
        return [f.invalid(path, zone, detail)]
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return [f.invalid(path, zone, f"unknown time zone {zone}")]
    return []


def _job_template(template: JobTemplateSpec) -> Causes:
    """The Job spec's own rules, at ``spec.jobTemplate.spec``, and a selector not given."""
    job = Job(metadata=template.metadata, spec=template.spec)
    causes = [
        attrs.evolve(cause, field="spec.jobTemplate." + cause.field)
        for cause in validate_job(job, None)
    ]
    if template.spec.selector is not None:
        path = "spec.jobTemplate.spec.selector"
        causes.append(f.invalid(path, template.spec.selector, "`selector` will be auto-generated"))
    if template.spec.manual_selector:
        path = "spec.jobTemplate.spec.manualSelector"
        causes.append(f.not_supported(path, True, ("nil", "false")))
    return causes
