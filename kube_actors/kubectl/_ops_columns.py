"""kubectl's columns for the operations kinds: CronJob, PodDisruptionBudget, HPA.

As Kubernetes' printers show them: a CronJob's SCHEDULE, TIMEZONE (``<none>`` when unset),
SUSPEND, ACTIVE (how many Jobs run), LAST SCHEDULE (``<none>`` before the first), and the
template's CONTAINERS, IMAGES and SELECTOR with ``-o wide``; a PodDisruptionBudget's
MIN AVAILABLE and MAX UNAVAILABLE (``N/A`` when unset) and ALLOWED DISRUPTIONS; a
HorizontalPodAutoscaler's REFERENCE (``Deployment/web``), TARGETS (``cpu: 200%/100%``, with
``<unknown>`` before the first measurement), MINPODS, MAXPODS and REPLICAS.
"""

from __future__ import annotations

from typing import Any

from ..api import CronJob, CustomResourceDefinition, HorizontalPodAutoscaler, PodDisruptionBudget
from ._columns import AGE, NAME, Column, integer_column, since

__all__ = ["OPS_COLUMNS"]

OPS_COLUMNS: dict[type[Any], tuple[Column, ...]] = {}


def _last_schedule(cron_job: CronJob, now: Any) -> str:
    last = cron_job.status.last_schedule_time
    return "<none>" if last is None else since(last, now)


def _bool(value: bool | None) -> str:
    """Kubernetes' printBoolPtr: the cell is text even though the column says boolean."""
    return "<unset>" if value is None else str(value)


def _containers(cron_job: CronJob) -> tuple[Any, ...]:
    return tuple(cron_job.spec.job_template.spec.template.spec.containers)


OPS_COLUMNS[CronJob] = (
    NAME,
    Column(
        name="Schedule",
        description="The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.",
        cell=lambda cj, now: cj.spec.schedule,
    ),
    Column(
        name="Timezone",
        description="The time zone name for the given schedule.",
        cell=lambda cj, now: cj.spec.time_zone or "<none>",
    ),
    Column(
        name="Suspend",
        type="boolean",
        description="This flag tells the controller to suspend subsequent executions.",
        cell=lambda cj, now: _bool(cj.spec.suspend),
    ),
    integer_column(
        "Active",
        "A list of pointers to currently running jobs.",
        lambda cj, now: len(cj.status.active),
    ),
    Column(
        name="Last Schedule",
        description="Information when was the last time the job was successfully scheduled.",
        cell=_last_schedule,
    ),
    AGE,
    Column(
        name="Containers",
        priority=1,
        description="Names of each container in the template.",
        cell=lambda cj, now: ",".join(c.name for c in _containers(cj)),
    ),
    Column(
        name="Images",
        priority=1,
        description="Images referenced by each container in the template.",
        cell=lambda cj, now: ",".join(c.image for c in _containers(cj)),
    ),
    Column(
        name="Selector",
        priority=1,
        description="A label query over pods that should match the replica count.",
        cell=lambda cj, now: "<none>",
    ),
)


def _int_or_na(value: int | str | None) -> str:
    return "N/A" if value is None else str(value)


OPS_COLUMNS[PodDisruptionBudget] = (
    NAME,
    Column(
        name="Min Available",
        description="The minimum number of pods that must be available.",
        cell=lambda pdb, now: _int_or_na(pdb.spec.min_available),
    ),
    Column(
        name="Max Unavailable",
        description="The maximum number of pods that may be unavailable.",
        cell=lambda pdb, now: _int_or_na(pdb.spec.max_unavailable),
    ),
    integer_column(
        "Allowed Disruptions",
        "Calculated number of pods that may be disrupted at this time.",
        lambda pdb, now: pdb.status.disruptions_allowed,
    ),
    AGE,
)


def _targets(hpa: HorizontalPodAutoscaler) -> str:
    current = {
        m.resource.name: m.resource.current for m in hpa.status.current_metrics if m.resource
    }
    shown = []
    for metric in hpa.spec.metrics:
        if metric.resource is None:
            continue
        name, target = metric.resource.name, metric.resource.target
        now = current.get(name)
        if target.type == "Utilization":
            value = now.average_utilization if now is not None else None
            got = "<unknown>" if value is None else f"{value}%"
            shown.append(f"{name}: {got}/{target.average_utilization}%")
        else:
            average = now.average_value if now is not None else None
            got = "<unknown>" if average is None else str(average)
            shown.append(f"{name}: {got}/{target.average_value or target.value}")
    return ", ".join(shown) or "<none>"


OPS_COLUMNS[HorizontalPodAutoscaler] = (
    NAME,
    Column(
        name="Reference",
        description="The reference to the target of the autoscaler.",
        cell=lambda hpa, now: f"{hpa.spec.scale_target_ref.kind}/{hpa.spec.scale_target_ref.name}",
    ),
    Column(
        name="Targets",
        description="The current and target value of each metric.",
        cell=lambda hpa, now: _targets(hpa),
    ),
    Column(
        name="MinPods",
        description="The lower limit for the number of replicas.",
        cell=lambda hpa, now: (
            "<unset>" if hpa.spec.min_replicas is None else str(hpa.spec.min_replicas)
        ),
    ),
    integer_column(
        "MaxPods",
        "The upper limit for the number of replicas.",
        lambda hpa, now: hpa.spec.max_replicas,
    ),
    integer_column(
        "Replicas",
        "The current number of replicas.",
        lambda hpa, now: hpa.status.current_replicas,
    ),
    AGE,
)


def _created_at(obj: Any) -> str:
    stamp = obj.metadata.creation_timestamp
    return "" if stamp is None else stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


# As the apiextensions apiserver's default table: the creation time itself, not an age.
OPS_COLUMNS[CustomResourceDefinition] = (
    NAME,
    Column(
        name="Created At",
        type="date",
        description="CreationTimestamp is a timestamp representing the server time when this "
        "object was created.",
        cell=lambda crd, now: _created_at(crd),
    ),
)
