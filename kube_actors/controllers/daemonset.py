"""The DaemonSet controller: one Pod on every eligible node (Kubernetes'
``pkg/controller/daemon``).

Each reconcile reads the DaemonSet, every Node and the set's own Pods (through the owner-uid
index) from the shared informers' caches, and files the Pods by the node they target: their
``spec.nodeName``, or, not yet bound, the node their required node affinity names. Then:

1. **Placement.** A node should run the daemon Pod when the template's ``nodeSelector`` and
   required node affinity match it, and its Pod tolerates every ``NoSchedule`` and
   ``NoExecute`` taint; a Pod already there may stay unless a ``NoExecute`` taint is not
   tolerated. The Pod's tolerations are the template's plus what Kubernetes adds to every
   daemon Pod: ``not-ready`` and ``unreachable`` (NoExecute, forever), ``disk-pressure``,
   ``memory-pressure``, ``pid-pressure``, ``unschedulable`` (NoSchedule), and
   ``network-unavailable`` for host-network Pods.
2. **Pods follow nodes.** A node that should run the Pod and has none gets one; a node that
   should not loses its Pods; a Failed Pod is deleted (``FailedDaemonPod``) and made again;
   of two Pods on a node the oldest stays. Pods aimed at a node that no longer exists are
   deleted too (Kubernetes leaves bound ones to its Pod garbage collector, which this project
   does not have).
3. **Binding.** As Kubernetes does, the controller names the node in the Pod's required node
   affinity, ``matchFields metadata.name In [<node>]`` (replacing the template's required
   terms, which it has already checked), and leaves binding to the scheduler.
4. **Updates.** With ``RollingUpdate`` the Pods whose ``controller-revision-hash`` is not the
   template's are replaced node by node: old Pods that are not available go first, then
   available ones while fewer than ``maxUnavailable`` (default 1) nodes are without an
   available Pod. With ``maxSurge`` above 0 the new Pod is created beside the old one, which
   is deleted once the new one is available. ``OnDelete`` replaces a Pod only when it is
   deleted.
5. **History.** Each template the set has had is a ControllerRevision ``<name>-<hash>``
   (``_history``), the newest numbered highest; revisions that no Pod carries are cut to
   ``revisionHistoryLimit`` (10). ``kubectl rollout history`` and ``undo`` read them.
6. **Status**: desiredNumberScheduled, currentNumberScheduled, numberMisscheduled,
   numberReady, numberAvailable, numberUnavailable, updatedNumberScheduled,
   observedGeneration.

Events are the ones of Kubernetes' Pod control (``SuccessfulCreate`` "Created pod: ...",
``SuccessfulDelete`` "Deleted pod: ...") and ``FailedDaemonPod``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import attrs

from ..actors import wall_clock
from ..api import (
    Affinity,
    ControllerRevision,
    DaemonSet,
    Node,
    NodeAffinity,
    NodeSelector,
    NodeSelectorRequirement,
    NodeSelectorTerm,
    Pod,
    Taint,
    Toleration,
    compile_selector,
    is_pod_available,
    is_pod_ready,
    scaled_value_from_int_or_percent,
    template_hash,
)
from ..client import Client, EventRecorder, SharedInformer
from ..reconcile import ControllerSpec, Request, Result, WorkQueue
from ._context import ControllerContext
from ._expectations import Expectations
from ._history import RevisionHistory
from ._workloads import (
    REVISION_LABEL,
    PodControl,
    PodEvents,
    owned_pods,
    pod_from_template,
    revision_of,
)

__all__ = [
    "COMPONENT",
    "DAEMON_TOLERATIONS",
    "DaemonSetReconciler",
    "WORKERS",
    "controller",
    "daemon_pod_tolerations",
    "node_should_run",
    "target_node",
]

#: The Event source and client name, as kube-controller-manager names this controller.
COMPONENT = "daemonset-controller"
#: kube-controller-manager's ``--concurrent-daemonset-syncs``.
WORKERS = 2

TEMPLATE_GENERATION_LABEL = "pod-template-generation"

#: The tolerations Kubernetes adds to every daemon Pod.
DAEMON_TOLERATIONS = (
    Toleration(key="node.kubernetes.io/not-ready", operator="Exists", effect="NoExecute"),
    Toleration(key="node.kubernetes.io/unreachable", operator="Exists", effect="NoExecute"),
    Toleration(key="node.kubernetes.io/disk-pressure", operator="Exists", effect="NoSchedule"),
    Toleration(key="node.kubernetes.io/memory-pressure", operator="Exists", effect="NoSchedule"),
    Toleration(key="node.kubernetes.io/pid-pressure", operator="Exists", effect="NoSchedule"),
    Toleration(key="node.kubernetes.io/unschedulable", operator="Exists", effect="NoSchedule"),
)
_HOST_NETWORK_TOLERATION = Toleration(
    key="node.kubernetes.io/network-unavailable", operator="Exists", effect="NoSchedule"
)


def daemon_pod_tolerations(ds: DaemonSet) -> tuple[Toleration, ...]:
    """The template's tolerations plus the daemon ones it does not already have."""
    spec = ds.spec.template.spec
    added = DAEMON_TOLERATIONS + ((_HOST_NETWORK_TOLERATION,) if spec.host_network else ())
    present = {(t.key, t.effect) for t in spec.tolerations}
    return spec.tolerations + tuple(t for t in added if (t.key, t.effect) not in present)


