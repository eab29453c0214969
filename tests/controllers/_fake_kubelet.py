"""The scheduler's and the kubelet's part, played by hand in the controller tests, which run
a cluster without either so that each step happens when the test says.

Plain functions do one step each, through the apiserver as the real components do:
``add_node``, ``bind`` (a Binding), ``start`` (Running, and Ready unless told otherwise, as
a kubelet reports it: ``PodScheduled`` aside, the ``Initialized``, ``ContainersReady`` and
``Ready`` conditions, whose ``lastTransitionTime`` is when the Pod became ready, which
``minReadySeconds`` counts from, and running container statuses), ``succeed`` and ``fail``
(terminated containers), ``run`` (bind and start many), and ``finish_deletions`` (the
kubelet's last word on a Pod being deleted: the deletion with no grace left).

``FakeKubelet`` does the same on its own as a controller over Pods: it binds each unbound Pod
(to the node its required node affinity names by ``metadata.name``, else ``default_node``),
starts it, and ends the deletion of Pods marked for deletion.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

import attrs

from kube_actors.actors import wall_clock
from kube_actors.api import (
    Binding,
    ContainerState,
    ContainerStateRunning,
    ContainerStateTerminated,
    ContainerStatus,
    Node,
    NodeCondition,
    NodeSpec,
    NodeStatus,
    ObjectMeta,
    ObjectReference,
    Pod,
    PodCondition,
    Taint,
    set_condition,
)
from kube_actors.client import Client, InformerFactory
from kube_actors.cluster import Cluster
from kube_actors.errors import NotFound
from kube_actors.reconcile import ControllerSpec, Request, Result, spawn_controller

__all__ = [
    "FakeKubelet",
    "add_node",
    "affinity_node",
    "bind",
    "fail",
    "finish_deletions",
    "pending_pods",
    "run",
    "run_all",
    "start",
    "start_fake_kubelet",
    "succeed",
]


async def add_node(
    client: Client,
    name: str,
    *,
    labels: dict[str, str] | None = None,
    taints: tuple[Taint, ...] = (),
    ready: bool = True,
) -> Node:
    condition = NodeCondition(
        type="Ready", status="True" if ready else "False", last_transition_time=wall_clock()
    )
    node = Node(
        metadata=ObjectMeta(name=name, labels=labels or {}),
        spec=NodeSpec(taints=taints),
        status=NodeStatus(conditions=(condition,), capacity={"cpu": "4", "pods": "110"}),
    )
    return await client.create(node)


def affinity_node(pod: Pod) -> str | None:
    """The node named by a required ``matchFields metadata.name In [node]`` term, if any."""
    affinity = pod.spec.affinity
    node_affinity = affinity.node_affinity if affinity else None
    required = node_affinity and node_affinity.required_during_scheduling_ignored_during_execution
    if not required:
        return None
    for term in required.node_selector_terms:
        for field in term.match_fields:
            if field.key == "metadata.name" and field.operator == "In" and field.values:
                return field.values[0]
    return None


async def pending_pods(client: Client, namespace: str = "default") -> list[Pod]:
    """The Pods not yet Running and not being deleted."""
    pods = await client.list(Pod, namespace=namespace)
    return [
        p for p in pods if p.status.phase == "Pending" and p.metadata.deletion_timestamp is None
    ]


async def bind(client: Client, pod: Pod, node: str) -> Pod:
    """What the scheduler does: bind ``pod`` to ``node``."""
    meta = pod.metadata
    await client.create(
        Binding(
            metadata=ObjectMeta(name=meta.name, namespace=meta.namespace),
            target=ObjectReference(kind="Node", name=node),
        )
    )
    return await client.get(Pod, meta.name, namespace=meta.namespace)


async def _report(
    client: Client, pod: Pod, phase: str, *, ready: bool, exit_code: int | None = None
) -> Pod:
    """Write the status a kubelet would for ``pod`` (as it now is) in ``phase``."""
    current = await client.get(Pod, pod.metadata.name, namespace=pod.metadata.namespace)
    now = wall_clock()
    said = "True" if ready else "False"
    conditions = set_condition(
        current.status.conditions,
        PodCondition(type="Initialized", status="True", last_transition_time=now),
    )
    for kind in ("ContainersReady", "Ready"):
        conditions = set_condition(
            conditions, PodCondition(type=kind, status=said, last_transition_time=now)
        )
    if exit_code is None:
        state = ContainerState(running=ContainerStateRunning(started_at=now))
    else:
        state = ContainerState(
            terminated=ContainerStateTerminated(exit_code=exit_code, finished_at=now)
        )
    statuses = tuple(
        ContainerStatus(
            name=c.name, image=c.image, ready=ready, started=exit_code is None, state=state
        )
        for c in current.spec.containers
    )
    status = attrs.evolve(
        current.status,
        phase=phase,
        conditions=conditions,
        container_statuses=statuses,
        start_time=current.status.start_time or now,
    )
    return await client.update_status(attrs.evolve(current, status=status))


async def start(client: Client, pod: Pod, *, ready: bool = True) -> Pod:
    """The kubelet started the Pod: Running, and Ready unless told otherwise."""
    return await _report(client, pod, "Running", ready=ready)


async def succeed(client: Client, pod: Pod) -> Pod:
    return await _report(client, pod, "Succeeded", ready=False, exit_code=0)


async def fail(client: Client, pod: Pod) -> Pod:
    return await _report(client, pod, "Failed", ready=False, exit_code=1)


async def run(client: Client, pods: Iterable[Pod], node: str = "node-1") -> list[Pod]:
    """Bind each Pod (if it is not yet) and start it, Ready; a Pod deleted meanwhile is
    skipped."""
    done = []
    for pod in pods:
        try:
            if not pod.spec.node_name:
                pod = await bind(client, pod, node)
            done.append(await start(client, pod))
        except NotFound:
            continue
    return done


async def run_all(client: Client, namespace: str = "default", node: str = "node-1") -> list[Pod]:
    """Run every pending Pod of ``namespace``."""
    return await run(client, await pending_pods(client, namespace), node)


async def finish_deletions(client: Client, namespace: str = "default") -> int:
    """Remove the Pods whose graceful deletion has begun; how many there were."""
    gone = 0
    for pod in await client.list(Pod, namespace=namespace):
        if pod.metadata.deletion_timestamp is not None:
            meta = pod.metadata
            await client.delete(
                Pod,
                meta.name,
                namespace=meta.namespace,
                grace_period_seconds=0,
                ignore_not_found=True,
            )
            gone += 1
    return gone


class FakeKubelet:
    """Binds, starts and finishes the deletion of every Pod (see the module docstring)."""

    def __init__(
        self, cluster: Cluster, informers: InformerFactory, *, default_node: str | None = None
    ) -> None:
        self.client = cluster.client
        self.pods = informers.informer(Pod)
        self.default_node = default_node
        #: Start Pods as they are bound (off: the test starts them itself).
        self.start = True
        #: Started Pods are Ready.
        self.ready = True

    async def reconcile(self, request: Request) -> Result:
        pod = self.pods.indexer.get(request.name, request.namespace)
        if pod is None:
            return Result()
        if pod.metadata.deletion_timestamp is not None:
            await self.client.delete(
                Pod,
                pod.metadata.name,
                namespace=pod.metadata.namespace,
                grace_period_seconds=0,
                ignore_not_found=True,
            )
            return Result()
        if not pod.spec.node_name:
            node = affinity_node(pod) or self.default_node
            if node is not None:
                await bind(self.client, pod, node)
            return Result()
        if self.start and pod.status.phase == "Pending":
            with contextlib.suppress(NotFound):
                await start(self.client, pod, ready=self.ready)
        return Result()

    def spec(self) -> ControllerSpec:
        return ControllerSpec(for_=Pod, reconciler=self, name="fake-kubelet")


async def start_fake_kubelet(cluster: Cluster, *, default_node: str | None = None) -> FakeKubelet:
    """A ``FakeKubelet`` running as a controller of ``cluster``."""
    informers = InformerFactory(cluster.client, name="fake-kubelet-informers")
    kubelet = FakeKubelet(cluster, informers, default_node=default_node)
    await spawn_controller(cluster.system, kubelet.spec(), informers)
    return kubelet
