"""The scheduler benchmark: workloads shaped like kube-scheduler's scheduler_perf suite.

``kube-actors bench scheduler`` and ``python -m benchmarks.scheduler`` run this. Each workload
creates nodes (4 CPU, 32Gi, 110 pods), schedules the initial pods, then measures the measured
pods. Modes:

- ``framework``: the framework alone against the node snapshot, the hot path: PreFilter,
  Filter, Score, the choice, and the assumption of the pod on its node;
- ``e2e``: a control plane (the etcd and apiserver actors) with the Scheduler actor; the nodes
  are Node objects created through the client (no kubelets, as scheduler_perf does), the pods
  are created through the apiserver by ``--clients`` concurrent creators, and a pod counts
  when the watch shows it bound. On virtual or real time (``--clock``); throughput is always
  measured on the wall clock.

SchedulingThroughput is reported as scheduler_perf does: per-second samples of pods scheduled,
their average and 50th/90th/99th percentiles. Beside it: per-pod latency percentiles (framework:
one cycle; e2e: create to bound), the process's peak memory, the pure-Python reference framework
(the same plugins, node by node) on a few pods of the same workload, and Kubernetes' own figures
(Go, kube-scheduler v1.36 on a 2-core machine) as constants. ``--profile`` says where the e2e
time goes, per package of kube_actors.

The e2e mode builds a control plane with ``control_plane`` unless it is given another
``ClusterFactory``.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import pstats
import random
import resource
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager, contextmanager
from typing import Any, Protocol

import attrs
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from ..actors import run
from ..api import (
    Affinity,
    Container,
    ContainerPort,
    LabelSelector,
    LabelSelectorRequirement,
    Namespace,
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
    PriorityClass,
    ResourceRequirements,
    Taint,
    TopologySpreadConstraint,
    evolve,
)
from ..client import Client
from ..cluster import Cluster
from ..scheduler import SchedulerSettings
from ..scheduler.framework import (
    CycleState,
    FitError,
    Framework,
    PodInfo,
    Profile,
    ScheduleResult,
    Snapshot,
)
from ..scheduler.plugins import DefaultPreemption, in_tree_registry
from ..scheduler.plugins.default_preemption import pick_one

__all__ = [
    "GO_PODS_PER_SECOND",
    "ClusterFactory",
    "Figures",
    "Workload",
    "main",
    "run_e2e",
    "run_framework",
    "workloads",
]


class _Cluster(Protocol):
    @property
    def client(self) -> Client: ...


#: Builds a control plane running a scheduler with these settings, without nodes or
#: controllers (``lambda s: Cluster(scheduler=s, controllers=())``).
ClusterFactory = Callable[[SchedulerSettings], AbstractAsyncContextManager[_Cluster]]

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
        spec=PodSpec(
            containers=[container],
            priority=priority,
            # The apiserver's Priority admission resolves the class (run_e2e creates it).
            priority_class_name=f"priority-{priority}" if priority is not None else "",
            **spec,
        ),
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


@contextmanager
def frozen_heap(enabled: bool) -> Iterator[None]:
    """While measuring, the objects built in the set-up (nodes, initial pods, caches) are out
    of the cyclic collector's sight (``gc.freeze``), as long-lived Python services do: its
    full collections would otherwise rescan the whole cluster every few thousand
    allocations and be charged to whichever pod was being scheduled. Both modes do it."""
    if not enabled:
        yield
        return
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def run_framework(
    workload: Workload, progress: Progress, reference_pods: int, *, freeze: bool = True
) -> Figures:
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
    with frozen_heap(freeze):
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
        figures = evolve(figures, reference_us_per_pod=_reference(workload, run, reference_pods))
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


# ------------------------------------------------------------------------ end to end


class _Bindings:
    """Watches pods: when each was first seen bound. It also plays the missing kubelets'
    one part a workload needs: a bound pod deleted gracefully (a preemption victim) is
    removed at once, as kwok's fake nodes do."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.bound: dict[str, float] = {}
        self.waiting: set[str] = set()
        self.changed = asyncio.Event()

    async def run(self, resource_version: str) -> None:
        clock = time.perf_counter
        stream = await self.client.watch(
            Pod, resource_version=resource_version, allow_bookmarks=False
        )
        try:
            while batch := await stream.next_batch():
                now = clock()
                for event in batch:
                    pod = event.obj
                    if pod is None or event.type == "DELETED":
                        continue
                    meta = pod.metadata
                    if pod.spec.node_name and meta.name not in self.bound:
                        self.bound[meta.name] = now
                        self.waiting.discard(meta.name)
                    if pod.spec.node_name and meta.deletion_timestamp is not None:
                        await self.client.delete(
                            Pod,
                            meta.name,
                            namespace=meta.namespace,
                            grace_period_seconds=0,
                            ignore_not_found=True,
                        )
                self.changed.set()
        finally:
            stream.close()

    async def wait_for(self, names: Sequence[str], on_progress: Callable[[int], None]) -> None:
        self.waiting = set(names).difference(self.bound)
        while True:
            on_progress(len(names) - len(self.waiting))
            if not self.waiting:
                return
            self.changed.clear()
            await self.changed.wait()


