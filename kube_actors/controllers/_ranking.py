"""Which Pods a workload controller deletes first when it scales down.

``ranked_for_deletion`` is Kubernetes' ``controller.ActivePodsWithRanks`` order (what the
ReplicaSet controller uses), as a sort key (smallest goes first):

1. unscheduled before scheduled;
2. Pending, then Unknown, then Running;
3. not ready before ready;
4. lower ``controller.kubernetes.io/pod-deletion-cost`` before higher;
5. more related Pods on the same node (the rank) before fewer: crowded nodes shed first;
6. ready for a shorter time before longer;
7. more container restarts before fewer;
8. created more recently before older.

Times compare on Kubernetes' logarithmic scale (the ``LogarithmicScaleDown`` default): two
Pods whose ages share ``floor(log2(age in ns))`` count as equally old, and the uid decides
among them, so equivalent Pods are not always culled youngest-first. Kubernetes breaks the
tie at the first time compared; as a key, the uid comes last, which differs only between Pods
whose ready times share a bucket but whose restart counts differ.

``active_pods_order`` is the older ``controller.ActivePods`` order the Job controller sorts
by: the same steps without deletion cost and node rank, times compared exactly.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence

from kube_actors.api import Pod, get_condition, is_pod_active

__all__ = [
    "DELETION_COST_ANNOTATION",
    "active_pods_order",
    "deletion_cost",
    "pods_to_delete",
    "ranked_for_deletion",
]

DELETION_COST_ANNOTATION = "controller.kubernetes.io/pod-deletion-cost"

_PHASE_ORDER: Mapping[str, int] = {"Pending": 0, "Unknown": 1, "Running": 2}
_INT32 = (-(2**31), 2**31 - 1)

RankKey = tuple[int, int, int, int, int, int, int, int, str]


def deletion_cost(pod: Pod) -> int:
    """The Pod's deletion cost: its annotation as an int32, 0 when absent or invalid."""
    text = pod.metadata.annotations.get(DELETION_COST_ANNOTATION)
    if text is None:
        return 0
    try:
        cost = int(text, 10)
    except ValueError:
        return 0
    return cost if _INT32[0] <= cost <= _INT32[1] else 0


def _log_age(then: dt.datetime | None, now: dt.datetime) -> int:
    """Smaller is younger: -2 for no time at all, -1 for not in the past, else log2(ns)."""
    if then is None:
        return -2
    nanoseconds = (now - then) // dt.timedelta(microseconds=1) * 1000
    return int(math.log2(nanoseconds)) if nanoseconds > 0 else -1


def _readiness(pod: Pod) -> tuple[bool, dt.datetime | None, int]:
    """Whether the Pod is ready, since when, and its most restarted container's restarts."""
    ready_condition = get_condition(pod.status.conditions, "Ready")
    ready = ready_condition is not None and ready_condition.status == "True"
    ready_since = ready_condition.last_transition_time if ready_condition and ready else None
    restarts = max((c.restart_count for c in pod.status.container_statuses), default=0)
    return ready, ready_since, restarts


def _key(pod: Pod, rank: int, now: dt.datetime) -> RankKey:
    ready, ready_since, restarts = _readiness(pod)
    return (
        1 if pod.spec.node_name else 0,
        _PHASE_ORDER.get(pod.status.phase, 0),
        1 if ready else 0,
        deletion_cost(pod),
        -rank,
        _log_age(ready_since, now) if ready else 0,
        -restarts,
        _log_age(pod.metadata.creation_timestamp, now),
        pod.metadata.uid,
    )


def ranked_for_deletion(pods: Iterable[Pod], related: Iterable[Pod], now: dt.datetime) -> list[Pod]:
    """``pods`` in deletion order; ``related`` (the Pods of every ReplicaSet with the same
    controller) decide how crowded each node is."""
    on_node: dict[str, int] = {}
    for pod in related:
        if is_pod_active(pod):
            node = pod.spec.node_name
            on_node[node] = on_node.get(node, 0) + 1
    return sorted(pods, key=lambda pod: _key(pod, on_node.get(pod.spec.node_name, 0), now))


def pods_to_delete(
    pods: Sequence[Pod], related: Iterable[Pod], count: int, now: dt.datetime
) -> list[Pod]:
    """The ``count`` Pods to delete first (all of them, unsorted, when that is all there is)."""
    if count >= len(pods):
        return list(pods)
    return ranked_for_deletion(pods, related, now)[:count]


def _timestamp(when: dt.datetime | None) -> float:
    return when.timestamp() if when is not None else float("-inf")


def active_pods_order(pods: Iterable[Pod]) -> list[Pod]:
    """``pods`` in Kubernetes' ``controller.ActivePods`` order: unscheduled, Pending, not
    ready, ready for a shorter time, more restarts, then the most recently created first."""

    def key(pod: Pod) -> tuple[int, int, int, float, int, float]:
        ready, ready_since, restarts = _readiness(pod)
        return (
            1 if pod.spec.node_name else 0,
            _PHASE_ORDER.get(pod.status.phase, 0),
            1 if ready else 0,
            -_timestamp(ready_since) if ready else 0.0,
            -restarts,
            -_timestamp(pod.metadata.creation_timestamp),
        )

    return sorted(pods, key=key)
