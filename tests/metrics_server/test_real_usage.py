"""Real processes measured: a container that busy-loops uses about a core, an idle one
almost nothing, as the metrics server reads them from the subprocess runtime's /proc."""

from __future__ import annotations

import anyio
import pytest

from kube_actors import Cluster
from kube_actors.api import Pod, PodMetrics, from_dict


def _pod(name: str, command: str) -> Pod:
    manifest = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "containers": [
                {"name": "main", "image": "python", "command": ["python", "-c", command]}
            ]
        },
    }
    pod: Pod = from_dict(manifest)
    return pod


pytestmark = pytest.mark.real_time


async def test_a_busy_process_uses_about_a_core_and_an_idle_one_almost_nothing() -> None:
    async with Cluster(
        nodes=1, runtime="subprocess", clock="real", metric_resolution=1.0
    ) as cluster:
        await cluster.client.create(_pod("busy", "while True: pass"))
        await cluster.client.create(_pod("idle", "import time; time.sleep(600)"))
        found: dict[str, int] = {}
        with anyio.fail_after(30):
            while len(found) < 2:
                for metrics in await cluster.client.list(PodMetrics, namespace="default"):
                    (container,) = metrics.containers
                    found[metrics.metadata.name] = container.usage["cpu"].milli_value()
                await anyio.sleep(0.2)
        assert found["busy"] > 300
        assert found["idle"] < 100
