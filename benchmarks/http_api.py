"""HTTP API benchmark: creates/s, gets/s and watch events/s over HTTPS against the in-process
client, and ``kubectl get pods`` on many Pods.

Run with ``python -m benchmarks.http_api``. Each HTTP figure is printed beside the same
operation through the in-process ``Client`` in the same run; their ratio is the price of the
HTTP face (JSON, TLS, aiohttp, one connection kept alive). The HTTP client runs in a process
of its own, as kubectl or an operator does; creates are measured both one at a time and with
``--concurrency`` requests in flight, as a busy client sends them.
``kubectl get pods`` on ``--pods`` Pods is timed end to end (the kubectl process included),
beside the same command on ten Pods.
"""

from __future__ import annotations

import argparse
import json
import shutil
import ssl
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import anyio
from rich.console import Console

from kube_actors import Cluster
from kube_actors.actors import run
from kube_actors.api import Container, ObjectMeta, Pod, PodSpec
from kube_actors.server import Served

from ._report import Figure, print_figures

PODS = "/api/v1/namespaces/default/pods"


def _pod(name: str) -> Pod:
    return Pod(
        metadata=ObjectMeta(name=name, namespace="default", labels={"app": "bench"}),
        spec=PodSpec(containers=[Container(name="app", image="registry.k8s.io/pause:3.9")]),
    )


async def _rate(n: int, step: Callable[[int], Awaitable[object]], concurrency: int = 1) -> float:
    start = time.perf_counter()
    if concurrency == 1:
        for i in range(n):
            await step(i)
    else:
        limiter = anyio.Semaphore(concurrency)

        async def one(i: int) -> None:
            async with limiter:
                await step(i)

        async with anyio.create_task_group() as tg:
            for i in range(n):
                tg.start_soon(one, i)
    return n / (time.perf_counter() - start)


def _control_plane() -> Cluster:
    return Cluster(controllers=(), scheduler=False, clock="real")


async def _in_process(n: int) -> dict[str, float]:
    async with _control_plane() as cluster:
        client = cluster.client
        figures = {
            "create": await _rate(n, lambda i: client.create(_pod(f"p{i}"))),
            "get": await _rate(n, lambda i: client.get(Pod, f"p{i}", namespace="default")),
        }
        page = await client.list_page(Pod, namespace="default")
        stream = await client.watch(
            Pod, namespace="default", resource_version=page.resource_version
        )
        seen = 0
        start = time.perf_counter()
        async with anyio.create_task_group() as tg:
            tg.start_soon(_create_many, cluster, n, "w")
            async for _ in stream:
                seen += 1
                if seen == n:
                    break
        figures["watch"] = n / (time.perf_counter() - start)
        stream.close()
        return figures


async def _create_many(cluster: Cluster, n: int, prefix: str) -> None:
    for i in range(n):
        await cluster.client.create(_pod(f"{prefix}{i}"))


#: The HTTP client runs in a process of its own, as kubectl or an operator would: it does not
#: share the server's event loop (or its core) with the cluster it measures.
_CLIENT = """
import asyncio, json, ssl, sys, time
import aiohttp

url, token, ca = sys.argv[1:4]
n, concurrency = int(sys.argv[4]), int(sys.argv[5])
PODS = url + "/api/v1/namespaces/default/pods"


def manifest(name):
    return json.dumps({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "labels": {"app": "bench"}},
        "spec": {"containers": [{"name": "app", "image": "registry.k8s.io/pause:3.9"}]},
    })


async def rate(step, parallel=1):
    start = time.perf_counter()
    limiter = asyncio.Semaphore(parallel)

    async def one(i):
        async with limiter:
            await step(i)

    await asyncio.gather(*(one(i) for i in range(n)))
    return n / (time.perf_counter() - start)


async def main():
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    connector = aiohttp.TCPConnector(ssl=ssl.create_default_context(cafile=ca), limit=64)
    async with aiohttp.ClientSession(connector=connector, headers=headers) as http:
        async def create(prefix, i):
            async with http.post(PODS, data=manifest(prefix + str(i))) as response:
                assert response.status == 201, await response.text()

        async def get(i):
            async with http.get(PODS + "/p" + str(i)) as response:
                assert response.status == 200

        figures = {
            "create": await rate(lambda i: create("p", i)),
            "create_concurrent": await rate(lambda i: create("c", i), concurrency),
            "get": await rate(get),
        }
        print(json.dumps(figures))


asyncio.run(main())
"""


