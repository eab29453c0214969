"""The scheduler and the kubelet, played by the controller tests until the real ones exist.

Plain functions do one step each — ``add_node``, ``bind``, ``run``, ``succeed``, ``fail``,
``finish_deletions`` — through the apiserver as the real components will (a Binding, status
writes, a delete with no grace period). ``FakeKubelet`` does the same steps on its own as a
controller over Pods: it binds each unbound Pod (to the node its required node affinity names
by ``metadata.name``, else to ``default_node``), starts it (Running, Ready unless ``ready`` is
off), and ends the deletion of Pods marked for deletion.
"""

from __future__ import annotations

import contextlib

import attrs

from kube_actors.actors import wall_clock
from kube_actors.api import (
    Binding,
    ContainerState,
    ContainerStateTerminated,
    ContainerStatus,
    Create,
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


async def bind(cluster: Cluster, pod: Pod, node: str) -> Pod:
    meta = pod.metadata
    binding = Binding(
        metadata=ObjectMeta(name=meta.name, namespace=meta.namespace),
        target=ObjectReference(kind="Node", name=node),
    )
    bound: Pod = await cluster.apiserver.ask(Create(obj=binding))
    return bound


async def _set_status(
    client: Client, pod: Pod, phase: str, ready: bool, exit_code: int | None = None
) -> Pod:
    current = await client.get(Pod, pod.metadata.name, namespace=pod.metadata.namespace)
    now = wall_clock()
    status = current.status
    conditions = set_condition(
        status.conditions,
        PodCondition(type="Ready", status="True" if ready else "False", last_transition_time=now),
    )
    statuses = status.container_statuses
    if exit_code is not None:
        terminated = ContainerStateTerminated(exit_code=exit_code, finished_at=now)
        statuses = tuple(
            ContainerStatus(name=c.name, state=ContainerState(terminated=terminated))
            for c in current.spec.containers
        )
    status = attrs.evolve(
        status,
        phase=phase,
        conditions=conditions,
        container_statuses=statuses,
        start_time=status.start_time or now,
    )
    return await client.update_status(attrs.evolve(current, status=status))


async def run(client: Client, pod: Pod, *, ready: bool = True) -> Pod:
    """The kubelet started the Pod: Running, and Ready unless told otherwise."""
    return await _set_status(client, pod, "Running", ready)


async def succeed(client: Client, pod: Pod) -> Pod:
    return await _set_status(client, pod, "Succeeded", False, exit_code=0)


async def fail(client: Client, pod: Pod) -> Pod:
    return await _set_status(client, pod, "Failed", False, exit_code=1)


async def finish_deletions(client: Client, namespace: str = "default") -> None:
    """The kubelet confirmed the Pods marked for deletion stopped: delete them for good."""
    for pod in await client.list(Pod, namespace=namespace):
        if pod.metadata.deletion_timestamp is not None:
            await client.delete(
                Pod,
                pod.metadata.name,
                namespace=namespace,
                grace_period_seconds=0,
                ignore_not_found=True,
            )


class FakeKubelet:
    """Binds, starts and finishes the deletion of every Pod (see the module docstring)."""

    def __init__(
        self, cluster: Cluster, informers: InformerFactory, *, default_node: str | None = None
    ) -> None:
        self.cluster = cluster
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
                await bind(self.cluster, pod, node)
            return Result()
        if self.start and pod.status.phase == "Pending":
            with contextlib.suppress(NotFound):
                await run(self.client, pod, ready=self.ready)
        return Result()

    def spec(self) -> ControllerSpec:
        return ControllerSpec(for_=Pod, reconciler=self, name="fake-kubelet")


async def start_fake_kubelet(cluster: Cluster, *, default_node: str | None = None) -> FakeKubelet:
    """A ``FakeKubelet`` running as a controller of ``cluster``."""
    informers = InformerFactory(cluster.client, name="fake-kubelet-informers")
    kubelet = FakeKubelet(cluster, informers, default_node=default_node)
    await spawn_controller(cluster.system, kubelet.spec(), informers)
    return kubelet