# ----------------------------------------------------------------------- placement


def _requirement_matches(req: NodeSelectorRequirement, value: str | None) -> bool:
    op = req.operator
    if op == "In":
        return value is not None and value in req.values
    if op == "NotIn":
        return value is None or value not in req.values
    if op == "Exists":
        return value is not None
    if op == "DoesNotExist":
        return value is None
    if op in ("Gt", "Lt") and value is not None and value.lstrip("-").isdigit() and req.values:
        bound = int(req.values[0])
        return int(value) > bound if op == "Gt" else int(value) < bound
    return False


def _term_matches(term: NodeSelectorTerm, node: Node) -> bool:
    if not term.match_expressions and not term.match_fields:
        return False  # an empty term matches no node
    labels = node.metadata.labels
    fields = {"metadata.name": node.metadata.name}
    return all(_requirement_matches(r, labels.get(r.key)) for r in term.match_expressions) and all(
        _requirement_matches(r, fields.get(r.key)) for r in term.match_fields
    )


def _affinity_matches(affinity: Affinity | None, node: Node) -> bool:
    node_affinity = affinity.node_affinity if affinity else None
    required = (
        node_affinity.required_during_scheduling_ignored_during_execution if node_affinity else None
    )
    if required is None:
        return True
    return any(_term_matches(term, node) for term in required.node_selector_terms)


def _untolerated(
    taints: Iterable[Taint], tolerations: Sequence[Toleration], effects: set[str]
) -> list[Taint]:
    return [
        t
        for t in taints
        if t.effect in effects and not any(tol.tolerates(t) for tol in tolerations)
    ]


def node_should_run(
    ds: DaemonSet, node: Node, tolerations: Sequence[Toleration]
) -> tuple[bool, bool]:
    """(should run, should continue running) the daemon Pod on ``node``."""
    spec = ds.spec.template.spec
    if spec.node_selector and not compile_selector(spec.node_selector).matches(
        node.metadata.labels
    ):
        return False, False
    if not _affinity_matches(spec.affinity, node):
        return False, False
    taints = node.spec.taints
    if _untolerated(taints, tolerations, {"NoExecute"}):
        return False, False
    if _untolerated(taints, tolerations, {"NoSchedule"}):
        return False, True
    return True, True


