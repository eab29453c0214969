"""``ActorRef``: the only handle anyone holds on an actor.

- ``tell(msg)`` is fire and forget: it returns once the message is in the mailbox, waiting
  while the mailbox is full (backpressure). If the handler then raises, the actor crashes
  and its supervision decides what happens; the sender is not told.
- ``ask(msg, timeout=...)`` returns the handler's return value, or raises the handler's
  exception in the caller (the actor carries on), or ``AskTimeout``.
- Once an actor has stopped, sending to it raises ``ActorStopped``; askers whose messages
  were still queued when it stopped get ``ActorStopped`` too.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, TypeVar, overload

from ..errors import ActorError, ActorStopped, AskTimeout, MailboxFull
from ._callbacks import NO_CONTEXT
from ._cell import Envelope, current_cause, current_cell, sender_name
from ._messages import Ask
from ._trace import DeliveryKind

if TYPE_CHECKING:
    from ._cell import _Cell
    from ._statistics import ActorStatistics

__all__ = ["ActorRef"]

R = TypeVar("R")


class ActorRef:
    """A handle on an actor; stable across the actor's restarts, compared by name."""

    __slots__ = ("_cell",)

    def __init__(self, cell: _Cell) -> None:
        self._cell = cell

    @property
    def name(self) -> str:
        return self._cell.name

    @property
    def alive(self) -> bool:
        """Whether the actor still accepts messages."""
        return not self._cell.closed

    def __repr__(self) -> str:
        return f"ActorRef({self._cell.name!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ActorRef):
            return NotImplemented
        return self._cell.name == other._cell.name

    def __hash__(self) -> int:
        return hash(self._cell.name)

    # ------------------------------------------------------------------------ sending

    async def tell(self, message: object) -> None:
        """Put ``message`` in the mailbox, waiting while it is full."""
        cell = self._cell
        queue = cell.queue
        if len(queue) >= cell.limit:  # full, or closed
            await cell.wait_for_room(message)
        if cell.trace is None:
            queue.append(message)
        else:
            queue.append(_traced(cell, "tell", message, False))
        if cell.waiter is not None:
            cell._wake()

    def tell_nowait(self, message: object) -> None:
        """Put ``message`` in the mailbox now, or raise ``MailboxFull``."""
        cell = self._cell
        if len(cell.queue) >= cell.limit:
            if cell.closed:
                raise ActorStopped(cell.name, message)
            raise MailboxFull(cell.name, cell.capacity)
        cell.queue.append(message if cell.trace is None else _traced(cell, "tell", message, False))
        if cell.waiter is not None:
            cell._wake()

    @overload
    async def ask(self, message: Ask[R], *, timeout: float | None = None) -> R: ...

    @overload
    async def ask(self, message: object, *, timeout: float | None = None) -> Any: ...

    async def ask(self, message: object, *, timeout: float | None = None) -> Any:
        """Send ``message`` and wait for the handler's reply (``timeout`` on the running clock)."""
        cell = self._cell
        if current_cell.get() is cell:
            raise ActorError(f"actor {cell.name!r} asked itself: it would wait forever")
        if len(cell.queue) >= cell.limit:  # full, or closed
            await cell.wait_for_room(message)
        reply = _asked(cell, message)
        # The reply goes from this frame once it is in: an error's traceback keeps the frame,
        # which kept the future, which kept the error, a cycle only a full collection frees
        # (a kubelet's first Lease read is a NotFound, on each of thousands of nodes).
        if timeout is None:
            try:
                return await reply
            finally:
                del reply
        expiry = asyncio.get_running_loop().call_later(
            timeout, _expire, reply, cell.name, message, timeout, context=NO_CONTEXT
        )
        try:
            return await reply
        finally:
            expiry.cancel()
            del reply

    def ask_nowait(self, message: object) -> asyncio.Future[Any] | None:
        """Send ``message`` as ``ask`` does, without waiting for the reply: the future of
        what the handler returns or raises (``ActorStopped`` if the actor stops first), to
        await or to hand ``Actor.when_done``. None when the mailbox is full or the actor
        stopped: ``ask`` then, which waits for room or raises. No timeout: a caller that
        wants one asks and waits."""
        cell = self._cell
        if len(cell.queue) >= cell.limit:  # full, or closed
            return None
        return _asked(cell, message)

    # ---------------------------------------------------------------------- lifecycle

    def crash(self, reason: str = "injected") -> None:
        """Make the actor fail now, after the message in hand, as if a handler had raised
        ``ActorCrashed``: its supervisor then restarts it (or escalates), which is what a
        fault-injection test wants to see. Queued messages stay for the next incarnation."""
        from ..errors import ActorCrashed

        cell = self._cell
        if cell.state in ("stopping", "stopped"):
            return
        cell.inject_failure(ActorCrashed(cell.name, reason))

    async def stop(self) -> None:
        """Stop the actor after the message in hand; returns once it has stopped."""
        await self._cell.stop()

    async def wait_stopped(self) -> None:
        """Wait until the actor has stopped, for whatever reason."""
        await self._cell.wait_stopped()

    def statistics(self) -> ActorStatistics:
        from ._statistics import statistics_of

        return statistics_of(self._cell)


def _asked(cell: _Cell, message: object) -> Envelope:
    """``message`` put in ``cell``'s mailbox as an ask: its envelope, the reply future."""
    if cell.trace is None:
        reply = Envelope(cell, message, True, None, asyncio.get_running_loop())
    else:
        reply = _traced(cell, "ask", message, True)
    cell.queue.append(reply)
    if cell.waiter is not None:
        cell._wake()
    return reply


def _traced(cell: _Cell, kind: DeliveryKind, message: object, asked: bool) -> Envelope:
    trace_id = cell.system._record(sender_name(), cell.name, kind, message, current_cause())
    return Envelope(cell, message, asked, trace_id, asyncio.get_running_loop())


def _expire(reply: asyncio.Future[Any], name: str, message: object, timeout: float) -> None:
    if not reply.done():
        reply.set_exception(AskTimeout(name, message, timeout))
