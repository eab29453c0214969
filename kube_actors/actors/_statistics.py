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


def statistics_of(cell: _Cell) -> ActorStatistics:
    return ActorStatistics(
        name=cell.name,
        component=cell.component,
        state=cell.state,
        mailbox_depth=len(cell.queue),
        mailbox_capacity=cell.capacity,
        waiting_senders=sum(1 for p in cell.putters if not p.done()),
        handled=cell.handled,
        restarts=cell.history.restarts,
        timers=cell.pending_timers,
        children=tuple(c.name for c in cell.children),
    )
