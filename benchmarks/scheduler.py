"""Scheduler benchmark: workloads shaped like kube-scheduler's scheduler_perf suite.

Run with ``python -m benchmarks.scheduler`` (or ``kube-actors bench scheduler``). Each workload
creates nodes (4 CPU, 32Gi, 110 pods), schedules the initial pods, then measures the measured
pods. Modes:

- ``framework``: the framework alone against the node snapshot — the hot path: PreFilter,
  Filter, Score, the choice, and the assumption of the pod on its node;
- ``e2e``: through a whole control plane (apiserver and etcd actors, the Scheduler actor):
  pods created → bound (needs ``kube_actors.scheduler.Scheduler``).

SchedulingThroughput is reported as scheduler_perf does: the average and the 50th/90th/99th
percentiles of per-second samples of pods scheduled. Beside it: per-pod latency percentiles,
the process's peak memory, the pure-Python reference framework (the same plugins, node by
node) measured on a few pods of the same workload, and Kubernetes' own figures (Go,
kube-scheduler v1.36 on a 2-core machine) as constants.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import time
from collections.abc import Callable, Sequence
from typing import Any

import attrs
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from kube_actors.api import (
    Affinity,
    Container,
    ContainerPort,
    LabelSelector,
    LabelSelectorRequirement,
    Node,
    NodeAffinity,
    NodeSelector,
    NodeSelectorRequirement,
    NodeSelectorTerm,
    NodeSpec,
    NodeStatus,
    ObjectMeta,
    Pod,
    PodAffinityTerm,
    PodAntiAffinity,
    PodSpec,
    ResourceRequirements,
    Taint,
    TopologySpreadConstraint,
)
from kube_actors.scheduler import (
    CycleState,
    FitError,
    Framework,
    PodInfo,
    Profile,
    ScheduleResult,
    Snapshot,
    in_tree_registry,
)
from kube_actors.scheduler.plugins import DefaultPreemption
from kube_actors.scheduler.plugins.default_preemption import pick_one

#: Kubernetes' kube-scheduler (Go, v1.36, all default plugins, parallelism 16) on 2 cores.
GO_PODS_PER_SECOND: dict[str, float] = {
    "SchedulingBasic/500Nodes": 1250,
    "SchedulingBasic/5000Nodes": 471,
    "SchedulingBasic/5000Nodes_10000Pods": 471,
    "SchedulingNodeAffinity/5000Nodes": 442,
    "TopologySpreading/5000Nodes": 246,
    "PreferredTopologySpreading/5000Nodes": 259,
    "Taints/5000Nodes": 123,
}

ZONE = "topology.kubernetes.io/zone"
HOSTNAME = "kubernetes.io/hostname"


# ----------------------------------------------------------------------------- shapes


def make_node(i: int, labels: dict[str, str] | None = None, taints: Sequence[Taint] = ()) -> Node:
    name = f"node-{i}"
    resources = {"cpu": "4", "memory": "32Gi", "pods": "110"}
    return Node(
        metadata=ObjectMeta(name=name, labels={HOSTNAME: name, **(labels or {})}),
        spec=NodeSpec(taints=taints),
        status=NodeStatus(allocatable=resources, capacity=resources),
    )


def make_pod(
    name: str,
    *,
    namespace: str = "default",
    cpu: str = "100m",
    labels: dict[str, str] | None = None,
    priority: int | None = None,
    **spec: Any,
) -> Pod:
    container = Container(
        name="pause",
        image="registry.k8s.io/pause:3.10",
        ports=[ContainerPort(container_port=80)],
        resources=ResourceRequirements(requests={"cpu": cpu, "memory": "500Mi"}),
    )
    return Pod(
        metadata=ObjectMeta(name=name, namespace=namespace, uid=name, labels=labels or {}),
        spec=PodSpec(containers=[container], priority=priority, **spec),
    )


def _zoned(zones: Sequence[str]) -> Callable[[int], Node]:
    return lambda i: make_node(i, {ZONE: zones[i % len(zones)]})


def _default_pod(prefix: str) -> Callable[[int], Pod]:
    return lambda i: make_pod(f"{prefix}-{i}")


def _affinity_pod(prefix: str) -> Callable[[int], Pod]:
    term = NodeSelectorTerm(
        match_expressions=[
            NodeSelectorRequirement(key=ZONE, operator="In", values=["zone1", "zone2"])
        ]
    )
    affinity = Affinity(
        node_affinity=NodeAffinity(
            required_during_scheduling_ignored_during_execution=NodeSelector(
                node_selector_terms=[term]
            )
        )
    )
    return lambda i: make_pod(f"{prefix}-{i}", affinity=affinity)


def _spread_pod(prefix: str, when: str) -> Callable[[int], Pod]:
    constraint = TopologySpreadConstraint(
        max_skew=5,
        topology_key=ZONE,
        when_unsatisfiable=when,
        label_selector=LabelSelector(match_labels={"color": "blue"}),
    )
    return lambda i: make_pod(
        f"{prefix}-{i}", labels={"color": "blue"}, topology_spread_constraints=[constraint]
    )


def _anti_affinity_pod(prefix: str, namespace: str) -> Callable[[int], Pod]:
    term = PodAffinityTerm(
        label_selector=LabelSelector(
            match_expressions=[
                LabelSelectorRequirement(key="color", operator="In", values=["green"])
            ]
        ),
        topology_key=HOSTNAME,
        namespaces=["sched-0", "sched-1"],
    )
    affinity = Affinity(
        pod_anti_affinity=PodAntiAffinity(
            required_during_scheduling_ignored_during_execution=[term]
        )
    )
    return lambda i: make_pod(
        f"{prefix}-{i}", namespace=namespace, labels={"color": "green"}, affinity=affinity
    )


def _tainted(i: int) -> Node:
    if i % 5 == 4:  # 1,000 of 5,000
        return make_node(i, taints=[Taint(key="dedicated", value="infra", effect="NoSchedule")])
    return make_node(i)


@attrs.frozen
class Workload:
    name: str
    nodes: int
    init_pods: int
    measure_pods: int
    node: Callable[[int], Node]
    init_pod: Callable[[int], Pod]
    measure_pod: Callable[[int], Pod]
    preemption: bool = False


def workloads() -> list[Workload]:
    low = lambda i: make_pod(f"low-{i}", cpu="900m", priority=1)  # noqa: E731
    high = lambda i: make_pod(f"high-{i}", cpu="3000m", priority=10)  # noqa: E731
    moons = _zoned(["moon-1", "moon-2", "moon-3"])
    return [
        Workload(
            "SchedulingBasic/500Nodes",
            500,
            500,
            1000,
            make_node,
            _default_pod("init"),
            _default_pod("pod"),
        ),
        Workload(
            "SchedulingBasic/5000Nodes",
            5000,
            1000,
            1000,
            make_node,
            _default_pod("init"),
            _default_pod("pod"),
        ),
        Workload(
            "SchedulingBasic/5000Nodes_10000Pods",
            5000,
            1000,
            10000,
            make_node,
            _default_pod("init"),
            _default_pod("pod"),
        ),
        Workload(
            "SchedulingNodeAffinity/5000Nodes",
            5000,
            5000,
            1000,
            _zoned(["zone1"]),
            _affinity_pod("init"),
            _affinity_pod("pod"),
        ),
        Workload(
            "TopologySpreading/5000Nodes",
            5000,
            5000,
            2000,
            moons,
            _default_pod("init"),
            _spread_pod("pod", "DoNotSchedule"),
        ),
        Workload(
            "PreferredTopologySpreading/5000Nodes",
            5000,
            5000,
            2000,
            moons,
            _default_pod("init"),
            _spread_pod("pod", "ScheduleAnyway"),
        ),
        Workload(
            "SchedulingPodAntiAffinity/5000Nodes",
            5000,
            1000,
            1000,
            make_node,
            _anti_affinity_pod("init", "sched-0"),
            _anti_affinity_pod("pod", "sched-1"),
        ),
        Workload(
            "Taints/5000Nodes",
            5000,
            1000,
            1000,
            _tainted,
            _default_pod("init"),
            _default_pod("pod"),
        ),
        Workload("PreemptionBasic/500Nodes", 500, 2000, 500, make_node, low, high, preemption=True),
    ]


# ------------------------------------------------------------------------ measuring


@attrs.frozen
class Figures:
    workload: str
    mode: str
    pods: int
    seconds: float
    average: float
    p50: float
    p90: float
    p99: float
    latency_p50_us: float
    latency_p90_us: float
    latency_p99_us: float
    peak_rss_mb: float
    reference_us_per_pod: float | None = None


def _percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def throughput_figures(
    workload: str, mode: str, finished: Sequence[float], latencies: Sequence[float], start: float
) -> Figures:
    """Per-second samples of pods finished, as scheduler_perf's throughput collector."""
    end = max(finished) if finished else start
    elapsed = max(end - start, 1e-9)
    samples: list[float] = []
    second = 1.0
    count = 0
    for t in sorted(finished):
        while t - start > second:
            samples.append(count)
            count = 0
            second += 1.0
        count += 1
    if count:
        samples.append(count / max(elapsed - (second - 1.0), 1e-9) if samples else count / elapsed)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return Figures(
        workload=workload,
        mode=mode,
        pods=len(finished),
        seconds=elapsed,
        average=len(finished) / elapsed,
        p50=_percentile(samples, 0.5),
        p90=_percentile(samples, 0.9),
        p99=_percentile(samples, 0.99),
        latency_p50_us=_percentile(latencies, 0.5) * 1e6,
        latency_p90_us=_percentile(latencies, 0.9) * 1e6,
        latency_p99_us=_percentile(latencies, 0.99) * 1e6,
        peak_rss_mb=rss,
    )


