"""Cluster scale benchmark: the whole cluster, from applied Pods to Running ones (issue #20).

Run with ``python -m benchmarks.cluster_scale`` (``--nodes 1000,5000 --pods 2000`` by default;
``--nodes 100 --pods 500`` for a quick run; ``--profile`` for where the time goes;
``--envelope`` for Kubernetes' scalability envelope, 5,000 nodes and 150,000 Pods).

For each node count, on virtual time with every component on (the controllers, the scheduler,
one kubelet per node on the fake runtime and the host's kube-proxy, kubelet Events recorded;
the process's garbage collector as it is, or with ``--gc-options`` the clusters' opt-in
``gc_freeze=True, gc_threshold=50_000``, and the output says which):

- *cluster start*: wall seconds from entering ``Cluster(nodes=N)`` until every Node is
  registered and Ready; baseline: the same N Node objects created through the client of a
  bare control plane (the registration writes alone), measured in the same run. Target at
  5,000 nodes: at most 5 s.
- *end to end*: Pods shaped like scheduler_perf's SchedulingBasic created by 16 concurrent
  clients; pods/s of wall time until the watch shows every one Running. Baselines: the
  scheduling framework alone on the same nodes (same run) and Go's kube-scheduler alone
  (471 pods/s at 5,000 nodes on this machine, a constant). Target: at least 500 pods/s.
  Beside it the process's CPU per pod, and pods per CPU second: on a machine shared with
  other work the wall rate varies from run to run, the CPU far less.
- *Events dropped* by the recorders during the run (``event_dropped`` warnings). Target: 0.

Once per run: the apiserver's sequential creates against the etcd actor's (target at least
0.3x), the same from 16 concurrent clients (group commit sends the creates waiting in the
apiserver's mailbox to the store as one request), and the scheduler's own end to end (a
control plane and the scheduler, no kubelets) against the framework alone (target at least
0.5x), both at the largest node count.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import resource
import sys
import time
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from contextlib import contextmanager
from typing import Any

import attrs
import structlog
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from kube_actors import Cluster
from kube_actors.actors import run
from kube_actors.api import Node, Pod
from kube_actors.bench._scheduler import (
    GO_PODS_PER_SECOND,
    Workload,
    control_plane,
    frozen_heap,
    make_node,
    make_pod,
    run_e2e,
    run_framework,
)
from kube_actors.cli._logging import configure_logging

from ._report import Figure, print_figures
from .apiserver import _throughput

#: Go's kube-scheduler alone, SchedulingBasic at 5,000 nodes, on this machine.
GO_SCHEDULER = GO_PODS_PER_SECOND["SchedulingBasic/5000Nodes"]
CLIENTS = 16


@attrs.frozen(kw_only=True)
class ClusterRun:
    nodes: int
    pods: int
    start: float  # wall seconds to every Node Ready
    start_cpu: float  # the process's CPU seconds for it
    e2e: float  # pods/s, created -> Running
    cpu_per_pod: float  # ms of the process's CPU per pod, created -> Running
    dropped: int  # Events dropped
    peak_rss: float  # MiB


class Reporter:
    """Progress: a rich bar on a terminal, a plain line per step otherwise."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.live = console.is_terminal
        self.progress = Progress(console=console, transient=True, disable=not self.live)

    def line(self, text: str) -> None:
        if not self.live:
            print(text, flush=True)

    @contextmanager
    def task(self, description: str, total: int) -> Iterator[Callable[[int], None]]:
        """A step of ``total`` units; yields a function taking the units done so far."""
        self.line(f"{description} ...")
        task = self.progress.add_task(description, total=total)
        shown = [0]

        def update(done: int) -> None:
            self.progress.update(task, completed=done)
            if not self.live and done * 10 // max(total, 1) > shown[0]:
                shown[0] = done * 10 // max(total, 1)
                self.line(f"  {description}: {done:,}/{total:,}")

        yield update
        self.progress.remove_task(task)


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _until_ready(cluster: Cluster, nodes: int) -> None:
    """Settle until every Node has reported Ready (the kubelets' first status)."""
    while True:
        await cluster.settle(timeout=3600)
        ready = [n for n in await cluster.client.list(Node) if _ready(n)]
        if len(ready) >= nodes:
            return


def _ready(node: Node) -> bool:
    return any(c.type == "Ready" and c.status == "True" for c in node.status.conditions)


async def _until_running(cluster: Cluster, pods: int, on_progress: Callable[[int], None]) -> None:
    running: set[str] = set()
    stream = await cluster.client.watch(Pod, namespace="default", resource_version="0")
    try:
        while len(running) < pods:
            batch = await stream.next_batch()
            if not batch:
                break
            for event in batch:
                pod = event.obj
                if pod is not None and pod.status.phase == "Running":
                    running.add(pod.metadata.name)
            on_progress(len(running))
    finally:
        stream.close()


