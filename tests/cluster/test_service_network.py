"""Each cluster's Service range: its own on this machine when it listens, kept by its store."""

from __future__ import annotations

import ipaddress
import socket
from contextlib import AsyncExitStack
from pathlib import Path

import pytest

from kube_actors import Cluster
from kube_actors.api import (
    Container,
    Deployment,
    DeploymentSpec,
    Event,
    LabelSelector,
    ObjectMeta,
    PodSpec,
    PodTemplateSpec,
    Service,
    ServicePort,
    ServiceSpec,
)
from kube_actors.errors import Invalid, ServiceRangeMismatch

DEFAULT = "127.10.0.0/16"


def web(cluster_ip: str = "") -> Service:
    spec = ServiceSpec(cluster_ip=cluster_ip, selector={"app": "web"}, ports=[ServicePort(port=80)])
    return Service(metadata=ObjectMeta(name="web", namespace="default"), spec=spec)


def web_deployment() -> Deployment:
    labels = {"app": "web"}
    return Deployment(
        metadata=ObjectMeta(name="web", namespace="default"),
        spec=DeploymentSpec(
            replicas=1,
            selector=LabelSelector(match_labels=labels),
            template=PodTemplateSpec(
                metadata=ObjectMeta(labels=labels),
                spec=PodSpec(containers=[Container(name="web", image="nginx")]),
            ),
        ),
    )


async def test_listening_clusters_hold_ranges_apart_and_the_others_keep_the_default() -> None:
    async with AsyncExitStack() as stack:
        listening = [
            await stack.enter_async_context(Cluster(proxy_bind=True, controllers=()))
            for _ in range(2)
        ]
        quiet = await stack.enter_async_context(Cluster(controllers=()))
        first, second = (c.service_network for c in listening)
        assert first.service_cidr != second.service_cidr
        assert first.node_port_address != second.node_port_address
        for network in (first, second):
            assert ipaddress.IPv4Network(network.service_cidr).subnet_of(
                ipaddress.IPv4Network("127.0.0.0/8")
            )
        # A cluster that opens no socket draws what the seed says, whatever else runs here.
        assert quiet.service_network.service_cidr == DEFAULT
        assert quiet.service_network.node_port_address == "127.0.0.1"
        created = await quiet.client.create(web())
        assert created.spec.cluster_ip == "127.10.0.1"
        mine = await listening[1].client.create(web())
        assert ipaddress.IPv4Address(mine.spec.cluster_ip) in ipaddress.IPv4Network(
            second.service_cidr
        )


async def test_a_range_something_listens_on_already_is_passed_over() -> None:
    async with Cluster(proxy_bind=True, controllers=()) as probe:
        free = ipaddress.IPv4Network(probe.service_network.service_cidr)
    # A listener in that range, of a process that takes no lock (another version, say).
    with socket.create_server((str(free.network_address + 0x0203), 8080)):
        async with Cluster(proxy_bind=True, controllers=()) as cluster:
            assert cluster.service_network.service_cidr != str(free)


async def test_the_store_keeps_the_range_and_a_restart_takes_it_again(tmp_path: Path) -> None:
    store = f"sqlite://{tmp_path / 'store.db'}"
    async with (
        Cluster(proxy_bind=True, controllers=()) as other,  # holds a range meanwhile
        Cluster(store=store, proxy_bind=True, controllers=()) as cluster,
    ):
        network = cluster.service_network
        assert network.service_cidr != other.service_network.service_cidr
        ip = (await cluster.client.create(web())).spec.cluster_ip
    # The range the first run took is free to take now; the store's range wins all the same.
    async with Cluster(store=store, proxy_bind=True, controllers=()) as again:
        assert again.service_network == network
        assert (await again.client.get(Service, "web", namespace="default")).spec.cluster_ip == ip
    async with Cluster(store=store, controllers=()) as quiet:
        assert quiet.service_network == network


async def test_a_range_other_than_the_stored_one_is_refused(tmp_path: Path) -> None:
    store = f"sqlite://{tmp_path / 'store.db'}"
    async with Cluster(store=store, service_cidr="127.200.0.0/24", controllers=()) as cluster:
        assert cluster.service_network.service_cidr == "127.200.0.0/24"
        created = await cluster.client.create(web())
        assert created.spec.cluster_ip == "127.200.0.1"
        outside = Service(
            metadata=ObjectMeta(name="out", namespace="default"), spec=web("127.10.0.9").spec
        )
        with pytest.raises(Invalid, match=r"The range of valid IPs is 127\.200\.0\.0/24"):
            await cluster.client.create(outside)
    with pytest.raises(ServiceRangeMismatch) as refused:
        async with Cluster(store=store, service_cidr="127.201.0.0/24", controllers=()):
            pass
    message = str(refused.value)
    assert "the Service range 127.201.0.0/24" in message
    assert "store holds, 127.200.0.0/24" in message
    async with Cluster(store=store, controllers=()) as unchanged:
        assert unchanged.service_network.service_cidr == "127.200.0.0/24"


@pytest.mark.parametrize(
    ("cidr", "why"),
    [
        ("nonsense", "service_cidr: 'nonsense' is not an IPv4 network"),
        ("10.0.0.0/8", "service_cidr: 10.0.0.0/8 is too large"),
        ("127.20.0.0/31", "service_cidr: 127.20.0.0/31 holds no address"),
    ],
)
def test_a_bad_service_cidr_is_refused_naming_the_field(cidr: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        Cluster(service_cidr=cidr)


@pytest.mark.real_time
async def test_a_cluster_ip_another_process_holds_becomes_a_warning_event_on_the_service() -> None:
    async with Cluster(nodes=1, proxy_bind=True, clock="real") as cluster:
        network = ipaddress.IPv4Network(cluster.service_network.service_cidr)
        taken = str(network.network_address + 77)
        holder = socket.create_server((taken, 80))  # another cluster's listener, say
        try:
            await cluster.client.create(web_deployment())
            await cluster.client.create(web(taken))
            await cluster.wait_for(Deployment, "web", condition="Available", timeout=30)
            events: list[Event] = []
            while not events:
                await cluster.settle()
                events = [
                    e
                    for e in await cluster.client.list(Event, namespace="default")
                    if e.reason == "FailedToListen" and e.involved_object.name == "web"
                ]
            [event] = events
            assert event.type == "Warning"
            assert event.involved_object.kind == "Service"
            assert f"cannot listen on {taken}:80" in event.message
            assert "--service-cluster-ip-range" in event.message
            assert cluster.data_plane.statistics().failed == 1
        finally:
            holder.close()
