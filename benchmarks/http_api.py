"""HTTP API benchmark: creates/s, gets/s, lists and watch fan-out over HTTPS against the
in-process client, the encoded-object cache on and off, and ``kubectl get pods`` on many Pods.

Run with ``python -m benchmarks.http_api``. Each HTTP figure is printed beside the same
operation through the in-process ``Client`` in the same run; their ratio is the price of the
HTTP face (JSON, TLS, aiohttp, one connection kept alive). The HTTP clients run in a process
of their own, as kubectl or an operator does; creates are measured both one at a time and with
``--concurrency`` requests in flight, as a busy client sends them.

The server caches each stored version's encodings (``encoded_cache_bytes``); every HTTP figure
is measured with the cache on and again with it off (``encoded_cache_bytes=0``), in the same
run: gets after creates, a whole list of ``--pods`` Pods in JSON and in protobuf (the second
of two lists), and watch events/s to ``--watchers`` watchers that replay the same changes
from the watch cache.

``kubectl get pods`` on ``--pods`` Pods is timed end to end (the kubectl process included),
beside the same command on ten Pods, and split: the server's CPU time, kubectl's CPU time, and
the time kubectl waited on its own client-side rate limit (5 requests/s after a burst of 10:
``--chunk-size`` 500 makes 10,000 Pods twenty requests).
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import anyio.abc
import attrs
from anyio.streams.text import TextReceiveStream
from rich.console import Console

from kube_actors import Cluster
from kube_actors.actors import run
from kube_actors.api import Container, ObjectMeta, Pod, PodSpec
from kube_actors.server import Served

from ._report import Figure, print_figures

PODS = "/api/v1/namespaces/default/pods"
CACHE_ON = 64 << 20


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
        cpu = time.process_time()
        figures = {"create": await _rate(n, lambda i: client.create(_pod(f"p{i}")))}
        figures["create_cpu"] = n / (time.process_time() - cpu)
        figures["get"] = await _rate(n, lambda i: client.get(Pod, f"p{i}", namespace="default"))
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


#: The HTTP clients run in a process of their own, as kubectl or an operator would: they do
#: not share the server's event loop (or its core) with the cluster they measure. The script
#: reads one command per line on stdin and answers one JSON line for each.
_CLIENT = """
import asyncio, json, ssl, sys, time
import aiohttp

url, token, ca = sys.argv[1:4]
PODS = url + "/api/v1/namespaces/default/pods"
PROTOBUF = "application/vnd.kubernetes.protobuf"


def manifest(name):
    return json.dumps({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "labels": {"app": "bench"}},
        "spec": {"containers": [{"name": "app", "image": "registry.k8s.io/pause:3.9"}]},
    })


async def rate(n, step, parallel=1):
    start = time.perf_counter()
    limiter = asyncio.Semaphore(parallel)

    async def one(i):
        async with limiter:
            await step(i)

    await asyncio.gather(*(one(i) for i in range(n)))
    return n / (time.perf_counter() - start)


async def create(http, prefix, n, concurrency):
    async def one(i):
        async with http.post(PODS, data=manifest(prefix + str(i))) as response:
            assert response.status == 201, await response.text()

    return {"rate": await rate(n, one, concurrency)}


async def get(http, n):
    async def one(i):
        async with http.get(PODS + "/p" + str(i)) as response:
            assert response.status == 200
            await response.read()

    return {"rate": await rate(n, one)}


async def lists(http):
    figures = {}
    for name, accept in (("json", "application/json"), ("protobuf", PROTOBUF)):
        for attempt in ("first", "second"):
            start = time.perf_counter()
            async with http.get(PODS, headers={"Accept": accept}) as response:
                assert response.status == 200
                await response.read()
            figures[f"list_{name}_{attempt}"] = time.perf_counter() - start
    return figures


async def watch(http, watchers, n, version):
    async def one():
        url = PODS + "?watch=1&resourceVersion=" + version
        async with http.get(url) as response:
            seen = 0
            async for line in response.content:
                assert not line.startswith(b'{"type":"ERROR"'), line
                seen += 1
                if seen == n:
                    return
            raise AssertionError(f"the watch ended after {seen} of {n} events")

    start = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(watchers)))
    return {"watch": watchers * n / (time.perf_counter() - start)}


async def main():
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    connector = aiohttp.TCPConnector(ssl=ssl.create_default_context(cafile=ca), limit=128)
    async with aiohttp.ClientSession(connector=connector, headers=headers) as http:
        loop = asyncio.get_running_loop()
        while line := await loop.run_in_executor(None, sys.stdin.readline):
            command, *args = line.split()
            if command == "create":
                answer = await create(http, args[0], int(args[1]), int(args[2]))
            elif command == "get":
                answer = await get(http, int(args[0]))
            elif command == "lists":
                answer = await lists(http)
            else:
                answer = await watch(http, int(args[0]), int(args[1]), args[2])
            print(json.dumps(answer), flush=True)


