"""Job tracking with finalizers, on virtual time: every Pod of a Job carries
``batch.kubernetes.io/job-tracking`` until the Job controller has counted it, so the Job's
counters survive the Pods, a deleted Pod still counts, and no Pod keeps the finalizer once
its Job finished or is gone.

The tests play the scheduler and the kubelet (``_fake_kubelet``) as ``test_job`` does.
"""

from __future__ import annotations

import datetime as dt

import anyio
import pytest

from kube_actors.actors import wall_clock
from kube_actors.api import (
    Job,
    Node,
    ObjectMeta,
    Pod,
    UncountedTerminatedPods,
    get_condition,
    is_pod_active,
    owner_reference,
)
from kube_actors.client import InformerFactory
from kube_actors.cluster import Cluster
from kube_actors.controllers import ControllerContext
from kube_actors.controllers import job as job_module
from kube_actors.controllers.job import (
    COMPLETION_INDEX_ANNOTATION,
    JOB_NAME_LABEL,
    TRACKING_FINALIZER,
)
from kube_actors.controllers.job import controller as job_controller
from kube_actors.reconcile import spawn_controller

from ._fake_kubelet import add_node, bind, finish_deletions, succeed
from ._fake_kubelet import start as start_pod
from .test_job import NS, advance, condition, get_job, job, pods_of


def tracked(pod: Pod) -> bool:
    return TRACKING_FINALIZER in pod.metadata.finalizers


def active(pods: list[Pod]) -> list[Pod]:
    """Pending or Running, and not being deleted."""
    return [p for p in pods if is_pod_active(p)]


def counts(j: Job) -> tuple[int, int, int, int]:
    s = j.status
    return (s.active, s.succeeded, s.failed, s.terminating or 0)


async def test_a_succeeded_pod_is_recorded_as_uncounted_then_released_then_counted() -> None:
    async with Cluster(scheduler=False, controllers=["job"], seed=21) as cluster:
        await cluster.client.create(job())
        await cluster.settle()
        [pod] = await pods_of(cluster)
        assert pod.metadata.finalizers == (TRACKING_FINALIZER,)
        assert (await get_job(cluster)).status.uncounted_terminated_pods == (
            UncountedTerminatedPods()
        )
        history: list[Job] = []
        stream = await cluster.client.watch(Job, namespace=NS, resource_version="0")

        async def follow() -> None:
            async for event in stream:
                if event.obj is not None and event.type == "MODIFIED":
                    history.append(event.obj)

        async with anyio.create_task_group() as tg:
            tg.start_soon(follow)
            await cluster.settle()
            history.clear()
            await succeed(cluster.client, pod)
            await cluster.settle()
            tg.cancel_scope.cancel()
        uid = pod.metadata.uid
        # Step 1: the UID is recorded, with the interim condition, before any finalizer goes.
        first = history[0]
        assert first.status.uncounted_terminated_pods == UncountedTerminatedPods(succeeded=[uid])
        assert (first.status.succeeded, condition(first, "Complete")) == (0, None)
        assert condition(first, "SuccessCriteriaMet") is not None
        # Step 3: counted once the finalizer is gone, then Complete.
        done = history[-1]
        assert done.status.uncounted_terminated_pods == UncountedTerminatedPods()
        assert counts(done) == (0, 1, 0, 0)
        assert condition(done, "Complete") is not None
        [released] = await pods_of(cluster)
        assert not tracked(released)


async def test_deleting_finished_pods_keeps_the_jobs_counts() -> None:
    async with Cluster(scheduler=False, controllers=["job"], seed=22) as cluster:
        await cluster.client.create(job(completions=2, parallelism=1))
        await cluster.settle()
        [first] = await pods_of(cluster)
        await succeed(cluster.client, first)
        await cluster.settle()
        await cluster.client.delete(Pod, first.metadata.name, namespace=NS)
        await cluster.settle()
        [second] = await pods_of(cluster)  # the first is gone, yet counted
        assert second.metadata.name != first.metadata.name
        assert counts(await get_job(cluster)) == (1, 1, 0, 0)
        await succeed(cluster.client, second)
        await cluster.settle()
        done = await get_job(cluster)
        assert counts(done) == (0, 2, 0, 0)
        assert condition(done, "Complete") is not None