def target_node(pod: Pod) -> str | None:
    """The node a daemon Pod is on, or aimed at by its required node affinity."""
    if pod.spec.node_name:
        return pod.spec.node_name
    affinity = pod.spec.affinity
    node_affinity = affinity.node_affinity if affinity else None
    required = (
        node_affinity.required_during_scheduling_ignored_during_execution if node_affinity else None
    )
    if required is None:
        return None
    for term in required.node_selector_terms:
        for field in term.match_fields:
            if field.key == "metadata.name" and field.operator == "In" and len(field.values) == 1:
                return field.values[0]
    return None


def _with_node_affinity(affinity: Affinity | None, node: str) -> Affinity:
    """``affinity`` whose required node terms are just ``metadata.name In [node]``."""
    required = NodeSelector(
        node_selector_terms=[
            NodeSelectorTerm(
                match_fields=[
                    NodeSelectorRequirement(key="metadata.name", operator="In", values=[node])
                ]
            )
        ]
    )
    affinity = affinity or Affinity()
    node_affinity = affinity.node_affinity or NodeAffinity()
    node_affinity = attrs.evolve(
        node_affinity, required_during_scheduling_ignored_during_execution=required
    )
    return attrs.evolve(affinity, node_affinity=node_affinity)


# -------------------------------------------------------------------------- reconcile


def _oldest_first(pods: Iterable[Pod]) -> list[Pod]:
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(pods, key=lambda p: (p.metadata.creation_timestamp or epoch, p.metadata.name))


@attrs.frozen(kw_only=True)
class _NodePlan:
    node: Node
    should_run: bool
    should_continue: bool
    pods: list[Pod]  # the live daemon Pods there, oldest first


class DaemonSetReconciler:
    """Reconciles one DaemonSet at a time against the nodes (see the module docstring)."""

    def __init__(
        self,
        *,
        client: Client,
        sets: SharedInformer[DaemonSet],
        nodes: SharedInformer[Node],
        pods: SharedInformer[Pod],
        recorder: EventRecorder,
        expectations: Expectations,
        history: RevisionHistory,
    ) -> None:
        self.client = client
        self.sets = sets
        self.nodes = nodes
        self.pods = pods
        self.history = history
        self.recorder = recorder
        self.expectations = expectations
        self.control = PodControl(client, recorder, expectations)

    async def reconcile(self, request: Request) -> Result:
        key = str(request)
        ds = self.sets.indexer.get(request.name, request.namespace)
        if ds is None:
            self.expectations.delete(key)
            return Result()
        if ds.metadata.deletion_timestamp is not None:
            return Result()
        tolerations = daemon_pod_tolerations(ds)
        by_node: dict[str, list[Pod]] = {}
        failed: list[Pod] = []
        for pod in owned_pods(self.pods, ds):
            if pod.metadata.deletion_timestamp is not None:
                continue
            if pod.status.phase == "Failed":
                failed.append(pod)
                continue
            by_node.setdefault(target_node(pod) or "", []).append(pod)
        plans = []
        for node in self.nodes.indexer:
            run, keep = node_should_run(ds, node, tolerations)
            pods = _oldest_first(by_node.pop(node.metadata.name, ()))
            plans.append(_NodePlan(node=node, should_run=run, should_continue=keep, pods=pods))
        stray = [pod for pods in by_node.values() for pod in pods]  # aimed at no node
        revision = template_hash(ds.spec.template)
        await self.history.ensure(ds, ds.spec.template, hash_label=REVISION_LABEL)
        if self.expectations.satisfied(key):
            sync = _Sync(self, key, ds, revision, tolerations)
            await sync.manage(plans, failed, stray)
            if _rolling(ds):
                await sync.roll(plans)
        # Kubernetes' cleanupHistory: revisions no live Pod carries go beyond the limit.
        live = {revision_of(p) for plan in plans for p in plan.pods} | {revision}
        await self.history.truncate(
            ds,
            in_use=(f"{ds.metadata.name}-{h}" for h in live),
            limit=ds.spec.revision_history_limit,
        )
        return await self._write_status(ds, plans, revision)

    async def _write_status(
        self, ds: DaemonSet, plans: Sequence[_NodePlan], revision: str
    ) -> Result:
        now = wall_clock()
        min_ready = ds.spec.min_ready_seconds
        desired = current = misscheduled = ready = available = updated = 0
        for plan in plans:
            if not plan.should_run:
                misscheduled += 1 if plan.pods else 0
                continue
            desired += 1
            if not plan.pods:
                continue
            current += 1
            pod = plan.pods[0]
            ready += is_pod_ready(pod)
            available += is_pod_available(pod, min_ready, now)
            updated += revision_of(pod) == revision
        status = attrs.evolve(
            ds.status,
            desired_number_scheduled=desired,
            current_number_scheduled=current,
            number_misscheduled=misscheduled,
            number_ready=ready,
            number_available=available,
            number_unavailable=desired - available,
            updated_number_scheduled=updated,
            observed_generation=ds.metadata.generation,
        )
        if status != ds.status:
            await self.client.update_status(attrs.evolve(ds, status=status))
        if min_ready and available < ready:
            return Result(requeue_after=float(min_ready))
        return Result()