asyncio.run(main())
"""


@attrs.define
class _Client:
    """The client process, asked one command at a time."""

    process: anyio.abc.Process
    lines: TextReceiveStream
    buffer: str = ""

    async def send(self, command: str) -> None:
        assert self.process.stdin is not None
        await self.process.stdin.send(f"{command}\n".encode())

    async def ask(self, command: str) -> dict[str, Any]:
        await self.send(command)
        return await self.answer()

    async def close(self) -> None:
        """No more commands: the client's loop ends and the process exits."""
        assert self.process.stdin is not None
        await self.process.stdin.aclose()

    async def answer(self) -> dict[str, Any]:
        while "\n" not in self.buffer:
            self.buffer += await self.lines.receive()
        line, self.buffer = self.buffer.split("\n", 1)
        answer: dict[str, Any] = json.loads(line)
        return answer


async def _open_client(served: Served) -> tuple[anyio.abc.Process, _Client]:
    command = [sys.executable, "-c", _CLIENT, served.url, served.token, str(served.ca_cert)]
    process = await anyio.open_process(command)
    assert process.stdout is not None
    return process, _Client(process, TextReceiveStream(process.stdout))


async def _over_http(n: int, concurrency: int, watchers: int, cache: int) -> dict[str, float]:
    async with _control_plane() as cluster, cluster.serve(encoded_cache_bytes=cache) as served:
        process, client = await _open_client(served)
        async with process:
            figures: dict[str, float] = {}
            for name, command in (
                ("create", f"create p {n} 1"),
                ("create_concurrent", f"create c {n} {concurrency}"),
                ("get", f"get {n}"),
            ):
                # The server's CPU time too: a rate that other processes on the machine
                # cannot slow down (the server process does nothing else meanwhile).
                cpu = time.process_time()
                figures[name] = (await client.ask(command))["rate"]
                figures[f"{name}_cpu"] = n / (time.process_time() - cpu)
            # The watchers replay n changes from the watch cache: what is measured is the
            # server encoding and sending events, not how fast Pods are created.
            page = await cluster.client.list_page(Pod, namespace="default")
            await _create_many(cluster, n, "w")
            cpu = time.process_time()
            figures |= await client.ask(f"watch {watchers} {n} {page.resource_version}")
            figures["watch_cpu"] = watchers * n / (time.process_time() - cpu)
            await client.close()
        return figures


@attrs.frozen
class _KubectlRun:
    wall: float
    server_cpu: float
    kubectl_cpu: float
    throttled: float
    requests: int


_WAITED = re.compile(r"Waited for ([0-9.]+)(ms|s) due to client-side throttling")


async def _kubectl(kubectl: str, served: Served) -> _KubectlRun:
    cache = Path(served.kubeconfig_path).parent / "kubectl-cache"
    command = [kubectl, "--kubeconfig", str(served.kubeconfig_path), f"--cache-dir={cache}"]
    command += ["get", "pods", "-v=6"]
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu, start = time.process_time(), time.perf_counter()
    result = await anyio.run_process(command)
    wall, server_cpu = time.perf_counter() - start, time.process_time() - cpu
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    kubectl_cpu = (after.ru_utime - children.ru_utime) + (after.ru_stime - children.ru_stime)
    log = result.stderr.decode()
    throttled = sum(
        float(value) / (1000 if unit == "ms" else 1) for value, unit in _WAITED.findall(log)
    )
    requests = sum(1 for line in log.splitlines() if f"{PODS}?" in line and " GET " in line)
    return _KubectlRun(wall, server_cpu, kubectl_cpu, throttled, requests)


async def _many_pods(pods: int, cache: int) -> dict[str, Any]:
    """Lists of ``pods`` Pods over HTTPS, then ``kubectl get pods`` on them."""
    kubectl = shutil.which("kubectl")
    async with _control_plane() as cluster, cluster.serve(encoded_cache_bytes=cache) as served:
        figures: dict[str, Any] = {}
        await _create_many(cluster, 10, "small")
        if kubectl is not None:
            await _kubectl(kubectl, served)  # fills kubectl's discovery cache
            figures["kubectl_small"] = await _kubectl(kubectl, served)
        await _create_many(cluster, pods - 10, "big")
        process, client = await _open_client(served)
        async with process:
            figures |= await client.ask("lists")
            await client.close()
        if kubectl is not None:
            # The first run encodes each Pod's metadata; a second finds it cached, as every
            # later run of a user watching the same Pods does.
            figures["kubectl_big_first"] = await _kubectl(kubectl, served)
            figures["kubectl_big"] = await _kubectl(kubectl, served)
        return figures


