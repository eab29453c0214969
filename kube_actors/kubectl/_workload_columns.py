"""kubectl's columns for the workloads: Deployment, ReplicaSet, DaemonSet, StatefulSet, Job.

As Kubernetes' printers show them: READY as ``ready/desired``, the template's CONTAINERS,
IMAGES and SELECTOR with ``-o wide``, a Job's STATUS, COMPLETIONS and DURATION.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..api import (
    ControllerRevision,
    DaemonSet,
    Deployment,
    Job,
    PodTemplateSpec,
    ReplicaSet,
    StatefulSet,
    compile_selector,
    controller_of,
    get_condition,
)
from ._columns import AGE, NAME, Column, format_labels, human_duration, integer_column

__all__ = ["WORKLOAD_COLUMNS", "job_run_seconds"]

WORKLOAD_COLUMNS: dict[type[Any], tuple[Column, ...]] = {}

_CONTAINERS = "Names of each container in the template."
_IMAGES = "Images referenced by each container in the template."


def _template_columns(template: Any, *, selector: bool = True) -> tuple[Column, ...]:
    """CONTAINERS, IMAGES (and SELECTOR) of a workload, shown with ``-o wide``."""

    def spec_of(obj: Any) -> PodTemplateSpec:
        result: PodTemplateSpec = template(obj)
        return result

    columns = [
        Column(
            name="Containers",
            priority=1,
            description=_CONTAINERS,
            cell=lambda o, now: ",".join(c.name for c in spec_of(o).spec.containers),
        ),
        Column(
            name="Images",
            priority=1,
            description=_IMAGES,
            cell=lambda o, now: ",".join(c.image for c in spec_of(o).spec.containers),
        ),
    ]
    if selector:
        columns.append(
            Column(
                name="Selector",
                priority=1,
                description="A label query over pods that should match the replica count.",
                cell=lambda o, now: _selector(o.spec.selector),
            )
        )
    return tuple(columns)


def _selector(selector: Any) -> str:
    return str(compile_selector(selector)) if selector is not None else "<none>"


def _template(obj: Any) -> Any:
    return obj.spec.template


WORKLOAD_COLUMNS[Deployment] = (
    NAME,
    Column(
        name="Ready",
        description="Number of the pod with ready state",
        cell=lambda d, now: f"{d.status.ready_replicas}/{d.spec.replicas or 0}",
    ),
    integer_column(
        "Up-to-date",
        "Pods that have the desired template.",
        lambda d, now: d.status.updated_replicas,
    ),
    integer_column(
        "Available",
        "Pods ready for at least minReadySeconds.",
        lambda d, now: d.status.available_replicas,
    ),
    AGE,
    *_template_columns(_template),
)

WORKLOAD_COLUMNS[ReplicaSet] = (
    NAME,
    integer_column("Desired", "The number of desired pods.", lambda r, now: r.spec.replicas or 0),
    integer_column(
        "Current", "The number of non-terminating pods.", lambda r, now: r.status.replicas
    ),
    integer_column("Ready", "Pods with a Ready condition.", lambda r, now: r.status.ready_replicas),
    AGE,
    *_template_columns(_template),
)

WORKLOAD_COLUMNS[DaemonSet] = (
    NAME,
    integer_column(
        "Desired",
        "Nodes that should run the pod.",
        lambda d, now: d.status.desired_number_scheduled,
    ),
    integer_column(
        "Current",
        "Nodes running at least one of its pods.",
        lambda d, now: d.status.current_number_scheduled,
    ),
    integer_column("Ready", "Nodes whose pod is ready.", lambda d, now: d.status.number_ready),
    integer_column(
        "Up-to-date",
        "Nodes running the updated pod.",
        lambda d, now: d.status.updated_number_scheduled,
    ),
    integer_column(
        "Available", "Nodes whose pod is available.", lambda d, now: d.status.number_available
    ),
    Column(
        name="Node Selector",
        description="The node selector of the pod template.",
        cell=lambda d, now: format_labels(d.spec.template.spec.node_selector),
    ),
    AGE,
    *_template_columns(_template),
)

WORKLOAD_COLUMNS[StatefulSet] = (
    NAME,
    Column(
        name="Ready",
        description="Number of the pod with ready state",
        cell=lambda s, now: f"{s.status.ready_replicas}/{s.spec.replicas or 0}",
    ),
    AGE,
    *_template_columns(_template, selector=False),
)


def _job_status(job: Job) -> str:
    def has(kind: str) -> bool:
        condition = get_condition(job.status.conditions, kind)
        return condition is not None and condition.status == "True"

    if has("Complete"):
        return "Complete"
    if has("Failed"):
        return "Failed"
    if job.metadata.deletion_timestamp is not None:
        return "Terminating"
    for kind in ("Suspended", "FailureTarget", "SuccessCriteriaMet"):
        if has(kind):
            return kind
    return "Running"


def _job_completions(job: Job) -> str:
    succeeded, spec = job.status.succeeded, job.spec
    if spec.completions is not None:
        return f"{succeeded}/{spec.completions}"
    if spec.parallelism is not None and spec.parallelism > 1:
        return f"{succeeded}/1 of {spec.parallelism}"
    return f"{succeeded}/1"


def job_run_seconds(job: Job, now: dt.datetime) -> float | None:
    """How long the Job ran (until ``now`` while it runs), from its times as the API sends
    them: whole seconds, as kubectl computes it (objects in process keep the fraction a
    controller stamped). None before it started."""
    start, end = job.status.start_time, job.status.completion_time
    if start is None:
        return None
    end = now if end is None else end.replace(microsecond=0)
    return (end - start.replace(microsecond=0)).total_seconds()


def _job_duration(job: Job, now: dt.datetime) -> str:
    seconds = job_run_seconds(job, now)
    return "" if seconds is None else human_duration(seconds)


WORKLOAD_COLUMNS[Job] = (
    NAME,
    Column(name="Status", description="Status of the job.", cell=lambda j, now: _job_status(j)),
    Column(
        name="Completions",
        description="The number of pods which reached phase Succeeded.",
        cell=lambda j, now: _job_completions(j),
    ),
    Column(name="Duration", description="Time required to complete the job.", cell=_job_duration),
    AGE,
    *_template_columns(_template),
)


def _revision_controller(revision: ControllerRevision) -> str:
    """``daemonset.apps/fluentd``: the owner's kind and group, lower case, and its name."""
    owner = controller_of(revision)
    if owner is None:
        return "<none>"
    group = owner.api_version.rpartition("/")[0]
    kind = owner.kind.lower()
    return f"{kind}.{group}/{owner.name}" if group else f"{kind}/{owner.name}"


WORKLOAD_COLUMNS[ControllerRevision] = (
    NAME,
    Column(
        name="Controller",
        description="The object that owns this revision, as kind.group/name.",
        cell=lambda r, now: _revision_controller(r),
    ),
    integer_column("Revision", "The revision's number.", lambda r, now: r.revision),
    AGE,
)
