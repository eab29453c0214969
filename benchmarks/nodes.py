"""Nodes benchmark: pods from create to Running, on fake nodes and on real processes.

Run with ``python -m benchmarks.nodes``.

- Fake runtime, on virtual time: ``--nodes`` kubelets (1,000 by default) and ``--pods``
  pods (10,000) created with ``spec.nodeName`` set (no scheduler), until every one is
  Running: pods/s of wall time, simulated seconds, and memory per node and per pod (the
  process's resident memory, measured before and after).
- Subprocess runtime, on real time: ``--processes`` pods of ``sh -c 'sleep 3600'`` on one
  node, created to Running, as a ratio to the raw rate at which asyncio starts (and, after a
  kill, reaps) the same processes in the same run. Target: at least 0.5x.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import signal
import time

from rich.console import Console

from kube_actors import Cluster
from kube_actors.actors import monotonic, run
from kube_actors.api import Container, ObjectMeta, Pod, PodSpec
from kube_actors.cli._logging import configure_logging
from kube_actors.kubelet import NodeConfig

from ._report import Figure, print_figures


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096


def _pod(i: int, node: str, command: list[str] | None = None) -> Pod:
    image = "busybox" if command else "registry.k8s.io/pause:3.9"
    return Pod(
        metadata=ObjectMeta(name=f"pod-{i}", namespace="default"),
        spec=PodSpec(
            node_name=node, containers=[Container(name="c", image=image, command=command or [])]
        ),
    )


async def _until_running(cluster: Cluster, count: int) -> None:
    """Wait, by watching, until ``count`` pods are Running."""
    running: set[str] = set()
    stream = await cluster.client.watch(Pod, namespace="default", resource_version="0")
    async for event in stream:
        if event.obj is not None and event.obj.status.phase == "Running":
            running.add(event.obj.metadata.name)
            if len(running) >= count:
                break
    stream.close()


async def _fake(nodes: int, pods: int) -> dict[str, float]:
    gc.collect()
    before = _rss()
    async with Cluster(nodes=nodes, controllers=(), kubelet_events=False) as cluster:
        await cluster.settle()
        gc.collect()
        with_nodes = _rss()
        names = cluster.nodes
        start, simulated = time.perf_counter(), monotonic()
        for i in range(pods):
            await cluster.client.create(_pod(i, names[i % len(names)]))
        await _until_running(cluster, pods)
        elapsed = time.perf_counter() - start
        simulated = monotonic() - simulated
        gc.collect()
        after = _rss()
    return {
        "pods_per_s": pods / elapsed,
        "wall": elapsed,
        "simulated": simulated,
        "per_node": (with_nodes - before) / nodes,
        "per_pod": (after - with_nodes) / pods,
    }


async def _raw_processes(count: int) -> float:
    start = time.perf_counter()
    processes = [
        await asyncio.create_subprocess_exec("sh", "-c", "sleep 3600", start_new_session=True)
        for _ in range(count)
    ]
    rate = count / (time.perf_counter() - start)
    for process in processes:
        os.killpg(process.pid, signal.SIGKILL)  # sh and its sleep: the whole group
    for process in processes:
        await process.wait()
    return rate


async def _subprocess_pods(count: int) -> float:
    # One node with room for them all (the default node takes 110 pods, as Kubernetes').
    node = NodeConfig(name="control-plane", control_plane=True, capacity={"pods": str(count)})
    async with Cluster(
        nodes=[node], runtime="subprocess", controllers=(), kubelet_events=False
    ) as cluster:
        start = time.perf_counter()
        for i in range(count):
            await cluster.client.create(_pod(i, "control-plane", ["sh", "-c", "sleep 3600"]))
        await _until_running(cluster, count)
        return count / (time.perf_counter() - start)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=1_000)
    parser.add_argument("--pods", type=int, default=10_000)
    parser.add_argument("--processes", type=int, default=200)
    args = parser.parse_args(argv)
    configure_logging()
    console = Console()
    with console.status(f"{args.nodes:,} fake nodes, {args.pods:,} pods"):
        fake = run(_fake, args.nodes, args.pods)
    with console.status(f"{args.processes} real processes"):
        raw = run(_raw_processes, args.processes, clock="real")
        real = run(_subprocess_pods, args.processes, clock="real")
    print_figures(
        "kube_actors nodes",
        [
            Figure(
                name=f"subprocess pods, create -> Running ({args.processes})",
                value=real,
                unit="pods/s",
                baseline_name="asyncio starts the same processes",
                baseline=raw,
                target=">= 0.5x",
            )
        ],
        console,
    )
    console.print(
        f"fake runtime: {args.nodes:,} nodes, {args.pods:,} pods created -> Running: "
        f"{fake['pods_per_s']:,.0f} pods/s ({fake['wall']:.1f} s wall, "
        f"{fake['simulated']:.1f} s simulated); "
        f"memory {fake['per_node'] / 1024:,.1f} KiB per node, "
        f"{fake['per_pod'] / 1024:,.1f} KiB per pod"
    )


if __name__ == "__main__":
    main()
