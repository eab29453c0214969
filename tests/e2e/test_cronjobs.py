"""CronJobs on the running clock: Jobs created at the scheduled times to the simulated
second, named after them, with Kubernetes' concurrency policies, deadlines and history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import anyio
import attrs
from anyio.abc import TaskGroup

from kube_actors import Cluster
from kube_actors.actors import wall_clock
from kube_actors.api import (
    CronJob,
    CronJobSpec,
    Event,
    Job,
    JobSpec,
    JobTemplateSpec,
    ObjectMeta,
)

from ._workloads import NS, advance, template

EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)  # the virtual loop's wall clock at 0


def cron_job(
    schedule: str = "*/5 * * * *",
    *,
    name: str = "tick",
    script: Mapping[str, str] | None = None,
    **spec: Any,
) -> CronJob:
    pods = template("tick", script=script or {"exit-after": "30s"}, restart_policy="Never")
    return CronJob(
        metadata=ObjectMeta(name=name, namespace=NS),
        spec=CronJobSpec(
            schedule=schedule,
            job_template=JobTemplateSpec(spec=JobSpec(template=pods, backoff_limit=0)),
            **spec,
        ),
    )


class JobLog:
    """When each Job was created (by the watch, on the running clock) and which were deleted."""

    def __init__(self) -> None:
        self.created: dict[str, dt.datetime] = {}
        self.deleted: list[str] = []

    async def start(self, cluster: Cluster, group: TaskGroup) -> None:
        stream = await cluster.client.watch(Job, namespace=NS)
        group.start_soon(self._follow, stream)

    async def _follow(self, stream: Any) -> None:
        async for event in stream:
            if event.obj is None:
                continue
            name = event.obj.metadata.name
            if event.type == "ADDED":
                self.created.setdefault(name, wall_clock())
            elif event.type == "DELETED":
                self.deleted.append(name)


def instant(cj: CronJob) -> CronJob:
    """Its Jobs ask for zero completions: the Job controller finishes them at once, no Pods
    needed, so long simulated spans stay cheap and every step of a CronJob still happens."""
    template = cj.spec.job_template
    template = attrs.evolve(template, spec=attrs.evolve(template.spec, completions=0))
    return attrs.evolve(cj, spec=attrs.evolve(cj.spec, job_template=template))


async def get(cluster: Cluster, name: str = "tick") -> CronJob:
    return await cluster.client.get(CronJob, name, namespace=NS)


async def jobs(cluster: Cluster) -> list[Job]:
    return sorted(await cluster.client.list(Job, namespace=NS), key=lambda j: j.metadata.name)


def minutes(at: dt.datetime) -> int:
    return int(at.timestamp()) // 60


async def reasons(cluster: Cluster) -> list[str]:
    events = await cluster.client.list(Event, namespace=NS)
    # A repeated event is one Event with a count, as Kubernetes' recorder aggregates them.
    return [
        e.reason for e in events if e.involved_object.kind == "CronJob" for _ in range(e.count or 1)
    ]


async def test_a_week_of_an_every_five_minutes_cron_job_runs_2016_jobs_on_time() -> None:
    log = JobLog()
    async with Cluster(nodes=0, clock="virtual", seed=41) as cluster:
        async with anyio.create_task_group() as group:
            await log.start(cluster, group)
            await cluster.client.create(instant(cron_job()))
            await advance(cluster, 7 * 24 * 3600 + 1)
            group.cancel_scope.cancel()
        assert len(log.created) == 7 * 24 * 12
        for name, created in log.created.items():
            scheduled = dt.datetime.fromtimestamp(int(name.rsplit("-", 1)[1]) * 60, dt.UTC)
            assert scheduled.minute % 5 == 0
            assert created - scheduled == dt.timedelta(seconds=0.1)  # nextScheduleDelta
        assert min(log.created.values()) == EPOCH + dt.timedelta(minutes=5, seconds=0.1)
        last = EPOCH + dt.timedelta(days=7)
        cj = await get(cluster)
        assert cj.status.last_schedule_time == last
        assert cj.status.last_successful_time == last + dt.timedelta(seconds=0.1)
        assert cj.status.active == ()
        # The history keeps the three latest successes (successfulJobsHistoryLimit).
        assert [j.metadata.name for j in await jobs(cluster)] == [
            f"tick-{minutes(last) - 10}",
            f"tick-{minutes(last) - 5}",
            f"tick-{minutes(last)}",
        ]
        assert len(log.deleted) == 7 * 24 * 12 - 3


async def test_an_hour_of_jobs_whose_pods_run_30_s_keeps_three_and_records_the_last_success() -> (
    None
):
    async with Cluster(nodes=1, clock="virtual", seed=42) as cluster:
        await cluster.client.create(cron_job())
        await advance(cluster, 3600 + 60)
        cj = await get(cluster)
        last = EPOCH + dt.timedelta(hours=1)
        assert cj.status.last_schedule_time == last
        assert cj.status.last_successful_time == last + dt.timedelta(seconds=30.1)
        finished = await jobs(cluster)
        assert [j.metadata.name for j in finished] == [
            f"tick-{minutes(last) - 10}",
            f"tick-{minutes(last) - 5}",
            f"tick-{minutes(last)}",
        ]
        for job in finished:
            assert job.metadata.labels == {}
            assert job.metadata.owner_references[0].kind == "CronJob"
            assert job.status.completion_time is not None
            assert job.status.start_time is not None
            assert (job.status.completion_time - job.status.start_time).total_seconds() == 30
        seen = await reasons(cluster)
        assert seen.count("SuccessfulCreate") == 12
        assert seen.count("SawCompletedJob") == 12
        assert seen.count("SuccessfulDelete") == 9
        assert "UnexpectedJob" not in seen  # a Job seen before its CronJob's status update


async def test_forbid_holds_a_time_back_until_the_running_job_ends_and_skips_the_rest() -> None:
    # As Kubernetes does: a time Forbid held back is still unmet, so it runs as soon as the
    # Job before it finishes; the times missed meanwhile collapse into the latest one.
    async with Cluster(nodes=1, clock="virtual", seed=43) as cluster:
        slow = cron_job(script={"exit-after": "420s"}, concurrency_policy="Forbid")
        await cluster.client.create(slow)
        await advance(cluster, 30 * 60 + 1)
        started = {
            int(j.metadata.name.rsplit("-", 1)[1]) - minutes(EPOCH): j.status.start_time
            for j in await jobs(cluster)
        }
        at = {m: EPOCH + dt.timedelta(minutes=m, seconds=0.1) for m in (5, 12, 19, 26)}
        assert started == {5: at[5], 10: at[12], 15: at[19], 25: at[26]}
        assert (await reasons(cluster)).count("JobAlreadyActive") >= 4


async def test_replace_deletes_the_running_job_for_the_next_one() -> None:
    async with Cluster(nodes=1, clock="virtual", seed=44) as cluster:
        slow = cron_job(script={"exit-after": "420s"}, concurrency_policy="Replace")
        await cluster.client.create(slow)
        await advance(cluster, 30 * 60 + 1)
        names = [j.metadata.name for j in await jobs(cluster)]
        assert names == [f"tick-{minutes(EPOCH) + 30}"]
        cj = await get(cluster)
        assert [ref.name for ref in cj.status.active] == names
        assert cj.status.last_successful_time is None
        assert (await reasons(cluster)).count("SuccessfulDelete") == 5


async def test_after_a_long_suspension_only_the_latest_missed_time_runs() -> None:
    async with Cluster(nodes=0, clock="virtual", seed=45) as cluster:
        await cluster.client.create(instant(cron_job("* * * * *", suspend=True)))
        await advance(cluster, 2 * 3600 + 30)
        assert await jobs(cluster) == []
        cj = await get(cluster)
        await cluster.client.update(attrs.evolve(cj, spec=attrs.evolve(cj.spec, suspend=False)))
        await cluster.settle()
        latest = EPOCH + dt.timedelta(hours=2)
        assert [j.metadata.name for j in await jobs(cluster)] == [f"tick-{minutes(latest)}"]
        assert (await reasons(cluster)).count("TooManyMissedTimes") == 1  # 120 missed
        await advance(cluster, 30.1)
        assert len(await jobs(cluster)) == 2  # then on schedule again


async def test_a_starting_deadline_skips_a_time_missed_by_more_than_it() -> None:
    async with Cluster(nodes=0, clock="virtual", seed=46) as cluster:
        late = instant(cron_job("0 * * * *", suspend=True, starting_deadline_seconds=10))
        await cluster.client.create(late)
        await advance(cluster, 3600 + 30)
        cj = await get(cluster)
        await cluster.client.update(attrs.evolve(cj, spec=attrs.evolve(cj.spec, suspend=False)))
        await cluster.settle()
        assert await jobs(cluster) == []
        await advance(cluster, 3600)
        at = minutes(EPOCH + dt.timedelta(hours=2))
        assert [j.metadata.name for j in await jobs(cluster)] == [f"tick-{at}"]


async def test_a_time_zone_moves_the_schedule_and_names_it_in_the_annotation() -> None:
    async with Cluster(nodes=0, clock="virtual", seed=47) as cluster:
        await cluster.client.create(instant(cron_job("0 9 * * *", time_zone="America/New_York")))
        await advance(cluster, 14 * 3600)
        assert await jobs(cluster) == []
        await advance(cluster, 1)
        (job,) = await jobs(cluster)
        assert job.metadata.name == f"tick-{minutes(EPOCH + dt.timedelta(hours=14))}"
        stamp = job.metadata.annotations["batch.kubernetes.io/cronjob-scheduled-timestamp"]
        assert stamp == "2026-01-01T09:00:00-05:00"