class FrameworkRun:
    """The framework alone: schedule, then assume, pod after pod."""

    def __init__(self, workload: Workload, *, vectorized: bool = True, seed: int = 1) -> None:
        self.snapshot = Snapshot()
        for i in range(workload.nodes):
            self.snapshot.add_node(workload.node(i))
        self.framework = Framework(
            Profile(),
            in_tree_registry(),
            snapshot=self.snapshot,
            rng=random.Random(seed),
            vectorized=vectorized,
        )
        self.start = 0
        self.preemption: DefaultPreemption = self.framework.plugin("DefaultPreemption")

    def schedule(self, pod: PodInfo) -> bool:
        state = CycleState()
        result = self.framework.schedule(state, pod, self.start)
        if isinstance(result, ScheduleResult):
            self.start = (self.start + result.evaluated) % len(self.snapshot)
            self.snapshot.add_pod(pod, result.node.name)
            return True
        if isinstance(result, FitError):
            candidates, _ = self.preemption.find_candidates(state, pod, result.statuses)
            if candidates:
                best = pick_one(candidates)
                for victim in best.victims:
                    self.snapshot.remove_pod(victim.key)
                self.snapshot.add_pod(pod, best.node.name)
                return True
        return False


def run_framework(workload: Workload, progress: Progress, reference_pods: int) -> Figures:
    run = FrameworkRun(workload)
    task = progress.add_task(
        f"{workload.name} framework", total=workload.init_pods + workload.measure_pods
    )
    for i in range(workload.init_pods):
        run.schedule(PodInfo(workload.init_pod(i)))
        progress.advance(task)
    pods = [PodInfo(workload.measure_pod(i)) for i in range(workload.measure_pods)]
    finished: list[float] = []
    latencies: list[float] = []
    clock = time.perf_counter
    begin = clock()
    for pod in pods:
        t0 = clock()
        run.schedule(pod)
        t1 = clock()
        latencies.append(t1 - t0)
        finished.append(t1)
        if len(finished) % 100 == 0:
            progress.advance(task, 100)
    progress.update(task, completed=workload.init_pods + workload.measure_pods)
    figures = throughput_figures(workload.name, "framework", finished, latencies, begin)
    if reference_pods:
        figures = attrs.evolve(
            figures, reference_us_per_pod=_reference(workload, run, reference_pods)
        )
    return figures


