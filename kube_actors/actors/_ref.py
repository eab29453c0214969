"""``ActorRef``: the only handle anyone holds on an actor.

- ``tell(msg)`` is fire and forget: it returns once the message is in the mailbox, waiting
  while the mailbox is full (backpressure). If the handler then raises, the actor crashes
  and its supervision decides what happens; the sender is not told.
- ``ask(msg, timeout=...)`` returns the handler's return value, or raises the handler's
  exception in the caller (the actor carries on), or ``AskTimeout``.
- ``ask_now(msg)`` is ``ask`` answered in the caller's task, when the actor is idle and
  answers that message without waiting (``Actor.receive_now``); else ``NOT_NOW``.
- Once an actor has stopped, sending to it raises ``ActorStopped``; askers whose messages
  were still queued when it stopped get ``ActorStopped`` too.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, TypeVar, overload

from ..errors import ActorError, ActorStopped, AskTimeout, MailboxFull
from ._callbacks import NO_CONTEXT
from ._cell import Envelope, _cause_override, current_cause, current_cell, sender_name
from ._messages import NOT_NOW, Ask
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
        loop = asyncio.get_running_loop()
        # The envelope is the reply future (``Envelope``).
        if cell.trace is None:
            reply = Envelope(cell, message, True, None, loop)
        else:
            reply = _traced(cell, "ask", message, True)
        cell.queue.append(reply)
        if cell.waiter is not None:
            cell._wake()
        # The reply goes from this frame once it is in: an error's traceback keeps the frame,
        # which kept the future, which kept the error, a cycle only a full collection frees
        # (a kubelet's first Lease read is a NotFound, on each of thousands of nodes).
        if timeout is None:
            try:
                return await reply
            finally:
                del reply
        expiry = loop.call_later(
            timeout, _expire, reply, cell.name, message, timeout, context=NO_CONTEXT
        )
        try:
            return await reply
        finally:
            expiry.cancel()
            del reply

    def ask_now(self, message: object) -> Any:
        """The answer ``ask`` would give, given at once in the caller's task; or ``NOT_NOW``
        (then ``ask``), unless the actor is idle and answers ``message`` without waiting.

        Idle: running, its mailbox empty, waiting for mail. What it rests on:
        an idle actor would take this message next and alone, and ``receive_now`` answers as
        ``receive`` would (its contract), so the actor handles its messages in the same order
        and gives the same answers; only the event loop's turns between the asker and the
        actor (waking it, and waking the asker with the answer) are saved. Its sends during
        the call are its own (``current_cell``), traced as caused by the ask, which the trace
        records as any ask; the answer is counted as handled. An error raises in the caller
        and the actor carries on, as with ``ask``.

        One order is the caller's to keep: through the mailbox, the tasks the actor's
        handling woke (an etcd actor's watchers) run before the asker resumes; here the
        caller has the answer first. A caller that relies on that order lets one turn of the
        event loop pass (``await asyncio.sleep(0)``) before it acts on the answer, or does
        itself, at once, what the woken tasks would have done (the apiserver's watch cache).
        """
        cell = self._cell
        if cell.waiter is None or cell.queue or cell.interrupted or cell.state != "running":
            return NOT_NOW
        instance = cell.instance
        assert instance is not None
        override = None
        if cell.trace is not None:  # recorded as the ask it is, and its sends caused by it
            cell.current_trace_id = cell.system._record(
                sender_name(), cell.name, "ask", message, current_cause()
            )
            override = _cause_override.set(None)
        token = current_cell.set(cell)
        try:
            answer = instance.receive_now(message)
        except Exception:
            cell.handled += 1
            raise
        finally:
            current_cell.reset(token)
            if override is not None:
                _cause_override.reset(override)
        if answer is not NOT_NOW:
            cell.handled += 1
        return answer

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


def _traced(cell: _Cell, kind: DeliveryKind, message: object, asked: bool) -> Envelope:
    trace_id = cell.system._record(sender_name(), cell.name, kind, message, current_cause())
    return Envelope(cell, message, asked, trace_id, asyncio.get_running_loop())


def _expire(reply: asyncio.Future[Any], name: str, message: object, timeout: float) -> None:
    if not reply.done():
        reply.set_exception(AskTimeout(name, message, timeout))
