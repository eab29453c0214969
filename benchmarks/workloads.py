"""Workloads benchmark: one Deployment of 10,000 replicas on 1,000 fake nodes.

Run with ``python -m benchmarks.workloads`` (``--nodes``, ``--replicas`` to change the size).

Everything runs on virtual time with every built-in controller, the real scheduler and one
kubelet per node on the fake runtime (``kubelet_events=False``). Two phases, each timed from
the write to the moment the Deployment reports it done, by watching it:

1. *apply -> Available*: the Deployment is created; done when every replica is updated and
   available;
2. *rolling update*: the image is changed (maxSurge and maxUnavailable 25 %); done when every
   replica runs the new image and is available, and no old Pod is left.

For each: wall time, Pods per wall second (Pods created in the phase), simulated seconds,
and the process's peak resident memory (``ru_maxrss``) at its end.
"""

from __future__ import annotations

import argparse
import gc
import resource
import time
from typing import Any

import attrs
from rich.console import Console
from rich.table import Table

from kube_actors import Cluster
from kube_actors.actors import monotonic, run
from kube_actors.api import (
    Container,
    Deployment,
    DeploymentSpec,
    LabelSelector,
    ObjectMeta,
    PodSpec,
    PodTemplateSpec,
)
from kube_actors.cli._logging import configure_logging

#: Long enough for any size on the simulated clock; the benchmark never waits for it.
DEADLINE = 24 * 3600.0


@attrs.frozen(kw_only=True)
class Phase:
    name: str
    pods: int
    wall: float
    simulated: float
    peak_rss: int  # bytes

    @property
    def pods_per_s(self) -> float:
        return self.pods / self.wall if self.wall else float("nan")


def _peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def _deployment(replicas: int) -> Deployment:
    labels = {"app": "web"}
    return Deployment(
        metadata=ObjectMeta(name="web", namespace="default"),
        spec=DeploymentSpec(
            replicas=replicas,
            selector=LabelSelector(match_labels=labels),
            template=PodTemplateSpec(
                metadata=ObjectMeta(labels=labels),
                spec=PodSpec(containers=[Container(name="web", image="nginx:1.0")]),
            ),
        ),
    )


def _rolled_out(replicas: int) -> Any:
    def done(d: Deployment) -> bool:
        s = d.status
        return (
            s.observed_generation >= d.metadata.generation
            and s.replicas == s.updated_replicas == s.available_replicas == replicas
        )

    return done


async def _phase(cluster: Cluster, name: str, pods: int, write: Any, replicas: int) -> Phase:
    gc.collect()
    start, simulated = time.perf_counter(), monotonic()
    await write()
    await cluster.wait_for(Deployment, "web", condition=_rolled_out(replicas), timeout=DEADLINE)
    return Phase(
        name=name,
        pods=pods,
        wall=time.perf_counter() - start,
        simulated=monotonic() - simulated,
        peak_rss=_peak_rss(),
    )


async def _bench(nodes: int, replicas: int) -> tuple[float, int, list[Phase]]:
    start = time.perf_counter()
    async with Cluster(nodes=nodes, kubelet_events=False, seed=1) as cluster:
        await cluster.settle()
        started = time.perf_counter() - start
        with_nodes = _peak_rss()
        phases = [
            await _phase(
                cluster,
                "apply -> Available",
                replicas,
                lambda: cluster.client.create(_deployment(replicas)),
                replicas,
            ),
            await _phase(
                cluster,
                "rolling update -> complete",
                replicas,
                lambda: cluster.set_image(Deployment, "web", web="nginx:2.0"),
                replicas,
            ),
        ]
    return started, with_nodes, phases


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=1_000)
    parser.add_argument("--replicas", type=int, default=10_000)
    args = parser.parse_args(argv)
    configure_logging()
    console = Console()
    with console.status(f"a Deployment of {args.replicas:,} replicas on {args.nodes:,} nodes"):
        started, with_nodes, phases = run(_bench, args.nodes, args.replicas)
    table = Table(title=f"kube_actors workloads: {args.replicas:,} replicas, {args.nodes:,} nodes")
    for column in ("phase", "wall s", "pods/s", "simulated s", "peak RSS MiB"):
        table.add_column(column, justify="left" if column == "phase" else "right")
    table.add_row(
        f"start {args.nodes:,} nodes", f"{started:,.1f}", "", "", f"{with_nodes / 2**20:,.0f}"
    )
    for phase in phases:
        table.add_row(
            phase.name,
            f"{phase.wall:,.1f}",
            f"{phase.pods_per_s:,.0f}",
            f"{phase.simulated:,.1f}",
            f"{phase.peak_rss / 2**20:,.0f}",
        )
    console.print(table)


if __name__ == "__main__":
    main()
