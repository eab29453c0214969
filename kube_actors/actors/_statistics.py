"""``statistics()``: what an actor is doing, as trio's objects report it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from ._cell import State, _Cell

__all__ = ["ActorStatistics", "statistics_of"]


@attrs.frozen(kw_only=True)
class ActorStatistics:
    """A snapshot of one actor."""

    name: str
    component: str
    state: State
    mailbox_depth: int
    mailbox_capacity: int
    waiting_senders: int
    handled: int
    restarts: int
    timers: int
    children: tuple[str, ...]
    #: Whether it fails faster than its supervision's intensity and keeps restarting.
    crash_looping: bool = False
    #: The error of its last crash, as ``repr`` shows it (None if it never crashed).
    last_error: str | None = None


def statistics_of(cell: _Cell) -> ActorStatistics:
    return ActorStatistics(
        name=cell.name,
        component=cell.component,
        state=cell.state,
        mailbox_depth=len(cell.queue),
        mailbox_capacity=cell.capacity,
        waiting_senders=sum(1 for p in cell.putters or () if not p.done()),
        handled=cell.handled,
        restarts=cell.history.restarts,
        timers=cell.pending_timers,
        children=tuple(c.name for c in cell.children or ()),
        crash_looping=cell.history.crash_looping(cell.system._now()),
        last_error=cell.last_error,
    )
