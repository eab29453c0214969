"""The disruption controller: each PodDisruptionBudget's status (Kubernetes'
``pkg/controller/disruption``).

For a budget it counts the Pods its selector picks in its namespace (no selector picks none, an
empty one all) and writes:

- ``expectedPods`` and ``desiredHealthy``: with an integer ``minAvailable``, the Pods found and
  that number; with a percentage ``minAvailable`` or with ``maxUnavailable``, the replicas the
  Pods' controllers ask for (each ReplicaSet, through its Deployment when it has one, each
  StatefulSet, counted once), and the part of them that must stay healthy (percentages of
  ``minAvailable`` rounded up, of ``maxUnavailable`` rounded up, as Kubernetes does). A Pod
  with no such controller is a ``SyncFailed`` condition and no disruption allowed;
- ``currentHealthy``: the Pods Ready and not being deleted, leaving out those an eviction
  took a disruption for (``disruptedPods``) until they are seen deleted, or two minutes passed;
- ``disruptionsAllowed`` (``currentHealthy - desiredHealthy``, at least 0), the condition
  ``DisruptionAllowed`` (``SufficientPods`` / ``InsufficientPods``) and ``observedGeneration``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import Any, Final

from ..actors import wall_clock
from ..api import (
    Condition,
    Deployment,
    Pod,
    PodDisruptionBudget,
    PodDisruptionBudgetStatus,
    ReplicaSet,
    StatefulSet,
    compile_selector,
    controller_of,
    evolve,
    is_pod_ready,
)
from ..client import Client, SharedInformer
from ..reconcile import ControllerSpec, Request, Result, reconcile_log
from ._context import ControllerContext

__all__ = [
    "COMPONENT",
    "DELETION_TIMEOUT",
    "DisruptionReconciler",
    "WORKERS",
    "controller",
]

#: The Event source and client name, as kube-controller-manager names this controller.
COMPONENT = "disruption-controller"
WORKERS = 1
#: How long an evicted Pod is kept out of currentHealthy while waiting to see it deleted.
DELETION_TIMEOUT: Final = 120.0


class _NoScale(Exception):
    """A Pod whose controller has no scale to count expected Pods from."""


class DisruptionReconciler:
    """Computes each budget's status from the Pods it covers (see the module docstring)."""

    def __init__(
        self,
        *,
        client: Client,
        budgets: SharedInformer[PodDisruptionBudget],
        pods: SharedInformer[Pod],
        replica_sets: SharedInformer[ReplicaSet],
        deployments: SharedInformer[Deployment],
        stateful_sets: SharedInformer[StatefulSet],
    ) -> None:
        self.client = client
        self.budgets = budgets
        self.pods = pods
        self.replica_sets = replica_sets
        self.deployments = deployments
        self.stateful_sets = stateful_sets

    async def reconcile(self, request: Request) -> Result:
        budget = self.budgets.indexer.get(request.name, request.namespace)
        if budget is None or budget.metadata.deletion_timestamp is not None:
            return Result()
        now = wall_clock()
        selector = budget.spec.selector
        pods = (
            []
            if selector is None
            else [
                p
                for p in self.pods.indexer.list(request.namespace)
                if compile_selector(selector).matches(p.metadata.labels)
            ]
        )
        disrupted, recheck = _still_disrupted(budget, pods, now)
        healthy = sum(
            1
            for p in pods
            if is_pod_ready(p)
            and p.metadata.deletion_timestamp is None
            and p.metadata.name not in disrupted
        )
        try:
            expected, desired = self._expected_and_desired(budget, pods)
        except _NoScale as failure:
            status = _status(budget, disrupted, healthy, 0, 0, allowed=0, failure=str(failure))
        else:
            allowed = max(healthy - desired, 0)
            status = _status(budget, disrupted, healthy, expected, desired, allowed=allowed)
        await self._write(budget, status, now)
        return Result(requeue_after=recheck) if recheck is not None else Result()

    # ------------------------------------------------------------------------- counting

    def _expected_and_desired(
        self, budget: PodDisruptionBudget, pods: list[Pod]
    ) -> tuple[int, int]:
        spec = budget.spec
        if spec.max_unavailable is not None:
            expected = self._expected_scale(pods)
            unavailable = _scaled(spec.max_unavailable, expected)
            return expected, max(expected - unavailable, 0)
        if spec.min_available is not None:
            if isinstance(spec.min_available, int):
                return len(pods), spec.min_available
            expected = self._expected_scale(pods)
            return expected, _scaled(spec.min_available, expected)
        return len(pods), 0

    def _expected_scale(self, pods: Iterable[Pod]) -> int:
        """The replicas wanted by the controllers of ``pods``, each controller counted once."""
        counted: dict[str, int] = {}
        for pod in pods:
            ref = controller_of(pod)
            if ref is None:
                raise _NoScale(f'found no controller ref for pod "{pod.metadata.name}"')
            if ref.uid in counted:
                continue
            uid, replicas = self._scale_of(pod.metadata.namespace, ref.kind, ref.name, ref.uid)
            counted[uid] = replicas
        return sum(counted.values())

    def _scale_of(self, namespace: str, kind: str, name: str, uid: str) -> tuple[str, int]:
        if kind == "ReplicaSet":
            rs = self.replica_sets.indexer.get(name, namespace)
            if rs is not None and rs.metadata.uid == uid:
                owner = controller_of(rs)
                if owner is not None and owner.kind == "Deployment":
                    deployment = self.deployments.indexer.get(owner.name, namespace)
                    if deployment is not None and deployment.metadata.uid == owner.uid:
                        return owner.uid, _replicas(deployment.spec.replicas)
                return uid, _replicas(rs.spec.replicas)
        if kind == "StatefulSet":
            sts = self.stateful_sets.indexer.get(name, namespace)
            if sts is not None and sts.metadata.uid == uid:
                return uid, _replicas(sts.spec.replicas)
        raise _NoScale(f"found no controllers for pod {name!r}")

    async def _write(
        self, budget: PodDisruptionBudget, status: PodDisruptionBudgetStatus, now: dt.datetime
    ) -> None:
        status = evolve(status, conditions=_keep_transition(budget.status.conditions, status, now))
        if status == budget.status:
            return
        await self.client.update_status(evolve(budget, status=status))
        reconcile_log().debug(
            "pdb_status_updated",
            healthy=status.current_healthy,
            desired=status.desired_healthy,
            allowed=status.disruptions_allowed,
        )


