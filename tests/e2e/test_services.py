"""Real traffic through Services: subprocess pods, kube-proxy listeners, HTTP through them.

Each scenario runs echoserver pods (real processes, each on its own loopback IP) and sends
HTTP requests through ClusterIPs and NodePorts; every wait is bounded, and the cluster closes
every process and listener on the way out. Nothing listens off loopback.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import anyio
import pytest

from kube_actors import Cluster
from kube_actors.api import (
    Container,
    ContainerPort,
    Deployment,
    DeploymentSpec,
    ExecAction,
    LabelSelector,
    ObjectMeta,
    Pod,
    PodSpec,
    PodTemplateSpec,
    Probe,
    Service,
    ServicePort,
    ServiceSpec,
    TCPSocketAction,
)
from kube_actors.proxy import ServiceTable, http_get, served_by

from ..proxy._net import assert_only_loopback

pytestmark = pytest.mark.real_time


def echo_container(**fields: object) -> Container:
    return Container(
        name="echo",
        image="echoserver",
        ports=[ContainerPort(name="http", container_port=8080)],
        **fields,  # type: ignore[arg-type]
    )


#: Ready once the echoserver accepts connections, so no request meets a pod still starting.
SERVING = Probe(tcp_socket=TCPSocketAction(port=8080), period_seconds=1)


def hello_deployment(replicas: int = 3) -> Deployment:
    labels = {"app": "hello-nginx"}
    return Deployment(
        metadata=ObjectMeta(name="hello-nginx", namespace="default", labels=labels),
        spec=DeploymentSpec(
            replicas=replicas,
            selector=LabelSelector(match_labels=labels),
            template=PodTemplateSpec(
                metadata=ObjectMeta(labels=labels),
                spec=PodSpec(containers=[echo_container(readiness_probe=SERVING)]),
            ),
        ),
    )


async def until(cluster: Cluster, holds: Callable[[ServiceTable], bool]) -> None:
    """Wait (bounded by the caller) until the proxies' table satisfies ``holds``."""
    plane = cluster.data_plane
    while not holds(plane.table):
        await plane.wait_changed()


async def serving(ip: str) -> None:
    """Wait until the echoserver at ``ip`` accepts (its process may still be starting)."""
    while True:
        try:
            await http_get(ip, 8080)
            return
        except OSError:
            await anyio.sleep(0.02)


def ready_count(key: tuple[str, str, str], count: int) -> Callable[[ServiceTable], bool]:
    def holds(table: ServiceTable) -> bool:
        entry = table.entries.get(key)
        return entry is not None and len(entry.endpoints) == count

    return holds


async def test_a_deployment_exposed_by_node_port_spreads_requests_and_scales_down() -> None:
    with anyio.fail_after(25):
        async with Cluster(nodes=2, runtime="subprocess", clock="real") as cluster:
            await cluster.client.create(hello_deployment())
            service = await cluster.expose("deployment", "hello-nginx", type="NodePort", port=8080)
            key = ("default", "hello-nginx", "")
            await until(cluster, ready_count(key, 3))
            served = await cluster.wait_serving("hello-nginx")
            assert served.metadata.uid == service.metadata.uid
            pods = await cluster.client.list(Pod, namespace="default")
            names = {p.metadata.name for p in pods}
            # Every pod serves the same port, each on its own IP.
            ips = {p.status.pod_ip for p in pods}
            assert len(ips) == 3
            for p in pods:
                answer = await http_get(p.status.pod_ip, 8080)
                assert f"Hostname: {p.metadata.name}" in answer.body
            node_port = service.spec.ports[0].node_port
            assert node_port is not None
            # 127.0.0.1, unless another cluster on this machine holds it (a test running beside).
            node_address = cluster.service_network.node_port_address
            through_node_port = await served_by(node_address, node_port, 9)
            assert Counter(through_node_port) == dict.fromkeys(names, 3)
            through_cluster_ip = await served_by(service.spec.cluster_ip, 8080, 6)
            assert Counter(through_cluster_ip) == dict.fromkeys(names, 2)
            assert await cluster.resolve("hello-nginx.default.svc.cluster.local") == (
                service.spec.cluster_ip
            )
            assert_only_loopback()

            await cluster.scale(Deployment, "hello-nginx", 1)
            await until(cluster, ready_count(key, 1))
            [left] = set(await served_by(node_address, node_port, 4))
            assert left in names

            # A Service deleted closes its listeners.
            await cluster.client.delete(Service, "hello-nginx", namespace="default")
            await until(cluster, lambda table: key not in table.entries)
            with pytest.raises(ConnectionRefusedError):
                await http_get(node_address, node_port)


