"""A Pod's READY, STATUS and RESTARTS cells, computed as Kubernetes' Pod printer does.

The three come from one pass over the container statuses: an init container that has not
finished decides the STATUS (``Init:0/2``, ``Init:CrashLoopBackOff``) and its restarts count;
otherwise the containers do, the first one (in the order listed) that waits or has terminated
with a reason giving its reason, and RESTARTS saying when the last restart happened.
"""

from __future__ import annotations

import datetime as dt

import attrs

from ..api import ContainerStatus, Pod, get_condition
from ._columns import since

__all__ = ["pod_ready", "pod_restarts", "pod_status_reason"]


@attrs.frozen
class _PodCells:
    ready: int
    reason: str
    restarts: int
    last_restart: dt.datetime | None


def _later(current: dt.datetime | None, status: ContainerStatus) -> dt.datetime | None:
    terminated = status.last_state.terminated
    if terminated is None or terminated.finished_at is None:
        return current
    return terminated.finished_at if current is None else max(current, terminated.finished_at)


def _terminated_reason(status: ContainerStatus, prefix: str) -> str | None:
    terminated = status.state.terminated
    if terminated is None:
        return None
    if terminated.reason:
        return prefix + terminated.reason
    if terminated.signal:
        return f"{prefix}Signal:{terminated.signal}"
    return f"{prefix}ExitCode:{terminated.exit_code}"


def _init_reason(pod: Pod, index: int, status: ContainerStatus) -> str | None:
    """What an init container says of the pod, or None when it finished successfully."""
    terminated = status.state.terminated
    if terminated is not None and terminated.exit_code == 0:
        return None
    if terminated is not None:
        return _terminated_reason(status, "Init:")
    waiting = status.state.waiting
    if waiting is not None and waiting.reason and waiting.reason != "PodInitializing":
        return "Init:" + waiting.reason
    return f"Init:{index}/{len(pod.spec.init_containers)}"


# READY, STATUS and RESTARTS of one row come from one pass: the last pod's cells are kept
# (pods are immutable, so the same object has the same cells).
_last: list[tuple[Pod, _PodCells]] = []


def _cells(pod: Pod) -> _PodCells:
    if _last and _last[0][0] is pod:
        return _last[0][1]
    cells = _compute(pod)
    _last[:] = [(pod, cells)]
    return cells


def _compute(pod: Pod) -> _PodCells:
    reason = pod.status.reason or pod.status.phase
    restarts = 0
    last: dt.datetime | None = None
    initializing = False
    for index, status in enumerate(pod.status.init_container_statuses):
        restarts += status.restart_count
        last = _later(last, status)
        init_reason = _init_reason(pod, index, status)
        if init_reason is not None:
            reason, initializing = init_reason, True
            break
    ready = 0
    if not initializing:
        restarts = 0
        running = False
        for status in reversed(pod.status.container_statuses):
            restarts += status.restart_count
            last = _later(last, status)
            waiting, terminated = status.state.waiting, status.state.terminated
            if waiting is not None and waiting.reason:
                reason = waiting.reason
            elif terminated is not None:
                reason = _terminated_reason(status, "") or reason
            elif status.ready and status.state.running is not None:
                running = True
                ready += 1
        if reason == "Completed" and running:
            ready_condition = get_condition(pod.status.conditions, "Ready")
            is_ready = ready_condition is not None and ready_condition.status == "True"
            reason = "Running" if is_ready else "NotReady"
    if pod.metadata.deletion_timestamp is not None:
        reason = "Unknown" if pod.status.reason == "NodeLost" else "Terminating"
    return _PodCells(ready=ready, reason=reason, restarts=restarts, last_restart=last)


def pod_ready(pod: Pod) -> str:
    """READY: ready and running containers out of the pod's containers (``1/2``)."""
    return f"{_cells(pod).ready}/{len(pod.spec.containers)}"


def pod_status_reason(pod: Pod) -> str:
    """STATUS: the phase, or what a container waits on or ended with (``CrashLoopBackOff``)."""
    return _cells(pod).reason


def pod_restarts(pod: Pod, now: dt.datetime) -> str:
    """RESTARTS: the count, and how long ago the last one was (``3 (42s ago)``)."""
    cells = _cells(pod)
    if cells.last_restart is None:
        return str(cells.restarts)
    return f"{cells.restarts} ({since(cells.last_restart, now)} ago)"
