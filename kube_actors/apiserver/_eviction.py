"""The ``pods/eviction`` subresource: delete a Pod unless its disruption budget forbids it
(Kubernetes' ``pkg/registry/core/pod/storage/eviction.go``).

A Pod that is finished, pending or already being deleted goes at once. Otherwise the one
PodDisruptionBudget whose selector matches it decides (two or more is an error, as in
Kubernetes): a budget the disruption controller has not caught up with, or with no disruption
left, refuses with 429 TooManyRequests; else one disruption is taken from it (the Pod is noted
in ``disruptedPods``, so the controller does not count it healthy before it is gone) and the
Pod is deleted with the eviction's options. A Pod that is not Ready may go without using a
disruption when the budget is met anyway (``IfHealthyBudget``) or always (``AlwaysAllow``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Iterable
from typing import Final

from kube_actors.api import (
    DeleteOptions,
    Eviction,
    Pod,
    PodDisruptionBudget,
    compile_selector,
    evolve,
    is_pod_ready,
)
from kube_actors.errors import ApiError, FieldCause, Forbidden, TooManyRequests

__all__ = ["EVICTION_REFUSED", "evict"]

EVICTION_REFUSED: Final = "Cannot evict pod as it would violate the pod's disruption budget."
#: Kubernetes refuses more evictions when this many are waiting for the controller to see them.
MAX_DISRUPTED_PODS: Final = 2000


async def evict(
    eviction: Eviction,
    *,
    pod: Pod,
    budgets: Iterable[PodDisruptionBudget],
    now: dt.datetime,
    store_budget: Callable[[PodDisruptionBudget, PodDisruptionBudget], Awaitable[object]],
    delete_pod: Callable[[DeleteOptions], Awaitable[object]],
) -> Eviction:
    """Evict ``pod`` as the apiserver does; the budgets are those of its namespace."""
    options = eviction.delete_options or DeleteOptions()
    if _can_ignore_budgets(pod):
        await delete_pod(options)
        return eviction
    matching = [b for b in budgets if _selects(b, pod)]
    if len(matching) > 1:
        raise ApiError(
            "This pod has more than one PodDisruptionBudget, which the eviction subresource "
            "does not support.",
            kind="Pod",
            name=pod.metadata.name,
        )
    if not matching:
        await delete_pod(options)
        return eviction
    (budget,) = matching
    if not is_pod_ready(pod) and _unhealthy_may_go(budget):
        await delete_pod(options)
        return eviction
    await store_budget(_take_disruption(budget, pod, now), budget)
    await delete_pod(options)
    return eviction


def _can_ignore_budgets(pod: Pod) -> bool:
    phase = pod.status.phase
    return pod.metadata.deletion_timestamp is not None or phase in (
        "Succeeded",
        "Failed",
        "Pending",
    )


def _selects(budget: PodDisruptionBudget, pod: Pod) -> bool:
    selector = budget.spec.selector
    if selector is None:
        return False  # policy/v1: no selector selects nothing (an empty one selects all)
    return compile_selector(selector).matches(pod.metadata.labels)


def _unhealthy_may_go(budget: PodDisruptionBudget) -> bool:
    if budget.spec.unhealthy_pod_eviction_policy == "AlwaysAllow":
        return True
    status = budget.status
    return status.desired_healthy > 0 and status.current_healthy >= status.desired_healthy


def _take_disruption(
    budget: PodDisruptionBudget, pod: Pod, now: dt.datetime
) -> PodDisruptionBudget:
    status, name = budget.status, budget.metadata.name
    if status.observed_generation < budget.metadata.generation:
        raise _refused(f"The disruption budget {name} is still being processed by the server.")
    if status.disruptions_allowed < 0:
        raise Forbidden("pdb disruptions allowed is negative")
    if len(status.disrupted_pods) > MAX_DISRUPTED_PODS:
        raise Forbidden(
            "DisruptedPods map too big - too many evictions not confirmed by PDB controller"
        )
    if status.disruptions_allowed == 0:
        raise _refused(
            f"The disruption budget {name} needs {status.desired_healthy} healthy pods and has "
            f"{status.current_healthy} currently"
        )
    disrupted = dict(status.disrupted_pods)
    disrupted[pod.metadata.name] = now
    return evolve(
        budget,
        status=evolve(
            status, disruptions_allowed=status.disruptions_allowed - 1, disrupted_pods=disrupted
        ),
    )


def _refused(detail: str) -> TooManyRequests:
    return TooManyRequests(
        EVICTION_REFUSED, causes=[FieldCause(field="", message=detail, type="DisruptionBudget")]
    )
