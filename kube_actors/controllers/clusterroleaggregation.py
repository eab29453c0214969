"""The clusterrole-aggregation controller: fills an aggregated ClusterRole's rules from the
ClusterRoles its ``aggregationRule`` selects (Kubernetes'
``pkg/controller/clusterroleaggregation``).

The rules are those of every other ClusterRole matched by any of the selectors, in the order
of the matched roles' names, each rule once. A change to any ClusterRole requeues every
aggregated one, so that a role labelled ``rbac.authorization.k8s.io/aggregate-to-view: "true"``
extends ``view`` (and, through ``view``'s own label, ``edit`` and ``admin``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import attrs

from ..api import ClusterRole, PolicyRule, compile_selector
from ..client import Client, SharedInformer
from ..errors import Conflict, NotFound
from ..reconcile import ControllerSpec, Request, Result, reconcile_log
from ._context import ControllerContext

__all__ = ["COMPONENT", "WORKERS", "ClusterRoleAggregationReconciler", "controller"]

#: The Event source and client name, as kube-controller-manager names this controller.
COMPONENT = "clusterrole-aggregation-controller"
#: kube-controller-manager runs it with one worker.
WORKERS = 1


class ClusterRoleAggregationReconciler:
    """Keeps each aggregated ClusterRole's rules the union of the roles it selects."""

    def __init__(self, *, client: Client, cluster_roles: SharedInformer[ClusterRole]) -> None:
        self.client = client
        self.cluster_roles = cluster_roles

    def _aggregate(self, role: ClusterRole) -> tuple[PolicyRule, ...]:
        assert role.aggregation_rule is not None
        selectors = [compile_selector(s) for s in role.aggregation_rule.cluster_role_selectors]
        rules: list[PolicyRule] = []
        others = sorted(self.cluster_roles.indexer, key=lambda r: r.metadata.name)
        for other in others:
            if other.metadata.name == role.metadata.name:
                continue
            if any(s.matches(other.metadata.labels) for s in selectors):
                rules.extend(r for r in other.rules if r not in rules)
        return tuple(rules)

    async def reconcile(self, request: Request) -> Result:
        role = self.cluster_roles.indexer.get(request.name)
        if role is None or role.aggregation_rule is None:
            return Result()
        rules = self._aggregate(role)
        if rules == role.rules:
            return Result()
        try:
            await self.client.update(attrs.evolve(role, rules=rules))
        except (NotFound, Conflict):
            return Result(requeue_after=0.1)  # changed meanwhile: its new state requeues it
        reconcile_log().info("cluster_role_aggregated", rules=len(rules))
        return Result()


def _aggregated_roles(
    roles: SharedInformer[ClusterRole],
) -> Callable[[ClusterRole], Iterable[Request]]:
    def requests(_: ClusterRole) -> Iterable[Request]:
        return [
            Request("", r.metadata.name) for r in roles.indexer if r.aggregation_rule is not None
        ]

    return requests


def controller(context: ControllerContext) -> ControllerSpec:
    """The ``clusterrole-aggregation`` controller."""
    roles = context.informers.informer(ClusterRole)
    return ControllerSpec(
        for_=ClusterRole,
        reconciler=ClusterRoleAggregationReconciler(client=context.client, cluster_roles=roles),
        watches=[(ClusterRole, _aggregated_roles(roles))],
        workers=WORKERS,
        name="clusterrole-aggregation",
    )
