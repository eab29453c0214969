"""The pod garbage collector: pods nobody else will ever clean up (Kubernetes'
``pkg/controller/podgc``).

- **Orphaned pods**: pods bound to a node that no longer exists. A node missing from the
  informer is first quarantined for 40 s (it may just not have reached the cache yet);
  after that, if a GET of the Node still says NotFound, each of its pods is marked Failed
  with a ``DisruptionTarget`` condition ("PodGC: node no longer exists") and deleted with
  no grace period: no kubelet is left to stop its containers or report on it.
- **Terminating pods on out-of-service nodes**: pods being deleted on a node that is not
  Ready and carries the ``node.kubernetes.io/out-of-service`` taint (an operator's word that
  the node is down for good): marked Failed and deleted with no grace period.
- **Unscheduled terminating pods**: pods being deleted that were never bound to a node, so
  no kubelet will ever confirm their end: marked Failed and deleted at once.
- **Terminated pods** (phase Succeeded or Failed) beyond ``terminated_pod_threshold``
  (kube-controller-manager's ``--terminated-pod-gc-threshold``, 12500; 0 turns it off): the
  oldest by creation time go first, evicted ones before the others.

Kubernetes scans everything every 20 s and looks at the quarantine queue on those scans.
Here a node is reconciled when it goes, when it changes while out of service, or when a pod
bound to it changes (not at every other change of a Node: a cluster's start and its nodes'
status reports), and asks to come back when its quarantine ends, so an orphan goes
exactly 40 s after its node was seen missing; the cluster-wide scan for the other two cases
runs whenever a pod that finished, or one being deleted unscheduled, changes (the work
queue folds a burst of them into one scan).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from ..actors import monotonic, wall_clock
from ..api import Node, Pod, PodCondition, Preconditions, get_condition, set_condition
from ..client import Client, SharedInformer
from ..errors import Conflict, NotFound
from ..reconcile import ControllerSpec, Request, Result, WorkQueue, reconcile_log
from ._context import ControllerContext

__all__ = [
    "COMPONENT",
    "OUT_OF_SERVICE",
    "QUARANTINE_TIME",
    "TERMINATED_POD_THRESHOLD",
    "WORKERS",
    "PodGCReconciler",
    "controller",
]

#: The client name, as kube-controller-manager names this controller (it records no Events).
COMPONENT = "pod-garbage-collector"
#: One worker: Kubernetes' pod GC is a single periodic loop.
WORKERS = 1

QUARANTINE_TIME = 40.0
TERMINATED_POD_THRESHOLD = 12500
POD_NODE_INDEX = "spec.nodeName"
OUT_OF_SERVICE = "node.kubernetes.io/out-of-service"
#: The request of the cluster-wide scan: no Node has an empty name.
SCAN = Request("", "")


def _pod_node(pod: Any) -> Iterable[str]:
    return (pod.spec.node_name,) if pod.spec.node_name else ()


def _terminated(pod: Pod) -> bool:
    return pod.status.phase not in ("Pending", "Running", "Unknown", "")


def _evicted(pod: Pod) -> bool:
    return pod.status.phase == "Failed" and pod.status.reason == "Evicted"


class PodGCReconciler:
    """Reconciles a node name (its orphans) or ``SCAN`` (the cluster-wide cases)."""

    def __init__(
        self,
        *,
        client: Client,
        nodes: SharedInformer[Node],
        pods: SharedInformer[Pod],
        terminated_pod_threshold: int = TERMINATED_POD_THRESHOLD,
        quarantine_time: float = QUARANTINE_TIME,
    ) -> None:
        self.client = client
        self.nodes = nodes
        self.pods = pods
        self.terminated_pod_threshold = terminated_pod_threshold
        self.quarantine_time = quarantine_time
        #: Node name -> when it was first seen missing (the running clock).
        self._missing_since: dict[str, float] = {}

    async def reconcile(self, request: Request) -> Result:
        if request == SCAN:
            return await self._scan()
        return await self._orphans_of(request.name)

    # ------------------------------------------------------------------------ orphans

    async def _orphans_of(self, node: str) -> Result:
        pods = self.pods.indexer.by_index(POD_NODE_INDEX, node)
        found = self.nodes.indexer.get(node)
        if found is not None or not pods:
            self._missing_since.pop(node, None)
            if found is not None and _out_of_service(found):
                for pod in pods:
                    if pod.metadata.deletion_timestamp is not None:
                        await self._mark_failed_and_delete(pod, None)
                        reconcile_log().info("out_of_service_pod_deleted", pod=_name(pod))
            return Result()
        now = monotonic()
        since = self._missing_since.setdefault(node, now)
        remaining = since + self.quarantine_time - now
        if remaining > 0:
            return Result(requeue_after=remaining)
        try:
            await self.client.get(Node, node)
        except NotFound:
            pass
        else:
            # The informer is behind: the node exists. Its next change brings it back.
            self._missing_since.pop(node, None)
            return Result()
        self._missing_since.pop(node, None)
        condition = PodCondition(
            type="DisruptionTarget",
            status="True",
            reason="DeletionByPodGC",
            message="PodGC: node no longer exists",
        )
        for pod in pods:
            await self._mark_failed_and_delete(pod, condition)
            reconcile_log().info("orphaned_pod_deleted", pod=_name(pod), node=node)
        return Result()

    # --------------------------------------------------------------------------- scan

    async def _scan(self) -> Result:
        pods = list(self.pods.indexer)
        threshold = self.terminated_pod_threshold
        if threshold > 0:
            terminated = [p for p in pods if _terminated(p)]
            excess = len(terminated) - threshold
            if excess > 0:
                terminated.sort(key=_eviction_then_age)
                for pod in terminated[:excess]:
                    await self._mark_failed_and_delete(pod, None)
                reconcile_log().info("terminated_pods_deleted", count=excess)
        for pod in pods:
            if pod.metadata.deletion_timestamp is not None and not pod.spec.node_name:
                await self._mark_failed_and_delete(pod, None)
                reconcile_log().info("unscheduled_terminating_pod_deleted", pod=_name(pod))
        return Result()

    # ------------------------------------------------------------------------- delete

    async def _mark_failed_and_delete(self, pod: Pod, condition: PodCondition | None) -> None:
        """Failed first (a pod whose kubelet is gone would stay Running for ever), then
        deleted with no grace period."""
        meta = pod.metadata
        try:
            if pod.status.phase not in ("Succeeded", "Failed"):
                status = attrs.evolve(pod.status, phase="Failed")
                if condition is not None:
                    stamped = attrs.evolve(condition, last_transition_time=wall_clock())
                    status = attrs.evolve(
                        status, conditions=set_condition(status.conditions, stamped)
                    )
                await self.client.update_status(attrs.evolve(pod, status=status))
            await self.client.delete(
                Pod,
                meta.name,
                namespace=meta.namespace,
                grace_period_seconds=0,
                preconditions=Preconditions(uid=meta.uid),
            )
        except (NotFound, Conflict):
            return  # gone, changed or replaced meanwhile: the next reconcile looks again


class _NodeChanges:
    """The Node changes that give the pod GC work: a Node gone (its pods are orphans) or one
    out of service (its terminating pods go); a Node that comes or changes otherwise leaves
    its pods as they are, and one quarantined meanwhile is looked at again when its
    quarantine ends."""

    __slots__ = ()

    def on_add(self, node: Node, queue: WorkQueue[Request]) -> None:
        if _out_of_service(node):
            queue.add(Request("", node.metadata.name))

    def on_update(self, old: Node, new: Node, queue: WorkQueue[Request]) -> None:
        if _out_of_service(new):
            queue.add(Request("", new.metadata.name))

    def on_delete(self, node: Node, queue: WorkQueue[Request]) -> None:
        queue.add(Request("", node.metadata.name))


def _out_of_service(node: Node) -> bool:
    ready = get_condition(node.status.conditions, "Ready")
    not_ready = ready is None or ready.status != "True"
    return not_ready and any(t.key == OUT_OF_SERVICE for t in node.spec.taints)


def _name(pod: Pod) -> str:
    return f"{pod.metadata.namespace}/{pod.metadata.name}"


def _eviction_then_age(pod: Pod) -> tuple[bool, Any, str]:
    created = pod.metadata.creation_timestamp
    return (not _evicted(pod), created.timestamp() if created else 0.0, pod.metadata.name)


def controller(context: ControllerContext) -> ControllerSpec:
    """The ``podgc`` controller."""
    nodes = context.informers.informer(Node)
    pods = context.informers.informer(Pod, indexers={POD_NODE_INDEX: _pod_node})
    reconciler = PodGCReconciler(
        client=context.client,
        nodes=nodes,
        pods=pods,
        terminated_pod_threshold=context.terminated_pod_gc_threshold,
    )

    def pod_to_requests(pod: Any) -> Iterable[Request]:
        # A tuple, not a generator: every write of every Pod comes here, nearly all for
        # nothing (a running Pod on a known node).
        node = pod.spec.node_name
        deleting = pod.metadata.deletion_timestamp is not None
        scan = _terminated(pod) or (deleting and not node)
        if node and (deleting or nodes.indexer.get(node) is None):
            return (Request("", node), SCAN) if scan else (Request("", node),)
        return (SCAN,) if scan else ()

    return ControllerSpec(
        for_=Node,
        for_events=_NodeChanges(),
        reconciler=reconciler,
        watches=[(Pod, pod_to_requests)],
        workers=WORKERS,
        name="podgc",
    )
