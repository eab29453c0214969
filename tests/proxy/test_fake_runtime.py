"""With the fake runtime: the proxies keep the service table, names resolve, nothing binds."""

from __future__ import annotations

import attrs
import pytest

from kube_actors import Cluster
from kube_actors.api import (
    Container,
    ContainerPort,
    Deployment,
    DeploymentSpec,
    LabelSelector,
    ObjectMeta,
    PodSpec,
    PodTemplateSpec,
    Service,
    ServicePort,
    ServiceSpec,
)
from kube_actors.errors import NotFound
from kube_actors.proxy import Balancer, ServicePortEntry, split_service_name


def deployment(name: str = "hello-nginx", replicas: int = 3) -> Deployment:
    labels = {"app": name}
    container = Container(name="nginx", image="nginx", ports=[ContainerPort(container_port=80)])
    return Deployment(
        metadata=ObjectMeta(name=name, namespace="default", labels=labels),
        spec=DeploymentSpec(
            replicas=replicas,
            selector=LabelSelector(match_labels=labels),
            template=PodTemplateSpec(
                metadata=ObjectMeta(labels=labels), spec=PodSpec(containers=[container])
            ),
        ),
    )


async def test_expose_makes_kubectls_service_and_the_table_follows_the_pods() -> None:
    async with Cluster(nodes=2) as cluster:
        await cluster.client.create(deployment())
        service = await cluster.expose("deployment", "hello-nginx", type="NodePort", port=8080)
        assert service.metadata.name == "hello-nginx"
        assert service.metadata.labels == {"app": "hello-nginx"}
        assert dict(service.spec.selector) == {"app": "hello-nginx"}
        [port] = service.spec.ports
        assert (port.port, port.target_port, port.protocol) == (8080, 8080, "TCP")
        assert port.node_port is not None
        assert 30000 <= port.node_port <= 32767
        await cluster.settle()
        plane = cluster.data_plane
        assert plane.listening() == []  # the fake runtime serves no sockets
        entry = plane.table.entries[("default", "hello-nginx", "")]
        assert len(entry.endpoints) == 3
        assert {port for _, port in entry.endpoints} == {8080}
        assert await cluster.resolve("hello-nginx.default") == service.spec.cluster_ip
        assert plane.resolve_all("hello-nginx.default.svc.cluster.local") == (
            service.spec.cluster_ip,
        )
        await cluster.scale(Deployment, "hello-nginx", 1)
        await cluster.settle(horizon=60)
        assert len(plane.table.entries[("default", "hello-nginx", "")].endpoints) == 1


async def test_a_headless_service_resolves_to_its_ready_pods() -> None:
    async with Cluster(nodes=1) as cluster:
        await cluster.client.create(deployment("db", replicas=2))
        await cluster.client.create(
            Service(
                metadata=ObjectMeta(name="db", namespace="default"),
                spec=ServiceSpec(
                    cluster_ip="None", selector={"app": "db"}, ports=[ServicePort(port=80)]
                ),
            )
        )
        await cluster.settle()
        ips = await cluster.resolve_all("db.default.svc.cluster.local")
        assert len(ips) == 2
        assert all(ip.startswith("127.64.0.") for ip in ips)
        assert list(cluster.data_plane.resolve_all("db.default")) == ips
        with pytest.raises(NotFound):
            await cluster.resolve("nothing.default")


def test_service_names_are_read_as_dns_names() -> None:
    assert split_service_name("web") == ("default", "web")
    assert split_service_name("web.shop") == ("shop", "web")
    assert split_service_name("web.shop.svc.cluster.local.") == ("shop", "web")
    with pytest.raises(ValueError, match="not a Service name"):
        split_service_name("web.shop.example.com")


def test_round_robin_and_affinity_that_lapses_after_its_timeout() -> None:
    entry = ServicePortEntry(
        namespace="default",
        name="web",
        port_name="",
        protocol="TCP",
        cluster_ip="127.10.0.1",
        port=80,
        node_port=None,
        endpoints=(("127.64.0.1", 80), ("127.64.0.2", 80)),
        affinity_timeout=None,
    )
    balancer = Balancer()
    assert [balancer.pick(entry, "c", 0)[0] for _ in range(4)] == [  # type: ignore[index]
        "127.64.0.1",
        "127.64.0.2",
        "127.64.0.1",
        "127.64.0.2",
    ]
    sticky = attrs.evolve(entry, affinity_timeout=10)
    balancer = Balancer()
    first = balancer.pick(sticky, "c", 0)
    assert balancer.pick(sticky, "c", 9) == first
    assert balancer.pick(sticky, "c", 18) == first  # each connection renews it
    assert balancer.pick(sticky, "c", 29) != first  # lapsed after 10 s without one
    assert balancer.pick(attrs.evolve(sticky, endpoints=()), "c", 30) is None
