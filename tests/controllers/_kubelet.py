"""Plays the kubelet (and the scheduler) for controller tests, until the real ones join.

What a controller needs to see of a running Pod, and what a real kubelet will write: the Pod
bound to a node (``spec.nodeName``, condition ``PodScheduled``), phase ``Running``,
``containerStatuses`` ready, and condition ``Ready`` True whose ``lastTransitionTime`` says
when it became ready (``minReadySeconds`` counts from there). ``finish_deletions`` is the
kubelet's last word on a Pod being deleted: the deletion with no grace left.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from kube_actors.actors import wall_clock
from kube_actors.api import (
    Binding,
    ContainerState,
    ContainerStateRunning,
    ContainerStatus,
    ObjectMeta,
    ObjectReference,
    Pod,
    PodCondition,
    set_condition,
)
from kube_actors.client import Client
from kube_actors.errors import NotFound

__all__ = ["bind", "finish_deletions", "pending_pods", "run", "run_all", "set_ready"]


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


async def set_ready(client: Client, pod: Pod, ready: bool = True) -> Pod:
    """Report ``pod`` Running, its containers and itself ``Ready`` (or not)."""
    now = wall_clock()
    status = "True" if ready else "False"
    conditions = pod.status.conditions
    for kind in ("Initialized", "ContainersReady", "Ready"):
        condition = PodCondition(type=kind, status=status, last_transition_time=now)
        if kind == "Initialized":
            condition = attrs.evolve(condition, status="True")
        conditions = set_condition(conditions, condition)
    containers = tuple(
        ContainerStatus(
            name=c.name,
            image=c.image,
            ready=ready,
            started=True,
            state=ContainerState(running=ContainerStateRunning(started_at=now)),
        )
        for c in pod.spec.containers
    )
    new_status = attrs.evolve(
        pod.status,
        phase="Running",
        conditions=conditions,
        container_statuses=containers,
        start_time=pod.status.start_time or now,
    )
    return await client.update_status(attrs.evolve(pod, status=new_status))


async def run(client: Client, pods: Iterable[Pod], node: str = "node-1") -> list[Pod]:
    """Bind each Pod (if it is not yet) and report it Running and Ready; a Pod deleted
    meanwhile is skipped."""
    done = []
    for pod in pods:
        try:
            if not pod.spec.node_name:
                pod = await bind(client, pod, node)
            done.append(await set_ready(client, pod))
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
