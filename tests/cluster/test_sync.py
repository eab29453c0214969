"""``Cluster(...).sync()``: the same cluster driven from plain synchronous code."""

from __future__ import annotations

import concurrent.futures

import pytest

from kube_actors import Cluster, SyncCluster
from kube_actors.actors import is_virtual_time, monotonic
from kube_actors.api import Deployment, Node, Pod
from kube_actors.errors import Conflict, NotFound

from .test_verbs import hello_nginx


def test_a_script_applies_waits_and_reads_on_virtual_time() -> None:
    with Cluster(nodes=2, clock="virtual", seed=3).sync() as cluster:
        assert isinstance(cluster, SyncCluster)
        [result] = cluster.apply(hello_nginx(2))
        assert str(result) == "deployment.apps/hello-nginx created"
        available = cluster.wait_for(Deployment, "hello-nginx", condition="Available")
        assert available.status.available_replicas == 2
        pods = cluster.client.list(Pod, label_selector="app=hello-nginx")
        assert len(pods) == 2
        cluster.scale(Deployment, "hello-nginx", 3)
        cluster.settle()
        assert "Replicas:" in cluster.describe(Deployment, "hello-nginx")
        assert cluster.nodes == ["control-plane", "node-1"]
        assert cluster.call(is_virtual_time)


def test_virtual_time_stands_still_between_calls() -> None:
    with Cluster(nodes=1, clock="virtual", seed=3).sync() as cluster:
        cluster.apply(hello_nginx(1))
        cluster.wait_for(Deployment, "hello-nginx", condition="Available")
        cluster.settle()
        before = cluster.call(monotonic)
        # Heartbeats are due every few seconds: had the loop run free, time would jump on.
        assert cluster.call(monotonic) == before
        cluster.settle(30)
        assert cluster.call(monotonic) >= before + 30


def test_errors_and_fault_handles_cross_over_to_the_calling_thread() -> None:
    with Cluster(clock="virtual", seed=3).sync() as cluster:
        with pytest.raises(NotFound):
            cluster.client.get(Deployment, "nope", namespace="default")
        cluster.apply(hello_nginx(1))
        with cluster.faults.conflicts(component="user") as fault, pytest.raises(Conflict):
            cluster.scale(Deployment, "hello-nginx", 2)
        assert fault.fired == 1
        assert cluster.faults.active == []
        cluster.scale(Deployment, "hello-nginx", 2)


def test_a_real_time_cluster_runs_from_a_script_too() -> None:
    with Cluster(clock="real", seed=3).sync() as cluster:
        cluster.apply(hello_nginx(1))
        assert not cluster.call(is_virtual_time)
        assert cluster.client.get(Deployment, "hello-nginx", namespace="default")


def test_calling_a_stopped_sync_cluster_says_how_to_start_it() -> None:
    cluster = Cluster().sync()
    with pytest.raises(RuntimeError, match=r"with Cluster\(...\)\.sync\(\)"):
        cluster.apply(hello_nginx(1))


def test_virtual_time_is_held_from_the_first_instant_even_under_load() -> None:
    # Six scripts at once load the machine: the one instant between the cluster's start and
    # the gate is where an idle virtual loop jumped on (0, 30, 80 s were read here).
    def started_at(seed: int) -> float:
        with Cluster(nodes=2, clock="virtual", seed=seed).sync() as cluster:
            return float(cluster.call(monotonic))

    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        readings = list(pool.map(started_at, range(6)))
    assert readings == [0.0] * 6


def test_virtual_time_stands_still_across_many_calls_under_load() -> None:
    # Each call lets the held moment go without waiting for the parked job's thread, and holds
    # it again: no instant may pass in between however long the machine takes to schedule
    # that thread (six scripts at once, heartbeats due every few seconds).
    def drift(seed: int) -> float:
        with Cluster(nodes=2, clock="virtual", seed=seed).sync() as cluster:
            cluster.settle()
            before = float(cluster.call(monotonic))
            for _ in range(40):
                cluster.client.list(Node)
            return float(cluster.call(monotonic)) - before

    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        drifts = list(pool.map(drift, range(6)))
    assert drifts == [0.0] * 6
