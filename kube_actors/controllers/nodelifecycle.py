"""The node lifecycle controller: nodes whose heartbeats stop, and the pods on them.

Every kubelet renews its node's Lease in ``kube-node-lease`` every 10 s. A node whose
Lease has not been renewed for the grace period (50 s, ``nodeMonitorGracePeriod``) is
marked Ready=Unknown ("Kubelet stopped posting node status.") and tainted
``node.kubernetes.io/unreachable`` (NoSchedule, and NoExecute with the time it was added);
a node whose kubelet reports Ready=False gets the ``not-ready`` taints instead. Taints go as
soon as the node is Ready again. When a node goes down, its pods are marked Ready=False at
once (Kubernetes' MarkPodsNotReady, with a ``NodeNotReady`` Event), so they leave their
Services' ready endpoints long before any eviction; the kubelet reports them again when back.

The NoExecute taints then evict pods, as Kubernetes' taint eviction controller does: a pod
that does not tolerate a taint is deleted at once; one that tolerates it for
``tolerationSeconds`` (300 s for every pod, by the DefaultTolerationSeconds admission) is
deleted that long after the taint was added.

Instead of checking every node every 5 s, each reconcile asks to come back exactly when the
node's lease would expire, or when its next pod is due for eviction: under virtual time a
stopped node goes Unknown exactly 50 s after its last heartbeat. A renewal of a healthy
node's Lease therefore needs no reconcile of its own (the one waiting for the expiry reads
the newest Lease and waits again), which keeps an idle cluster's heartbeats cheap.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import attrs

from ..actors import wall_clock
from ..api import (
    Lease,
    Node,
    NodeCondition,
    Pod,
    PodCondition,
    Taint,
    get_condition,
    set_condition,
)
from ..client import Client, EventRecorder, SharedInformer
from ..errors import Conflict, NotFound
from ..reconcile import ControllerSpec, Request, Result, WorkQueue
from ._context import ControllerContext

__all__ = [
    "COMPONENT",
    "NODE_MONITOR_GRACE_PERIOD",
    "NOT_READY",
    "NodeLifecycleReconciler",
    "UNREACHABLE",
    "WORKERS",
    "controller",
]

#: The Event source and client name, as kube-controller-manager names this controller.
COMPONENT = "node-controller"
#: Kubernetes records taint evictions under a controller of their own (since 1.29).
EVICTION_COMPONENT = "taint-eviction-controller"
#: One worker: the node lifecycle controller is a single loop in Kubernetes too.
WORKERS = 1

NODE_MONITOR_GRACE_PERIOD = 50.0
UNREACHABLE = "node.kubernetes.io/unreachable"
NOT_READY = "node.kubernetes.io/not-ready"
LEASE_NAMESPACE = "kube-node-lease"
POD_NODE_INDEX = "spec.nodeName"


def _pod_node(pod: Any) -> Iterable[str]:
    return (pod.spec.node_name,) if pod.spec.node_name else ()


class NodeLifecycleReconciler:
    def __init__(
        self,
        *,
        client: Client,
        nodes: SharedInformer[Node],
        leases: SharedInformer[Lease],
        pods: SharedInformer[Pod],
        recorder: EventRecorder,
        eviction_recorder: EventRecorder | None = None,
        grace_period: float = NODE_MONITOR_GRACE_PERIOD,
    ) -> None:
        self.client = client
        self.nodes = nodes
        self.leases = leases
        self.pods = pods
        self.recorder = recorder
        self.eviction_recorder = eviction_recorder or recorder
        self.grace_period = grace_period
        #: The uids of the Nodes this controller has seen (recorded as RegisteredNode).
        self.registered: set[str] = set()

    async def reconcile(self, request: Request) -> Result:
        node = self.nodes.indexer.get(request.name)
        if node is None:
            return Result()
        if node.metadata.uid not in self.registered:
            self.registered.add(node.metadata.uid)
            name = node.metadata.name
            message = f"Node {name} event: Registered Node {name} in Controller"
            self.recorder.event(node, "Normal", "RegisteredNode", message)
        now = wall_clock()
        lease = self.leases.indexer.get(request.name, LEASE_NAMESPACE)
        heartbeat = _last_heartbeat(node, lease)
        silent_for = (now - heartbeat).total_seconds() if heartbeat is not None else 0.0
        ready = get_condition(node.status.conditions, "Ready")
        waits: list[float] = []
        if heartbeat is not None and silent_for >= self.grace_period:
            if ready is None or ready.status != "Unknown":
                node = await self._mark_unknown(node, now)
            node = await self._set_taints(node, UNREACHABLE, now)
        else:
            if heartbeat is not None:
                waits.append(self.grace_period - silent_for)
            status = ready.status if ready is not None else "Unknown"
            if status == "False":
                node = await self._set_taints(node, NOT_READY, now)
            elif status == "True":
                node = await self._set_taints(node, None, now)
        waits.extend(await self._evict(node, now))
        return Result(requeue_after=min(waits)) if waits else Result()

    async def _mark_pods_not_ready(self, node: Node, now: dt.datetime) -> None:
        """Kubernetes' MarkPodsNotReady: a node that is not Ready cannot vouch for its pods,
        so they leave their Services' ready endpoints at once instead of when evicted. The
        kubelet reports them Ready again when it is back."""
        for pod in self.pods.indexer.by_index(POD_NODE_INDEX, node.metadata.name):
            condition = get_condition(pod.status.conditions, "Ready")
            if condition is None or condition.status != "True":
                continue
            not_ready = attrs.evolve(
                condition, status="False", last_transition_time=now.replace(microsecond=0)
            )
            conditions = set_condition(pod.status.conditions, not_ready)
            try:
                await self.client.update_status(
                    attrs.evolve(pod, status=attrs.evolve(pod.status, conditions=conditions))
                )
            except (NotFound, Conflict):
                continue  # gone, or changed meanwhile: the pod's next event brings it back
            self.recorder.event(pod, "Warning", "NodeNotReady", "Node is not ready")

    async def _mark_unknown(self, node: Node, now: dt.datetime) -> Node:
        conditions = tuple(
            attrs.evolve(
                c,
                status="Unknown",
                reason="NodeStatusUnknown",
                message="Kubelet stopped posting node status.",
                last_transition_time=now.replace(microsecond=0),
            )
            for c in node.status.conditions
        ) or (
            NodeCondition(
                type="Ready",
                status="Unknown",
                reason="NodeStatusNeverUpdated",
                message="Kubelet never posted node status.",
                last_transition_time=now.replace(microsecond=0),
            ),
        )
        updated = await self.client.update_status(
            attrs.evolve(node, status=attrs.evolve(node.status, conditions=conditions))
        )
        self.recorder.event(
            updated,
            "Normal",
            "NodeNotReady",
            f"Node {node.metadata.name} status is now: NodeNotReady",
        )
        return updated

    async def _set_taints(self, node: Node, key: str | None, now: dt.datetime) -> Node:
        """Make the node's lifecycle taints those of ``key`` (or none)."""
        ours = (UNREACHABLE, NOT_READY)
        kept = [t for t in node.spec.taints if t.key not in ours or t.key == key]
        if key is not None:
            present = {t.effect for t in kept if t.key == key}
            if "NoSchedule" not in present:
                kept.append(Taint(key=key, effect="NoSchedule"))
            if "NoExecute" not in present:
                kept.append(
                    Taint(key=key, effect="NoExecute", time_added=now.replace(microsecond=0))
                )
        if tuple(kept) == node.spec.taints:
            return node
        was_healthy = not any(t.key in ours for t in node.spec.taints)
        node = await self.client.update(
            attrs.evolve(node, spec=attrs.evolve(node.spec, taints=tuple(kept)))
        )
        if key is not None and was_healthy:
            # Once, on the way down (as Kubernetes does on the Ready transition): doing it at
            # every reconcile would fight a kubelet that reports its pods Ready again.
            await self._mark_pods_not_ready(node, now)
        return node

    async def _evict(self, node: Node, now: dt.datetime) -> list[float]:
        """Delete the pods whose toleration of the node's NoExecute taints ran out; the
        seconds until the next one does."""
        taints = [t for t in node.spec.taints if t.effect == "NoExecute"]
        if not taints:
            return []
        waits = []
        for pod in self.pods.indexer.by_index(POD_NODE_INDEX, node.metadata.name):
            if pod.metadata.deletion_timestamp is not None:
                continue
            remaining = _toleration_left(pod, taints, now)
            if remaining is None:
                continue  # tolerates them for ever
            if remaining > 0:
                waits.append(remaining)
                continue
            await self._delete(pod)
        return waits

    async def _delete(self, pod: Pod) -> None:
        """Mark the pod as Kubernetes' taint eviction controller does (a DisruptionTarget
        condition, so that Jobs' pod failure policies and PDBs see why it went), then
        delete it."""
        meta = pod.metadata
        target = PodCondition(
            type="DisruptionTarget",
            status="True",
            reason="DeletionByTaintManager",
            message="Taint manager: deleting due to NoExecute taint",
            last_transition_time=wall_clock(),
        )
        try:
            conditions = set_condition(pod.status.conditions, target)
            status = attrs.evolve(pod.status, conditions=conditions)
            await self.client.update_status(attrs.evolve(pod, status=status))
            await self.client.delete(Pod, meta.name, namespace=meta.namespace)
        except (NotFound, Conflict):
            return
        self.eviction_recorder.event(
            pod,
            "Normal",
            "TaintManagerEviction",
            f"Marking for deletion Pod {meta.namespace}/{meta.name}",
        )


