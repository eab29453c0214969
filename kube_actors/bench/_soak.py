"""The soak: create/delete cycles for simulated hours under random crashes and API faults,
measuring whether the store and the process stay flat and the cluster converges.

Each cycle creates a Deployment of ``replicas`` Pods, waits until it is Available, deletes it
and waits until its last Pod is gone, then lets the rest of the cycle's simulated time pass.
Meanwhile, with the cycle's seeded dice: one random component crashes, and the controllers'
writes meet random conflicts and their watches random ``Gone``s. After every cycle a sample
records the store's keys and history, the Events held, and the process's resident memory.

The store grows for the first hour (Events live an hour: ``--event-ttl``) and must then be
flat; ``slope`` fits a line through the samples after that hour. At the end every fault is
lifted and the cluster must converge: no Pod, ReplicaSet or Deployment of the soak left,
every component running and none crash looping.
"""

from __future__ import annotations

import gc
import os
import resource
import time
from collections.abc import Callable, Sequence

import anyio
import attrs

from ..actors import monotonic
from ..api import (
    Container,
    Deployment,
    DeploymentSpec,
    Event,
    LabelSelector,
    ObjectMeta,
    Pod,
    PodSpec,
    PodTemplateSpec,
    ReplicaSet,
)
from ..cluster import Cluster
from ..etcd import MemoryBackend, Range

__all__ = ["SoakReport", "SoakSample", "run_soak", "slope"]

_NAMESPACE = "default"
_NAME = "soak"


@attrs.frozen(kw_only=True)
class SoakSample:
    """The cluster after one cycle."""

    cycle: int
    #: Simulated seconds since the soak started.
    at: float
    #: Keys alive now.
    live_keys: int
    #: Keys with any history since the last compaction (deleted ones included).
    store_keys: int
    #: Revisions kept for watchers starting in the past (compaction trims them).
    store_history: int
    events: int
    #: The process's resident memory, MiB.
    rss_mib: float


@attrs.frozen(kw_only=True)
class SoakReport:
    samples: tuple[SoakSample, ...]
    crashes: int
    #: Writes and watches the faults broke.
    faults_fired: int
    converged: bool
    #: What did not converge (empty if it did).
    problems: tuple[str, ...]
    wall_seconds: float


def slope(points: Sequence[tuple[float, float]]) -> float:
    """Least-squares slope of ``(x, y)`` points (0 for fewer than two)."""
    if len(points) < 2:
        return 0.0
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    if spread == 0:
        return 0.0
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread


def _rss_mib() -> float:
    """The current resident set (Linux ``/proc``), else the peak (``ru_maxrss``)."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _deployment(replicas: int) -> Deployment:
    labels = {"app": _NAME}
    return Deployment(
        metadata=ObjectMeta(name=_NAME, namespace=_NAMESPACE, labels=labels),
        spec=DeploymentSpec(
            replicas=replicas,
            selector=LabelSelector(match_labels=labels),
            template=PodTemplateSpec(
                metadata=ObjectMeta(labels=labels),
                spec=PodSpec(containers=[Container(name="app", image="nginx")]),
            ),
        ),
    )


async def run_soak(
    *,
    nodes: int = 3,
    replicas: int = 50,
    cycles: int = 24,
    cycle_seconds: float = 600.0,
    crash_probability: float = 0.5,
    fault_probability: float = 0.05,
    seed: int = 1,
    watch_cache_size: int = 10_000,
    on_sample: Callable[[SoakSample], None] | None = None,
) -> SoakReport:
    """Run the soak on the running loop (virtual time: ``kube_actors.actors.run``)."""
    backend = MemoryBackend()
    started = time.perf_counter()
    crashes = fired = 0
    samples: list[SoakSample] = []
    async with Cluster(
        nodes=nodes, store=backend, seed=seed, watch_cache_size=watch_cache_size
    ) as cluster:
        dice = cluster.system.random
        components = sorted(cluster.health())
        begin = monotonic()
        for cycle in range(cycles):
            cycle_start = monotonic()
            conflicts = cluster.faults.conflicts(
                component="*-controller", probability=fault_probability
            )
            gone = cluster.faults.gone(component="*-controller", probability=fault_probability)
            with conflicts, gone:
                await cluster.apply(_deployment(replicas))
                if dice.random() < crash_probability:
                    victim = dice.choice(components)
                    await cluster.crash(victim)
                    crashes += 1
                await cluster.wait_for(
                    Deployment, _NAME, namespace=_NAMESPACE, condition="Available", timeout=3600
                )
                await cluster.client.delete(Deployment, _NAME, namespace=_NAMESPACE)
                await _wait_pods_gone(cluster)
            fired += conflicts.fired + gone.fired
            rest = cycle_start + cycle_seconds - monotonic()
            if rest > 0:
                await anyio.sleep(rest)
            await cluster.settle()
            samples.append(await _sample(cluster, backend, cycle, monotonic() - begin))
            if on_sample is not None:
                on_sample(samples[-1])
        problems = await _convergence_problems(cluster)
    return SoakReport(
        samples=tuple(samples),
        crashes=crashes,
        faults_fired=fired,
        converged=not problems,
        problems=tuple(problems),
        wall_seconds=time.perf_counter() - started,
    )


async def _wait_pods_gone(cluster: Cluster) -> None:
    """Poll once a simulated second: the garbage collector deletes the Pods after their
    ReplicaSet, and a crash may hold it up for a while."""
    for _ in range(3600):
        if not await cluster.client.list(Pod, namespace=_NAMESPACE):
            return
        await anyio.sleep(1.0)
    raise TimeoutError("the soak's Pods are still there an hour after their Deployment went")


async def _sample(cluster: Cluster, backend: MemoryBackend, cycle: int, at: float) -> SoakSample:
    gc.collect()
    store = backend.statistics()
    return SoakSample(
        cycle=cycle,
        at=at,
        live_keys=backend.range(Range.prefix("/", count_only=True)).count,
        store_keys=store.keys,
        store_history=store.history,
        events=len(await cluster.client.list(Event)),
        rss_mib=_rss_mib(),
    )


async def _convergence_problems(cluster: Cluster) -> list[str]:
    cluster.faults.clear()
    await anyio.sleep(60)  # every back-off and quarantine runs out
    await cluster.settle()
    problems = []
    for kind in (Deployment, ReplicaSet, Pod):
        left = await cluster.client.list(kind, namespace=_NAMESPACE)
        if left:
            problems.append(f"{len(left)} {kind.__name__}(s) left")
    for name, health in cluster.health().items():
        if not health.healthy:
            problems.append(f"{name} is {health.state}, crash looping: {health.crash_looping}")
    return problems
