"""How a Cluster starts its nodes: side by side, and what the nodes of one host share: one
kube-proxy, one watch of Services for the kubelets, one task holding the runtimes."""

from __future__ import annotations

import asyncio
import gc
import types

import pytest

from kube_actors import Cluster
from kube_actors.actors import monotonic
from kube_actors.api import (
    SERVICE_NAME_LABEL,
    Container,
    Endpoint,
    EndpointSlice,
    EndpointSlicePort,
    Lease,
    Node,
    ObjectMeta,
    Pod,
    PodSpec,
    Service,
    ServicePort,
    ServiceSpec,
)
from kube_actors.kubelet import NodeConfig
from kube_actors.runtime import AddressPool


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


async def test_nodes_added_together_to_a_running_cluster_register_side_by_side() -> None:
    async with Cluster(nodes=1, seed=3) as cluster:
        with cluster.faults.latency(1.0, component="kubelet/*") as slow:
            began = monotonic()
            added = await cluster.add_nodes(8)
            took = monotonic() - began
        assert added == [f"node-{i}" for i in range(1, 9)]
        named = await cluster.add_nodes([NodeConfig(name="a"), NodeConfig(name="b")])
        assert named == ["a", "b"]
        await cluster.settle()
        nodes = await cluster.client.list(Node)
        assert sorted(n.metadata.name for n in nodes) == sorted(cluster.nodes)
    assert slow.fired >= 8 * 4
    assert took < 8.0  # one after the other: 32 s


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


async def test_the_kubelets_share_one_watch_of_services_and_pods_still_get_their_variables() -> (
    None
):
    cluster = Cluster(nodes=4, seed=3)
    with (
        cluster.faults.latency(0, component="kubelet/*", kind=Service) as per_node,
        cluster.faults.latency(0, component="kubelet", kind=Service) as host,
    ):
        async with cluster:
            created = await cluster.client.create(_service("hello"))
            await cluster.settle()
            late = await cluster.add_node()
            await cluster.client.create(
                Pod(
                    metadata=ObjectMeta(name="p", namespace="default"),
                    spec=PodSpec(node_name=late, containers=[Container(name="c", image="busybox")]),
                )
            )
            await cluster.settle()
            runtime = cluster.runtime(late)
            [container] = await runtime.list_containers()
            config = runtime._container(container.id).config  # type: ignore[attr-defined]
    assert config.envs["HELLO_SERVICE_HOST"] == created.spec.cluster_ip
    assert per_node.fired == 0  # no kubelet lists or watches Services on its own
    assert host.fired == 2  # one list, one watch, for the five


async def test_a_node_costs_the_cluster_three_tasks_its_kubelet_and_its_two_watches() -> None:
    # Its runtime is held by the one task that holds them all, and its kubelet reads the
    # Services the host's kubelets share: no task of its own for either.
    async with Cluster(nodes=2, seed=3) as cluster:
        await cluster.settle()
        before = len(asyncio.all_tasks())
        for _ in range(5):
            await cluster.add_node()
        await cluster.settle()
        assert len(asyncio.all_tasks()) - before == 3 * 5  # its Node, its Pods


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


async def test_an_idle_node_keeps_fewer_than_300_objects_for_the_collector() -> None:
    # A cluster's start is paid for largely in full collections, which scan every object
    # its nodes keep: what a kubelet only needs for pods (its address pool, back-offs, token
    # cache), wrappers around its watches and closures are made when needed or not at all.
    # (330 a node before; the store's history of the node's nine writes is most of the rest.)
    async with Cluster(nodes=2, seed=3) as cluster:
        await cluster.add_nodes(10)  # what the first nodes make once (caches, the watch logs)
        await cluster.settle()
        gc.collect()
        before = len(gc.get_objects())
        await cluster.add_nodes(20)
        await cluster.settle()
        gc.collect()
        assert (len(gc.get_objects()) - before) / 20 < 300


async def test_a_kubelets_watch_waits_four_coroutines_deep() -> None:
    # The informer's loop and its watch, the faults' stream and the apiserver's stream, which
    # waits on its subscription's future itself: each layer more is a frame a wait, for two
    # watches on each of thousands of nodes (a node's link closes the faults' stream itself).
    async with Cluster(nodes=2, seed=3) as cluster:
        await cluster.settle()
        waits = [
            _await_depth(task)
            for task in asyncio.all_tasks()
            if task.get_name().startswith("kubelet/node-1:")
        ]
    assert waits == [4, 4]  # its Node, its Pods


async def test_an_idle_kubelet_makes_no_address_pool_until_a_pod_needs_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[str] = []
    real = AddressPool.__init__

    def counted(self: AddressPool, first: str, last: str) -> None:
        if first.startswith("127.64."):  # a node's pod CIDR (not the runtimes' shared pool)
            made.append(first)
        real(self, first, last)

    monkeypatch.setattr(AddressPool, "__init__", counted)
    async with Cluster(nodes=3, seed=3) as cluster:
        await cluster.settle()
        assert made == []
        pod = Pod(
            metadata=ObjectMeta(name="web", namespace="default"),
            spec=PodSpec(node_name="node-1", containers=[Container(name="c", image="nginx")]),
        )
        await cluster.client.create(pod)
        await cluster.settle()
        running = await cluster.client.get(Pod, "web", namespace="default")
    assert made == ["127.64.1.1"]
    assert running.status.pod_ip == "127.64.1.1"


def _await_depth(task: asyncio.Task[object]) -> int:
    """How many coroutines deep ``task`` waits."""
    depth = 0
    awaited: object = task.get_coro()
    while isinstance(awaited, types.CoroutineType):
        depth += 1
        awaited = awaited.cr_await
    return depth