def _replicas(value: int | None) -> int:
    return 1 if value is None else value


def _scaled(value: int | str, total: int) -> int:
    if isinstance(value, int):
        return value
    return math.ceil(int(value.rstrip("%")) * total / 100)


def _still_disrupted(
    budget: PodDisruptionBudget, pods: list[Pod], now: dt.datetime
) -> tuple[dict[str, dt.datetime], float | None]:
    """The evicted Pods still present and not yet deleted, and when the first of them times
    out (then the budget is looked at again)."""
    alive = {p.metadata.name for p in pods if p.metadata.deletion_timestamp is None}
    kept: dict[str, dt.datetime] = {}
    recheck: float | None = None
    for name, when in budget.status.disrupted_pods.items():
        left = DELETION_TIMEOUT - (now - when).total_seconds()
        if name not in alive or left <= 0:
            continue
        kept[name] = when
        recheck = left if recheck is None else min(recheck, left)
    return kept, recheck


def _status(
    budget: PodDisruptionBudget,
    disrupted: dict[str, dt.datetime],
    healthy: int,
    expected: int,
    desired: int,
    *,
    allowed: int,
    failure: str = "",
) -> PodDisruptionBudgetStatus:
    if failure:
        reason, status, message = "SyncFailed", "False", failure
    elif allowed > 0:
        reason, status, message = "SufficientPods", "True", ""
    else:
        reason, status, message = "InsufficientPods", "False", ""
    generation = budget.metadata.generation
    condition = Condition(
        type="DisruptionAllowed",
        status=status,
        reason=reason,
        message=message,
        observed_generation=generation,
    )
    return PodDisruptionBudgetStatus(
        observed_generation=generation,
        disrupted_pods=disrupted,
        disruptions_allowed=allowed,
        current_healthy=healthy,
        desired_healthy=desired,
        expected_pods=expected,
        conditions=(condition,),
    )


def _keep_transition(
    old: tuple[Condition, ...], status: PodDisruptionBudgetStatus, now: dt.datetime
) -> tuple[Condition, ...]:
    """The condition keeps its lastTransitionTime unless its status changed."""
    (new,) = status.conditions
    for previous in old:
        if previous.type == new.type and previous.status == new.status:
            return (evolve(new, last_transition_time=previous.last_transition_time),)
    return (evolve(new, last_transition_time=now),)


def _budgets_of(budgets: SharedInformer[PodDisruptionBudget]) -> Any:
    def map_pod(pod: Pod) -> list[Request]:
        found = []
        for budget in budgets.indexer.list(pod.metadata.namespace):
            selector = budget.spec.selector
            if selector is not None and compile_selector(selector).matches(pod.metadata.labels):
                found.append(Request(budget.metadata.namespace, budget.metadata.name))
        return found

    return map_pod


def controller(context: ControllerContext) -> ControllerSpec:
    """The disruption controller, as kube-controller-manager's ``disruption-controller``."""
    budgets = context.informers.informer(PodDisruptionBudget)
    reconciler = DisruptionReconciler(
        client=context.client,
        budgets=budgets,
        pods=context.informers.informer(Pod),
        replica_sets=context.informers.informer(ReplicaSet),
        deployments=context.informers.informer(Deployment),
        stateful_sets=context.informers.informer(StatefulSet),
    )
    return ControllerSpec(
        for_=PodDisruptionBudget,
        watches=[(Pod, _budgets_of(budgets))],
        reconciler=reconciler,
        workers=WORKERS,
        name="disruption",
    )