def _last_heartbeat(node: Node, lease: Lease | None) -> dt.datetime | None:
    if lease is not None and lease.spec.renew_time is not None:
        return lease.spec.renew_time
    ready = get_condition(node.status.conditions, "Ready")
    if ready is not None and ready.last_heartbeat_time is not None:
        return ready.last_heartbeat_time
    return node.metadata.creation_timestamp


def _toleration_left(pod: Pod, taints: list[Taint], now: dt.datetime) -> float | None:
    """Seconds until the pod must go (0: now), or None if it tolerates every taint for ever."""
    left: float | None = None
    for taint in taints:
        matching = [t for t in pod.spec.tolerations if t.tolerates(taint)]
        if not matching:
            return 0.0
        bounded = [t.toleration_seconds for t in matching if t.toleration_seconds is not None]
        if not bounded:
            continue
        added = taint.time_added or now
        remaining = (added - now).total_seconds() + max(0, min(bounded))
        left = remaining if left is None else min(left, remaining)
    return None if left is None else max(0.0, left)


def _healthy(node: Node) -> bool:
    """Ready and free of this controller's taints: nothing to do until its Lease expires."""
    ready = get_condition(node.status.conditions, "Ready")
    if ready is None or ready.status != "True":
        return False
    return not any(t.key in (UNREACHABLE, NOT_READY) for t in node.spec.taints)


