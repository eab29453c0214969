"""Apiserver benchmark: create, get, update and list throughput, and memory per stored Pod.

Creates are measured twice: from one client, one after the other (each create is then a
store request of its own), and from 16 concurrent clients (their creates wait in the
apiserver's mailbox together, and group commit sends them to the store as one request; the
etcd actor's baseline then has 16 clients too).

Run with ``python -m benchmarks.apiserver``. Each apiserver figure is printed beside the raw
store operation it rests on, measured in the same run: an etcd transaction or range asked of
the etcd actor directly. Their ratio is the apiserver's overhead over its store (defaulting,
admission, validation, the watch cache, the messages).

Memory per stored Pod: the process's resident memory before and after storing ``--pods`` Pods
through the apiserver, divided by their number (the store, the watch cache and the history
the cache keeps all count).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import time
from collections.abc import Callable, Coroutine
from typing import Any

import attrs
from rich.console import Console

from kube_actors import Cluster
from kube_actors.actors import ActorRef, run
from kube_actors.api import Container, ObjectMeta, Pod, PodSpec
from kube_actors.etcd import Compare, Put, Range, Txn

from ._report import Figure, print_figures


def _pod(i: int) -> Pod:
    return Pod(
        metadata=ObjectMeta(name=f"pod-{i}", namespace="default", labels={"app": "bench"}),
        spec=PodSpec(containers=[Container(name="app", image="registry.k8s.io/pause:3.9")]),
    )


def _rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * 4096


#: The clock of every figure: the process's CPU time (see the module docstring).
_cpu = time.process_time


def _collected() -> None:
    """Collect the garbage of whatever ran before in the process, before a figure's clock
    starts: a figure measures its own work, not a full collection of an earlier run's heap
    that its allocations happen to trigger (cluster_scale measures creates after a
    1,000-node scheduler run, whose garbage halved the apiserver's figure and left the
    etcd actor's, which allocates less, as it was)."""
    gc.collect()


async def _timed(n: int, step: Callable[[int], Coroutine[Any, Any, object]]) -> float:
    _collected()
    start = _cpu()
    for i in range(n):
        await step(i)
    return n / (_cpu() - start)


#: Clients of the concurrent creates.
CLIENTS = 16


async def _timed_concurrently(n: int, step: Callable[[int], Coroutine[Any, Any, object]]) -> float:
    """``n`` steps by ``CLIENTS`` concurrent clients, each taking its share in order."""

    async def client(first: int) -> None:
        for i in range(first, n, CLIENTS):
            await step(i)

    _collected()
    start = _cpu()
    await asyncio.gather(*(client(c) for c in range(CLIENTS)))
    return n / (_cpu() - start)


async def _store_figures(etcd: ActorRef, n: int) -> dict[str, float]:
    pods = [_pod(i) for i in range(n)]

    async def create(i: int, prefix: str = "/bench/pods/") -> object:
        key = f"{prefix}{i}"
        return await etcd.ask(
            Txn(
                compare=[Compare.create_revision(key, "=", 0)],
                success=[Put(key=key, value=pods[i])],
            )
        )

    async def create_concurrently(i: int) -> object:
        return await create(i, "/bench/concurrent/")

    async def get(i: int) -> object:
        return await etcd.ask(Range(key=f"/bench/pods/{i}"))

    async def update(i: int) -> object:
        key = f"/bench/pods/{i}"
        return await etcd.ask(Txn(success=[Put(key=key, value=pods[i])]))

    figures = {
        "create": await _timed(n, create),
        "get": await _timed(n, get),
        "update": await _timed(n, update),
    }
    _collected()
    start = _cpu()
    listed = await etcd.ask(Range.prefix("/bench/pods/"))
    figures["list"] = len(listed.kvs) / (_cpu() - start)
    figures["concurrent create"] = await _timed_concurrently(n, create_concurrently)
    return figures


async def _apiserver_figures(cluster: Cluster, n: int) -> dict[str, float]:
    client = cluster.client
    pods = [_pod(i) for i in range(n)]
    # The concurrent creates' Pods, named apart from the sequential ones (still stored), made
    # before the clock starts as every other figure's are: a figure measures the requests.
    concurrent_pods = [
        attrs.evolve(
            pod,
            metadata=ObjectMeta(
                name=f"concurrent-{i}", namespace="default", labels={"app": "bench"}
            ),
        )
        for i, pod in enumerate(pods)
    ]
    stored: list[Pod] = []

    async def create(i: int) -> object:
        stored.append(await client.create(pods[i]))
        return None

    async def get(i: int) -> object:
        return await client.get(Pod, f"pod-{i}", namespace="default")

    async def create_concurrently(i: int) -> object:
        return await client.create(concurrent_pods[i])

    async def update(i: int) -> object:
        current = stored[i]
        labels = {"app": "bench", "round": "2"}
        return await client.update(
            attrs.evolve(current, metadata=attrs.evolve(current.metadata, labels=labels))
        )

    figures = {
        "create": await _timed(n, create),
        "get": await _timed(n, get),
        "update": await _timed(n, update),
    }
    _collected()
    start = _cpu()
    listed = await client.list(Pod, namespace="default")
    figures["list"] = len(listed) / (_cpu() - start)
    figures["concurrent create"] = await _timed_concurrently(n, create_concurrently)
    return figures


def _control_plane(**options: Any) -> Cluster:
    """etcd and the apiserver alone: no scheduler or controller writes to the pods measured."""
    return Cluster(controllers=(), scheduler=False, **options)


async def _throughput(n: int) -> tuple[dict[str, float], dict[str, float]]:
    async with _control_plane() as cluster:
        etcd = cluster.system.lookup("etcd")
        raw = await _store_figures(etcd, n)
    async with _control_plane() as cluster:
        api = await _apiserver_figures(cluster, n)
    return raw, api


async def _memory(pods: int) -> float:
    async with _control_plane(watch_cache_size=1_000) as cluster:
        gc.collect()
        before = _rss_bytes()
        for i in range(pods):
            await cluster.client.create(_pod(i))
        await cluster.settle()
        gc.collect()
        return (_rss_bytes() - before) / pods


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--objects", type=int, default=5_000)
    parser.add_argument("--pods", type=int, default=100_000)
    args = parser.parse_args(argv)
    console = Console()
    with console.status("measuring throughput"):
        raw, api = run(_throughput, args.objects, clock="real")
    with console.status(f"storing {args.pods:,} pods"):
        per_pod = run(_memory, args.pods, clock="real")
    figures = [
        Figure(
            name=f"apiserver {verb}",
            value=api[verb],
            unit="obj/CPU s",
            baseline_name=f"etcd actor {verb}",
            baseline=raw[verb],
            target="overhead, no target",
        )
        for verb in ("create", "concurrent create", "get", "update", "list")
    ]
    print_figures("kube_actors.apiserver", figures, console)
    console.print("rates per second of process CPU time (time.process_time), both sides alike")
    console.print(f"memory per stored Pod at {args.pods:,} Pods: {per_pod:,.0f} bytes")


if __name__ == "__main__":
    main()