async def test_a_pod_deleted_by_a_user_counts_as_failed_and_is_replaced_after_the_backoff() -> None:
    async with Cluster(scheduler=False, controllers=["job"], seed=23) as cluster:
        await cluster.client.create(job())
        await cluster.settle()
        [pod] = await pods_of(cluster)
        await bind(cluster.client, pod, "node-1")
        await start_pod(cluster.client, pod)
        await advance(cluster, 5)
        await cluster.client.delete(Pod, pod.metadata.name, namespace=NS)
        deleted_at = wall_clock()
        await cluster.settle()
        [terminating] = await pods_of(cluster)
        assert terminating.metadata.deletion_timestamp is not None
        assert not tracked(terminating)  # counted, so released at once
        assert counts(await get_job(cluster)) == (0, 0, 1, 1)
        await advance(cluster, 9.5)
        assert active(await pods_of(cluster)) == []  # the back-off after a failure
        await advance(cluster, 0.5)
        [replacement] = active(await pods_of(cluster))
        assert replacement.metadata.creation_timestamp == deleted_at + dt.timedelta(seconds=10)
        assert tracked(replacement)
        assert await finish_deletions(cluster.client) == 1
        await cluster.settle()
        assert counts(await get_job(cluster)) == (1, 0, 1, 0)  # still counted once


async def test_complete_waits_until_no_pod_of_the_job_is_terminating() -> None:
    async with Cluster(scheduler=False, controllers=["job"], seed=24) as cluster:
        await cluster.client.create(job(parallelism=2, completions=None))
        await cluster.settle()
        first, second = await pods_of(cluster)
        for pod in (first, second):
            await bind(cluster.client, pod, "node-1")
            await start_pod(cluster.client, pod)
        await succeed(cluster.client, first)
        await cluster.client.delete(Pod, second.metadata.name, namespace=NS)
        await cluster.settle()
        met = await get_job(cluster)
        assert condition(met, "SuccessCriteriaMet") == (
            "True",
            "CompletionsReached",
            "Reached expected number of succeeded pods",
        )
        assert condition(met, "Complete") is None  # the second still terminates
        assert counts(met) == (0, 1, 1, 1)
        await advance(cluster, 7)
        assert await finish_deletions(cluster.client) == 1
        await cluster.settle()
        done = await get_job(cluster)
        assert condition(done, "Complete") == condition(met, "SuccessCriteriaMet")
        assert counts(done) == (0, 1, 1, 0)
        met_at = get_condition(met.status.conditions, "SuccessCriteriaMet")
        assert met_at is not None
        assert met_at.last_transition_time is not None
        assert done.status.completion_time == met_at.last_transition_time + dt.timedelta(seconds=7)


async def test_scaling_down_or_suspending_releases_pods_without_counting_them() -> None:
    async with Cluster(scheduler=False, controllers=["job"], seed=25) as cluster:
        await cluster.client.create(job(parallelism=3, completions=6))
        await cluster.settle()
        for pod in await pods_of(cluster):  # bound, so that deleted they linger a while
            await bind(cluster.client, pod, "node-1")
            await start_pod(cluster.client, pod)
        await cluster.client.patch(Job, "pi", {"spec": {"parallelism": 1}}, namespace=NS)
        await cluster.settle()
        pods = await pods_of(cluster)
        assert sorted(tracked(p) for p in pods) == [False, False, True]
        assert counts(await get_job(cluster)) == (1, 0, 0, 2)
        await cluster.client.patch(Job, "pi", {"spec": {"suspend": True}}, namespace=NS)
        await cluster.settle()
        assert not any(tracked(p) for p in await pods_of(cluster))
        assert counts(await get_job(cluster)) == (0, 0, 0, 3)


async def test_deleting_a_job_releases_the_finalizers_of_its_pods() -> None:
    controllers = ["job", "garbagecollector"]
    async with Cluster(scheduler=False, controllers=controllers, seed=26) as cluster:
        await cluster.client.create(job("kept", parallelism=2, completions=2))
        await cluster.client.create(job("gone", parallelism=2, completions=2))
        await cluster.settle()
        for pod in await pods_of(cluster, "kept") + await pods_of(cluster, "gone"):
            await bind(cluster.client, pod, "node-1")
            await start_pod(cluster.client, pod)
        await cluster.client.delete(Job, "kept", namespace=NS, propagation_policy="Orphan")
        await cluster.client.delete(Job, "gone", namespace=NS)
        await cluster.settle()
        orphans = await pods_of(cluster, "kept")
        assert [(p.metadata.owner_references, tracked(p)) for p in orphans] == [((), False)] * 2
        assert all(p.metadata.deletion_timestamp is None for p in orphans)  # they run on
        doomed = await pods_of(cluster, "gone")
        assert [(p.metadata.deletion_timestamp is not None, tracked(p)) for p in doomed] == [
            (True, False)
        ] * 2
        await finish_deletions(cluster.client)
        assert await pods_of(cluster, "gone") == []


