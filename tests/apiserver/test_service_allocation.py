"""ClusterIPs and NodePorts, allocated by the apiserver as Kubernetes' registry does."""

from __future__ import annotations

import ipaddress

import attrs
import pytest

from kube_actors import Cluster
from kube_actors.api import ObjectMeta, Service, ServicePort, ServiceSpec
from kube_actors.apiserver._service_allocator import ServiceAllocator
from kube_actors.errors import AlreadyExists, ApiError, Invalid


def service(
    name: str = "web",
    *,
    type: str = "",
    cluster_ip: str = "",
    node_port: int | None = None,
    ports: tuple[int, ...] = (80,),
) -> Service:
    return Service(
        metadata=ObjectMeta(name=name, namespace="default"),
        spec=ServiceSpec(
            type=type,
            selector={"app": name},
            cluster_ip=cluster_ip,
            ports=[
                ServicePort(name=f"p{p}" if len(ports) > 1 else "", port=p, node_port=node_port)
                for p in ports
            ],
        ),
    )


def _cluster() -> Cluster:
    return Cluster(controllers=(), scheduler=False)


async def test_a_service_gets_a_cluster_ip_from_the_loopback_service_range() -> None:
    async with _cluster() as cluster:
        a = await cluster.client.create(service("a"))
        b = await cluster.client.create(service("b"))
        assert ipaddress.IPv4Address(a.spec.cluster_ip) in ipaddress.IPv4Network("127.10.0.0/16")
        assert a.spec.cluster_ips == (a.spec.cluster_ip,)
        assert a.spec.cluster_ip != b.spec.cluster_ip


async def test_a_headless_service_and_an_external_name_get_no_address() -> None:
    async with _cluster() as cluster:
        headless = await cluster.client.create(service("db", cluster_ip="None"))
        assert headless.spec.cluster_ip == "None"
        external = Service(
            metadata=ObjectMeta(name="ext", namespace="default"),
            spec=ServiceSpec(type="ExternalName", external_name="example.com"),
        )
        assert (await cluster.client.create(external)).spec.cluster_ip == ""


async def test_an_explicit_cluster_ip_is_honoured_and_refused_when_taken_or_out_of_range() -> None:
    async with _cluster() as cluster:
        a = await cluster.client.create(service("a", cluster_ip="127.10.3.7"))
        assert a.spec.cluster_ip == "127.10.3.7"
        with pytest.raises(Invalid) as taken:
            await cluster.client.create(service("b", cluster_ip="127.10.3.7"))
        assert str(taken.value) == (
            'Service "b" is invalid: spec.clusterIPs[0]: Invalid value: "127.10.3.7": '
            "failed to allocate IP 127.10.3.7: provided IP is already allocated"
        )
        with pytest.raises(Invalid, match=r"The range of valid IPs is 127\.10\.0\.0/16"):
            await cluster.client.create(service("c", cluster_ip="10.0.0.1"))
        # Creating the same Service again is AlreadyExists, not a taken address.
        with pytest.raises(AlreadyExists):
            await cluster.client.create(service("a", cluster_ip="127.10.3.7"))


async def test_node_ports_come_from_30000_to_32767_and_an_explicit_one_is_checked() -> None:
    async with _cluster() as cluster:
        a = await cluster.client.create(service("a", type="NodePort", ports=(80, 443)))
        ports = [p.node_port for p in a.spec.ports]
        assert all(p is not None and 30000 <= p <= 32767 for p in ports)
        assert len(set(ports)) == 2
        b = await cluster.client.create(service("b", type="NodePort", node_port=30080))
        assert b.spec.ports[0].node_port == 30080
        with pytest.raises(Invalid) as taken:
            await cluster.client.create(service("c", type="NodePort", node_port=30080))
        assert "spec.ports[0].nodePort: Invalid value: 30080: provided port is already " in str(
            taken.value
        )
        with pytest.raises(Invalid, match="The range of valid ports is 30000-32767"):
            await cluster.client.create(service("d", type="NodePort", node_port=8080))


async def test_a_cluster_given_a_node_port_range_draws_from_it_and_refuses_ports_outside() -> None:
    async with Cluster(
        controllers=(), scheduler=False, service_node_port_range="31000+2"
    ) as cluster:
        drawn = [
            (await cluster.client.create(service(name, type="NodePort"))).spec.ports[0].node_port
            for name in ("a", "b")
        ]
        assert set(drawn) <= {31000, 31001, 31002}
        with pytest.raises(Invalid) as refused:
            await cluster.client.create(service("c", type="NodePort", node_port=30080))
        assert (
            "spec.ports[0].nodePort: Invalid value: 30080: provided port is not in the valid "
            "range. The range of valid ports is 31000-31002"
        ) in str(refused.value)
        await cluster.restart_control_plane()  # the restarted API server keeps the range
        last = await cluster.client.create(service("d", type="NodePort"))
        assert last.spec.ports[0].node_port in {31000, 31001, 31002} - set(drawn)
        with pytest.raises(ApiError, match="range is full"):
            await cluster.client.create(service("e", type="NodePort"))


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("31000", None),
        ("31000-30000", "end port cannot be less than start port"),
        ("30000-70000", "ports must be between 1 and 65535"),
        ("thirty", "unable to parse port range"),
        ("1-2+3", "unable to parse port range"),
    ],
)
def test_a_node_port_range_is_read_as_kube_apiserver_reads_it(text: str, why: str | None) -> None:
    if why is None:
        Cluster(service_node_port_range=text)
        return
    with pytest.raises(ValueError, match=f"service_node_port_range: {why}"):
        Cluster(service_node_port_range=text)


