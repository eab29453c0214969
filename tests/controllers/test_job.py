"""The Job controller and the TTL-after-finished controller, on virtual time.

The tests play the kubelet (``_fake_kubelet``): they mark Pods Running, Succeeded or Failed, and
check what the controller does and when, to the simulated second.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import anyio
import attrs
import pytest

from kube_actors.actors import wall_clock
from kube_actors.api import (
    Container,
    Event,
    Job,
    JobSpec,
    ObjectMeta,
    Pod,
    PodSpec,
    PodTemplateSpec,
    get_condition,
    owner_reference,
)
from kube_actors.client import InformerFactory
from kube_actors.cluster import Cluster
from kube_actors.controllers import ControllerContext
from kube_actors.controllers.job import (
    COMPLETION_INDEX_ANNOTATION,
    CONTROLLER_UID_LABEL,
    JOB_NAME_LABEL,
    TRACKING_FINALIZER,
    format_indexes,
    parse_indexes,
)
from kube_actors.controllers.job import controller as job_controller
from kube_actors.errors import Invalid
from kube_actors.reconcile import spawn_controller

from ._fake_kubelet import bind, fail, finish_deletions, succeed
from ._fake_kubelet import start as start_pod

NS = "default"


def job(name: str = "pi", **spec: Any) -> Job:
    template = PodTemplateSpec(
        metadata=ObjectMeta(labels={"app": name}),
        spec=PodSpec(containers=[Container(name="main", image="busybox")], restart_policy="Never"),
    )
    return Job(
        metadata=ObjectMeta(name=name, namespace=NS), spec=JobSpec(template=template, **spec)
    )


async def pods_of(cluster: Cluster, name: str = "pi") -> list[Pod]:
    pods = await cluster.client.list(Pod, namespace=NS, label_selector={JOB_NAME_LABEL: name})
    return sorted(pods, key=lambda p: (p.metadata.creation_timestamp, p.metadata.name))


def active(pods: list[Pod]) -> list[Pod]:
    return [p for p in pods if p.status.phase in ("Pending", "Running")]


async def events(cluster: Cluster, name: str) -> list[tuple[str, str, str]]:
    found = await cluster.client.list(Event, namespace=NS)
    found = [e for e in found if e.involved_object.name == name]
    # In the order they were first recorded (a repeat is folded into the first's count).
    found.sort(key=lambda e: (e.first_timestamp, int(e.metadata.resource_version)))
    return [(e.type, e.reason, e.message) for e in found]


async def advance(cluster: Cluster, seconds: float) -> None:
    """Let ``seconds`` of simulated time pass, then let everything settle."""
    await anyio.sleep(seconds)
    await cluster.settle()


async def get_job(cluster: Cluster, name: str = "pi") -> Job:
    return await cluster.client.get(Job, name, namespace=NS)


def condition(job: Job, kind: str) -> tuple[str, str, str] | None:
    found = get_condition(job.status.conditions, kind)
    return None if found is None else (found.status, found.reason, found.message)


# ------------------------------------------------------------------------ completion


async def test_a_job_runs_one_pod_to_completion_and_records_kubernetes_events() -> None:
    async with Cluster(scheduler=False, controllers=["job"], seed=1) as cluster:
        created = await cluster.client.create(job())
        await cluster.settle()
        [pod] = await pods_of(cluster)
        uid = created.metadata.uid
        assert pod.metadata.generate_name == "pi-"
        assert pod.metadata.labels == {
            "app": "pi",
            CONTROLLER_UID_LABEL: uid,
            "controller-uid": uid,
            JOB_NAME_LABEL: "pi",
            "job-name": "pi",
        }
        [owner] = pod.metadata.owner_references
        assert (owner.kind, owner.name, owner.uid, owner.controller) == ("Job", "pi", uid, True)
        started = await get_job(cluster)
        assert (started.status.active, started.status.start_time) == (1, wall_clock())

        await start_pod(cluster.client, pod)
        await cluster.settle()
        assert (await get_job(cluster)).status.ready == 1
        await advance(cluster, 30)
        await succeed(cluster.client, pod)
        await cluster.settle()

        done = await get_job(cluster)
        assert condition(done, "Complete") == (
            "True",
            "CompletionsReached",
            "Reached expected number of succeeded pods",
        )
        assert [c.type for c in done.status.conditions] == ["SuccessCriteriaMet", "Complete"]
        assert condition(done, "SuccessCriteriaMet") == condition(done, "Complete")
        assert (done.status.active, done.status.succeeded, done.status.failed) == (0, 1, 0)
        assert (started.status.terminating, done.status.terminating) == (0, 0)
        start = started.status.start_time
        assert start is not None
        assert done.status.completion_time == start + dt.timedelta(seconds=30)
        assert await events(cluster, "pi") == [
            ("Normal", "SuccessfulCreate", f"Created pod: {pod.metadata.name}"),
            ("Normal", "Completed", "Job completed"),
        ]


async def test_completions_are_reached_with_at_most_parallelism_pods_at_once() -> None:
    async with Cluster(scheduler=False, controllers=["job"], seed=2) as cluster:
        await cluster.client.create(job(completions=5, parallelism=2))
        await cluster.settle()
        running_counts = []
        while active(pods := await pods_of(cluster)):
            running_counts.append(len(active(pods)))
            await succeed(cluster.client, active(pods)[0])
            await cluster.settle()
        assert running_counts == [2, 2, 2, 2, 1]  # never more than the completions left
        done = await get_job(cluster)
        assert (done.status.succeeded, len(await pods_of(cluster))) == (5, 5)
        assert condition(done, "Complete") is not None


async def test_a_work_queue_job_completes_when_one_pod_succeeded_and_the_rest_finished() -> None:
    async with Cluster(scheduler=False, controllers=["job"], seed=3) as cluster:
        await cluster.client.create(job(parallelism=3, completions=None))
        await cluster.settle()
        first, second, third = await pods_of(cluster)
        await succeed(cluster.client, first)
        await cluster.settle()
        assert len(await pods_of(cluster)) == 3  # no new Pods once one succeeded
        assert condition(await get_job(cluster), "Complete") is None  # two still run
        await succeed(cluster.client, second)
        await succeed(cluster.client, third)
        await cluster.settle()
        assert (await get_job(cluster)).status.succeeded == 3
        assert condition(await get_job(cluster), "Complete") is not None


async def test_an_indexed_job_gives_each_pod_its_completion_index() -> None:
    async with Cluster(scheduler=False, controllers=["job"], seed=4) as cluster:
        await cluster.client.create(job(completions=3, parallelism=3, completion_mode="Indexed"))
        await cluster.settle()
        pods = await pods_of(cluster)
        by_index = {p.metadata.annotations[COMPLETION_INDEX_ANNOTATION]: p for p in pods}
        assert sorted(by_index) == ["0", "1", "2"]
        pod = by_index["1"]
        assert pod.metadata.generate_name == "pi-1-"
        assert pod.metadata.labels[COMPLETION_INDEX_ANNOTATION] == "1"
        assert pod.spec.hostname == "pi-1"
        [env] = pod.spec.containers[0].env
        assert env.name == "JOB_COMPLETION_INDEX"
        assert env.value_from is not None
        assert env.value_from.field_ref is not None
        assert env.value_from.field_ref.field_path == (
            "metadata.annotations['batch.kubernetes.io/job-completion-index']"
        )

        await succeed(cluster.client, by_index["1"])
        await fail(cluster.client, by_index["0"])
        await cluster.settle()
        assert (await get_job(cluster)).status.completed_indexes == "1"
        await advance(cluster, 10)  # the back-off before replacing a failed Pod
        retry = [
            p
            for p in active(await pods_of(cluster))
            if p.metadata.name not in {q.metadata.name for q in pods}
        ]
        assert [p.metadata.annotations[COMPLETION_INDEX_ANNOTATION] for p in retry] == ["0"]
        for pod in active(await pods_of(cluster)):
            await succeed(cluster.client, pod)
        await cluster.settle()
        done = await get_job(cluster)
        assert (done.status.completed_indexes, done.status.succeeded, done.status.failed) == (
            "0-2",
            3,
            1,
        )
        assert condition(done, "Complete") is not None


def test_completed_indexes_are_written_as_kubernetes_ranges() -> None:
    assert format_indexes([5, 0, 1, 2, 7, 8]) == "0-2,5,7-8"
    assert format_indexes([]) == ""
    assert parse_indexes("0-2,5,7-8", 8) == {0, 1, 2, 5, 7}  # 8 is past the completions
    assert parse_indexes("", 3) == set()


# --------------------------------------------------------------------------- failure


async def test_failed_pods_are_replaced_after_10s_doubling_to_6min() -> None:
    async with Cluster(scheduler=False, controllers=["job"], seed=5) as cluster:
        await cluster.client.create(job(backoff_limit=7))
        await cluster.settle()
        delays: list[float] = []
        for _ in range(8):
            [pod] = active(await pods_of(cluster))
            await advance(cluster, 1)  # it runs for a second, then fails
            failed = await fail(cluster.client, pod)
            failed_at = wall_clock()
            await cluster.settle()
            if condition(await get_job(cluster), "Failed") is not None:
                break
            assert active(await pods_of(cluster)) == []  # backing off
            for _ in range(10):  # to the second the next Pod appears
                replacement = active(await pods_of(cluster))
                if replacement:
                    break
                await advance(cluster, 10 if not delays else delays[-1])
            [replacement_pod] = replacement
            created = replacement_pod.metadata.creation_timestamp
            assert created is not None
            assert failed.metadata.name != replacement_pod.metadata.name
            delays.append((created - failed_at).total_seconds())
        assert delays == [10, 20, 40, 80, 160, 320, 360]
        failed_job = await get_job(cluster)
        assert condition(failed_job, "Failed") == (
            "True",
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit",
        )
        assert (failed_job.status.failed, failed_job.status.active) == (8, 0)
        assert failed_job.status.completion_time is None
        assert (
            "Warning",
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit",
        ) in (await events(cluster, "pi"))


async def test_restarts_of_an_on_failure_pod_count_against_the_backoff_limit() -> None:
    async with Cluster(scheduler=False, controllers=["job"], seed=11) as cluster:
        work = job(backoff_limit=2)
        template = work.spec.template
        on_failure = attrs.evolve(
            template, spec=attrs.evolve(template.spec, restart_policy="OnFailure")
        )
        await cluster.client.create(
            attrs.evolve(work, spec=attrs.evolve(work.spec, template=on_failure))
        )
        await cluster.settle()
        [pod] = await pods_of(cluster)
        await bind(cluster.client, pod, "node-1")
        running = await start_pod(cluster.client, pod)
        for restarts in (1, 2):  # the kubelet restarts its container in place
            statuses = tuple(
                attrs.evolve(s, restart_count=restarts) for s in running.status.container_statuses
            )
            running = await cluster.client.update_status(
                attrs.evolve(
                    running, status=attrs.evolve(running.status, container_statuses=statuses)
                )
            )
            await cluster.settle()
            target = condition(await get_job(cluster), "FailureTarget")
            assert target == (
                None
                if restarts < 2
                else ("True", "BackoffLimitExceeded", "Job has reached the specified backoff limit")
            )
        assert [p.metadata.deletion_timestamp is not None for p in await pods_of(cluster)] == [True]


async def test_a_job_past_its_active_deadline_fails_and_its_pods_are_deleted() -> None:
    async with Cluster(scheduler=False, controllers=["job"], seed=6) as cluster:
        await cluster.client.create(job(active_deadline_seconds=100))
        await cluster.settle()
        [pod] = await pods_of(cluster)
        await bind(cluster.client, pod, "node-1")
        await start_pod(cluster.client, pod)
        await advance(cluster, 99.5)
        assert condition(await get_job(cluster), "FailureTarget") is None
        await advance(cluster, 0.5)
        deadline = (
            "True",
            "DeadlineExceeded",
            "Job was active longer than specified deadline",
        )
        target = await get_job(cluster)
        assert condition(target, "FailureTarget") == deadline
        assert condition(target, "Failed") is None  # while its Pod terminates
        assert (target.status.active, target.status.terminating) == (0, 1)
        [gone] = await pods_of(cluster)
        assert gone.metadata.deletion_timestamp is not None  # the kubelet finishes it
        await advance(cluster, 7)
        assert await finish_deletions(cluster.client) == 1  # it does, 7 s later
        await cluster.settle()
        failed = await get_job(cluster)
        assert condition(failed, "Failed") == deadline
        start = failed.status.start_time
        assert start is not None
        failed_condition = get_condition(failed.status.conditions, "Failed")
        assert failed_condition is not None
        assert failed_condition.last_transition_time == start + dt.timedelta(seconds=107)
        assert (failed.status.active, failed.status.failed, failed.status.terminating) == (0, 1, 0)
        assert await events(cluster, "pi") == [
            ("Normal", "SuccessfulCreate", f"Created pod: {pod.metadata.name}"),
            ("Normal", "SuccessfulDelete", f"Deleted pod: {pod.metadata.name}"),
            ("Warning", "DeadlineExceeded", "Job was active longer than specified deadline"),
        ]


async def test_the_backoff_limit_wins_over_the_deadline() -> None:
    # Both hold when the controller comes back: the Job outlived its deadline while down,
    # and its Pod failed beyond a backoffLimit of 0. Kubernetes checks the limit first.
    async with Cluster(scheduler=False, controllers=[], seed=7) as cluster:
        created = await cluster.client.create(job(active_deadline_seconds=15, backoff_limit=0))
        status = attrs.evolve(created.status, start_time=wall_clock())
        await cluster.client.update_status(attrs.evolve(created, status=status))
        template = created.spec.template
        pod = await cluster.client.create(
            Pod(
                metadata=ObjectMeta(
                    name="pi-1",
                    namespace=NS,
                    labels={JOB_NAME_LABEL: "pi"},
                    owner_references=[owner_reference(created)],
                    finalizers=[TRACKING_FINALIZER],
                ),
                spec=template.spec,
            )
        )
        await fail(cluster.client, pod)
        await advance(cluster, 20)
        informers = InformerFactory(cluster.client)
        context = ControllerContext(
            client=cluster.client, informers=informers, recorder=cluster.event_recorder
        )
        await spawn_controller(cluster.system, job_controller(context), informers)
        await cluster.settle()
        failed = await get_job(cluster)
        assert condition(failed, "Failed") == (
            "True",
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit",
        )
        assert failed.status.failed == 1


# ------------------------------------------------------------------------- suspend


async def test_a_suspended_job_deletes_its_pods_and_resuming_restarts_the_deadline() -> None:
    async with Cluster(scheduler=False, controllers=["job"], seed=8) as cluster:
        await cluster.client.create(job(suspend=True, active_deadline_seconds=50))
        await cluster.settle()
        assert await pods_of(cluster) == []
        suspended = await get_job(cluster)
        assert suspended.status.start_time is None
        assert condition(suspended, "Suspended") == ("True", "JobSuspended", "Job suspended")

        await advance(cluster, 100)  # suspended time does not count
        await cluster.client.patch(Job, "pi", {"spec": {"suspend": False}}, namespace=NS)
        await cluster.settle()
        resumed = await get_job(cluster)
        assert condition(resumed, "Suspended") == ("False", "JobResumed", "Job resumed")
        assert resumed.status.start_time == wall_clock()
        [pod] = await pods_of(cluster)
        await bind(cluster.client, pod, "node-1")
        await start_pod(cluster.client, pod)

        await cluster.client.patch(Job, "pi", {"spec": {"suspend": True}}, namespace=NS)
        await cluster.settle()
        assert [p.metadata.deletion_timestamp is not None for p in await pods_of(cluster)] == [True]
        assert (await get_job(cluster)).status.active == 0
        reasons = [reason for _, reason, _ in await events(cluster, "pi")]
        # As Kubernetes: the Pods are managed before the Suspended condition changes.
        assert reasons == ["Suspended", "SuccessfulCreate", "Resumed", "SuccessfulDelete"]
        suspensions = [
            e for e in await cluster.client.list(Event, namespace=NS) if e.reason == "Suspended"
        ]
        assert [e.count for e in suspensions] == [2]  # the repeat folded into one Event


# ------------------------------------------------------------------- ttl after finished


async def test_a_finished_job_is_deleted_ttl_seconds_after_it_finished() -> None:
    controllers = ["job", "ttl-after-finished", "garbagecollector"]
    async with Cluster(scheduler=False, controllers=controllers, seed=9) as cluster:
        await cluster.client.create(job(ttl_seconds_after_finished=60))
        await cluster.settle()
        [pod] = await pods_of(cluster)
        await advance(cluster, 5)
        await succeed(cluster.client, pod)
        await advance(cluster, 59.5)
        assert (await get_job(cluster)).metadata.deletion_timestamp is None
        await advance(cluster, 0.5)
        # Deleted in the foreground: the garbage collector takes its Pod, then the Job.
        assert await cluster.client.list(Job, namespace=NS) == []
        assert await pods_of(cluster) == []


async def test_a_job_without_a_ttl_is_kept() -> None:
    async with Cluster(
        scheduler=False, controllers=["job", "ttl-after-finished"], seed=10
    ) as cluster:
        await cluster.client.create(job())
        await cluster.settle()
        [pod] = await pods_of(cluster)
        await succeed(cluster.client, pod)
        await advance(cluster, 3600)
        assert (await get_job(cluster)).metadata.deletion_timestamp is None


async def test_the_apiserver_generates_a_jobs_selector_and_labels_its_template() -> None:
    async with Cluster(scheduler=False, controllers=[], seed=7) as cluster:
        created = await cluster.client.create(job())
        uid = created.metadata.uid
        assert created.spec.selector is not None
        assert dict(created.spec.selector.match_labels) == {CONTROLLER_UID_LABEL: uid}
        assert created.spec.template.metadata.labels == {
            "app": "pi",
            CONTROLLER_UID_LABEL: uid,
            "controller-uid": uid,
            JOB_NAME_LABEL: "pi",
            "job-name": "pi",
        }
        assert created.spec.pod_replacement_policy == "TerminatingOrFailed"
        manual = attrs.evolve(job("manual"), spec=attrs.evolve(job().spec, manual_selector=True))
        with pytest.raises(Invalid) as refused:
            await cluster.client.create(manual)
        assert "spec.selector: Required value" in str(refused.value)
