"""A Pod's status as the kubelet computes it from what its containers are doing.

``ContainerView`` is the kubelet's own record of one container: the runtime's status of its
current instance, its restart count and last termination, readiness, and why it is waiting.
``pod_status`` turns the views into the API's ``PodStatus``: phase by the kubelet's rules
(``getPhase``), the conditions it owns (PodReadyToStartContainers, Initialized,
ContainersReady, Ready), and a ``ContainerStatus`` per container.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from kube_actors.api import (
    TERMINAL_PHASES,
    ContainerState,
    ContainerStateRunning,
    ContainerStateTerminated,
    ContainerStateWaiting,
    ContainerStatus,
    HostIP,
    Pod,
    PodCondition,
    PodIP,
    PodStatus,
    evolve,
)
from kube_actors.runtime import ContainerState as RuntimeState
from kube_actors.runtime import ContainerStatus as RuntimeStatus

__all__ = ["KUBELET_CONDITIONS", "ContainerView", "carry_over", "pod_phase", "pod_status"]

#: The Pod conditions the kubelet owns; others (PodScheduled, DisruptionTarget) it keeps.
KUBELET_CONDITIONS = ("PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready")


@attrs.define(kw_only=True)
class ContainerView:
    """What the kubelet knows of one container of its pod (mutable, the worker's own)."""

    name: str
    image: str
    init: bool = False
    #: The runtime's status of the current instance (None: none created yet).
    current: RuntimeStatus | None = None
    restart_count: int = 0
    last_terminated: ContainerStateTerminated | None = None
    waiting_reason: str = "ContainerCreating"
    waiting_message: str = ""
    ready: bool = False
    #: Startup probe passed (True without a startup probe once running).
    started: bool = False

    def essence(self) -> tuple[object, ...]:
        """What the container's part of the Pod's status is made of, as one value."""
        return (
            self.current,
            self.restart_count,
            self.last_terminated,
            self.waiting_reason,
            self.waiting_message,
            self.ready,
            self.started,
        )

    @property
    def running(self) -> bool:
        return self.current is not None and self.current.state is RuntimeState.RUNNING

    @property
    def exited(self) -> bool:
        return self.current is not None and self.current.state is RuntimeState.EXITED

    def api_status(self) -> ContainerStatus:
        current = self.current
        if current is not None and current.state is RuntimeState.RUNNING:
            state = ContainerState(running=ContainerStateRunning(started_at=current.started_at))
        elif (
            current is not None
            and current.state is RuntimeState.EXITED
            and self.waiting_reason not in ("CrashLoopBackOff",)
        ):
            state = ContainerState(terminated=_terminated(current))
        else:
            state = ContainerState(
                waiting=ContainerStateWaiting(
                    reason=self.waiting_reason, message=self.waiting_message
                )
            )
        last = (
            ContainerState(terminated=self.last_terminated)
            if self.last_terminated is not None
            else ContainerState()
        )
        return ContainerStatus(
            name=self.name,
            state=state,
            last_state=last,
            ready=self.ready,
            restart_count=self.restart_count,
            image=self.image,
            image_id=self.image,
            container_id=current.container_id if current is not None else "",
            started=self.started if current is not None else False,
        )


def carry_over(view: ContainerView, reported: ContainerStatus) -> None:
    """Seed a new worker's view from what the Pod's status says an earlier kubelet ran.

    A kubelet starting over (a restarted process, as after a node reboot) finds none of the
    containers it ran: it starts them again, and that start is a restart. As the kubelet
    reports after a reboot, the count goes on from the reported one, and a container that
    was running is last seen terminated with reason ``Unknown`` and exit code 255.
    """
    view.restart_count = reported.restart_count
    state = reported.state
    if state.running is not None:
        view.restart_count += 1
        view.last_terminated = ContainerStateTerminated(
            exit_code=255, reason="Unknown", started_at=state.running.started_at
        )
    elif state.terminated is not None:
        view.restart_count += 1
        view.last_terminated = state.terminated
    else:
        view.last_terminated = reported.last_state.terminated


def _terminated(status: RuntimeStatus) -> ContainerStateTerminated:
    return ContainerStateTerminated(
        exit_code=status.exit_code,
        signal=status.signal,
        reason=status.reason or ("Completed" if status.exit_code == 0 else "Error"),
        message=status.message,
        started_at=status.started_at,
        finished_at=status.finished_at,
        container_id=status.container_id,
    )


def terminated_state(status: RuntimeStatus) -> ContainerStateTerminated:
    return _terminated(status)


def pod_phase(
    restart_policy: str,
    containers: Sequence[ContainerView],
    *,
    initialized: bool,
    init_failed: bool,
) -> str:
    """The kubelet's ``getPhase``."""
    if init_failed:
        return "Failed"
    if not initialized:
        return "Pending"
    running = waiting = stopped = succeeded = failed = 0
    for view in containers:
        if view.running:
            running += 1
        elif view.exited and view.waiting_reason != "CrashLoopBackOff":
            stopped += 1
            assert view.current is not None
            if view.current.exit_code == 0:
                succeeded += 1
            else:
                failed += 1
        elif view.last_terminated is not None:
            # Waiting to restart after a run: it counts as having stopped.
            stopped += 1
            if view.last_terminated.exit_code == 0:
                succeeded += 1
            else:
                failed += 1
        else:
            waiting += 1
    if waiting:
        return "Pending"
    if running:
        return "Running"
    if stopped:
        if restart_policy == "Always":
            return "Running"
        if restart_policy == "OnFailure":
            return "Succeeded" if stopped == succeeded else "Running"
        return "Failed" if failed else "Succeeded"
    return "Pending"


def pod_status(
    pod: Pod,
    views: Sequence[ContainerView],
    *,
    phase: str,
    now: dt.datetime,
    pod_ip: str,
    host_ip: str,
    start_time: dt.datetime | None,
    sandbox_ready: bool,
    initialized: bool,
    reason: str = "",
    message: str = "",
) -> PodStatus:
    init_views = [v for v in views if v.init]
    app_views = [v for v in views if not v.init]
    containers_ready = bool(app_views) and all(v.ready for v in app_views)
    terminal = phase in TERMINAL_PHASES
    owned = {
        "PodReadyToStartContainers": sandbox_ready and not terminal,
        "Initialized": initialized,
        "ContainersReady": containers_ready and not terminal,
        "Ready": containers_ready and not terminal,
    }
    # The others' conditions, then the kubelet's in their order: what ``set_condition`` of
    # each gives, the kubelet's having been taken out first.
    conditions = [c for c in pod.status.conditions if c.type not in KUBELET_CONDITIONS]
    previous = {c.type: c for c in pod.status.conditions}
    for kind in KUBELET_CONDITIONS:
        old = previous.get(kind)
        if owned[kind]:
            status, reason, message = "True", "", ""  # the reasons and messages of False
        else:
            status = "False"
            reason = _condition_reason(kind, status, phase, app_views, init_views)
            message = _condition_message(kind, status, phase, app_views, init_views)
        conditions.append(
            PodCondition(
                type=kind,
                status=status,
                last_transition_time=(
                    old.last_transition_time if old is not None and old.status == status else now
                ),
                reason=reason,
                message=message,
            )
        )
    return evolve(
        pod.status,
        phase=phase,
        conditions=tuple(conditions),
        host_ip=host_ip,
        host_ips=(HostIP(ip=host_ip),) if host_ip else (),
        pod_ip=pod_ip,
        pod_ips=(PodIP(ip=pod_ip),) if pod_ip else (),
        start_time=start_time,
        init_container_statuses=tuple(v.api_status() for v in init_views),
        container_statuses=tuple(v.api_status() for v in app_views),
        reason=reason,
        message=message,
    )


def _condition_reason(
    kind: str,
    status: str,
    phase: str,
    apps: Sequence[ContainerView],
    inits: Sequence[ContainerView],
) -> str:
    """Kubernetes' reasons (``pkg/kubelet/status/generate.go``) for a False condition."""
    if status == "True":
        return ""
    if kind in ("ContainersReady", "Ready") and phase == "Failed":
        return "PodFailed"
    if kind in ("ContainersReady", "Ready") and phase == "Succeeded":
        return "PodCompleted"
    if kind in ("ContainersReady", "Ready") and apps:
        return "ContainersNotReady"
    if kind == "Initialized" and inits:
        return "ContainersNotInitialized"
    return ""


def _condition_message(
    kind: str,
    status: str,
    phase: str,
    apps: Sequence[ContainerView],
    inits: Sequence[ContainerView],
) -> str:
    """Which containers hold a condition False (none once the pod is finished)."""
    if status == "True" or phase in ("Succeeded", "Failed"):
        return ""
    if kind in ("ContainersReady", "Ready"):
        unready = [v.name for v in apps if not v.ready]
        return f"containers with unready status: [{' '.join(unready)}]" if unready else ""
    if kind == "Initialized":
        incomplete = [
            v.name
            for v in inits
            if not (v.exited and v.current is not None and v.current.exit_code == 0)
        ]
        if incomplete:
            return f"containers with incomplete status: [{' '.join(incomplete)}]"
    return ""
