"""The actor runtime: actors, refs, the system, supervision, virtual time and the trace.

It knows nothing of Kubernetes; every component of kube_actors is built on it.
"""

import warnings

from ._actor import Actor as Actor
from ._broadcast import Broadcast as Broadcast
from ._broadcast import Lagged as Lagged
from ._broadcast import Subscription as Subscription
from ._cell import BATCH as BATCH
from ._cell import caused_by as caused_by
from ._cell import current_cause as current_cause
from ._clock import ClockKind as ClockKind
from ._clock import is_virtual_time as is_virtual_time
from ._clock import monotonic as monotonic
from ._clock import run as run
from ._clock import wall_clock as wall_clock
from ._clock import wall_clock_whole_seconds as wall_clock_whole_seconds
from ._clock import whole_seconds_clock as whole_seconds_clock
from ._mail import Mail as Mail
from ._messages import Ask as Ask
from ._messages import Later as Later
from ._ref import ActorRef as ActorRef
from ._statistics import ActorStatistics as ActorStatistics
from ._supervision import Supervision as Supervision
from ._system import ActorSystem as ActorSystem
from ._system import RestartListener as RestartListener
from ._timers import Timer as Timer
from ._trace import EXTERNAL as EXTERNAL
from ._trace import Trace as Trace
from ._trace import TraceRecord as TraceRecord
from ._virtual_loop import DEFAULT_EPOCH as DEFAULT_EPOCH
from ._virtual_loop import VirtualTimeEventLoop as VirtualTimeEventLoop

__all__ = [
    "BATCH",
    "DEFAULT_EPOCH",
    "EXTERNAL",
    "Actor",
    "ActorRef",
    "ActorStatistics",
    "ActorSystem",
    "Ask",
    "Broadcast",
    "ClockKind",
    "Lagged",
    "Later",
    "Mail",
    "RestartListener",
    "Subscription",
    "Supervision",
    "Timer",
    "Trace",
    "TraceRecord",
    "VirtualTimeEventLoop",
    "caused_by",
    "current_cause",
    "is_virtual_time",
    "monotonic",
    "run",
    "wall_clock",
    "wall_clock_whole_seconds",
    "whole_seconds_clock",
]


def __getattr__(name: str) -> object:
    # ``Request`` was ``Ask``'s name before; it is ``reconcile.Request``'s. For one release.
    if name == "Request":
        warnings.warn(
            "kube_actors.actors.Request is now Ask (reconcile.Request is what a controller "
            "reconciles)",
            DeprecationWarning,
            stacklevel=2,
        )
        return Ask
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