async def test_readiness_affinity_refusal_headless_and_environment(tmp_path: Path) -> None:
    """Pods a, b, c are Ready while their file exists; then the Service's behaviours."""

    def pod(name: str) -> Pod:
        marker = tmp_path / name
        marker.touch()
        probe = Probe(
            exec=ExecAction(command=["test", "-f", str(marker)]),
            period_seconds=1,
            failure_threshold=1,
        )
        return Pod(
            metadata=ObjectMeta(name=name, namespace="default", labels={"app": "web"}),
            spec=PodSpec(containers=[echo_container(readiness_probe=probe)]),
        )

    def service(name: str, **spec: object) -> Service:
        return Service(
            metadata=ObjectMeta(name=name, namespace="default"),
            spec=ServiceSpec(
                ports=[ServicePort(port=80, target_port="http")],
                **spec,  # type: ignore[arg-type]
            ),
        )

    with anyio.fail_after(25):
        async with Cluster(nodes=1, runtime="subprocess", clock="real") as cluster:
            client = cluster.client
            web = await client.create(service("web", selector={"app": "web"}))
            sticky = await client.create(
                service("sticky", selector={"app": "web"}, session_affinity="ClientIP")
            )
            await client.create(service("headless", selector={"app": "web"}, cluster_ip="None"))
            nobody = await client.create(service("nobody", selector={"app": "none"}))
            for name in ("a", "b", "c"):
                await client.create(pod(name))
            await until(cluster, ready_count(("default", "web", ""), 3))
            await until(cluster, ready_count(("default", "sticky", ""), 3))
            for p in await client.list(Pod, namespace="default"):
                await serving(p.status.pod_ip)

            assert set(await served_by(web.spec.cluster_ip, 80, 6)) == {"a", "b", "c"}

            # Session affinity: each client address keeps its pod.
            chosen = []
            for client_ip in ("127.0.0.2", "127.0.0.3", "127.0.0.4"):
                answers = set()
                for _ in range(3):
                    response = await http_get(sticky.spec.cluster_ip, 80, local_host=client_ip)
                    answers.add(response.body.split("\n", 1)[0])
                assert len(answers) == 1
                chosen.append(answers.pop())
            assert len(set(chosen)) == 3

            # A Service with no endpoints refuses.
            with pytest.raises(ConnectionRefusedError):
                await http_get(nobody.spec.cluster_ip, 80)

            # Headless: the name resolves to the pods' own IPs.
            pods = {p.metadata.name: p for p in await client.list(Pod, namespace="default")}
            assert await cluster.resolve_all("headless.default") == sorted(
                (p.status.pod_ip for p in pods.values()),
                key=lambda ip: tuple(int(x) for x in ip.split(".")),
            )

            # The environment: Services that existed when the container started.
            env_answer = await http_get(pods["a"].status.pod_ip, 8080)
            assert "Hostname: a" in env_answer.body
            logs_pod = Pod(
                metadata=ObjectMeta(name="env", namespace="default"),
                spec=PodSpec(
                    restart_policy="Never",
                    containers=[
                        Container(
                            name="env",
                            image="busybox",
                            command=["sh", "-c", "echo $WEB_SERVICE_HOST $WEB_PORT"],
                        )
                    ],
                ),
            )
            await client.create(logs_pod)
            await cluster.wait_for(
                Pod, "env", condition=lambda p: p.status.phase == "Succeeded", timeout=10
            )
            assert await cluster.logs("env") == (
                f"{web.spec.cluster_ip} tcp://{web.spec.cluster_ip}:80\n"
            )

            # b turns unready: it leaves the rotation.
            (tmp_path / "b").unlink()
            await until(cluster, ready_count(("default", "web", ""), 2))
            assert set(await served_by(web.spec.cluster_ip, 80, 6)) == {"a", "c"}
            assert_only_loopback()


#: A process that listens a second after it starts: Ready (no readiness probe) long before.
LATE_LISTENER = (
    "import os, time, http.server as h\n"
    "time.sleep(1)\n"
    "class Hello(h.BaseHTTPRequestHandler):\n"
    "    def do_GET(self):\n"
    "        self.send_response(200); self.send_header('Content-Length', '6')\n"
    "        self.end_headers(); self.wfile.write(b'hello\\n')\n"
    "h.HTTPServer((os.environ['POD_IP'], 8080), Hello).serve_forever()\n"
)


async def test_wait_serving_waits_for_a_ready_pod_that_does_not_listen_yet() -> None:
    labels = {"app": "late"}
    late = Deployment(
        metadata=ObjectMeta(name="late", namespace="default", labels=labels),
        spec=DeploymentSpec(
            replicas=1,
            selector=LabelSelector(match_labels=labels),
            template=PodTemplateSpec(
                metadata=ObjectMeta(labels=labels),
                spec=PodSpec(
                    containers=[
                        Container(
                            name="late",
                            image="python",
                            command=["python", "-c", LATE_LISTENER],
                            ports=[ContainerPort(container_port=8080)],
                        )
                    ]
                ),
            ),
        ),
    )
    with anyio.fail_after(25):
        async with Cluster(nodes=1, runtime="subprocess", clock="real") as cluster:
            await cluster.client.create(late)
            service = await cluster.expose("deployment", "late", port=8080)
            await cluster.wait_serving("late")
            answer = await http_get(service.spec.cluster_ip, 8080)
            assert (answer.status, answer.body) == (200, "hello\n")