def _rolling(ds: DaemonSet) -> bool:
    strategy = ds.spec.update_strategy
    return strategy is None or strategy.type != "OnDelete"


class _Sync:
    """The creations and deletions of one reconcile."""

    def __init__(
        self,
        owner: DaemonSetReconciler,
        key: str,
        ds: DaemonSet,
        revision: str,
        tolerations: tuple[Toleration, ...],
    ) -> None:
        self.owner = owner
        self.key = key
        self.ds = ds
        self.revision = revision
        self.tolerations = tolerations
        self.now = wall_clock()

    async def manage(
        self, plans: Sequence[_NodePlan], failed: Sequence[Pod], stray: Sequence[Pod]
    ) -> None:
        control = self.owner.control
        for pod in failed:
            meta = pod.metadata
            message = (
                f"Found failed daemon pod {meta.namespace}/{meta.name} on node "
                f"{target_node(pod) or ''}, will try to kill it"
            )
            self.owner.recorder.event(self.ds, "Warning", "FailedDaemonPod", message)
            await control.delete(self.key, self.ds, pod)
        for pod in stray:
            await control.delete(self.key, self.ds, pod)
        for plan in plans:
            if plan.should_run and not plan.pods:
                await control.create(self.key, self.ds, self._new_pod(plan.node.metadata.name))
            elif plan.should_run and len(plan.pods) > 1 and not self._surging(plan):
                for pod in plan.pods[1:]:  # the oldest stays
                    await control.delete(self.key, self.ds, pod)
            elif not plan.should_continue:
                for pod in plan.pods:
                    await control.delete(self.key, self.ds, pod)

    def _surging(self, plan: _NodePlan) -> bool:
        """An old and a new Pod side by side during a surge update."""
        return _max_surge(self.ds, 1) > 0 and any(
            revision_of(p) == self.revision for p in plan.pods
        )

    async def roll(self, plans: Sequence[_NodePlan]) -> None:
        desired = sum(1 for p in plans if p.should_run)
        min_ready = self.ds.spec.min_ready_seconds
        eligible = [p for p in plans if p.should_run and p.pods]
        if _max_surge(self.ds, desired) > 0:
            await self._surge(eligible, desired, min_ready)
            return
        max_unavailable = _max_unavailable(self.ds, desired)
        unavailable = sum(
            1
            for p in plans
            if p.should_run and not (p.pods and is_pod_available(p.pods[0], min_ready, self.now))
        )
        old_unavailable, old_available = [], []
        for plan in eligible:
            pod = plan.pods[0]
            if revision_of(pod) == self.revision:
                continue
            if is_pod_available(pod, min_ready, self.now):
                old_available.append(pod)
            else:
                old_unavailable.append(pod)
        doomed = old_unavailable + old_available[: max(0, max_unavailable - unavailable)]
        for pod in doomed:
            await self.owner.control.delete(self.key, self.ds, pod)

    async def _surge(self, eligible: Sequence[_NodePlan], desired: int, min_ready: int) -> None:
        budget = _max_surge(self.ds, desired)
        surging = sum(1 for p in eligible if len(p.pods) > 1)
        for plan in eligible:
            new = [p for p in plan.pods if revision_of(p) == self.revision]
            old = [p for p in plan.pods if revision_of(p) != self.revision]
            if not old:
                continue
            if not new:
                if surging < budget:
                    surging += 1
                    name = plan.node.metadata.name
                    await self.owner.control.create(self.key, self.ds, self._new_pod(name))
                continue
            if is_pod_available(new[0], min_ready, self.now):
                for pod in old:
                    await self.owner.control.delete(self.key, self.ds, pod)

    def _new_pod(self, node: str) -> Pod:
        ds = self.ds
        pod = pod_from_template(
            ds.spec.template,
            ds,
            generate_name=f"{ds.metadata.name}-",
            labels={
                REVISION_LABEL: self.revision,
                TEMPLATE_GENERATION_LABEL: str(ds.metadata.generation),
            },
        )
        spec = attrs.evolve(
            pod.spec,
            affinity=_with_node_affinity(pod.spec.affinity, node),
            tolerations=self.tolerations,
        )
        return attrs.evolve(pod, spec=spec)


