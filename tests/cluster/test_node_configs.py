"""Nodes described by the user: what the cluster fills in for them."""

from __future__ import annotations

import attrs
import pytest

from kube_actors import Cluster
from kube_actors.api import Pod, Quantity
from kube_actors.errors import KubeActorsError
from kube_actors.kubelet import NodeConfig
from kube_actors.testing import pod


async def test_nodes_described_without_a_pod_cidr_get_one_each() -> None:
    nodes = [NodeConfig(name="left"), NodeConfig(name="right")]
    async with Cluster(nodes=nodes, controllers=()) as cluster:
        await cluster.client.create(pod("a", node_name="left"))
        await cluster.client.create(pod("b", node_name="right"))
        await cluster.settle()
        a = await cluster.client.get(Pod, "a", namespace="default")
        b = await cluster.client.get(Pod, "b", namespace="default")
        assert a.status.pod_ip
        assert b.status.pod_ip
        assert a.status.pod_ip != b.status.pod_ip
        assert a.status.pod_ip.startswith("127.64.0.")
        assert b.status.pod_ip.startswith("127.64.1.")


async def test_fake_containers_serve_no_sockets_so_waiting_for_a_service_says_so() -> None:
    async with Cluster(nodes=1, controllers=()) as cluster:
        web = pod("a", node_name="control-plane")
        await cluster.client.create(
            attrs.evolve(web, metadata=attrs.evolve(web.metadata, labels={"app": "a"}))
        )
        await cluster.expose("pod", "a", port=8080)
        with pytest.raises(KubeActorsError, match="opens no sockets"):
            await cluster.wait_serving("a")


def test_nodes_share_the_default_capacity_and_keep_what_they_are_given() -> None:
    # Parsed once for every node of a large cluster, not once a node; frozen, so shared.
    first, second = NodeConfig(name="a"), NodeConfig(name="b")
    assert first.capacity is second.capacity
    assert first.reserved is second.reserved
    assert first.labels is second.labels
    assert str(first.capacity["memory"]) == "32Gi"
    big = NodeConfig(name="c", capacity={"cpu": "8", "memory": 1024}, reserved={"cpu": "500m"})
    assert big.capacity == {"cpu": Quantity("8"), "memory": Quantity(1024)}
    assert big.allocatable["cpu"] == Quantity("7500m")
    assert NodeConfig(name="d", labels={"zone": "a"}).labels == {"zone": "a"}
