"""Fault injection: controllers converge under each fault, on virtual time, reproducibly."""

from __future__ import annotations

import pytest

from kube_actors import Cluster
from kube_actors.actors import monotonic
from kube_actors.api import Deployment, Event, Pod, ReplicaSet
from kube_actors.controllers import BUILTIN_COMPONENTS
from kube_actors.errors import ActorNotFound, Conflict, Gone
from kube_actors.reconcile import GetControllerStatistics

from .test_verbs import hello_nginx


async def assert_converged(cluster: Cluster, replicas: int) -> None:
    """The Deployment comes to ``replicas`` available Pods of its latest template, no more
    (waiting on the running clock: retries after faults wait out their back-off)."""

    def rolled_out(d: Deployment) -> bool:
        status = d.status
        return status.observed_generation == d.metadata.generation and (
            status.replicas == status.updated_replicas == status.available_replicas == replicas
        )

    await cluster.wait_for(Deployment, "hello-nginx", condition=rolled_out, timeout=600)
    await cluster.settle()
    pods = [p for p in await cluster.client.list(Pod) if p.metadata.deletion_timestamp is None]
    assert len(pods) == replicas
    assert all(p.status.phase == "Running" for p in pods)


async def start(cluster: Cluster, replicas: int = 2) -> None:
    await cluster.apply(hello_nginx(replicas))
    await cluster.wait_for(Deployment, "hello-nginx", condition="Available")
    await assert_converged(cluster, replicas)


async def test_controllers_retry_forced_conflicts_and_converge() -> None:
    async with Cluster(nodes=2, seed=5) as cluster:
        await start(cluster)
        with cluster.faults.conflicts(component="*-controller", probability=0.5) as fault:
            await cluster.scale(Deployment, "hello-nginx", 5)
            await cluster.settle()
            await cluster.set_image(Deployment, "hello-nginx", nginx="nginx:1.27")
            await cluster.rollout_status("hello-nginx")
        assert fault.fired > 0
        assert not fault.active
        await assert_converged(cluster, 5)


async def test_a_conflict_fault_reaches_only_its_component() -> None:
    async with Cluster(nodes=1, seed=5) as cluster:
        await start(cluster)
        with cluster.faults.conflicts(component="deployment-controller") as fault:
            # The user's own client is not the deployment controller's: its writes pass.
            await cluster.scale(Deployment, "hello-nginx", 3)
            await cluster.settle()
            deployment = await cluster.client.get(Deployment, "hello-nginx", namespace="default")
            # The deployment controller cannot write, so the ReplicaSet was not scaled.
            [replica_set] = await cluster.client.list(ReplicaSet)
            assert replica_set.spec.replicas == 2
            assert deployment.spec.replicas == 3
        assert fault.fired > 0
        await assert_converged(cluster, 3)


async def test_every_write_of_a_component_conflicts_until_the_count_is_spent() -> None:
    async with Cluster(seed=5) as cluster:
        fault = cluster.faults.conflicts(component="user", count=2)
        await cluster.apply(hello_nginx(1))
        for _ in range(2):
            with pytest.raises(Conflict, match="injected"):
                await cluster.scale(Deployment, "hello-nginx", 2)
        await cluster.scale(Deployment, "hello-nginx", 2)
        assert fault.fired == 2
        fault.remove()
        assert cluster.faults.active == []


async def test_a_watch_from_an_old_resource_version_is_gone_for_the_faulty_component() -> None:
    async with Cluster(seed=5) as cluster:
        await cluster.apply(hello_nginx(1))
        tester = cluster.client_for("tester")
        with cluster.faults.gone(component="tester") as fault:
            with pytest.raises(Gone, match="too old resource version"):
                await tester.watch(Deployment, resource_version="1")
            (await tester.watch(Deployment)).close()  # from the current state: no Gone
            (await cluster.client.watch(Deployment, resource_version="1")).close()
        assert fault.fired == 1


async def test_informers_relist_after_gone_and_controllers_converge() -> None:
    async with Cluster(nodes=2, seed=5) as cluster:
        await start(cluster)
        pods = cluster.informers.informer(Pod)
        lists = pods.statistics().lists
        gone = cluster.faults.gone(component="kube-controller-manager", kind=Pod, count=3)
        with gone as fault:
            await cluster.scale(Deployment, "hello-nginx", 4)
            await cluster.settle()
        assert fault.fired == 3
        assert pods.statistics().lists > lists
        await assert_converged(cluster, 4)


