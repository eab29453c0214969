"""kubectl's columns for the operations kinds: CronJob, PodDisruptionBudget.

As Kubernetes' printers show them: a CronJob's SCHEDULE, TIMEZONE (``<none>`` when unset),
SUSPEND, ACTIVE (how many Jobs run), LAST SCHEDULE (``<none>`` before the first), and the
template's CONTAINERS, IMAGES and SELECTOR with ``-o wide``; a PodDisruptionBudget's
MIN AVAILABLE and MAX UNAVAILABLE (``N/A`` when unset) and ALLOWED DISRUPTIONS.
"""

from __future__ import annotations

from typing import Any

from ..api import CronJob, PodDisruptionBudget
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
