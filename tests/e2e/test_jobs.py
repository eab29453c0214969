"""Jobs whose Pods really run on the fake runtime: they exit with the code their script says,
and the Job controller counts completions and backs off failures to the simulated second."""

from __future__ import annotations

from collections.abc import Mapping

import anyio
import attrs

from kube_actors import Cluster
from kube_actors.actors import monotonic
from kube_actors.api import Job, Pod, get_condition

from ._workloads import NS, PodWatch, advance, job, pods_of


async def get_job(cluster: Cluster, name: str = "batch") -> Job:
    return await cluster.client.get(Job, name, namespace=NS)


def finished(j: Job) -> tuple[str, str] | None:
    for kind in ("Complete", "Failed"):
        found = get_condition(j.status.conditions, kind)
        if found is not None and found.status == "True":
            return kind, found.reason
    return None


async def test_a_job_runs_its_completions_two_at_a_time_and_completes_at_10_s() -> None:
    async with Cluster(nodes=3, seed=31) as cluster:
        work = job(completions=3, parallelism=2, script={"exit-after": "5s"})
        await cluster.client.create(work)
        await cluster.settle()
        assert len(await pods_of(cluster, "batch")) == 2
        await advance(cluster, 5)
        j = await get_job(cluster)
        assert (j.status.succeeded, j.status.active) == (2, 1)
        assert finished(j) is None
        await advance(cluster, 5)
        j = await get_job(cluster)
        assert (j.status.succeeded, j.status.active, j.status.failed) == (3, 0, 0)
        assert finished(j) == ("Complete", "CompletionsReached")
        assert j.status.completion_time is not None
        assert j.status.start_time is not None
        assert (j.status.completion_time - j.status.start_time).total_seconds() == 10
        pods = await pods_of(cluster, "batch")
        assert [p.status.phase for p in pods] == ["Succeeded"] * 3
        for pod in pods:
            (status,) = pod.status.container_statuses
            assert status.state.terminated is not None
            assert (status.state.terminated.exit_code, status.state.terminated.reason) == (
                0,
                "Completed",
            )


async def test_a_crashing_job_backs_off_10_20_40_s_then_fails_past_its_backoff_limit() -> None:
    created: dict[str, float] = {}

    def note(pods: Mapping[str, Pod]) -> None:
        for name in pods:
            created.setdefault(name, monotonic())

    async with Cluster(nodes=3, seed=32) as cluster:
        watch = PodWatch(note)
        async with anyio.create_task_group() as group:
            await watch.start(cluster, group, "batch")
            crashing = job(backoff_limit=3, script={"exit-after": "0s", "exit-code": "3"})
            await cluster.client.create(crashing)
            await advance(cluster, 69)
            assert sorted(created.values()) == [0.0, 10.0, 30.0]
            assert finished(await get_job(cluster)) is None
            await advance(cluster, 1)
            group.cancel_scope.cancel()
        assert sorted(created.values()) == [0.0, 10.0, 30.0, 70.0]
        j = await get_job(cluster)
        assert finished(j) == ("Failed", "BackoffLimitExceeded")
        # Its Pods had all ended: the interim FailureTarget and Failed came together.
        target = get_condition(j.status.conditions, "FailureTarget")
        assert target is not None
        assert (target.reason, target.message) == (
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit",
        )
        assert (j.status.failed, j.status.active) == (4, 0)
        pods = await pods_of(cluster, "batch")
        assert [p.status.phase for p in pods] == ["Failed"] * 4
        for pod in pods:
            (status,) = pod.status.container_statuses
            assert status.state.terminated is not None
            assert (status.state.terminated.exit_code, status.state.terminated.reason) == (
                3,
                "Error",
            )
        await advance(cluster, 600)
        assert len(await pods_of(cluster, "batch")) == 4  # no retry after the Job failed


async def test_a_job_past_its_deadline_is_failure_target_at_10_s_and_failed_at_15_s() -> None:
    # The Pod ignores SIGTERM: it ends when its 5 s grace period does, and the Job with it.
    async with Cluster(nodes=1, seed=32) as cluster:
        stubborn = job(
            active_deadline_seconds=10, script={"ignore-sigterm": "true", "exit-after": "1h"}
        )
        spec = attrs.evolve(stubborn.spec.template.spec, termination_grace_period_seconds=5)
        template = attrs.evolve(stubborn.spec.template, spec=spec)
        await cluster.client.create(
            attrs.evolve(stubborn, spec=attrs.evolve(stubborn.spec, template=template))
        )
        await advance(cluster, 10)
        j = await get_job(cluster)
        target = get_condition(j.status.conditions, "FailureTarget")
        assert target is not None
        message = "Job was active longer than specified deadline"
        assert (target.status, target.reason, target.message) == (
            "True",
            "DeadlineExceeded",
            message,
        )
        assert finished(j) is None  # its Pod is still terminating
        assert (j.status.active, j.status.terminating) == (0, 1)
        await advance(cluster, 4.5)
        assert finished(await get_job(cluster)) is None
        await advance(cluster, 0.5)
        j = await get_job(cluster)
        assert finished(j) == ("Failed", "DeadlineExceeded")
        failed = get_condition(j.status.conditions, "Failed")
        assert failed is not None
        assert failed.message == message
        assert j.status.start_time is not None
        assert failed.last_transition_time is not None
        assert (failed.last_transition_time - j.status.start_time).total_seconds() == 15
        assert (j.status.failed, j.status.active, j.status.terminating) == (1, 0, 0)