async def test_dropped_events_leave_caches_stale_until_the_fault_ends_then_they_heal() -> None:
    async with Cluster(nodes=2, seed=5) as cluster:
        await start(cluster)
        pods = cluster.informers.informer(Pod)
        with cluster.faults.drop_events(component="kube-controller-manager", kind=Pod) as fault:
            await cluster.scale(Deployment, "hello-nginx", 4)
            await cluster.settle()
            # The ReplicaSet controller never saw its new Pods: it does not know they run.
            assert len(pods.indexer) == 2
        assert fault.fired > 0
        await assert_converged(cluster, 4)
        assert len(pods.indexer) == 4


async def test_duplicated_events_are_harmless() -> None:
    async with Cluster(nodes=2, seed=5) as cluster:
        with cluster.faults.duplicate_events(probability=1.0) as fault:
            await start(cluster, 3)
            await cluster.scale(Deployment, "hello-nginx", 1)
            await assert_converged(cluster, 1)
        assert fault.fired > 0


async def test_latency_delays_a_components_requests_on_the_running_clock() -> None:
    async with Cluster(nodes=1, seed=5) as cluster:
        with cluster.faults.latency(3.0, component="kube-scheduler") as slow:
            began = monotonic()
            await cluster.apply(hello_nginx(1))
            await cluster.wait_for(Deployment, "hello-nginx", condition="Available")
            assert monotonic() - began >= 3.0
        assert slow.fired > 0


async def run_flaky_scenario(seed: int) -> tuple[int, list[str]]:
    async with Cluster(nodes=2, seed=seed) as cluster:
        with cluster.faults.conflicts(probability=0.4) as fault:
            await start(cluster, 3)
            await cluster.scale(Deployment, "hello-nginx", 6)
            await assert_converged(cluster, 6)
        names = sorted(p.metadata.name for p in await cluster.client.list(Pod))
        return fault.fired, names


async def test_a_faulty_run_replays_exactly_from_its_seed() -> None:
    first = await run_flaky_scenario(11)
    assert first[0] > 0
    assert await run_flaky_scenario(11) == first


async def test_a_crashed_built_in_controller_is_restarted_and_resumes_reconciling() -> None:
    async with Cluster(nodes=2, seed=5) as cluster:
        await start(cluster)
        await cluster.crash("controller/deployment")
        await cluster.settle()
        ref = cluster.system.lookup("controller/deployment")
        assert ref.statistics().restarts == 1
        await cluster.scale(Deployment, "hello-nginx", 4)
        await assert_converged(cluster, 4)
        statistics = await ref.ask(GetControllerStatistics())
        assert statistics.started


async def test_a_crashed_kubelet_is_restarted_and_its_pods_keep_running() -> None:
    async with Cluster(nodes=2, seed=5) as cluster:
        await start(cluster)
        ref = cluster.system.lookup("kubelet/node-1")
        await cluster.crash("kubelet/node-1")
        await cluster.settle()
        # A kubelet's receive ignores messages it does not know: the crash must not rely on
        # a message nobody handles.
        assert ref.statistics().restarts == 1
        await assert_converged(cluster, 2)


async def test_crashing_an_unknown_actor_says_so() -> None:
    async with Cluster(seed=5) as cluster:
        with pytest.raises(ActorNotFound):
            await cluster.crash("controller/nope")


def test_fault_settings_are_checked() -> None:
    cluster = Cluster()
    with pytest.raises(ValueError, match="probability must be between 0 and 1"):
        cluster.faults.conflicts(probability=1.5)
    with pytest.raises(ValueError, match="count must be 0 or more"):
        cluster.faults.gone(count=-1)
    with pytest.raises(ValueError, match="seconds must not be negative"):
        cluster.faults.latency(-1)
    assert cluster.faults.active == []


async def test_a_fault_aimed_at_the_name_events_show_reaches_that_controller() -> None:
    # The garbage collector's Events say "garbage-collector-controller": so does its client.
    async with Cluster(nodes=1, seed=5) as cluster:
        await start(cluster)
        events = await cluster.client.list(Event)
        with cluster.faults.latency(1.0, component="garbage-collector-controller") as fault:
            await cluster.client.delete(Deployment, "hello-nginx", namespace="default")
            await cluster.settle()
            assert fault.fired > 0
        assert {e.source.component for e in events if e.source is not None} <= set(
            BUILTIN_COMPONENTS.values()
        ) | {
            "default-scheduler",
            "kubelet",
        }