async def test_a_pod_of_a_deleted_node_is_counted_failed_once_podgc_deletes_it() -> None:
    async with Cluster(scheduler=False, controllers=["job", "podgc"], seed=27) as cluster:
        await add_node(cluster.client, "node-1")
        await cluster.client.create(job())
        await cluster.settle()
        [pod] = await pods_of(cluster)
        await bind(cluster.client, pod, "node-1")
        await start_pod(cluster.client, pod)
        await cluster.client.delete(Node, "node-1")
        await advance(cluster, 39.5)
        [held] = await pods_of(cluster)
        assert (held.metadata.name, tracked(held)) == (pod.metadata.name, True)
        await advance(cluster, 0.5)  # the pod GC's quarantine of a missing node ends
        job_now = await get_job(cluster)
        assert (job_now.status.succeeded, job_now.status.failed) == (0, 1)
        pods = await pods_of(cluster)
        assert pod.metadata.name not in {p.metadata.name for p in pods}  # released, so gone
        await advance(cluster, 10)  # at most the back-off of one failure
        [replacement] = active(await pods_of(cluster))
        assert tracked(replacement)


async def test_a_succeeded_index_stays_counted_when_its_pod_is_deleted() -> None:
    async with Cluster(scheduler=False, controllers=["job"], seed=28) as cluster:
        await cluster.client.create(job(completions=3, parallelism=3, completion_mode="Indexed"))
        await cluster.settle()
        by_index = {
            p.metadata.annotations[COMPLETION_INDEX_ANNOTATION]: p for p in await pods_of(cluster)
        }
        await succeed(cluster.client, by_index["1"])
        await cluster.settle()
        await cluster.client.delete(Pod, by_index["1"].metadata.name, namespace=NS)
        await cluster.settle()
        left = await pods_of(cluster)
        assert sorted(p.metadata.annotations[COMPLETION_INDEX_ANNOTATION] for p in left) == [
            "0",
            "2",
        ]
        counted = await get_job(cluster)
        assert (counted.status.completed_indexes, counted.status.succeeded) == ("1", 1)


async def test_at_most_max_uncounted_pods_are_recorded_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(job_module, "MAX_UNCOUNTED_PODS", 2)
    # Five tracked Pods that all succeeded while the controller was away.
    async with Cluster(scheduler=False, controllers=[], seed=29) as cluster:
        created = await cluster.client.create(job(completions=5, parallelism=5))
        for i in range(5):
            pod = await cluster.client.create(
                Pod(
                    metadata=ObjectMeta(
                        name=f"pi-{i}",
                        namespace=NS,
                        labels={JOB_NAME_LABEL: "pi"},
                        owner_references=[owner_reference(created)],
                        finalizers=[TRACKING_FINALIZER],
                    ),
                    spec=created.spec.template.spec,
                )
            )
            await succeed(cluster.client, pod)
        seen: list[int] = []
        stream = await cluster.client.watch(Job, namespace=NS, resource_version="0")

        async def follow() -> None:
            async for event in stream:
                uncounted = event.obj.status.uncounted_terminated_pods if event.obj else None
                if uncounted is not None:
                    seen.append(len(uncounted.succeeded) + len(uncounted.failed))

        async with anyio.create_task_group() as tg:
            tg.start_soon(follow)
            informers = InformerFactory(cluster.client)
            context = ControllerContext(
                client=cluster.client, informers=informers, recorder=cluster.event_recorder
            )
            await spawn_controller(cluster.system, job_controller(context), informers)
            await cluster.settle()
            tg.cancel_scope.cancel()
        done = await get_job(cluster)
        released = not any(tracked(p) for p in await pods_of(cluster))
    assert max(seen) == 2  # the rest wait for the next sync
    assert counts(done) == (0, 5, 0, 0)
    assert condition(done, "Complete") is not None
    assert released
