"""The endpoints controller: a Service's Endpoints follow the Pods it selects."""

from __future__ import annotations

import attrs

from kube_actors import Cluster
from kube_actors.api import (
    Container,
    ContainerPort,
    Deployment,
    DeploymentSpec,
    EndpointAddress,
    EndpointPort,
    Endpoints,
    EndpointSubset,
    LabelSelector,
    ObjectMeta,
    ObjectReference,
    Pod,
    PodSpec,
    PodTemplateSpec,
    Service,
    ServicePort,
    ServiceSpec,
)
from kube_actors.client import Client
from kube_actors.errors import NotFound

from ._fake_kubelet import bind, start


def service(
    name: str = "web",
    *,
    target_port: int | str = 8080,
    selector: dict[str, str] | None = None,
    cluster_ip: str = "",
    publish_not_ready: bool | None = None,
) -> Service:
    return Service(
        metadata=ObjectMeta(name=name, namespace="default", labels={"team": "a"}),
        spec=ServiceSpec(
            selector={"app": "web"} if selector is None else selector,
            cluster_ip=cluster_ip,
            ports=[ServicePort(port=80, target_port=target_port)],
            publish_not_ready_addresses=publish_not_ready,
        ),
    )


def pod(name: str, *, app: str = "web", port_name: str = "http") -> Pod:
    container = Container(
        name="app", image="echoserver", ports=[ContainerPort(name=port_name, container_port=9376)]
    )
    return Pod(
        metadata=ObjectMeta(name=name, namespace="default", labels={"app": app}),
        spec=PodSpec(containers=[container]),
    )


async def running(client: Client, p: Pod, ip: str, *, ready: bool = True) -> Pod:
    """Create ``p``, bind it and report it Running on ``ip``, Ready or not."""
    created = await client.create(p)
    bound = await bind(client, created, "node-1")
    bound = await client.update_status(
        attrs.evolve(bound, status=attrs.evolve(bound.status, pod_ip=ip))
    )
    return await start(client, bound, ready=ready)


def _cluster() -> Cluster:
    return Cluster(controllers=("endpoints",), scheduler=False)


async def endpoints(cluster: Cluster, name: str = "web") -> Endpoints:
    await cluster.settle()
    return await cluster.client.get(Endpoints, name, namespace="default")


def ips(subsets: tuple[EndpointSubset, ...], *, ready: bool = True) -> list[str]:
    return [a.ip for s in subsets for a in (s.addresses if ready else s.not_ready_addresses)]


async def test_a_service_lists_the_ready_pods_it_selects_with_their_target_port() -> None:
    async with _cluster() as cluster:
        client = cluster.client
        await client.create(service())
        await running(client, pod("b"), "127.64.0.3")
        a = await running(client, pod("a"), "127.64.0.2")
        await running(client, pod("other", app="db"), "127.64.0.4")
        found = await endpoints(cluster)
        assert found.metadata.labels == {"team": "a"}
        assert len(found.subsets) == 1
        subset = found.subsets[0]
        assert subset.ports == (EndpointPort(port=8080, protocol="TCP"),)
        assert subset.not_ready_addresses == ()
        first = subset.addresses[0]
        assert first == EndpointAddress(
            ip="127.64.0.2",
            node_name="node-1",
            target_ref=ObjectReference(
                kind="Pod", namespace="default", name="a", uid=a.metadata.uid
            ),
        )
        assert ips(found.subsets) == ["127.64.0.2", "127.64.0.3"]


async def test_a_named_target_port_is_looked_up_in_each_pod() -> None:
    async with _cluster() as cluster:
        client = cluster.client
        await client.create(service(target_port="http"))
        await running(client, pod("a"), "127.64.0.2")
        await running(client, pod("b", port_name="metrics"), "127.64.0.3")
        found = await endpoints(cluster)
        assert ips(found.subsets) == ["127.64.0.2"]
        assert found.subsets[0].ports == (EndpointPort(port=9376, protocol="TCP"),)


async def test_readiness_moves_a_pod_between_addresses_and_not_ready_addresses() -> None:
    async with _cluster() as cluster:
        client = cluster.client
        await client.create(service())
        a = await running(client, pod("a"), "127.64.0.2")
        await running(client, pod("b"), "127.64.0.3", ready=False)
        found = await endpoints(cluster)
        assert (ips(found.subsets), ips(found.subsets, ready=False)) == (
            ["127.64.0.2"],
            ["127.64.0.3"],
        )
        await start(client, await client.get(Pod, "a", namespace="default"), ready=False)
        found = await endpoints(cluster)
        assert ips(found.subsets) == []
        assert ips(found.subsets, ready=False) == ["127.64.0.2", "127.64.0.3"]
        assert a.metadata.name == "a"


