"""What the fields of PodDisruptionBudget and Eviction (policy/v1) mean (see _descriptions); the
wording is ours.
"""

from __future__ import annotations

__all__ = ["DESCRIPTIONS"]

DESCRIPTIONS: dict[str, dict[str, str]] = {
    "PodDisruptionBudget": {
        "": "PodDisruptionBudget limits the number of pods of a set that may be down at once "
        "through voluntary disruptions (evictions, drains).",
        "spec": "The desired bounds of the disruption budget.",
        "status": "The most recently observed status of the budget. Populated by the system. "
        "Read-only.",
    },
    "PodDisruptionBudgetSpec": {
        "": "PodDisruptionBudgetSpec is the description of a PodDisruptionBudget.",
        "minAvailable": "An eviction is allowed only if, after it, at least this many of the "
        'selected pods (a number, or a percentage such as "50%") are still available. "100%" '
        "prevents every voluntary eviction. Mutually exclusive with maxUnavailable.",
        "selector": "A label query over the pods whose evictions the budget governs. A null "
        "selector selects no pod; an empty one ({}) selects every pod of the namespace.",
        "maxUnavailable": "An eviction is allowed only if, after it, at most this many of the "
        'selected pods (a number, or a percentage such as "10%") are unavailable, counted '
        "against the desired replicas of their controller. 0 prevents every voluntary eviction. "
        "Mutually exclusive with minAvailable.",
        "unhealthyPodEvictionPolicy": "When unhealthy (running but not ready) pods may be "
        "evicted: IfHealthyBudget (only while the healthy pods meet the budget) or AlwaysAllow "
        "(always, whatever the budget; the recommended setting). Unset means IfHealthyBudget.",
    },
    "PodDisruptionBudgetStatus": {
        "": "PodDisruptionBudgetStatus is information about the current status of a "
        "PodDisruptionBudget; it may trail the actual state of the system.",
        "observedGeneration": "The most recent generation of the budget the disruption "
        "controller has observed; the status holds for it.",
        "disruptedPods": "The pods whose eviction the apiserver allowed but the controller has "
        "not yet seen: each pod's name and when the eviction was allowed. A pod not deleted "
        "within about two minutes of that time is dropped from the map, as the eviction is taken "
        "as failed. Used to avoid races.",
        "disruptionsAllowed": "The number of pod disruptions currently allowed.",
        "currentHealthy": "The current number of healthy pods.",
        "desiredHealthy": "The least number of healthy pods the budget wants.",
        "expectedPods": "The total number of pods counted by the budget.",
        "conditions": "The conditions of the budget: DisruptionAllowed is True while "
        "currentHealthy exceeds desiredHealthy (so an eviction is allowed), False otherwise, with "
        "a reason (SyncFailed, InsufficientPods).",
    },
    "Eviction": {
        "": "Eviction evicts a pod from its node, subject to the pod's disruption budgets. "
        "Created as the pods/eviction subresource of the pod to evict.",
        "metadata": "The pod's name and namespace: the pod to evict.",
        "deleteOptions": "The options of the deletion the eviction makes.",
    },
}
