"""The highly available control planes as a hypothesis state machine, in virtual time.

``Cluster(control_planes=3)`` with two nodes and a Deployment; the rules stop, start,
partition and heal control planes (the leader of a Lease, or any replica) at any step,
scale and roll the Deployment, write ConfigMaps through one replica or another, and let
simulated time pass. After every step:

- no two terms of one Lease overlapped (``control_planes.history``), and the Lease in the
  store names the holder the history says leads;
- a replica runs a Lease's components (actors named ``control-plane-<i>/<lease>...``) only
  while it leads that Lease: losing it stops them all;
- at most one kube-scheduler runs, and every ``Scheduled`` Event was reported by a scheduler
  (its ``reportingInstance``) inside one of its own terms of ``kube-scheduler``: with terms
  that never overlap, no two schedulers ever bound at the same time;
- no acknowledged write was lost: each ConfigMap whose create was answered is read back
  from every reachable apiserver, and the Deployment's spec is one the writes could leave.

At the end, with every replica started and healed, each Lease has a leader within the
Lease's bounds (lease duration + two retry periods after the last fault) and the rollout
completes. Each example prints its seed: ``Cluster(control_planes=3, seed=...)`` replays it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from hypothesis import note, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from kube_actors.actors import monotonic
from kube_actors.api import ConfigMap, Deployment, Event, Lease, ObjectMeta
from kube_actors.client import Client
from kube_actors.cluster import CONTROLLER_MANAGER_LEASE, SCHEDULER_LEASE, Cluster
from kube_actors.errors import ServiceUnavailable
from kube_actors.testing import ClusterDriver, assert_converged, deployment

R = TypeVar("R")

NS = "default"
LEASES = (SCHEDULER_LEASE, CONTROLLER_MANAGER_LEASE)
PLANES = 3
IMAGES = ("nginx:1", "nginx:2", "nginx:3")
#: Which replica a fault hits: the leader of a Lease, or one by its index.
TARGETS = st.sampled_from([SCHEDULER_LEASE, CONTROLLER_MANAGER_LEASE, *range(PLANES)])
#: How long (simulated seconds) a step lets the cluster run: from no time at all (the next
#: fault lands in the middle of a rollout or an election) to past a Lease's expiry.
SECONDS = st.sampled_from([0.0, 1.0, 3.0, 8.0, 20.0])
#: The Scheduled Events' timestamps are whole seconds (metav1.Time).
EVENT_RESOLUTION = 1.0


class ControlPlanesMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.driver: ClusterDriver | None = None
        self.stopped: set[int] = set()
        self.partitioned: set[int] = set()
        #: Replicas and images the Deployment's spec may hold: the last acknowledged write,
        #: and any write after it that failed (it may have been applied or not).
        self.replicas = {3}
        self.images = {IMAGES[0]}
        self.acknowledged: list[str] = []  # ConfigMaps whose create was answered
        self.written = 0
        #: Whether every rule and invariant so far completed: the end's check runs only then.
        self.sound = False

    # ------------------------------------------------------------------ plumbing

    @property
    def cluster(self) -> Cluster:
        assert self.driver is not None
        return self.driver.cluster

    def run(self, call: Callable[[], Awaitable[R]]) -> R:
        assert self.driver is not None
        return self.driver.run(call)

    def step(self, change: Callable[[], Awaitable[Any]], seconds: float) -> None:
        async def change_and_settle() -> None:
            await change()
            await self.cluster.settle(horizon=seconds, timeout=10)

        self.sound = False
        self.run(change_and_settle)

    def _index(self, which: str | int) -> int | None:
        if isinstance(which, int):
            return which
        return self.cluster.control_planes.leader(which)

    def _reachable(self) -> list[int]:
        return [i for i in range(PLANES) if i not in self.stopped | self.partitioned]

    # ----------------------------------------------------------------- the rules

    @initialize(seed=st.integers(0, 2**32 - 1))
    def start(self, seed: int) -> None:
        shown = f"Cluster(control_planes={PLANES}, nodes=2, seed={seed})"
        note(shown)
        print(f"ControlPlanesMachine: {shown}")
        options = {
            "control_planes": PLANES,
            "nodes": 2,
            "seed": seed,
            "controllers": ("deployment", "replicaset", "garbagecollector", "nodelifecycle"),
        }

        async def setup(cluster: Cluster) -> None:
            await cluster.client.create(deployment("web", 3, image=IMAGES[0]))
            await cluster.settle(horizon=5)

        self.driver = ClusterDriver(options, setup)
        self.sound = True

    @precondition(lambda self: len(self.stopped) < PLANES)
    @rule(which=TARGETS, seconds=SECONDS)
    def stop_control_plane(self, which: str | int, seconds: float) -> None:
        index = self._index(which)
        if index is None or index in self.stopped:
            index = min(set(range(PLANES)) - self.stopped)
        self.stopped.add(index)
        self.partitioned.discard(index)  # a stopped process starts unpartitioned
        self.step(lambda: self.cluster.stop_control_plane(index), seconds)

    @precondition(lambda self: bool(self.stopped))
    @rule(data=st.data(), seconds=SECONDS)
    def start_control_plane(self, data: st.DataObject, seconds: float) -> None:
        index = data.draw(st.sampled_from(sorted(self.stopped)), label="control plane")
        self.stopped.discard(index)
        self.step(lambda: self.cluster.start_control_plane(index), seconds)

    @precondition(lambda self: bool(self._reachable()))
    @rule(which=TARGETS, seconds=SECONDS)
    def partition_control_plane(self, which: str | int, seconds: float) -> None:
        index = self._index(which)
        if index is None or index not in self._reachable():
            index = self._reachable()[0]
        self.partitioned.add(index)

        async def partition() -> None:
            self.cluster.partition_control_plane(index)

        self.step(partition, seconds)

    @precondition(lambda self: bool(self.partitioned))
    @rule(data=st.data(), seconds=SECONDS)
    def heal_control_plane(self, data: st.DataObject, seconds: float) -> None:
        index = data.draw(st.sampled_from(sorted(self.partitioned)), label="control plane")
        self.partitioned.discard(index)

        async def heal() -> None:
            self.cluster.heal_control_plane(index)

        self.step(heal, seconds)

    @rule(replicas=st.integers(0, 4), seconds=SECONDS)
    def scale(self, replicas: int, seconds: float) -> None:
        patch = {"spec": {"replicas": replicas}}
        self._write_spec(patch, seconds, replicas=replicas)

    @rule(image=st.sampled_from(IMAGES), seconds=SECONDS)
    def roll(self, image: str, seconds: float) -> None:
        containers = [{"name": "app", "image": image}]
        patch = {"spec": {"template": {"spec": {"containers": containers}}}}
        self._write_spec(patch, seconds, image=image)

    def _write_spec(
        self, patch: dict[str, Any], seconds: float, *, replicas: int = -1, image: str = ""
    ) -> None:
        acknowledged = False

        async def write() -> None:
            nonlocal acknowledged
            with contextlib.suppress(ServiceUnavailable):  # no apiserver answered
                await self.cluster.client.patch(
                    Deployment, "web", patch, namespace=NS, patch_type="strategic"
                )
                acknowledged = True

        self.step(write, seconds)
        if replicas >= 0:
            self.replicas = {replicas} if acknowledged else self.replicas | {replicas}
        if image:
            self.images = {image} if acknowledged else self.images | {image}

    @rule(index=st.integers(0, PLANES - 1), seconds=SECONDS)
    def write_through(self, index: int, seconds: float) -> None:
        """A ConfigMap created through one replica's apiserver (reachable or not)."""
        name = f"note-{self.written}"
        self.written += 1

        async def write() -> None:
            planes = self.cluster.control_planes
            client = Client(planes.local_transport(planes.planes[index]))
            note = ConfigMap(metadata=ObjectMeta(name=name, namespace=NS), data={"n": name})
            with contextlib.suppress(ServiceUnavailable):
                await client.create(note)
                self.acknowledged.append(name)

        self.step(write, seconds)

    @rule(seconds=st.sampled_from([5.0, 15.0, 30.0, 60.0]))
    def wait(self, seconds: float) -> None:
        async def nothing() -> None:
            pass

        self.step(nothing, seconds)

    # ----------------------------------------------------------- the invariants

    @invariant()
    def invariants_hold(self) -> None:
        if self.driver is None:
            return
        self.run(self._check)
        self.sound = True

    async def _check(self) -> None:
        cluster = self.cluster
        planes = cluster.control_planes
        assert planes.history.overlaps == [], f"two leaders at once: {planes.history.overlaps}"
        schedulers = [a for a in cluster.actors if a.endswith("/kube-scheduler")]
        assert len(schedulers) <= 1, f"several schedulers run: {schedulers}"
        for plane in planes.planes:
            for lease_name in LEASES:
                if planes.history.leader(lease_name) == plane.name:
                    continue
                prefix = f"{plane.name}/{lease_name}"
                left = [a for a in cluster.actors if a == prefix or a.startswith(f"{prefix}/")]
                assert not left, f"{plane.name} does not lead {lease_name}, yet runs {left}"
        if not self._reachable():
            return  # nothing can be read; what was written is checked once one is back
        for lease_name in LEASES:
            await self._check_lease(lease_name)
        await self._check_bindings()
        await self._check_writes()

    async def _check_lease(self, lease_name: str) -> None:
        planes = self.cluster.control_planes
        leader = planes.leader(lease_name)
        if leader is None:
            return
        lease = await self.cluster.client.get(Lease, lease_name, namespace="kube-system")
        assert lease.spec.holder_identity == planes.planes[leader].identity, (
            f"{lease_name}: the history says {planes.planes[leader].name} leads, "
            f"the Lease names {lease.spec.holder_identity}"
        )

    async def _check_bindings(self) -> None:
        """Every Scheduled Event came from a scheduler inside one of its own terms."""
        assert self.driver is not None
        planes = self.cluster.control_planes
        by_instance = {f"default-scheduler-{p.identity}": p.name for p in planes.planes}
        terms = [t for t in planes.history.terms if t.lease == SCHEDULER_LEASE]
        now = monotonic()
        epoch = self.driver.loop.epoch
        seen: set[str] = set()
        for event in await self.cluster.client.list(Event, namespace=NS):
            if event.reason != "Scheduled":
                continue
            pod = event.involved_object.uid
            assert pod not in seen, f"{event.involved_object.name} was scheduled twice"
            seen.add(pod)
            holder = by_instance.get(event.reporting_instance)
            assert holder is not None, f"Scheduled by {event.reporting_instance!r}: not a replica"
            assert event.first_timestamp is not None
            at = (event.first_timestamp - epoch).total_seconds()
            assert any(
                t.holder == holder
                and t.start - EVENT_RESOLUTION <= at <= (now if t.end is None else t.end)
                for t in terms
            ), f"{holder} bound {event.involved_object.name} at {at:g} s outside its terms"

    async def _check_writes(self) -> None:
        planes = self.cluster.control_planes
        for index in self._reachable():
            client = Client(planes.local_transport(planes.planes[index]))
            names = {c.metadata.name for c in await client.list(ConfigMap, namespace=NS)}
            lost = [n for n in self.acknowledged if n not in names]
            assert not lost, f"{planes.planes[index].name} lost acknowledged creates {lost}"
        web = await self.cluster.client.get(Deployment, "web", namespace=NS)
        assert web.spec.replicas in self.replicas, (
            f"web has {web.spec.replicas} replicas; the writes left {sorted(self.replicas)}"
        )
        image = web.spec.template.spec.containers[0].image
        assert image in self.images, f"web runs {image}; the writes left {sorted(self.images)}"

    # ------------------------------------------------------------------ the end

    def teardown(self) -> None:
        if self.driver is None:
            return
        try:
            if self.sound:
                self.run(self._heal_all_and_converge)
        finally:
            self.driver.close()
            self.driver = None

    async def _heal_all_and_converge(self) -> None:
        """Every replica up and reachable: each Lease has a leader within the Lease's
        bounds, and the rollout completes."""
        cluster = self.cluster
        planes = cluster.control_planes
        for index in sorted(self.stopped):
            await cluster.start_control_plane(index)
        for index in sorted(self.partitioned):
            cluster.heal_control_plane(index)
        healed = monotonic()
        # Whoever observes the last record of a Lease judges it expired lease duration
        # after it saw it (at the latest one retry period after healing), and polls every
        # retry period.
        timings = planes.timings
        bound = timings.lease_duration + 2 * timings.retry_period
        await cluster.settle(horizon=bound, timeout=10)
        for lease_name in LEASES:
            current = planes.history.current(lease_name)
            assert current, f"no leader of {lease_name} {bound:g} s after every replica healed"
            assert current[0].start <= healed + bound
        await cluster.settle(horizon=120, timeout=10)
        await assert_converged(cluster, namespace=NS, kinds=(Deployment,))
        await self._check()


ControlPlanesMachine.TestCase.settings = settings(max_examples=15, stateful_step_count=12)
TestControlPlanes = ControlPlanesMachine.TestCase
