"""Idle cluster benchmark: how much faster than real time an idle cluster runs (issue #22).

Run with ``python -m benchmarks.idle_cluster`` (``--nodes 10,100,1000,5000``, ``--horizon``
simulated seconds, 600 by default).

For each size: a cluster of fake nodes on virtual time with every component on and nothing
applied settles, then ``settle(horizon=...)`` lets the simulated time run; every kubelet
renews its Lease every 10 s through the apiserver and checks its node status. Printed:
simulated seconds per wall second, simulated seconds per CPU second (the same on a machine
that runs nothing else), and the CPU of one node's 10-second heartbeat (the process's CPU
time over nodes x horizon / 10).

Each size is measured twice (``--collector both``), on two clusters: first as it runs by
default (``as-is``), then (``tuned``) made with
``Cluster(gc_freeze=True, gc_threshold=50_000)``, which takes the cluster's objects out of the
cyclic collector's sight whenever it settles after much work and makes young collections
rarer (``docs/how-to/simulate-large-clusters.md``): at 1,000 nodes CPython's full
collections, which rescan the whole cluster's objects, are otherwise a third of the cost,
and young ones a tenth of the rest. A progress line follows the simulated time.

Baseline, measured in the same run: a bare loop of as many asyncio timers, each ticking
every 10 s for the same simulated time on the same virtual clock (what a heartbeat costs
with no Kubernetes at all). Targets: 1,000 nodes at least 100x real time, 5,000 at least 20x.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import time
from collections.abc import Callable

import anyio
from rich.console import Console
from rich.progress import Progress

from kube_actors import Cluster
from kube_actors.actors import monotonic, run
from kube_actors.cli._logging import configure_logging

from ._report import Figure, print_figures

#: A kubelet's Lease renewal interval (and node status check), in simulated seconds.
HEARTBEAT = 10.0
_TARGETS = {1_000: ">= 100x real time", 5_000: ">= 20x real time"}


#: The collector's first threshold of the tuned run (CPython's is 700).
GC_THRESHOLD = 50_000
#: Simulated seconds per progress step of a long run.
_STEP = 60.0
_Run = tuple[float, float, float]  # simulated seconds, wall seconds, CPU seconds


async def _idle_cluster(
    nodes: int, horizon: float, tuned: bool, advance: Callable[[float], None]
) -> _Run:
    """An idle cluster's ``horizon``, its collector as it is or ``tuned``; ``advance`` is
    told the simulated seconds done."""
    async with Cluster(
        nodes=nodes,
        clock="virtual",
        gc_freeze=tuned,
        gc_threshold=GC_THRESHOLD if tuned else None,
    ) as cluster:
        await cluster.settle(timeout=3600)
        await cluster.settle(horizon=60, timeout=3600)  # past registration and first syncs
        return await _timed(cluster, horizon, advance)


async def _timed(cluster: Cluster, horizon: float, advance: Callable[[float], None]) -> _Run:
    wall, cpu, simulated = time.perf_counter(), time.process_time(), monotonic()
    left = horizon
    while left > 0:
        step = min(_STEP, left)
        await cluster.settle(horizon=step, timeout=3600)
        left -= step
        advance(step)
    return monotonic() - simulated, time.perf_counter() - wall, time.process_time() - cpu


async def _bare_timers(count: int, horizon: float) -> tuple[float, float, float]:
    """The same, for ``count`` asyncio timers ticking every 10 s and doing nothing else."""
    loop = asyncio.get_running_loop()
    ticks = int(horizon // HEARTBEAT)

    async def tick() -> None:
        for _ in range(ticks):
            await asyncio.sleep(HEARTBEAT)

    wall, cpu, simulated = time.perf_counter(), time.process_time(), loop.time()
    async with anyio.create_task_group() as group:
        for _ in range(count):
            group.start_soon(tick)
    return loop.time() - simulated, time.perf_counter() - wall, time.process_time() - cpu


#: Which clusters ``--collector`` runs: as it is, tuned, or both.
_COLLECTORS = {"as-is": (False,), "tuned": (True,), "both": (False, True)}


def _figures(
    nodes: int, horizon: float, progress: Progress, tuned: tuple[bool, ...]
) -> list[Figure]:
    task = progress.add_task(f"{nodes:,} idle nodes (simulated s)", total=len(tuned) * horizon)

    def advance(step: float) -> None:
        progress.advance(task, step)

    # Each run starts from a collected heap: the garbage of the run before (a whole
    # cluster) would otherwise be scanned by the next run's collections, and the bare
    # timers' baseline was found twice as costly after two clusters as alone.
    runs: list[tuple[str, _Run]] = []
    for collector_tuned in tuned:
        gc.collect()
        label = f", gc_freeze, gc_threshold={GC_THRESHOLD:,}" if collector_tuned else ""
        runs.append((label, run(_idle_cluster, nodes, horizon, collector_tuned, advance)))
    gc.collect()
    b_simulated, b_wall, b_cpu = run(_bare_timers, nodes, horizon)
    b_beats = nodes * b_simulated / HEARTBEAT
    figures = []
    for label, (simulated, wall, cpu) in runs:
        beats = nodes * simulated / HEARTBEAT
        figures += [
            Figure(
                name=f"{nodes:,} idle nodes{label}: simulated s per wall s",
                value=simulated / wall,
                unit="x",
                baseline_name=f"{nodes:,} bare 10 s timers",
                baseline=b_simulated / b_wall,
                target=_TARGETS.get(nodes, "-"),
            ),
            Figure(  # what a core of its own would give, whatever else the machine runs
                name=f"{nodes:,} idle nodes{label}: simulated s per CPU s",
                value=simulated / cpu,
                unit="x",
                baseline_name=f"{nodes:,} bare 10 s timers",
                baseline=b_simulated / b_cpu,
                target=_TARGETS.get(nodes, "-"),
            ),
            Figure(
                name=f"{nodes:,} idle nodes{label}: CPU per heartbeat",
                value=cpu / beats * 1e6,
                unit="µs",
                baseline_name="one bare timer tick",
                baseline=b_cpu / b_beats * 1e6,
                target="< 100 µs" if nodes == 1_000 else "-",
                higher_is_better=False,
            ),
        ]
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", default="10,100,1000,5000", help="comma-separated sizes")
    parser.add_argument("--horizon", type=float, default=600.0, help="simulated seconds")
    parser.add_argument(
        "--collector",
        choices=sorted(_COLLECTORS),
        default="both",
        help="the cluster as it is, tuned (gc_freeze, gc_threshold), or both (default)",
    )
    args = parser.parse_args(argv)
    configure_logging()
    console = Console()
    figures: list[Figure] = []
    with Progress(console=console, transient=True) as progress:
        for nodes in (int(n.replace("_", "")) for n in args.nodes.split(",")):
            figures.extend(_figures(nodes, args.horizon, progress, _COLLECTORS[args.collector]))
    print_figures("kube_actors idle cluster", figures, console)


if __name__ == "__main__":
    main()