async def _create_all(cluster: Cluster, pods: Sequence[Pod]) -> None:
    cursor = iter(pods)

    async def creator() -> None:
        for pod in cursor:
            await cluster.client.create(pod)

    async with asyncio.TaskGroup() as group:
        for _ in range(CLIENTS):
            group.create_task(creator())


def _shaped_pod(i: int) -> Pod:
    """SchedulingBasic's pod, without the benchmark's fixed uid (the apiserver makes one)."""
    pod = make_pod(f"pod-{i}")
    return attrs.evolve(pod, metadata=attrs.evolve(pod.metadata, uid=""))


@contextmanager
def _counting_dropped() -> Iterator[list[int]]:
    """Counts ``event_dropped`` warnings while inside."""
    count = [0]

    def processor(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
        if event.get("event") == "event_dropped":
            count[0] += 1
            raise structlog.DropEvent  # counted, not printed by the thousand
        return event

    config = structlog.get_config()
    previous = list(config["processors"])
    structlog.configure(processors=[processor, *previous])
    try:
        yield count
    finally:
        structlog.configure(processors=previous)


#: ``--gc-options``: what a user simulating a large cluster is advised to ask for.
GC_OPTIONS: dict[str, Any] = {"gc_freeze": True, "gc_threshold": 50_000}


async def _whole_cluster(
    nodes: int, pods: int, reporter: Reporter, gc_options: dict[str, Any]
) -> ClusterRun:
    with _counting_dropped() as dropped:
        began, began_cpu = time.perf_counter(), time.process_time()
        with reporter.task(f"{nodes:,} nodes: starting", nodes) as update:
            async with Cluster(nodes=nodes, clock="virtual", **gc_options) as cluster:
                await _until_ready(cluster, nodes)
                update(nodes)
                start = time.perf_counter() - began
                start_cpu = time.process_time() - began_cpu
                shaped = [_shaped_pod(i) for i in range(pods)]
                with (
                    reporter.task(f"{nodes:,} nodes: {pods:,} pods to Running", pods) as done,
                    # The start's objects out of the collector's sight, unless the cluster
                    # freezes the heap itself (gc_freeze): an unfreeze here would undo its
                    # bookkeeping, and its next settle rescan the whole heap (minutes at
                    # 150,000 pods).
                    frozen_heap(not gc_options.get("gc_freeze")),
                ):
                    t0, cpu = time.perf_counter(), time.process_time()
                    async with asyncio.TaskGroup() as group:
                        group.create_task(_create_all(cluster, shaped))
                        await _until_running(cluster, pods, done)
                    elapsed = time.perf_counter() - t0
                    cpu = time.process_time() - cpu
                await cluster.settle(timeout=3600)  # the Events still queued count too
    return ClusterRun(
        nodes=nodes,
        pods=pods,
        start=start,
        start_cpu=start_cpu,
        e2e=pods / elapsed,
        cpu_per_pod=cpu / pods * 1e3,
        dropped=dropped[0],
        peak_rss=_peak_rss_mib(),
    )


async def _register_nodes(nodes: int) -> float:
    """Wall seconds to create ``nodes`` Node objects through a bare control plane's client."""
    async with Cluster(controllers=(), scheduler=False) as cluster:
        began = time.perf_counter()
        for i in range(nodes):
            await cluster.client.create(make_node(i))
        return time.perf_counter() - began


def _basic(nodes: int, pods: int) -> Workload:
    return Workload(
        f"SchedulingBasic/{nodes}Nodes",
        nodes,
        min(pods, 1000),
        pods,
        make_node,
        lambda i: make_pod(f"init-{i}"),
        lambda i: make_pod(f"pod-{i}"),
    )


def _profiled(call: Callable[[], Any], console: Console, pods: int, top: int, out: str) -> Any:
    profiler = cProfile.Profile()
    result = profiler.runcall(call)
    if out:
        profiler.dump_stats(out)
    stats = pstats.Stats(profiler)
    calls = sum(s[1] for s in stats.stats.values())  # type: ignore[attr-defined]
    total = stats.total_tt  # type: ignore[attr-defined]
    console.print(
        f"profile: {calls / pods:,.0f} Python calls per pod, {total / pods * 1e3:.2f} ms per pod"
        " under cProfile (set-up included)"
    )
    stats.sort_stats("tottime").print_stats(top)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--nodes",
        default="1000,5000",
        type=lambda text: [int(n) for n in text.split(",")],
        help="node counts, comma-separated",
    )
    parser.add_argument("--pods", type=int, default=2_000, help="pods per node count")
    parser.add_argument("--creates", type=int, default=2_000, help="sequential creates measured")
    parser.add_argument(
        "--envelope", action="store_true", help="also 5,000 nodes and 150,000 pods (30 a node)"
    )
    parser.add_argument(
        "--profile", action="store_true", help="profile the first whole-cluster run"
    )
    parser.add_argument("--top", type=int, default=30, help="functions the profile lists")
    parser.add_argument("--profile-out", default="", help="write the profile's stats here")
    parser.add_argument("--skip-baselines", action="store_true", help="the cluster runs only")
    parser.add_argument(
        "--gc-options",
        action="store_true",
        help="clusters made with gc_freeze=True, gc_threshold=50_000 (the process's collector)",
    )
    args = parser.parse_args(argv)
    gc_options = GC_OPTIONS if args.gc_options else {}
    configure_logging()  # warnings only
    console = Console(width=140)
    reporter = Reporter(console)
    runs: list[ClusterRun] = []
    figures: list[Figure] = []
    with reporter.progress:
        reporter.line(f"garbage collector: {_described(gc_options)}")
        sizes = [(n, args.pods) for n in args.nodes]
        if args.envelope:
            sizes.append((5_000, 150_000))
        for index, (nodes, pods) in enumerate(sizes):

            def whole(nodes: int = nodes, pods: int = pods) -> ClusterRun:
                return run(_whole_cluster, nodes, pods, reporter, gc_options)

            if args.profile and index == 0:
                runs.append(_profiled(whole, console, pods, args.top, args.profile_out))
            else:
                runs.append(whole())
            reporter.line(f"{nodes:,} nodes: {runs[-1]}")
        if not args.skip_baselines:
            figures = _baselines(args, reporter, runs)
    _print_runs(console, runs)
    if figures:
        print_figures("cluster scale: targets beside their same-run baselines", figures, console)
    return 0


