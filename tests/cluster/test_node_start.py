"""How a Cluster starts its nodes: side by side, and one kube-proxy for the host they share."""

from __future__ import annotations

from kube_actors import Cluster
from kube_actors.actors import monotonic
from kube_actors.api import (
    SERVICE_NAME_LABEL,
    Endpoint,
    EndpointSlice,
    EndpointSlicePort,
    Lease,
    Node,
    ObjectMeta,
    Service,
    ServicePort,
    ServiceSpec,
)
from kube_actors.kubelet import NodeConfig


async def test_the_nodes_of_a_new_cluster_register_side_by_side() -> None:
    # Every request of every kubelet takes 1 s. Registering is four requests (the Node, its
    # first status, the Lease read and created): one node after the other, eight nodes
    # would take 32 s; side by side, as kubelets on their own hosts do, about 4 s.
    cluster = Cluster(nodes=8, seed=3)
    with cluster.faults.latency(1.0, component="kubelet/*") as slow:
        began = monotonic()
        async with cluster:
            took = monotonic() - began
            nodes = await cluster.client.list(Node)
            leases = await cluster.client.list(Lease, namespace="kube-node-lease")
            assert sorted(n.metadata.name for n in nodes) == sorted(cluster.nodes)
            assert {lease.metadata.name for lease in leases} == set(cluster.nodes)
            assert cluster.nodes == ["control-plane", *(f"node-{i}" for i in range(1, 8))]
    assert slow.fired >= 8 * 4
    assert took < 8.0


async def test_one_kube_proxy_serves_every_node_and_nodes_that_join_later() -> None:
    async with Cluster(nodes=3, seed=3) as cluster:
        proxies = [name for name in cluster.actors if name.startswith("kube-proxy")]
        assert proxies == ["kube-proxy"]
        await cluster.client.create(_service("before"))
        await cluster.client.create(_slice("before", "127.64.1.5"))
        late = await cluster.add_node(NodeConfig(name="late", node_ip="127.0.0.77"))
        await cluster.settle()
        plane = cluster.data_plane
        assert "127.0.0.77" in plane.node_port_addresses  # the late node's NodePorts
        await cluster.client.create(_service("after"))
        await cluster.client.create(_slice("after", "127.64.2.9"))
        await cluster.settle()
        entries = plane.table.entries
        assert entries[("default", "before", "http")].endpoints == (("127.64.1.5", 8080),)
        assert entries[("default", "after", "http")].endpoints == (("127.64.2.9", 8080),)
        assert [name for name in cluster.actors if name.startswith("kube-proxy")] == proxies
        assert late in cluster.nodes


def _service(name: str) -> Service:
    return Service(
        metadata=ObjectMeta(name=name, namespace="default"),
        spec=ServiceSpec(ports=[ServicePort(name="http", port=80, target_port=8080)]),
    )


def _slice(service: str, ip: str) -> EndpointSlice:
    return EndpointSlice(
        metadata=ObjectMeta(
            name=f"{service}-1", namespace="default", labels={SERVICE_NAME_LABEL: service}
        ),
        address_type="IPv4",
        endpoints=[Endpoint(addresses=[ip])],
        ports=[EndpointSlicePort(name="http", port=8080, protocol="TCP")],
    )