async def _over_http(n: int, concurrency: int) -> dict[str, float]:
    async with _control_plane() as cluster, cluster.serve() as served:
        command = [
            sys.executable,
            "-c",
            _CLIENT,
            served.url,
            served.token,
            str(served.ca_cert),
            str(n),
            str(concurrency),
        ]
        result = await anyio.run_process(command)
        figures: dict[str, float] = json.loads(result.stdout)
        figures["watch"] = await _watch_over_http(cluster, served, n)
        return figures


async def _watch_over_http(cluster: Cluster, served: Served, n: int) -> float:
    """Events/s of one HTTPS watch while ``n`` Pods are created in-process."""
    context = ssl.create_default_context(cafile=str(served.ca_cert))
    headers = {"Authorization": f"Bearer {served.token}"}
    connector = aiohttp.TCPConnector(ssl=context)
    async with aiohttp.ClientSession(connector=connector, headers=headers) as http:
        page = await cluster.client.list_page(Pod, namespace="default")
        url = f"{served.url}{PODS}?watch=1&resourceVersion={page.resource_version}"
        seen = 0
        async with http.get(url) as response:
            start = time.perf_counter()
            async with anyio.create_task_group() as tg:
                tg.start_soon(_create_many, cluster, n, "w")
                async for _ in response.content:
                    seen += 1
                    if seen == n:
                        break
            return n / (time.perf_counter() - start)


async def _kubectl_get(pods: int) -> tuple[float, float]:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        return float("nan"), float("nan")
    async with _control_plane() as cluster, cluster.serve() as served:
        command = [kubectl, "--kubeconfig", str(served.kubeconfig_path), "get", "pods"]

        async def timed() -> float:
            start = time.perf_counter()
            await anyio.run_process(command)
            return time.perf_counter() - start

        await _create_many(cluster, 10, "small")
        small = await timed()
        await _create_many(cluster, pods - 10, "big")
        return small, await timed()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--objects", type=int, default=3_000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--pods", type=int, default=10_000)
    args = parser.parse_args(argv)
    console = Console()
    with console.status("in-process client"):
        local: dict[str, Any] = run(_in_process, args.objects, clock="real")
    with console.status("over HTTPS"):
        http: dict[str, Any] = run(_over_http, args.objects, args.concurrency, clock="real")
    with console.status(f"kubectl get pods on {args.pods:,} pods"):
        small, big = run(_kubectl_get, args.pods, clock="real")
    figures = [
        Figure(
            name="HTTP creates, one at a time",
            value=http["create"],
            unit="obj/s",
            baseline_name="in-process creates",
            baseline=local["create"],
            target=">= 0.5x",
        ),
        Figure(
            name=f"HTTP creates, {args.concurrency} in flight",
            value=http["create_concurrent"],
            unit="obj/s",
            baseline_name="in-process creates",
            baseline=local["create"],
            target=">= 0.5x",
        ),
        Figure(
            name="HTTP gets",
            value=http["get"],
            unit="obj/s",
            baseline_name="in-process gets",
            baseline=local["get"],
            target="no target",
        ),
        Figure(
            name="HTTP watch events",
            value=http["watch"],
            unit="ev/s",
            baseline_name="in-process watch",
            baseline=local["watch"],
            target="no target",
        ),
        Figure(
            name=f"kubectl get pods, {args.pods:,} pods",
            value=big,
            unit="s",
            baseline_name="10 pods",
            baseline=small,
            target="< 1 s",
            higher_is_better=False,
        ),
    ]
    print_figures("kube_actors.server (HTTPS)", figures, console)


if __name__ == "__main__":
    main()