async def test_a_refused_create_gives_back_what_it_allocated() -> None:
    async with _cluster() as cluster:
        await cluster.client.create(service("a", type="NodePort", node_port=30001))
        # Port 80 gets a node port, then 30001 is refused: the first must be freed.
        bad = service("b", type="NodePort", ports=(80, 81))
        bad_ports = (bad.spec.ports[0], attrs.evolve(bad.spec.ports[1], node_port=30001))
        with pytest.raises(Invalid):
            await cluster.client.create(
                attrs.evolve(bad, spec=attrs.evolve(bad.spec, ports=bad_ports))
            )
        allocator = ServiceAllocator()
        allocator.rebuild(await cluster.client.list(Service))
        assert allocator.ports.used() == 1


async def test_the_cluster_ip_is_immutable_and_carried_over_when_an_update_leaves_it_out() -> None:
    async with _cluster() as cluster:
        created = await cluster.client.create(service("a", type="NodePort"))
        resent = attrs.evolve(service("a", type="NodePort"), metadata=created.metadata)
        updated = await cluster.client.update(resent)
        assert updated.spec.cluster_ip == created.spec.cluster_ip
        assert updated.spec.ports[0].node_port == created.spec.ports[0].node_port
        moved = attrs.evolve(updated, spec=attrs.evolve(updated.spec, cluster_ip="127.10.9.9"))
        with pytest.raises(Invalid, match=r"spec\.clusterIP: Invalid value: .* field is immutable"):
            await cluster.client.update(moved)


async def test_a_type_change_to_cluster_ip_frees_the_node_port_for_another_service() -> None:
    async with _cluster() as cluster:
        created = await cluster.client.create(service("a", type="NodePort", node_port=30500))
        plain_ports = (attrs.evolve(created.spec.ports[0], node_port=None),)
        plain = attrs.evolve(
            created, spec=attrs.evolve(created.spec, type="ClusterIP", ports=plain_ports)
        )
        await cluster.client.update(plain)
        taken = await cluster.client.create(service("b", type="NodePort", node_port=30500))
        assert taken.spec.ports[0].node_port == 30500


async def test_a_delete_frees_the_address_and_the_port() -> None:
    async with _cluster() as cluster:
        await cluster.client.create(
            service("a", cluster_ip="127.10.0.9", type="NodePort", node_port=31000)
        )
        await cluster.client.delete(Service, "a", namespace="default")
        again = await cluster.client.create(
            service("b", cluster_ip="127.10.0.9", type="NodePort", node_port=31000)
        )
        assert again.spec.cluster_ip == "127.10.0.9"


async def test_allocations_survive_a_control_plane_restart() -> None:
    async with _cluster() as cluster:
        a = await cluster.client.create(service("a", type="NodePort"))
        await cluster.restart_control_plane()
        with pytest.raises(Invalid, match="already allocated"):
            await cluster.client.create(service("b", cluster_ip=a.spec.cluster_ip))
        with pytest.raises(Invalid, match="already allocated"):
            await cluster.client.create(
                service("c", type="NodePort", node_port=a.spec.ports[0].node_port)
            )
        fresh = await cluster.client.create(service("d"))
        assert fresh.spec.cluster_ip != a.spec.cluster_ip


def test_a_freed_address_comes_back_only_after_the_range_went_round() -> None:
    allocator = ServiceAllocator("127.10.0.0/29", (30000, 30002))
    with allocator.reserving() as reservation:
        first = reservation.create(service("a"))
    allocator.release(first)
    with allocator.reserving() as reservation:
        second = reservation.create(service("b"))
    assert second.spec.cluster_ip != first.spec.cluster_ip


def test_a_full_range_is_an_internal_error() -> None:
    allocator = ServiceAllocator("127.10.0.0/30", (30000, 30000))
    with allocator.reserving() as reservation:
        reservation.create(service("a"))
        reservation.create(service("b"))
    with pytest.raises(ApiError, match="range is full"), allocator.reserving() as reservation:
        reservation.create(service("c"))


def test_node_ports_are_drawn_at_random_from_the_upper_band_first() -> None:
    # 30000-30099: 100 ports, the lowest 16 kept for Services that name theirs.
    allocator = ServiceAllocator("127.10.0.0/24", (30000, 30099))
    drawn = []
    with allocator.reserving() as reservation:
        for n in range(100):
            created = reservation.create(service(f"s{n}", type="NodePort"))
            drawn.append(created.spec.ports[0].node_port)
    assert drawn[:84] != sorted(drawn[:84])  # not handed out in order
    assert sorted(drawn[:84]) == list(range(30016, 30100))  # the upper band first
    assert sorted(drawn[84:]) == list(range(30000, 30016))  # then the lower