async def _create_all(client: Client, objects: Sequence[Any], clients: int) -> list[float]:
    """Create ``objects`` with ``clients`` concurrent creators; when each create was sent."""
    sent = [0.0] * len(objects)
    cursor = iter(range(len(objects)))
    clock = time.perf_counter

    async def creator() -> None:
        for i in cursor:
            sent[i] = clock()
            await client.create(objects[i])

    async with asyncio.TaskGroup() as group:
        for _ in range(max(clients, 1)):
            group.create_task(creator())
    return sent


async def run_e2e(
    workload: Workload,
    make_cluster: ClusterFactory,
    progress: Progress,
    *,
    clients: int = 16,
    events: bool = True,
    freeze: bool = True,
) -> Figures:
    """Pods created through the apiserver until bound by the Scheduler actor."""
    total = workload.init_pods + workload.measure_pods
    task = progress.add_task(f"{workload.name} e2e", total=workload.nodes + total)
    async with make_cluster(SchedulerSettings(events=events)) as cluster:
        client = cluster.client
        if workload.preemption:
            for value in (1, 10):
                name = f"priority-{value}"
                await client.create(PriorityClass(metadata=ObjectMeta(name=name), value=value))
        await _create_all(client, [workload.node(i) for i in range(workload.nodes)], clients)
        progress.advance(task, workload.nodes)
        page = await client.list_page(Pod)
        bindings = _Bindings(client)
        async with asyncio.TaskGroup() as group:
            watcher = group.create_task(bindings.run(page.resource_version))
            init = [workload.init_pod(i) for i in range(workload.init_pods)]
            measured = [workload.measure_pod(i) for i in range(workload.measure_pods)]
            for namespace in sorted({p.metadata.namespace for p in (*init, *measured)}):
                if namespace != "default":
                    await client.create(Namespace(metadata=ObjectMeta(name=namespace)))
            await _create_all(client, init, clients)
            init_names = [p.metadata.name for p in init]
            done = workload.nodes

            def advance(count: int) -> None:
                progress.update(task, completed=done + count)

            await bindings.wait_for(init_names, advance)
            done += len(init_names)
            names = [p.metadata.name for p in measured]
            with frozen_heap(freeze):
                begin = time.perf_counter()
                creating = group.create_task(_create_all(client, measured, clients))
                await bindings.wait_for(names, advance)
                sent = await creating
            watcher.cancel()
    finished = [bindings.bound[name] for name in names]
    latencies = [end - start for end, start in zip(finished, sent, strict=True)]
    return throughput_figures(workload.name, "e2e", finished, latencies, begin)