def _described(gc_options: dict[str, Any]) -> str:
    if not gc_options:
        return "as the process has it (the clusters ask for nothing)"
    return "Cluster(" + ", ".join(f"{k}={v!r}" for k, v in gc_options.items()) + ")"


def _baselines(
    args: argparse.Namespace, reporter: Reporter, runs: list[ClusterRun]
) -> list[Figure]:
    figures: list[Figure] = []
    framework_at: dict[int, tuple[Workload, float]] = {}
    for result in runs:
        work = _basic(result.nodes, min(result.pods, 2_000))
        framework = run_framework(work, reporter.progress, 0)
        framework_at[result.nodes] = (work, framework.average)
        reporter.line(f"framework alone at {result.nodes:,} nodes: {framework.average:,.0f} pods/s")
        registered = run(_register_nodes, result.nodes)
        reporter.line(f"{result.nodes:,} Node creates: {registered:.2f} s")
        figures += [
            Figure(
                name=f"end to end, {result.nodes:,} nodes, {result.pods:,} pods",
                value=result.e2e,
                unit="pods/s",
                baseline_name="framework alone",
                baseline=framework.average,
                target=f">= 500 pods/s (Go's scheduler alone: {GO_SCHEDULER:.0f})",
            ),
            Figure(
                name=f"cluster start, {result.nodes:,} nodes",
                value=result.start,
                unit="s",
                baseline_name="the Node creates alone",
                baseline=registered,
                target="<= 5 s at 5,000 nodes",
                higher_is_better=False,
            ),
        ]
    largest = max(r.nodes for r in runs)
    work, alone = framework_at[largest]
    scheduler = run(lambda: run_e2e(work, control_plane, reporter.progress))
    figures.append(
        Figure(
            name=f"scheduler end to end, {largest:,} nodes",
            value=scheduler.average,
            unit="pods/s",
            baseline_name="framework alone",
            baseline=alone,
            target=">= 0.5x",
        )
    )
    raw, api = run(_throughput, args.creates, clock="real")
    for verb, clients, target in (
        ("create", "sequential", ">= 0.3x"),
        ("concurrent create", "16 concurrent clients", ">= 0.3x (group commit)"),
    ):
        figures.append(
            Figure(
                name=f"apiserver create ({clients})",
                value=api[verb],
                unit="obj/s",
                baseline_name=f"etcd actor create, {clients}",
                baseline=raw[verb],
                target=target,
            )
        )
    return figures


def _print_runs(console: Console, runs: Sequence[ClusterRun]) -> None:
    table = Table(title="the whole cluster: apply Pods -> every Pod Running (virtual time)")
    columns = (
        "nodes",
        "pods",
        "end to end pods/s",
        "CPU ms/pod",
        "pods/CPU-s",
        "cluster start s (CPU s)",
        "Events dropped",
        "peak RSS MiB",
    )
    for column in columns:
        table.add_column(column, justify="right")
    for r in runs:
        table.add_row(
            f"{r.nodes:,}",
            f"{r.pods:,}",
            f"{r.e2e:,.0f}",
            f"{r.cpu_per_pod:.2f}",
            f"{1e3 / r.cpu_per_pod:,.0f}",
            f"{r.start:.1f} ({r.start_cpu:.1f})",
            f"{r.dropped:,}",
            f"{r.peak_rss:,.0f}",
        )
    console.print(table)


if __name__ == "__main__":
    sys.exit(main())
