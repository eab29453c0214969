"""The resource metrics API on virtual time: fake containers' scripted usage, scraped from the
kubelets every 15 s, read back as PodMetrics and NodeMetrics through the apiserver."""

from __future__ import annotations

import pytest

from kube_actors import Cluster
from kube_actors.api import ObjectMeta, PodMetrics
from kube_actors.errors import MethodNotSupported, ServiceUnavailable

from ..e2e._workloads import NS, advance, deployment


async def test_pod_and_node_metrics_are_the_scripted_usage_over_the_last_window() -> None:
    async with Cluster(nodes=1, clock="virtual", seed=5, metric_resolution=15.0) as cluster:
        web = deployment(replicas=2, script={"cpu-usage": "250m", "memory-usage": "64Mi"})
        await cluster.client.create(web)
        await advance(cluster, 60)
        pods = await cluster.client.list(PodMetrics, namespace=NS)
        assert len(pods) == 2
        for metrics in pods:
            (container,) = metrics.containers
            assert container.usage["cpu"].milli_value() == 250
            assert container.usage["memory"].value() == 64 * 1024 * 1024
            assert metrics.window == "15s"
        (node,) = await cluster.top_nodes()
        assert [p.metadata.name for p in await cluster.top_pods()] == [
            p.metadata.name for p in pods
        ]
        assert node.usage["cpu"].milli_value() == 500
        one = await cluster.client.get(PodMetrics, pods[0].metadata.name, namespace=NS)
        assert one.containers == pods[0].containers
        labelled = await cluster.client.list(PodMetrics, namespace=NS, label_selector="app=nope")
        assert labelled == []


async def test_the_metrics_api_is_read_only() -> None:
    async with Cluster(nodes=1, clock="virtual", seed=6, metric_resolution=15.0) as cluster:
        with pytest.raises(MethodNotSupported):
            await cluster.client.create(PodMetrics(metadata=ObjectMeta(name="x", namespace=NS)))


async def test_without_a_metrics_server_the_api_is_unavailable() -> None:
    async with Cluster(nodes=1, clock="virtual", seed=7) as cluster:
        with pytest.raises(ServiceUnavailable):
            await cluster.client.list(PodMetrics, namespace=NS)
