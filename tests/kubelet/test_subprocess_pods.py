"""Pods of real processes, on real time: logs, exit codes, and SIGKILL after the grace period."""

from __future__ import annotations

import ipaddress
import time
from pathlib import Path

import anyio
import pytest

from kube_actors import Cluster
from kube_actors.api import Container, ExecAction, Node, Pod, Probe, WatchEvent, is_pod_ready

from ._pods import pod

pytestmark = pytest.mark.real_time


async def _events_until(cluster: Cluster, name: str, until: str) -> list[WatchEvent]:
    """Watch the pod until an event of type ``until`` (or a phase named so) arrives."""
    seen: list[WatchEvent] = []
    stream = await cluster.client.watch(
        Pod, namespace="default", field_selector=f"metadata.name={name}"
    )
    with anyio.fail_after(20):
        async for event in stream:
            seen.append(event)
            if event.type == until or (event.obj is not None and event.obj.status.phase == until):
                break
    stream.close()
    return seen


async def _ready(cluster: Cluster, name: str) -> None:
    stream = await cluster.client.watch(
        Pod, namespace="default", field_selector=f"metadata.name={name}"
    )
    with anyio.fail_after(20):
        async for event in stream:
            if event.obj is not None and is_pod_ready(event.obj):
                break
    stream.close()


async def test_a_real_process_writes_its_log_and_its_exit_code_becomes_its_state() -> None:
    async with Cluster(nodes=1, runtime="subprocess", controllers=(), clock="real") as cluster:
        shell = Container(
            name="app", image="busybox", command=["sh", "-c", "echo hello from $POD_NAME; exit 3"]
        )
        await cluster.client.create(
            pod(node="control-plane", restart_policy="Never", containers=[shell])
        )
        events = await _events_until(cluster, "web", "Failed")
        final = events[-1].obj
        terminated = final.status.container_statuses[0].state.terminated
        assert (terminated.exit_code, terminated.reason) == (3, "Error")
        # In its node's pod CIDR: which /24 that is depends on the share of the pod network
        # this test process holds (another process running pods holds another).
        node = await cluster.client.get(Node, "control-plane")
        network = ipaddress.IPv4Network(node.spec.pod_cidr)
        assert network.subnet_of(ipaddress.IPv4Network("127.64.0.0/10"))
        assert ipaddress.ip_address(final.status.pod_ip) in network
        assert await cluster.logs("web") == "hello from web\n"


async def test_deletion_waits_the_grace_period_then_kills_a_process_that_ignores_sigterm(
    tmp_path: Path,
) -> None:
    marker = tmp_path / "trap-installed"
    async with Cluster(nodes=1, runtime="subprocess", controllers=(), clock="real") as cluster:
        stubborn = Container(
            name="app",
            image="busybox",
            command=["sh", "-c", f"trap '' TERM; touch {marker}; while true; do sleep 0.05; done"],
            # Ready once the trap is in place: deleting earlier would not test the grace.
            readiness_probe=Probe(
                exec=ExecAction(command=["test", "-f", str(marker)]), period_seconds=1
            ),
        )
        await cluster.client.create(pod(node="control-plane", containers=[stubborn], grace=1))
        await _ready(cluster, "web")
        started = time.monotonic()
        await cluster.client.delete(Pod, "web", namespace="default")
        events = await _events_until(cluster, "web", "DELETED")
        elapsed = time.monotonic() - started
        last_status = [e.obj for e in events if e.type == "MODIFIED"][-1].status
        terminated = last_status.container_statuses[0].state.terminated
        assert terminated is not None
        assert terminated.exit_code == 137
        assert elapsed >= 1.0  # SIGTERM was ignored: only SIGKILL after the grace period ended it
