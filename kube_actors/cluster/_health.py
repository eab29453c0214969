"""A cluster's components as a health report, and the report of a crash loop.

Every component of a ``Cluster`` is supervised with ``COMPONENT_SUPERVISION``: it restarts
on its own, with back-off, forever, and its failure never stops the others or the cluster,
as the kubelet restarts a crashing static pod. A crash loop is reported instead: a warning
log line (``actor_crash_looping``), a Warning Event ``BackOff`` in kube-system, the actor's
statistics, and ``Cluster.health()``.
"""

from __future__ import annotations

import attrs

from ..actors import ActorRef, ActorStatistics, ActorSystem, Supervision
from ..api import ObjectReference
from ..client import RecordEvent

__all__ = ["COMPONENT_SUPERVISION", "ComponentHealth", "health_of", "report_crash_loops"]

#: How the cluster's components are supervised: the default intensity and back-off, but
#: past it a crash loop with the back-off capped at 10 s instead of an escalation.
COMPONENT_SUPERVISION = Supervision(
    max_restarts=3, within=10.0, backoff_initial=0.1, backoff_max=10.0, escalate=False
)


@attrs.frozen(kw_only=True)
class ComponentHealth:
    """One component (actor) of a cluster as ``Cluster.health()`` reports it."""

    name: str
    component: str
    state: str
    restarts: int
    crash_looping: bool
    #: The error of its last crash (``repr``), None if it never crashed.
    last_error: str | None

    @property
    def healthy(self) -> bool:
        """Running (or idle), and not crash looping."""
        return self.state == "running" and not self.crash_looping


def health_of(system: ActorSystem) -> dict[str, ComponentHealth]:
    return {
        name: ComponentHealth(
            name=name,
            component=stats.component,
            state=stats.state,
            restarts=stats.restarts,
            crash_looping=stats.crash_looping,
            last_error=stats.last_error,
        )
        for name, stats in sorted(system.statistics().items())
    }


def report_crash_loops(system: ActorSystem, events: ActorRef) -> None:
    """Record a Warning Event each time a crash-looping component backs off, as the kubelet
    records ``BackOff`` for a crash-looping container (repeats fold into its count)."""

    def on_restart(stats: ActorStatistics, error: BaseException, delay: float) -> None:
        if not stats.crash_looping or not events.alive:
            return
        reference = ObjectReference(
            api_version="v1",
            kind="ComponentStatus",
            namespace="kube-system",
            name=stats.name.replace("/", "-"),
        )
        record = RecordEvent(
            involved_object=reference,
            type="Warning",
            reason="BackOff",
            message=f"Back-off restarting failed component {stats.name}: {error!r}",
            component="kube-actors",
        )
        try:
            events.tell_nowait(record)
        except Exception:  # the sink itself is down or full: the log line still says it
            return

    system.add_restart_listener(on_restart)
