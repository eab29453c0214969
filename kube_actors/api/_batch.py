"""batch/v1 Job: Pods that run to completion."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import attrs

from ._base import freeze_seq, omitempty
from ._meta import LabelSelector, ObjectMeta
from ._pod import PodTemplateSpec

__all__ = ["Job", "JobCondition", "JobSpec", "JobStatus", "UncountedTerminatedPods"]


@attrs.frozen(kw_only=True)
class JobSpec:
    parallelism: int | None = None
    completions: int | None = None
    active_deadline_seconds: int | None = None
    backoff_limit: int | None = None
    selector: LabelSelector | None = None
    manual_selector: bool | None = None
    template: PodTemplateSpec = attrs.field(default=PodTemplateSpec())
    ttl_seconds_after_finished: int | None = None
    completion_mode: str | None = None  # NonIndexed or Indexed
    suspend: bool | None = None
    pod_replacement_policy: str | None = None  # TerminatingOrFailed or Failed


@attrs.frozen(kw_only=True)
class JobCondition:
    type: str = ""  # Complete, Failed, Suspended, FailureTarget, SuccessCriteriaMet
    status: str = ""
    last_probe_time: dt.datetime | None = None
    last_transition_time: dt.datetime | None = None
    reason: str = ""
    message: str = ""


@attrs.frozen(kw_only=True)
class UncountedTerminatedPods:
    """The UIDs of finished Pods the Job controller counted but has not yet added to
    ``succeeded`` or ``failed``: it records them here before it removes their
    ``batch.kubernetes.io/job-tracking`` finalizer, so that no Pod is counted twice or lost."""

    succeeded: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)
    failed: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)


@attrs.frozen(kw_only=True)
class JobStatus:
    conditions: tuple[JobCondition, ...] = attrs.field(default=(), converter=freeze_seq)
    start_time: dt.datetime | None = None
    completion_time: dt.datetime | None = None
    active: int = omitempty(0)
    succeeded: int = omitempty(0)
    failed: int = omitempty(0)
    terminating: int | None = None
    ready: int | None = None
    completed_indexes: str = ""
    failed_indexes: str | None = None
    uncounted_terminated_pods: UncountedTerminatedPods | None = None


@attrs.frozen(kw_only=True)
class Job:
    api_version: ClassVar[str] = "batch/v1"
    kind: ClassVar[str] = "Job"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    spec: JobSpec = attrs.field(default=JobSpec())
    status: JobStatus = attrs.field(default=JobStatus())