async def test_publish_not_ready_addresses_lists_every_pod_as_ready() -> None:
    async with _cluster() as cluster:
        client = cluster.client
        await client.create(service(publish_not_ready=True))
        await running(client, pod("a"), "127.64.0.2", ready=False)
        assert ips((await endpoints(cluster)).subsets) == ["127.64.0.2"]


async def test_a_pod_leaves_when_deleted_or_relabelled_and_a_pod_without_an_ip_never_joins() -> (
    None
):
    async with _cluster() as cluster:
        client = cluster.client
        await client.create(service())
        await running(client, pod("a"), "127.64.0.2")
        b = await running(client, pod("b"), "127.64.0.3")
        await client.create(pod("pending"))
        assert ips((await endpoints(cluster)).subsets) == ["127.64.0.2", "127.64.0.3"]
        await client.update(
            attrs.evolve(b, metadata=attrs.evolve(b.metadata, labels={"app": "moved"}))
        )
        assert ips((await endpoints(cluster)).subsets) == ["127.64.0.2"]
        # A graceful deletion takes the pod out at once, before it is gone.
        await client.delete(Pod, "a", namespace="default")
        assert (await endpoints(cluster)).subsets == ()


async def test_a_service_without_a_selector_keeps_its_hand_written_endpoints() -> None:
    async with _cluster() as cluster:
        client = cluster.client
        await client.create(service("external", selector={}))
        manual = Endpoints(
            metadata=ObjectMeta(name="external", namespace="default"),
            subsets=[
                EndpointSubset(
                    addresses=[EndpointAddress(ip="127.0.0.1")],
                    ports=[EndpointPort(port=5432)],
                )
            ],
        )
        await client.create(manual)
        await running(client, pod("a"), "127.64.0.2")
        found = await endpoints(cluster, "external")
        assert ips(found.subsets) == ["127.0.0.1"]


async def test_deleting_the_service_deletes_its_endpoints_and_a_deleted_endpoints_comes_back() -> (
    None
):
    async with _cluster() as cluster:
        client = cluster.client
        await client.create(service())
        await running(client, pod("a"), "127.64.0.2")
        await endpoints(cluster)
        await client.delete(Endpoints, "web", namespace="default")
        assert ips((await endpoints(cluster)).subsets) == ["127.64.0.2"]
        await client.delete(Service, "web", namespace="default")
        await cluster.settle()
        try:
            await client.get(Endpoints, "web", namespace="default")
        except NotFound:
            pass
        else:
            raise AssertionError("the Endpoints outlived their Service")


async def test_a_headless_service_is_labelled_so() -> None:
    async with _cluster() as cluster:
        await cluster.client.create(service("db", cluster_ip="None"))
        found = await endpoints(cluster, "db")
        assert found.metadata.labels == {"team": "a", "service.kubernetes.io/headless": ""}


async def test_a_deployment_scaled_down_leaves_its_endpoints_on_fake_nodes() -> None:
    labels = {"app": "web"}
    template = PodTemplateSpec(
        metadata=ObjectMeta(labels=labels),
        spec=PodSpec(
            containers=[
                Container(
                    name="app", image="echoserver", ports=[ContainerPort(container_port=8080)]
                )
            ]
        ),
    )
    web = Deployment(
        metadata=ObjectMeta(name="web", namespace="default"),
        spec=DeploymentSpec(
            replicas=3, selector=LabelSelector(match_labels=labels), template=template
        ),
    )
    async with Cluster(nodes=2) as cluster:
        await cluster.client.create(service())
        created = await cluster.client.create(web)
        found = await endpoints(cluster)
        pods = await cluster.client.list(Pod, namespace="default")
        assert sorted(ips(found.subsets)) == sorted(p.status.pod_ip for p in pods)
        assert len(ips(found.subsets)) == 3
        current = await cluster.client.get(Deployment, "web", namespace="default")
        await cluster.client.update(
            attrs.evolve(current, spec=attrs.evolve(current.spec, replicas=1))
        )
        await cluster.settle(horizon=60)
        found = await endpoints(cluster)
        remaining = await cluster.client.list(Pod, namespace="default")
        assert ips(found.subsets) == [p.status.pod_ip for p in remaining]
        assert len(remaining) == 1
        assert created.metadata.name == "web"
