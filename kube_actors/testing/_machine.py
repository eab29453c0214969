"""``ClusterStateMachine``: a hypothesis state machine over a whole virtual-time cluster.

Each example starts a fresh ``Cluster`` on a loop of its own (see ``ClusterDriver``) from a
drawn seed, which it prints. The rules create, scale, re-image and delete workloads and
inject faults (a node stopped, started, partitioned, healed; a Pod deleted; a container
killed); after every step the cluster settles on virtual time, and then the invariants are
checked. A failure shrinks to the few steps that cause it, printed as calls::

    state = MyMachine()
    state.start_cluster(seed=0)
    workloads_0 = state.create_workload(kind='ReplicaSet', replicas=1)
    state.scale_workload(workload=workloads_0, replicas=0)

A subclass adapts it: ``builtin_controllers`` picks Kubernetes' controllers, ``controllers``
adds its own, ``setup_cluster`` does anything else once the cluster runs,
``workload_kinds`` says what the rules create, and ``check_cluster`` what must hold; its
own ``@rule``s and ``@invariant``s run alongside (``self.step`` makes a change and settles).

Run it as any machine (``TestMine = MyMachine.TestCase``, or ``run_state_machine_as_test``).
Its ``TestCase`` runs at most ``max_steps`` (10) steps per example and leaves hypothesis'
``Phase.explain`` out: it re-runs a failure under coverage tracing, which costs a whole
cluster far more than finding and shrinking the failure. Each step has ``step_budget`` wall
seconds to settle. Settings of your own (``@settings(...)`` on your class) replace these.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, ClassVar, TypeVar

import attrs
from hypothesis import Phase, note, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    precondition,
    rule,
)

from kube_actors.api import Deployment, Job, Pod, ReplicaSet, StatefulSet, kind_info
from kube_actors.cluster import Cluster
from kube_actors.errors import NotFound
from kube_actors.kubelet import NodeConfig
from kube_actors.reconcile import ControllerSpec

from . import _workloads as make
from ._driver import ClusterDriver
from ._invariants import (
    RolloutBounds,
    assert_converged,
    assert_no_overcommit,
    assert_single_controller_owner,
    is_live,
    rollout_bounds,
)
from ._logs import ClusterLogs, capture_cluster_logs
from ._rollout_watch import RolloutWatch

__all__ = ["ClusterStateMachine", "Workload"]

R = TypeVar("R")

_SCALABLE = (Deployment, ReplicaSet, StatefulSet)


@attrs.frozen
class Workload:
    """A workload a rule created: its kind's name and its own."""

    kind: str
    name: str

    def __str__(self) -> str:
        return f"{self.kind}/{self.name}"


def _kit_defaults(machine: type[RuleBasedStateMachine]) -> None:
    """The defaults of the kit's machines, unless a subclass or its user says otherwise
    (``@settings(...)`` on the class, or ``TestCase.settings = ...``, replace them): short
    runs, and no explain phase (it re-runs a failure under coverage tracing, which costs a
    whole cluster far more than finding and shrinking the failure)."""
    case = machine.TestCase
    case.settings = settings(
        case.settings,
        stateful_step_count=getattr(machine, "max_steps", 10),
        phases=[phase for phase in case.settings.phases if phase is not Phase.explain],
    )


def _from_machine(build: Callable[[ClusterStateMachine], st.SearchStrategy[R]]) -> Any:
    """A strategy that reads the running machine's class settings (rule arguments are fixed
    when the base class is defined; a subclass' knobs are read at draw time)."""
    return st.runner().flatmap(build)