def _reference(workload: Workload, fast: FrameworkRun, pods: int) -> float:
    """µs per pod of the pure-Python reference, on the same cluster state."""
    slow = Framework(
        Profile(),
        in_tree_registry(),
        snapshot=fast.snapshot,
        rng=random.Random(2),
        vectorized=False,
    )
    sample = [PodInfo(workload.measure_pod(workload.measure_pods + i)) for i in range(pods)]
    begin = time.perf_counter()
    start = fast.start
    for pod in sample:
        result = slow.schedule(CycleState(), pod, start)
        if isinstance(result, ScheduleResult):
            start = (start + result.evaluated) % len(fast.snapshot)
    return (time.perf_counter() - begin) / pods * 1e6


# --------------------------------------------------------------------------- report


def print_table(console: Console, results: Sequence[Figures]) -> None:
    table = Table(title="scheduler: SchedulingThroughput (pods/s)")
    for column in (
        "workload",
        "mode",
        "avg",
        "p50",
        "p90",
        "p99",
        "lat p50/p99 µs",
        "RSS MB",
        "vs Go",
        "vs reference",
    ):
        table.add_column(column, justify="left" if column in ("workload", "mode") else "right")
    for f in results:
        go = GO_PODS_PER_SECOND.get(f.workload)
        vs_go = f"{f.average / go:.1f}x" if go else "-"
        vs_ref = "-"
        if f.reference_us_per_pod:
            ratio = f.reference_us_per_pod / (1e6 / f.average)
            vs_ref = f"{ratio:.0f}x ({f.reference_us_per_pod:.0f} µs)"
        table.add_row(
            f.workload,
            f.mode,
            f"{f.average:,.0f}",
            f"{f.p50:,.0f}",
            f"{f.p90:,.0f}",
            f"{f.p99:,.0f}",
            f"{f.latency_p50_us:,.0f}/{f.latency_p99_us:,.0f}",
            f"{f.peak_rss_mb:,.0f}",
            vs_go,
            vs_ref,
        )
    console.print(table)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="benchmarks.scheduler", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--mode", choices=["framework", "e2e", "both"], default="framework")
    parser.add_argument("--workload", action="append", help="a workload name (or its prefix)")
    parser.add_argument("--reference-pods", type=int, default=20, help="pods for the reference")
    parser.add_argument("--json", default="", help="write the figures to this file")
    args = parser.parse_args(argv)
    console = Console(width=160)
    chosen = [
        w
        for w in workloads()
        if not args.workload or any(w.name.startswith(prefix) for prefix in args.workload)
    ]
    results: list[Figures] = []
    with Progress(console=console, transient=True) as progress:
        for workload in chosen:
            if args.mode in ("framework", "both"):
                results.append(run_framework(workload, progress, args.reference_pods))
            if args.mode in ("e2e", "both"):
                console.print(f"[yellow]{workload.name}: the end-to-end mode is not built yet")
    print_table(console, results)
    if args.json:
        with open(args.json, "w") as out:
            json.dump([attrs.asdict(f) for f in results], out, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
