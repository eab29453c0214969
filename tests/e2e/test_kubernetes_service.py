"""The ``kubernetes`` Service: a served cluster publishes it, and a Pod reaches the API
through it (kube-proxy passing TLS through), as a program inside Kubernetes does."""

from __future__ import annotations

import pytest

from kube_actors import Cluster
from kube_actors.api import (
    Container,
    Endpoints,
    EndpointSlice,
    EnvVar,
    ObjectMeta,
    Pod,
    PodSpec,
    Service,
    ServicePort,
    ServiceSpec,
)

pytestmark = pytest.mark.real_time

#: Asks the API for its versions through the Service's variables, trusting only the served
#: CA and checking that the certificate names the Service's IP (as in-cluster clients do).
ASK_API = (
    "import os, ssl, socket\n"
    "host = os.environ['KUBERNETES_SERVICE_HOST']\n"
    "port = int(os.environ['KUBERNETES_SERVICE_PORT'])\n"
    "context = ssl.create_default_context(cafile=os.environ['CA_FILE'])\n"
    "with socket.create_connection((host, port), timeout=10) as raw:\n"
    "    with context.wrap_socket(raw, server_hostname=host) as tls:\n"
    "        tls.sendall(('GET /api HTTP/1.1\\r\\nHost: kubernetes.default.svc\\r\\n'\n"
    "                     'Authorization: Bearer ' + os.environ['TOKEN'] + '\\r\\n'\n"
    "                     'Connection: close\\r\\n\\r\\n').encode())\n"
    "        answer = b''\n"
    "        while chunk := tls.recv(65536):\n"
    "            answer += chunk\n"
    "print(answer.split(b'\\r\\n', 1)[0].decode())\n"
    "print('APIVersions' in answer.decode())\n"
)


async def test_serving_publishes_the_kubernetes_service_and_its_endpoints() -> None:
    # No controller: the API server writes the Endpoints and the EndpointSlice itself.
    async with (
        Cluster(nodes=0, clock="real", controllers=[]) as cluster,
        cluster.serve() as served,
    ):
        port = int(served.url.rsplit(":", 1)[1])
        service = await cluster.client.get(Service, "kubernetes", namespace="default")
        assert service.spec.type == "ClusterIP"
        assert service.spec.cluster_ip == "127.10.0.1"  # the range's first, as Kubernetes
        assert [(p.name, p.port, p.target_port) for p in service.spec.ports] == [
            ("https", 443, port)
        ]
        endpoints = await cluster.client.get(Endpoints, "kubernetes", namespace="default")
        assert [[a.ip for a in s.addresses] for s in endpoints.subsets] == [["127.0.0.1"]]
        assert [p.port for s in endpoints.subsets for p in s.ports] == [port]
        assert endpoints.metadata.labels == {"endpointslice.kubernetes.io/skip-mirror": "true"}
        slices = await cluster.client.list(
            EndpointSlice,
            namespace="default",
            label_selector="kubernetes.io/service-name=kubernetes",
        )
        assert [s.metadata.name for s in slices] == ["kubernetes"]
        (only,) = slices
        assert only.metadata.labels == {"kubernetes.io/service-name": "kubernetes"}
        assert only.address_type == "IPv4"
        assert [(e.addresses, e.conditions.ready) for e in only.endpoints] == [
            (("127.0.0.1",), True)
        ]
        assert [(p.name, p.protocol, p.port) for p in only.ports] == [("https", "TCP", port)]


async def test_a_pod_reaches_the_api_through_the_kubernetes_service() -> None:
    # Only the service-account controller (the Pod's account): no endpoints or mirroring
    # controller, so kube-proxy routes on the slice the API server wrote.
    async with (
        Cluster(
            nodes=1, runtime="subprocess", clock="real", controllers=["serviceaccount"]
        ) as cluster,
        cluster.serve() as served,
    ):
        assert served.ca_cert is not None
        env = [
            EnvVar(name="CA_FILE", value=str(served.ca_cert)),
            EnvVar(name="TOKEN", value=served.token),
        ]
        pod = Pod(
            metadata=ObjectMeta(name="ask-api", namespace="default"),
            spec=PodSpec(
                restart_policy="Never",
                containers=[
                    Container(
                        name="ask", image="python", command=["python", "-c", ASK_API], env=env
                    )
                ],
            ),
        )
        await cluster.client.create(pod)
        done = await cluster.wait_for(
            Pod,
            "ask-api",
            condition=lambda p: p.status.phase in ("Succeeded", "Failed"),
            timeout=30,
        )
        logs = await cluster.logs("ask-api")
        assert done.status.phase == "Succeeded", logs
        assert logs == "HTTP/1.1 200 OK\nTrue\n"


async def test_the_kubernetes_service_takes_another_ip_when_its_own_is_held() -> None:
    async with Cluster(nodes=0, clock="real") as cluster:
        held = ServiceSpec(cluster_ip="127.10.0.1", ports=[ServicePort(port=80)])
        await cluster.client.create(
            Service(metadata=ObjectMeta(name="early", namespace="default"), spec=held)
        )
        async with cluster.serve():
            service = await cluster.client.get(Service, "kubernetes", namespace="default")
        assert service.spec.cluster_ip not in ("", "None", "127.10.0.1")


async def test_served_on_a_name_the_endpoints_hold_the_address_it_resolved_to() -> None:
    async with (
        Cluster(nodes=0, clock="real") as cluster,
        cluster.serve(address="localhost"),
    ):
        endpoints = await cluster.client.get(Endpoints, "kubernetes", namespace="default")
        ips = [a.ip for s in endpoints.subsets for a in s.addresses]
        assert ips in (["127.0.0.1"], ["::1"])
