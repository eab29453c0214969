"""Ingress through the built-in ingress controller: classes, status, validation, real HTTP."""

from __future__ import annotations

from collections import Counter

import anyio
import pytest

from kube_actors import Cluster
from kube_actors.api import (
    Container,
    ContainerPort,
    Deployment,
    DeploymentSpec,
    Ingress,
    IngressClass,
    LabelSelector,
    ObjectMeta,
    PodSpec,
    PodTemplateSpec,
    Probe,
    TCPSocketAction,
    load_manifests,
)
from kube_actors.errors import Invalid
from kube_actors.proxy import http_get, pod_name_of

TWO_HOSTS = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: name-virtual-host-ingress
spec:
  rules:
  - host: foo.bar.com
    http:
      paths:
      - pathType: Prefix
        path: "/"
        backend:
          service:
            name: service1
            port:
              number: 80
  - host: bar.foo.com
    http:
      paths:
      - pathType: Prefix
        path: "/"
        backend:
          service:
            name: service2
            port:
              number: 80
"""


async def test_an_ingress_gets_the_default_class_and_the_controllers_address() -> None:
    async with Cluster(nodes=1) as cluster:
        (manifest,) = load_manifests(TWO_HOSTS)
        await cluster.client.create(manifest)
        await cluster.settle()
        stored = await cluster.client.get(Ingress, "name-virtual-host-ingress", namespace="default")
        classes = await cluster.client.list(IngressClass)
        assert [(c.metadata.name, c.spec.controller) for c in classes] == [
            ("kube-actors", "kube-actors.io/ingress-controller")
        ]
        assert stored.spec.ingress_class_name == "kube-actors"
        assert [a.ip for a in stored.status.load_balancer.ingress] == ["127.0.0.1"]


async def test_an_ingress_of_another_class_is_left_to_its_controller() -> None:
    async with Cluster(nodes=1) as cluster:
        (manifest,) = load_manifests(
            TWO_HOSTS.replace("spec:\n", "spec:\n  ingressClassName: nginx\n")
        )
        await cluster.client.create(manifest)
        await cluster.settle()
        stored = await cluster.client.get(Ingress, "name-virtual-host-ingress", namespace="default")
        assert stored.spec.ingress_class_name == "nginx"
        assert stored.status.load_balancer.ingress == ()


async def test_ingresses_are_validated_with_kubernetes_messages() -> None:
    async with Cluster(nodes=0) as cluster:
        bad = TWO_HOSTS.replace('pathType: Prefix\n        path: "/"', 'path: "api"', 1)
        bad = bad.replace("host: bar.foo.com", "host: 10.0.0.1")
        bad = bad.replace("number: 80\n  - host", 'name: ""\n  - host')
        (manifest,) = load_manifests(bad)
        with pytest.raises(Invalid) as caught:
            await cluster.client.create(manifest)
        text = str(caught.value)
        assert (
            "spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified"
            in text
        )
        assert (
            'spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path'
            in text
        )
        assert (
            'spec.rules[1].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address'
            in text
        )
        (empty,) = load_manifests(
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: e}\n"
        )
        with pytest.raises(Invalid) as caught:
            await cluster.client.create(empty)
        assert "either `defaultBackend` or `rules` must be specified" in str(caught.value)
        assert await cluster.client.list(Ingress, namespace="default") == []


def echo(name: str) -> Deployment:
    labels = {"app": name}
    ready = Probe(tcp_socket=TCPSocketAction(port=8080), period_seconds=1)
    container = Container(
        name="echo",
        image="echoserver",
        ports=[ContainerPort(container_port=8080)],
        readiness_probe=ready,
    )
    return Deployment(
        metadata=ObjectMeta(name=name, namespace="default"),
        spec=DeploymentSpec(
            replicas=1,
            selector=LabelSelector(match_labels=labels),
            template=PodTemplateSpec(
                metadata=ObjectMeta(labels=labels), spec=PodSpec(containers=[container])
            ),
        ),
    )


@pytest.mark.real_time
async def test_an_ingress_routes_two_hosts_to_their_services_over_real_http() -> None:
    with anyio.fail_after(30):
        async with Cluster(nodes=1, runtime="subprocess", clock="real") as cluster:
            for name in ("service1", "service2"):
                await cluster.client.create(echo(name))
                await cluster.expose("deployment", name, port=80, target_port=8080)
            (manifest,) = load_manifests(TWO_HOSTS)
            await cluster.client.create(manifest)
            for name in ("service1", "service2"):
                await cluster.rollout_status(name)
                await cluster.wait_serving(name)
            host, port = cluster.ingress_address
            answered: Counter[str] = Counter()
            for virtual_host in ("foo.bar.com", "bar.foo.com", "foo.bar.com"):
                answer = await http_get(host, port, "/", host_header=virtual_host)
                assert answer.status == 200
                answered[pod_name_of(answer.body).rsplit("-", 2)[0]] += 1
            assert answered == {"service1": 2, "service2": 1}
            missing = await http_get(host, port, "/", host_header="nobody.example.com")
            assert (missing.status, missing.body) == (404, "default backend - 404\n")
