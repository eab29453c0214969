"""Service links: a container's environment names the Services that existed when it started."""

from __future__ import annotations

from kube_actors import Cluster
from kube_actors.api import (
    Container,
    ObjectMeta,
    Pod,
    PodSpec,
    Service,
    ServicePort,
    ServiceSpec,
)
from kube_actors.kubelet._envvars import service_env


def service(name: str, *, cluster_ip: str = "127.10.0.5", namespace: str = "default") -> Service:
    return Service(
        metadata=ObjectMeta(name=name, namespace=namespace),
        spec=ServiceSpec(
            cluster_ip=cluster_ip,
            ports=[
                ServicePort(name="http", port=8080, protocol="TCP"),
                ServicePort(name="dns", port=53, protocol="UDP"),
            ],
        ),
    )


def pod(namespace: str = "default", *, links: bool | None = None) -> Pod:
    return Pod(
        metadata=ObjectMeta(name="p", namespace=namespace),
        spec=PodSpec(containers=[Container(name="c", image="x")], enable_service_links=links),
    )


def test_each_service_of_the_namespace_becomes_kubernetes_variables() -> None:
    env = service_env(pod(), [service("hello-nginx"), service("other", namespace="elsewhere")])
    assert env == {
        "HELLO_NGINX_SERVICE_HOST": "127.10.0.5",
        "HELLO_NGINX_SERVICE_PORT": "8080",
        "HELLO_NGINX_SERVICE_PORT_HTTP": "8080",
        "HELLO_NGINX_SERVICE_PORT_DNS": "53",
        "HELLO_NGINX_PORT": "tcp://127.10.0.5:8080",
        "HELLO_NGINX_PORT_8080_TCP": "tcp://127.10.0.5:8080",
        "HELLO_NGINX_PORT_8080_TCP_PROTO": "tcp",
        "HELLO_NGINX_PORT_8080_TCP_PORT": "8080",
        "HELLO_NGINX_PORT_8080_TCP_ADDR": "127.10.0.5",
        "HELLO_NGINX_PORT_53_UDP": "udp://127.10.0.5:53",
        "HELLO_NGINX_PORT_53_UDP_PROTO": "udp",
        "HELLO_NGINX_PORT_53_UDP_PORT": "53",
        "HELLO_NGINX_PORT_53_UDP_ADDR": "127.10.0.5",
    }


def test_headless_services_are_left_out_and_links_can_be_turned_off() -> None:
    assert service_env(pod(), [service("db", cluster_ip="None")]) == {}
    services = [service("web"), service("kubernetes", cluster_ip="127.10.0.1")]
    env = service_env(pod("shop", links=False), [*services, service("web", namespace="shop")])
    assert set(env) == {k for k in env if k.startswith("KUBERNETES_")}
    assert env["KUBERNETES_SERVICE_HOST"] == "127.10.0.1"


async def test_a_fake_container_gets_the_variables_of_services_created_before_it() -> None:
    async with Cluster(nodes=1) as cluster:
        created = await cluster.client.create(
            Service(
                metadata=ObjectMeta(name="hello", namespace="default"),
                spec=ServiceSpec(selector={"app": "x"}, ports=[ServicePort(port=80)]),
            )
        )
        await cluster.settle()
        await cluster.client.create(
            Pod(
                metadata=ObjectMeta(name="p", namespace="default"),
                spec=PodSpec(containers=[Container(name="c", image="busybox")]),
            )
        )
        await cluster.settle()
        runtime = cluster.runtime("control-plane")
        [container] = await runtime.list_containers()
        # What the kubelet handed the runtime (the fake runtime keeps it on its record).
        config = runtime._container(container.id).config  # type: ignore[attr-defined]
        assert config.envs["HELLO_SERVICE_HOST"] == created.spec.cluster_ip
        assert config.envs["HELLO_PORT"] == f"tcp://{created.spec.cluster_ip}:80"