def _max_unavailable(ds: DaemonSet, desired: int) -> int:
    strategy = ds.spec.update_strategy
    rolling = strategy.rolling_update if strategy else None
    value = rolling.max_unavailable if rolling and rolling.max_unavailable is not None else 1
    scaled = scaled_value_from_int_or_percent(value, desired, round_up=True)
    surge = _max_surge(ds, desired)
    return max(scaled, 1) if surge == 0 else scaled


def _max_surge(ds: DaemonSet, desired: int) -> int:
    strategy = ds.spec.update_strategy
    rolling = strategy.rolling_update if strategy else None
    value = rolling.max_surge if rolling and rolling.max_surge is not None else 0
    return scaled_value_from_int_or_percent(value, desired, round_up=True)


class _NodeEvents:
    """Node changes that may change placement enqueue every DaemonSet."""

    __slots__ = ("sets",)

    def __init__(self, sets: SharedInformer[DaemonSet]) -> None:
        self.sets = sets

    def _all(self, queue: WorkQueue[Request]) -> None:
        for ds in self.sets.indexer:
            queue.add(Request(ds.metadata.namespace, ds.metadata.name))

    def on_add(self, node: Node, queue: WorkQueue[Request]) -> None:
        self._all(queue)

    def on_update(self, old: Node, new: Node, queue: WorkQueue[Request]) -> None:
        if (
            old.metadata.labels != new.metadata.labels
            or old.spec.taints != new.spec.taints
            or old.spec.unschedulable != new.spec.unschedulable
        ):
            self._all(queue)

    def on_delete(self, node: Node, queue: WorkQueue[Request]) -> None:
        self._all(queue)


def controller(context: ControllerContext) -> ControllerSpec:
    """The DaemonSet controller, as kube-controller-manager's ``daemonset-controller``."""
    sets = context.informers.informer(DaemonSet)
    nodes = context.informers.informer(Node)
    pods = context.informers.informer(Pod)
    expectations = Expectations()
    history = RevisionHistory(
        client=context.client, revisions=context.informers.informer(ControllerRevision)
    )
    reconciler = DaemonSetReconciler(
        client=context.client,
        sets=sets,
        nodes=nodes,
        pods=pods,
        recorder=context.recorder(COMPONENT),
        expectations=expectations,
        history=history,
    )
    return ControllerSpec(
        for_=DaemonSet,
        owns=(ControllerRevision,),
        watches=[(Pod, PodEvents(DaemonSet, expectations)), (Node, _NodeEvents(sets))],
        reconciler=reconciler,
        workers=WORKERS,
        name="daemonset",
    )