def _profiled(call: Callable[[], Figures], console: Console) -> Figures:
    """Run ``call`` under cProfile and print the self time per kube_actors package."""
    profiler = cProfile.Profile()
    figures = profiler.runcall(call)
    stats = pstats.Stats(profiler)
    per_package: dict[str, float] = defaultdict(float)
    total = 0.0
    for (filename, _, _), (_, _, self_time, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        total += self_time
        per_package[_package(filename)] += self_time
    table = Table(title="where the e2e time goes (self time under cProfile)")
    table.add_column("package")
    table.add_column("seconds", justify="right")
    table.add_column("share", justify="right")
    for name, seconds in sorted(per_package.items(), key=lambda kv: -kv[1])[:12]:
        table.add_row(name, f"{seconds:.2f}", f"{seconds / total:.0%}")
    console.print(table)
    return figures


def _package(filename: str) -> str:
    marker = "kube_actors/"
    if marker in filename:
        if filename.endswith("bench/_scheduler.py"):
            return "the benchmark itself (creators, watcher)"
        parts = filename.split(marker, 1)[1].split("/")
        return "kube_actors." + parts[0].removesuffix(".py")
    for name in ("asyncio", "numpy", "attrs", "cattrs", "structlog", "anyio", "rich"):
        if f"/{name}/" in filename:
            return name
    if filename == "~":
        return "builtins (C functions)"
    return "other" if filename.startswith(("/", "<frozen")) else filename


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


def parser(prog: str = "kube-actors bench scheduler") -> argparse.ArgumentParser:
    """The benchmark's options (the command line adds them to its ``bench scheduler``)."""
    result = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    add_arguments(result)
    return result


def _workload_prefix(value: str) -> str:
    """An argparse type: a prefix of at least one workload's name, or an error naming them."""
    names = [w.name for w in workloads()]
    if not any(name.startswith(value) for name in names):
        raise argparse.ArgumentTypeError(
            f"no workload named {value!r} (nor starting so); the workloads are: " + ", ".join(names)
        )
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.ArgumentDefaultsHelpFormatter
    parser.epilog = "workloads (scheduler_perf's): " + ", ".join(w.name for w in workloads())
    parser.add_argument(
        "--mode",
        choices=["framework", "e2e", "both"],
        default="framework",
        help="the scheduling framework alone, the whole path through the apiserver, or both",
    )
    parser.add_argument(
        "--workload",
        action="append",
        type=_workload_prefix,
        help="a workload name or a prefix of names (repeatable; none given: all, listed below)",
    )
    parser.add_argument("--reference-pods", type=int, default=20, help="pods for the reference")
    parser.add_argument(
        "--clock", choices=["virtual", "real"], default="virtual", help="e2e: the cluster's clock"
    )
    parser.add_argument("--clients", type=int, default=16, help="e2e: concurrent pod creators")
    parser.add_argument(
        "--no-events", action="store_true", help="e2e: no Scheduled Events (one write less)"
    )
    parser.add_argument("--profile", action="store_true", help="e2e: where the time goes")
    parser.add_argument(
        "--no-gc-freeze",
        action="store_true",
        help="leave the set-up's objects to the cyclic garbage collector while measuring",
    )
    parser.add_argument("--json", default="", help="write the figures to this file")


def control_plane(settings: SchedulerSettings) -> Cluster:
    """A control plane and the scheduler: no controllers, no kubelets (as scheduler_perf)."""
    return Cluster(scheduler=settings, controllers=())


def main(args: argparse.Namespace, make_cluster: ClusterFactory = control_plane) -> int:
    """Run the chosen workloads in the chosen modes; print the table (and write JSON)."""
    console = Console(width=160)
    chosen = [
        w
        for w in workloads()
        if not args.workload or any(w.name.startswith(prefix) for prefix in args.workload)
    ]
    factory = make_cluster
    results: list[Figures] = []
    with Progress(console=console, transient=True) as progress:
        for workload in chosen:
            if args.mode in ("framework", "both"):
                results.append(
                    run_framework(
                        workload, progress, args.reference_pods, freeze=not args.no_gc_freeze
                    )
                )
            if args.mode in ("e2e", "both"):

                def e2e(workload: Workload = workload) -> Figures:
                    return run(
                        lambda: run_e2e(
                            workload,
                            factory,
                            progress,
                            clients=args.clients,
                            events=not args.no_events,
                            freeze=not args.no_gc_freeze,
                        ),
                        clock=args.clock,
                    )

                results.append(_profiled(e2e, console) if args.profile else e2e())
    print_table(console, results)
    if args.json:
        with open(args.json, "w") as out:
            json.dump([attrs.asdict(f) for f in results], out, indent=2)
    return 0