class ClusterStateMachine(RuleBasedStateMachine):
    """See the module docstring. The class attributes are the knobs."""

    #: ``Cluster(nodes=...)``: a count or NodeConfigs.
    nodes: ClassVar[int | Sequence[NodeConfig]] = 3
    #: Kubernetes' controllers to run, by name (None: all of them).
    builtin_controllers: ClassVar[Sequence[str] | None] = None
    #: The kinds ``create_workload`` makes (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job).
    workload_kinds: ClassVar[Sequence[type[Any]]] = (Deployment,)
    namespace: ClassVar[str] = "default"
    images: ClassVar[Sequence[str]] = ("nginx:1", "nginx:2", "nginx:3")
    max_replicas: ClassVar[int] = 4
    #: Whether the fault rules (nodes, Pods, containers) run.
    faults: ClassVar[bool] = True
    #: Whether ``assert_converged`` also checks what controllers write in status.
    check_status: ClassVar[bool] = True
    #: How soon a lost node is marked so, and its Pods evicted: Kubernetes' 50 s and 300 s
    #: are shortened, so that a fault step settles 80 simulated seconds instead of 400
    #: (every kubelet heartbeats every 10 s meanwhile, which is most of a step's cost).
    node_monitor_grace_period: ClassVar[float] = 20.0
    toleration_seconds: ClassVar[int] = 30
    #: Simulated seconds each step settles for; after a fault, long enough for a lost
    #: node's Pods to be evicted (the grace period, the toleration, and a margin).
    step_seconds: ClassVar[float] = 30.0
    fault_seconds: ClassVar[float] = 80.0
    #: Wall-clock seconds a step may take to settle before it fails with ``SettleTimeout``
    #: naming the busy actors (a livelock is a finding, not a hang).
    step_budget: ClassVar[float] = 10.0
    #: The default of hypothesis' ``stateful_step_count`` for this machine's ``TestCase``:
    #: every step runs a cluster for simulated seconds, and short runs shrink fast.
    max_steps: ClassVar[int] = 10

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _kit_defaults(cls)

    workloads: ClassVar[Bundle[Workload]] = Bundle("workloads")

    def __init__(self) -> None:
        super().__init__()
        self.driver: ClusterDriver | None = None
        self.logs = ClusterLogs()
        self._capture = capture_cluster_logs()
        self.rollouts = RolloutWatch()
        #: The workloads alive, with the replicas and image the rules gave them.
        self.model: dict[Workload, tuple[int, str]] = {}
        self.stopped_nodes: set[str] = set()
        self.partitioned_nodes: set[str] = set()
        self._names = itertools.count()

    # ------------------------------------------------------------------ hooks

    def cluster_options(self, seed: int) -> dict[str, Any]:
        """The keyword arguments of ``Cluster(...)`` for one example."""
        return {
            "nodes": self.nodes,
            "seed": seed,
            "controllers": self.builtin_controllers,
            "node_monitor_grace_period": self.node_monitor_grace_period,
            "default_toleration_seconds": self.toleration_seconds,
        }

    def controllers(self, cluster: Cluster) -> Iterable[ControllerSpec]:
        """Your controllers, added to the cluster before any rule runs."""
        return ()

    async def setup_cluster(self, cluster: Cluster) -> None:
        """Anything else to do once the cluster runs (register kinds, create objects)."""

    def make_workload(self, kind: str, name: str, replicas: int, image: str) -> Any:
        """The object ``create_workload`` creates (override for your own kinds)."""
        namespace = self.namespace
        if kind == "Deployment":
            return make.deployment(name, replicas, image=image, namespace=namespace)
        if kind == "ReplicaSet":
            return make.replica_set(name, replicas, image=image, namespace=namespace)
        if kind == "StatefulSet":
            return make.stateful_set(name, replicas, image=image, namespace=namespace)
        if kind == "DaemonSet":
            return make.daemon_set(name, image=image, namespace=namespace)
        if kind == "Job":
            return make.job(name, completions=max(replicas, 1), namespace=namespace)
        raise NotImplementedError(f"make_workload does not know kind {kind!r}: override it")

    async def check_cluster(self, cluster: Cluster) -> None:
        """What must hold once the cluster settled; by default the workloads converged, one
        live controller per object, and no node over-committed."""
        await assert_converged(
            cluster, namespace=self.namespace, kinds=self.workload_kinds, status=self.check_status
        )
        await assert_single_controller_owner(cluster, namespace=self.namespace)
        await assert_no_overcommit(cluster)

    # --------------------------------------------------------------- plumbing

    @property
    def cluster(self) -> Cluster:
        if self.driver is None:
            raise RuntimeError("the cluster starts in start_cluster, the first step")
        return self.driver.cluster

    def run(self, call: Callable[[], Awaitable[R]]) -> R:
        """Run ``call()`` on the cluster's loop (simulated time moves only in here)."""
        if self.driver is None:
            raise RuntimeError("the cluster starts in start_cluster, the first step")
        return self.driver.run(call)

    def step(self, change: Callable[[], Awaitable[Any]], horizon: float | None = None) -> None:
        """Make ``change``, then let the cluster settle ``horizon`` simulated seconds."""

        async def change_and_settle() -> None:
            await change()
            await self.cluster.settle(
                horizon=self.step_seconds if horizon is None else horizon,
                timeout=self.step_budget,
            )

        self.run(change_and_settle)

    def _kind(self, name: str) -> type[Any]:
        for kind in self.workload_kinds:
            if kind_info(kind).kind == name:
                return kind
        raise KeyError(name)

    def _bound(self, workload: Workload, obj: Any, before: int | None = None) -> None:
        if isinstance(obj, Deployment):
            self.rollouts.bounds[workload.name] = (obj, self._bounds_of(obj, before))

    def _bounds_of(self, obj: Deployment, before: int | None = None) -> RolloutBounds:
        bounds = rollout_bounds(obj, replicas_before=before)
        if self.stopped_nodes or self.partitioned_nodes:
            # Pods placed on a node that is down (not yet marked so) never get ready: while
            # a node is down, only the surge bound holds (as in _fault_bounds).
            bounds = RolloutBounds(bounds.most_live, 0)
        return bounds

    def _fault_bounds(self) -> None:
        """A fault may take Pods' readiness away; the surge bound holds still."""
        for name, (obj, bounds) in self.rollouts.bounds.items():
            self.rollouts.bounds[name] = (obj, RolloutBounds(bounds.most_live, 0))

    # ---------------------------------------------------------------- the rules

    @initialize(seed=st.integers(0, 2**32 - 1))
    def start_cluster(self, seed: int) -> None:
        options = self.cluster_options(seed)
        shown = ", ".join(
            f"{k}={v!r}" for k, v in options.items() if k in ("nodes", "seed", "runtime")
        )
        if currently_in_test_context():  # a machine can be driven by hand, too
            note(f"Cluster({shown})")
        print(f"{type(self).__name__}: Cluster({shown})")
        self.logs = self._capture.__enter__()

        async def setup(cluster: Cluster) -> None:
            for spec in self.controllers(cluster):
                await cluster.add_controller(spec)
            await self.setup_cluster(cluster)

        self.driver = ClusterDriver(options, setup)
        self.run(lambda: self.rollouts.start(self.cluster, self.namespace))

    @rule(
        target=workloads,
        kind=_from_machine(lambda m: st.sampled_from([k.kind for k in m.workload_kinds])),
        replicas=_from_machine(lambda m: st.integers(0, m.max_replicas)),
    )
    def create_workload(self, kind: str, replicas: int) -> Workload:
        workload = Workload(kind, f"{kind.lower()}-{next(self._names)}")
        image = self.images[0]
        obj = self.make_workload(kind, workload.name, replicas, image)
        self.model[workload] = (replicas, image)
        self._bound(workload, obj, before=0)  # nothing is ready before it exists
        self.step(lambda: self.cluster.client.create(obj))
        return workload

    @rule(workload=workloads, replicas=_from_machine(lambda m: st.integers(0, m.max_replicas)))
    def scale_workload(self, workload: Workload, replicas: int) -> None:
        kind = self._kind(workload.kind)
        if kind not in _SCALABLE:
            return
        before, image = self.model[workload]
        self.model[workload] = (replicas, image)
        self._bound(
            workload, self.make_workload(workload.kind, workload.name, replicas, image), before
        )
        patch = {"spec": {"replicas": replicas}}
        self.step(
            lambda: self.cluster.client.patch(kind, workload.name, patch, namespace=self.namespace)
        )

    @rule(workload=workloads, image=_from_machine(lambda m: st.sampled_from(m.images)))
    def update_image(self, workload: Workload, image: str) -> None:
        kind = self._kind(workload.kind)
        if kind is Job:
            return  # a Job's template is immutable
        replicas, _ = self.model[workload]
        self.model[workload] = (replicas, image)
        self._bound(workload, self.make_workload(workload.kind, workload.name, replicas, image))
        containers = [{"name": "app", "image": image}]
        patch = {"spec": {"template": {"spec": {"containers": containers}}}}
        self.step(
            lambda: self.cluster.client.patch(
                kind, workload.name, patch, namespace=self.namespace, patch_type="strategic"
            )
        )

    @rule(workload=consumes(workloads))
    def delete_workload(self, workload: Workload) -> None:
        kind = self._kind(workload.kind)
        del self.model[workload]
        self.rollouts.bounds.pop(workload.name, None)
        self.step(lambda: self.cluster.client.delete(kind, workload.name, namespace=self.namespace))

    # --------------------------------------------------------------- the faults

    def _running_nodes(self) -> list[str]:
        return [n for n in self.cluster.nodes if n not in self.stopped_nodes]

    def _reachable_nodes(self) -> list[str]:
        return [n for n in self._running_nodes() if n not in self.partitioned_nodes]

    # A partitioned node may be stopped and started too: its kubelet then retries its
    # registration until the partition heals.

    @precondition(lambda self: self.faults and len(self._reachable_nodes()) > 1)
    @rule(data=st.data())
    def stop_node(self, data: st.DataObject) -> None:
        node = data.draw(st.sampled_from(self._running_nodes()), label="node")
        self.stopped_nodes.add(node)
        self._fault_bounds()
        self.step(lambda: self.cluster.stop_node(node), self.fault_seconds)

    @precondition(lambda self: self.faults and bool(self.stopped_nodes))
    @rule(data=st.data())
    def start_node(self, data: st.DataObject) -> None:
        node = data.draw(st.sampled_from(sorted(self.stopped_nodes)), label="node")
        self.stopped_nodes.discard(node)
        self._fault_bounds()
        self.step(lambda: self.cluster.start_node(node))

    @precondition(
        lambda self: self.faults and len(self._running_nodes()) - len(self.partitioned_nodes) > 1
    )
    @rule(data=st.data())
    def partition_node(self, data: st.DataObject) -> None:
        reachable = [n for n in self._running_nodes() if n not in self.partitioned_nodes]
        node = data.draw(st.sampled_from(reachable), label="node")
        self.partitioned_nodes.add(node)
        self._fault_bounds()

        async def partition() -> None:
            self.cluster.partition_node(node)

        self.step(partition, self.fault_seconds)

    @precondition(lambda self: self.faults and bool(self.partitioned_nodes))
    @rule(data=st.data())
    def heal_node(self, data: st.DataObject) -> None:
        node = data.draw(st.sampled_from(sorted(self.partitioned_nodes)), label="node")
        self.partitioned_nodes.discard(node)
        self._fault_bounds()

        async def heal() -> None:
            self.cluster.heal_node(node)

        self.step(heal)

    def _live_pods(self, running_only: bool = False) -> list[Pod]:
        async def live() -> list[Pod]:
            pods = await self.cluster.client.list(Pod, namespace=self.namespace)
            return [p for p in pods if is_live(p)]

        pods = self.run(live)
        if running_only:
            unreachable = self.stopped_nodes | self.partitioned_nodes
            pods = [
                p
                for p in pods
                if p.status.phase == "Running" and p.spec.node_name not in unreachable
            ]
        return sorted(pods, key=lambda p: p.metadata.name)

    @precondition(lambda self: self.faults and bool(self.model))
    @rule(data=st.data())
    def delete_pod(self, data: st.DataObject) -> None:
        names = [p.metadata.name for p in self._live_pods()]
        if not names:
            return
        name = data.draw(st.sampled_from(names), label="pod")
        self._fault_bounds()

        async def delete() -> None:
            with contextlib.suppress(NotFound):  # gone meanwhile
                await self.cluster.client.delete(Pod, name, namespace=self.namespace)

        self.step(delete)

    @precondition(lambda self: self.faults and bool(self.model))
    @rule(data=st.data())
    def kill_container(self, data: st.DataObject) -> None:
        pods = self._live_pods(running_only=True)
        if not pods:
            return
        containers = {p.metadata.name: p.spec.containers[0].name for p in pods}
        pod = data.draw(st.sampled_from(sorted(containers)), label="pod")
        container = containers[pod]
        self._fault_bounds()

        async def kill() -> None:
            with contextlib.suppress(NotFound):  # it finished or restarted meanwhile
                await self.cluster.kill_container(pod, container, namespace=self.namespace)

        self.step(kill)

    # ----------------------------------------------------------- the invariants

    @invariant()
    def invariants_hold(self) -> None:
        if self.driver is None:
            return
        violations = self.rollouts.take_violations()
        for bounds in list(self.rollouts.bounds):
            obj, _ = self.rollouts.bounds[bounds]
            self.rollouts.bounds[bounds] = (obj, self._bounds_of(obj))
        assert not violations, "a rollout broke its bounds during the last step:\n" + "\n".join(
            violations[:5]
        )
        self.run(lambda: self.check_cluster(self.cluster))

    def teardown(self) -> None:
        if self.driver is None:
            return
        try:
            self.run(self.rollouts.stop)
            self.driver.close()
        finally:
            self.driver = None
            self._capture.__exit__(None, None, None)


_kit_defaults(ClusterStateMachine)
