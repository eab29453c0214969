"""Autoscaling on real usage: subprocess Pods that burn CPU, measured from /proc by the
metrics server, scaled up by the HPA through ``metrics.k8s.io``; and ``kubectl top`` showing
that usage (#17). Real time: each test waits on conditions, with timeouts."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio
import pytest

from kube_actors import Cluster
from kube_actors.api import (
    Deployment,
    HorizontalPodAutoscaler,
    Pod,
    PodMetrics,
    from_dict,
    get_condition,
    parse_window,
)
from kube_actors.server import Served
from tests.server.test_kubectl import KUBECTL, kubectl, quiet_logs, words

__all__ = ["quiet_logs"]

pytestmark = pytest.mark.real_time

#: Busy for 10 s from its start, then idle: the HPA scales up, then back down.
BURN_THEN_IDLE = (
    "import time\nend = time.monotonic() + 10\nwhile time.monotonic() < end: pass\ntime.sleep(600)"
)

BURNER: dict[str, Any] = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "burner", "namespace": "default"},
    "spec": {
        "replicas": 1,
        "selector": {"matchLabels": {"app": "burner"}},
        "template": {
            "metadata": {"labels": {"app": "burner"}},
            "spec": {
                "containers": [
                    {
                        "name": "main",
                        "image": "python",
                        "resources": {"requests": {"cpu": "100m"}},
                    }
                ]
            },
        },
    },
}

AUTOSCALER = {
    "apiVersion": "autoscaling/v2",
    "kind": "HorizontalPodAutoscaler",
    "metadata": {"name": "burner", "namespace": "default"},
    "spec": {
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "burner"},
        "minReplicas": 1,
        "maxReplicas": 3,
        # No 300 s scale-down stabilization: down at the first sync that finds them idle.
        "behavior": {"scaleDown": {"stabilizationWindowSeconds": 0}},
        "metrics": [
            {
                "type": "Resource",
                "resource": {
                    "name": "cpu",
                    "target": {"type": "Utilization", "averageUtilization": 50},
                },
            }
        ],
    },
}


def _burning(command: str = BURN_THEN_IDLE) -> Any:
    manifest = copy.deepcopy(BURNER)
    (container,) = manifest["spec"]["template"]["spec"]["containers"]
    container["command"] = ["python", "-c", command]
    return from_dict(manifest)


async def _measured_since_ready(cluster: Cluster) -> PodMetrics:
    """Wait until the metrics server has a sample of the burner's Pod that covers a whole
    window after the Pod became Ready (before that, the HPA does not count its CPU)."""
    with anyio.fail_after(30):
        while True:
            pods = await cluster.client.list(Pod, namespace="default", label_selector="app=burner")
            samples = {
                m.metadata.name: m
                for m in await cluster.client.list(PodMetrics, namespace="default")
            }
            for pod in pods:
                ready = get_condition(pod.status.conditions, "Ready")
                sample = samples.get(pod.metadata.name)
                if ready is None or ready.status != "True" or sample is None:
                    continue
                assert ready.last_transition_time is not None
                assert sample.timestamp is not None
                settled = ready.last_transition_time + dt.timedelta(
                    seconds=parse_window(sample.window)
                )
                if sample.timestamp >= settled:
                    return sample
            await anyio.sleep(0.2)


async def _replicas_until(cluster: Cluster, done: Any) -> int:
    with anyio.fail_after(40):
        while True:
            web = await cluster.client.get(Deployment, "burner", namespace="default")
            if done(web.spec.replicas or 0):
                return web.spec.replicas or 0
            await anyio.sleep(0.2)


async def test_cpu_burning_processes_are_scaled_up_then_back_down_by_the_autoscaler() -> None:
    async with Cluster(nodes=1, runtime="subprocess", clock="real", metric_resolution=1.0) as (
        cluster
    ):
        await cluster.client.create(_burning())
        sample = await _measured_since_ready(cluster)
        (container,) = sample.containers
        assert container.usage["cpu"].milli_value() > 100, "a busy loop uses more than 100m"
        await cluster.client.create(from_dict(AUTOSCALER))
        # Far above 50 % of 100m: as many as one step of the default policy allows, capped.
        assert await _replicas_until(cluster, lambda n: n > 1) == 3
        hpa = await cluster.client.get(HorizontalPodAutoscaler, "burner", namespace="default")
        (metric,) = hpa.status.current_metrics
        assert metric.resource is not None
        assert (metric.resource.current.average_utilization or 0) > 100
        # 15 s later (the sync period) every process idles: back to minReplicas.
        assert await _replicas_until(cluster, lambda n: n == 1) == 1


@contextlib.asynccontextmanager
async def _serving_real(tmp_path: Path) -> AsyncIterator[tuple[Cluster, Served]]:
    async with (
        Cluster(nodes=1, runtime="subprocess", clock="real", metric_resolution=1.0) as cluster,
        cluster.serve(data_dir=str(tmp_path)) as served,
    ):
        yield cluster, served


@pytest.mark.skipif(
    KUBECTL is None and not os.environ.get("CI"), reason="no kubectl binary on this machine"
)
async def test_kubectl_top_shows_the_usage_of_real_processes(tmp_path: Path) -> None:
    async with _serving_real(tmp_path) as (cluster, served):
        await cluster.client.create(_burning("while True: pass"))
        await _measured_since_ready(cluster)
        _, pods, _ = await kubectl(served, "top", "pods", "-n", "default")
        _, nodes, _ = await kubectl(served, "top", "nodes")
    header, *rows = pods.strip().splitlines()
    assert words(header) == ["NAME", "CPU(cores)", "MEMORY(bytes)"]
    ((name, cpu, memory),) = [words(r) for r in rows]
    assert name.startswith("burner-")
    assert cpu.endswith("m")
    assert int(cpu[:-1]) > 100
    assert memory.endswith("Mi")
    header, *rows = nodes.strip().splitlines()
    assert words(header)[:3] == ["NAME", "CPU(cores)", "CPU(%)"]
    ((node, node_cpu, *_),) = [words(r) for r in rows]
    assert node == "control-plane"
    assert int(node_cpu.removesuffix("m")) > 100
