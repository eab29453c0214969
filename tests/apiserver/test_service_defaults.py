"""A Service's traffic policy and IP families are defaulted as Kubernetes' apiserver does."""

from __future__ import annotations

from kube_actors import Cluster
from kube_actors.api import ObjectMeta, Service, ServicePort, ServiceSpec


def _service(name: str, type: str, **spec: object) -> Service:
    return Service(
        metadata=ObjectMeta(name=name, namespace="default"),
        spec=ServiceSpec(type=type, ports=[ServicePort(port=80)], **spec),  # type: ignore[arg-type]
    )


async def test_node_port_and_load_balancer_services_get_their_defaults() -> None:
    async with Cluster(nodes=0, controllers=()) as cluster:
        node_port = await cluster.client.create(_service("np", "NodePort"))
        balanced = await cluster.client.create(_service("lb", "LoadBalancer"))
        plain = await cluster.client.create(_service("plain", "ClusterIP"))
        external = await cluster.client.create(
            Service(
                metadata=ObjectMeta(name="ext", namespace="default"),
                spec=ServiceSpec(type="ExternalName", external_name="example.com"),
            )
        )
    assert node_port.spec.external_traffic_policy == "Cluster"
    assert balanced.spec.external_traffic_policy == "Cluster"
    assert balanced.spec.allocate_load_balancer_node_ports is True
    assert plain.spec.external_traffic_policy == ""
    for service in (node_port, balanced, plain):
        assert service.spec.ip_families == ("IPv4",)
        assert service.spec.ip_family_policy == "SingleStack"
    assert external.spec.ip_families == ()
    assert external.spec.ip_family_policy is None
