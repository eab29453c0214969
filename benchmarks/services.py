"""Services benchmark: short HTTP requests through a ClusterIP, against one pod straight.

Run with ``python -m benchmarks.services``. In one run, on one machine, with 3 echoserver pods
(real processes of the subprocess runtime) behind a ClusterIP Service:

- requests per second of short HTTP requests (a new connection each, ``Connection: close``)
  from ``--clients`` concurrent clients through ClusterIP:80, against the same requests sent
  straight to one pod's IP:8080 (target: at least 0.5x);
- the median latency of those requests, both ways;
- the time from a new pod turning Ready (its Ready condition seen through a watch) to its
  first answer through the ClusterIP, over ``--joins`` pods added one by one.

Rounds alternate between the proxy and the direct path and the best of each is kept, so a
noisy neighbour costs both alike. The clients run in the same process and event loop as the
proxy (and the whole control plane), so the proxy pays for its share of that loop.
"""

from __future__ import annotations

import argparse
import statistics
import time

import anyio

from kube_actors import Cluster
from kube_actors.api import (
    Container,
    ContainerPort,
    Deployment,
    DeploymentSpec,
    LabelSelector,
    ObjectMeta,
    Pod,
    PodSpec,
    PodTemplateSpec,
    Probe,
    TCPSocketAction,
    is_pod_ready,
)
from kube_actors.cli._logging import configure_logging
from kube_actors.proxy import http_get, pod_name_of

from ._report import Figure, print_figures

LABELS = {"app": "echo"}


def deployment(replicas: int) -> Deployment:
    container = Container(
        name="echo",
        image="echoserver",
        ports=[ContainerPort(container_port=8080)],
        readiness_probe=Probe(tcp_socket=TCPSocketAction(port=8080), period_seconds=1),
    )
    return Deployment(
        metadata=ObjectMeta(name="echo", namespace="default", labels=LABELS),
        spec=DeploymentSpec(
            replicas=replicas,
            selector=LabelSelector(match_labels=LABELS),
            template=PodTemplateSpec(
                metadata=ObjectMeta(labels=LABELS), spec=PodSpec(containers=[container])
            ),
        ),
    )


async def load(host: str, port: int, clients: int, seconds: float) -> tuple[float, float]:
    """Requests per second and median latency (s) of ``clients`` loops for ``seconds``."""
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            await http_get(host, port)
            latencies.append(time.perf_counter() - started)

    began = time.perf_counter()
    async with anyio.create_task_group() as tg:
        for _ in range(clients):
            tg.start_soon(client)
    elapsed = time.perf_counter() - began
    return len(latencies) / elapsed, statistics.median(latencies)


async def ready_to_traffic(cluster: Cluster, cluster_ip: str, replicas: int) -> float:
    """Add one replica; seconds from its Ready condition to its first answer via the IP."""
    before = {p.metadata.name for p in await cluster.client.list(Pod, namespace="default")}
    stream = await cluster.client.watch(Pod, namespace="default", label_selector="app=echo")
    await cluster.scale(Deployment, "echo", replicas)
    with anyio.fail_after(30):
        async for event in stream:
            pod = event.obj
            if pod is not None and pod.metadata.name not in before and is_pod_ready(pod):
                ready_at = time.perf_counter()
                name = pod.metadata.name
                break
        stream.close()
        while True:
            answer = await http_get(cluster_ip, 80)
            if pod_name_of(answer.body) == name:
                return time.perf_counter() - ready_at


async def main(clients: int, seconds: float, rounds: int, joins: int) -> None:
    configure_logging()
    async with Cluster(nodes=1, runtime="subprocess") as cluster:
        await cluster.client.create(deployment(3))
        service = await cluster.expose("deployment", "echo", port=80, target_port=8080)
        await cluster.wait_for(Deployment, "echo", condition="Available", timeout=30)
        plane = cluster.data_plane
        while len(plane.table.entries[("default", "echo", "")].endpoints) < 3:
            await plane.wait_changed()
        pods = await cluster.client.list(Pod, namespace="default")
        pod_ip = pods[0].status.pod_ip
        best_proxy = best_direct = (0.0, 0.0)
        single_proxy = single_direct = float("inf")
        for _ in range(rounds):
            proxy = await load(service.spec.cluster_ip, 80, clients, seconds)
            direct = await load(pod_ip, 8080, clients, seconds)
            best_proxy = max(best_proxy, proxy)
            best_direct = max(best_direct, direct)
            # One client at a time: what the extra hop costs a request, no parallelism.
            single_proxy = min(
                single_proxy, (await load(service.spec.cluster_ip, 80, 1, seconds / 2))[1]
            )
            single_direct = min(single_direct, (await load(pod_ip, 8080, 1, seconds / 2))[1])
        joined = [
            await ready_to_traffic(cluster, service.spec.cluster_ip, 4 + i) for i in range(joins)
        ]
    print_figures(
        "Services: short HTTP requests through a ClusterIP (3 echoserver pods)",
        [
            Figure(
                name=f"requests/s via ClusterIP, {clients} clients",
                value=best_proxy[0],
                unit="req/s",
                baseline_name="one pod's IP",
                baseline=best_direct[0],
                target=">= 0.5x",
            ),
            Figure(
                name="median latency via ClusterIP",
                value=best_proxy[1] * 1000,
                unit="ms",
                baseline_name="one pod's IP",
                baseline=best_direct[1] * 1000,
                target="(lower is better)",
                higher_is_better=False,
            ),
            Figure(
                name="median latency via ClusterIP, 1 client",
                value=single_proxy * 1000,
                unit="ms",
                baseline_name="one pod's IP",
                baseline=single_direct * 1000,
                target="(lower is better)",
                higher_is_better=False,
            ),
            Figure(
                name=f"pod Ready -> first answer via ClusterIP (median of {joins})",
                value=statistics.median(joined) * 1000,
                unit="ms",
                baseline_name="max",
                baseline=max(joined) * 1000,
                target="(lower is better)",
                higher_is_better=False,
            ),
        ],
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--joins", type=int, default=3)
    args = parser.parse_args()
    anyio.run(main, args.clients, args.seconds, args.rounds, args.joins)