class _LeaseEvents:
    """Enqueue a node for its Lease's events, except a healthy node's renewals, and the
    Lease its kubelet creates once it reported Ready: the reconcile of that report already
    waits for the heartbeat's expiry and then reads the newest Lease."""

    __slots__ = ("_healthy_nodes", "nodes")

    def __init__(self, nodes: SharedInformer[Node]) -> None:
        self.nodes = nodes
        #: name -> the Node last found healthy: a renewal then costs a lookup and an
        #: identity test (a Node changes every few minutes, its Lease every 10 s).
        self._healthy_nodes: dict[str, Node] = {}

    def on_add(self, obj: Any, queue: WorkQueue[Request]) -> None:
        self.on_update(obj, obj, queue)

    def on_update(self, old: Any, new: Any, queue: WorkQueue[Request]) -> None:
        meta = new.metadata
        if meta.namespace != LEASE_NAMESPACE:
            return
        name = meta.name
        node = self.nodes.indexer.get_by_key(name)  # a Node's key is its name
        if node is not None and self._healthy_nodes.get(name) is node:
            return
        if node is not None and _healthy(node):
            self._healthy_nodes[name] = node
            return
        self._healthy_nodes.pop(name, None)
        queue.add(Request("", name))

    def on_delete(self, obj: Any, queue: WorkQueue[Request]) -> None:
        self._healthy_nodes.pop(obj.metadata.name, None)
        if obj.metadata.namespace == LEASE_NAMESPACE:
            queue.add(Request("", obj.metadata.name))


def controller(context: ControllerContext) -> ControllerSpec:
    """The node lifecycle controller on the cluster's shared informers."""
    informers = context.informers
    nodes = informers.informer(Node)
    leases = informers.informer(Lease)
    pods = informers.informer(Pod, indexers={POD_NODE_INDEX: _pod_node})
    reconciler = NodeLifecycleReconciler(
        client=context.client,
        nodes=nodes,
        leases=leases,
        pods=pods,
        recorder=context.recorder(COMPONENT),
        eviction_recorder=context.recorder(EVICTION_COMPONENT),
        grace_period=context.node_monitor_grace_period,
    )

    def pod_to_node(pod: Any) -> Iterable[Request]:
        # As Kubernetes' taint eviction controller: a pod's event matters only while its
        # node has NoExecute taints (a reconcile of a node without them does nothing to its
        # pods; the one that adds them looks at every pod on the node). Without this, each
        # bind and status write of every pod cost its node a reconcile.
        name = pod.spec.node_name
        if name:
            node = nodes.indexer.get(name)
            if node is None or any(t.effect == "NoExecute" for t in node.spec.taints):
                yield Request("", name)

    return ControllerSpec(
        for_=Node,
        reconciler=reconciler,
        watches=[(Lease, _LeaseEvents(nodes)), (Pod, pod_to_node)],
        workers=WORKERS,
        name="nodelifecycle",
    )