def _cache_figure(name: str, on: float, off: float, unit: str, lower: bool = False) -> Figure:
    return Figure(
        name=f"{name}, cache on",
        value=on,
        unit=unit,
        baseline_name="cache off",
        baseline=off,
        target="faster",
        higher_is_better=not lower,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--objects", type=int, default=3_000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--pods", type=int, default=10_000)
    parser.add_argument("--watchers", type=int, default=10)
    args = parser.parse_args(argv)
    console = Console()
    with console.status("in-process client"):
        local: dict[str, Any] = run(_in_process, args.objects, clock="real")
    http: dict[bool, dict[str, Any]] = {}
    many: dict[bool, dict[str, Any]] = {}
    for cached in (True, False):
        cache = CACHE_ON if cached else 0
        with console.status(f"over HTTPS, cache {'on' if cached else 'off'}"):
            http[cached] = run(
                _over_http, args.objects, args.concurrency, args.watchers, cache, clock="real"
            )
        with console.status(f"{args.pods:,} pods, cache {'on' if cached else 'off'}"):
            many[cached] = run(_many_pods, args.pods, cache, clock="real")
    on, off = http[True], http[False]
    figures = [
        Figure(
            name="HTTP creates, one at a time",
            value=on["create"],
            unit="obj/s",
            baseline_name="in-process creates",
            baseline=local["create"],
            target=">= 0.5x",
        ),
        Figure(
            name=f"HTTP creates, {args.concurrency} in flight",
            value=on["create_concurrent"],
            unit="obj/s",
            baseline_name="in-process creates",
            baseline=local["create"],
            target=">= 0.5x",
        ),
        Figure(
            name="HTTP creates per server CPU second",
            value=on["create_cpu"],
            unit="obj/s",
            baseline_name="in-process, per CPU second",
            baseline=local["create_cpu"],
            target=">= 0.5x",
        ),
        Figure(
            name="HTTP gets",
            value=on["get"],
            unit="obj/s",
            baseline_name="in-process gets",
            baseline=local["get"],
            target="no target",
        ),
        Figure(
            name=f"HTTP watch events replayed to {args.watchers} watchers",
            value=on["watch"],
            unit="ev/s",
            baseline_name="in-process watch, 1 watcher, live",
            baseline=local["watch"],
            target="no target",
        ),
        _cache_figure("HTTP gets per server CPU second", on["get_cpu"], off["get_cpu"], "obj/s"),
        _cache_figure(
            f"watch events to {args.watchers} per server CPU second",
            on["watch_cpu"],
            off["watch_cpu"],
            "ev/s",
        ),
    ]
    for encoding in ("json", "protobuf"):
        figures.append(
            _cache_figure(
                f"list of {args.pods:,} pods, {encoding}",
                many[True][f"list_{encoding}_second"],
                many[False][f"list_{encoding}_second"],
                "s",
                lower=True,
            )
        )
    if "kubectl_big" in many[True]:
        big, small = many[True]["kubectl_big"], many[True]["kubectl_small"]
        figures.append(
            Figure(
                name=f"kubectl get pods, {args.pods:,} pods",
                value=big.wall,
                unit="s",
                baseline_name="10 pods",
                baseline=small.wall,
                target="< 1 s",
                higher_is_better=False,
            )
        )
        figures.append(
            _cache_figure(
                "kubectl get pods, server CPU",
                big.server_cpu,
                many[False]["kubectl_big"].server_cpu,
                "s",
                lower=True,
            )
        )
    print_figures("kube_actors.server (HTTPS)", figures, console)
    for cached in (True, False):
        for which in ("kubectl_big_first", "kubectl_big"):
            run_ = many[cached].get(which)
            if run_ is None:
                continue
            console.print(
                f"kubectl get pods on {args.pods:,} pods, cache {'on' if cached else 'off'}, "
                f"{'first run' if which.endswith('first') else 'again'}: {run_.wall:.2f} s = "
                f"server CPU {run_.server_cpu:.2f} s, kubectl CPU {run_.kubectl_cpu:.2f} s, "
                f"kubectl's client-side throttling {run_.throttled:.2f} s, over "
                f"{run_.requests} list requests; the rest is waiting for a core and the network"
            )
        first = many[cached]
        console.print(
            f"list of {args.pods:,} pods, cache {'on' if cached else 'off'}: JSON "
            f"{first['list_json_first']:.2f} s then {first['list_json_second']:.2f} s, "
            f"protobuf {first['list_protobuf_first']:.2f} s then "
            f"{first['list_protobuf_second']:.2f} s"
        )


if __name__ == "__main__":
    main()
