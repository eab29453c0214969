"""Actor timers: one heap of due messages per system, on one asyncio timer.

``Actor.send_after`` is how actors wait (heartbeats, back-offs, lease renewals), so thousands
of actors each hold a timer. Giving each its own ``loop.call_later`` would put thousands of
``TimerHandle``s in asyncio's heap, compared by a Python-level ``__lt__``. Instead the system
keeps the timers due at each instant in a queue of their own, in the order they were
scheduled, and a heap of those instants (floats, compared in C), and arms a single asyncio
timer for the earliest; when it fires, every due message is delivered in one callback.
Timers are due at few instants (every kubelet of a cluster started together heartbeats at the
same one): a schedule appends to its instant's queue and a delivery takes from the front of
one, where a heap of every timer sifted through log2(n) entries, each a tuple to compare and
a cold cache line at 5,000 nodes.
The loop still sees the next due instant, so virtual time jumps to it and ``settle()`` sees it.
Cancelled timers stay in the heap, marked, and are skipped when they come up.

Under virtual time, the messages due at one instant are delivered in waves of at most
``WAVE``: the next wave when the loop is quiet again at that instant
(``VirtualTimeEventLoop.call_when_quiet``), still before the clock moves on. Every kubelet of
a cluster started together heartbeats at the same instant; delivered at once, 5,000 renewals
would all be in flight together (each its coroutines, futures and messages), overflowing the
apiserver's mailbox and keeping that many objects alive across young collections. In waves,
the same messages reach the same actors in the same order at the same virtual time; what
each wave sets off (the renewals' writes and their watch events) is done before the next
wave starts. On a real-time loop every due message is delivered at once.
"""

from __future__ import annotations

import asyncio
import heapq
from collections import deque
from typing import TYPE_CHECKING

from ._callbacks import NO_CONTEXT
from ._virtual_loop import VirtualTimeEventLoop

if TYPE_CHECKING:
    from ._cell import _Cell

__all__ = ["WAVE", "Timer", "TimerQueue"]

#: At most this many due messages are delivered before the loop is quiet again (virtual
#: time): well under the default mailbox capacity, so that a wave of asks does not fill one,
#: and few enough that what a wave has in flight (a renewal's message, reply future and
#: write) is seldom alive at a collection of the middle generation, which moves what it
#: finds to the oldest (whose full collections rescan the whole cluster each time it has
#: grown by a quarter). At
#: 1,000 idle nodes, 21 objects a heartbeat reached it in waves of 512, 13.4 in waves of
#: 64, 11.6 in waves of 16; each wave costs the calls of one group commit and one watch
#: batch to each of the Lease's watchers (176.6 -> 180.0 Python calls a heartbeat).
WAVE = 64


class Timer:
    """A message scheduled with ``Actor.send_after``, or a callback with ``Actor.call_after``;
    ``cancel()`` keeps it from being sent (called)."""

    __slots__ = ("_cell", "_incarnation", "call", "cancelled", "cause", "message", "when")

    def __init__(
        self,
        cell: _Cell,
        message: object,
        when: float,
        cause: int | None,
        incarnation: int,
        call: bool = False,
    ) -> None:
        self._cell = cell
        #: The message to send, or (``call``) the callback to call (``Actor.call_after``).
        self.message = message
        self.when = when
        self.cause = cause
        self.cancelled = False
        self._incarnation = incarnation
        self.call = call

    @property
    def pending(self) -> bool:
        """Not yet sent, not cancelled, and its actor has not restarted or stopped since."""
        return (
            not self.cancelled
            and self._incarnation == self._cell.incarnation
            and not self._cell.closed
        )

    def cancel(self) -> None:
        if self.pending:
            self._cell.pending_timers -= 1
        self.cancelled = True

    def __repr__(self) -> str:
        return f"<Timer {type(self.message).__name__} at {self.when} for {self._cell.name!r}>"


class TimerQueue:
    """The due messages of all actors of one system."""

    __slots__ = ("_armed", "_armed_at", "_due", "_instants", "_loop", "_rest_waits", "_waves")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        #: Virtual time: the rest of an instant's messages wait for the loop to be quiet.
        self._waves = isinstance(loop, VirtualTimeEventLoop)
        #: Whether the rest of this instant's messages already wait for the next quiet.
        self._rest_waits = False
        #: instant -> the timers due then, in the order they were scheduled (the order
        #: they are delivered in); a queue emptied stays until its instant leaves the heap.
        self._due: dict[float, deque[Timer]] = {}
        #: The instants of ``_due``, a heap.
        self._instants: list[float] = []
        self._armed: asyncio.TimerHandle | None = None
        self._armed_at = float("inf")

    def schedule(
        self, cell: _Cell, delay: float, message: object, cause: int | None, call: bool = False
    ) -> Timer:
        when = self._loop.time() + delay
        timer = Timer(cell, message, when, cause, cell.incarnation, call)
        cell.pending_timers += 1
        queue = self._due.get(when)
        if queue is None:
            self._due[when] = queue = deque()
            heapq.heappush(self._instants, when)
        queue.append(timer)
        if when < self._armed_at:
            self._arm(when)
        return timer

    def next_due(self) -> float:
        """When the earliest pending timer is due (``inf`` if none)."""
        instants, due = self._instants, self._due
        while instants:
            queue = due[instants[0]]
            while queue and not queue[0].pending:
                queue.popleft()
            if queue:
                return instants[0]
            del due[heapq.heappop(instants)]
        return float("inf")

    def pending(self) -> list[Timer]:
        return [t for queue in self._due.values() for t in queue if t.pending]

    def _arm(self, when: float) -> None:
        if self._armed is not None:
            self._armed.cancel()
        self._armed_at = when
        self._armed = self._loop.call_at(when, self._fire, context=NO_CONTEXT)

    def _fire(self) -> None:
        self._armed = None
        self._armed_at = float("inf")
        instants, due = self._instants, self._due
        now = self._loop.time()
        wave = WAVE if self._waves else -1
        while instants and instants[0] <= now:
            queue = due[instants[0]]
            if not queue:  # its timers all taken: the next instant's
                del due[heapq.heappop(instants)]
                continue
            if wave == 0:
                if not self._rest_waits:
                    self._rest_waits = True
                    loop = self._loop
                    assert isinstance(loop, VirtualTimeEventLoop)
                    loop.call_when_quiet(self._next_wave, context=NO_CONTEXT)
                return
            wave -= 1
            timer = queue.popleft()
            cell = timer._cell
            # ``timer.pending``, spelled out: thousands of kubelets' heartbeats come due at
            # once, each a property call less (two: a closed cell's limit is negative).
            if not timer.cancelled and timer._incarnation == cell.incarnation and cell.limit >= 0:
                timer.cancelled = True  # spent: it will not fire again
                cell.pending_timers -= 1
                cell.deliver_timer(timer)
        next_due = self.next_due()
        if next_due != float("inf"):
            self._arm(next_due)

    def _next_wave(self) -> None:
        self._rest_waits = False
        if self._armed is not None:  # re-armed meanwhile (a message sent with no delay)
            self._armed.cancel()
        self._fire()

    def close(self) -> None:
        if self._armed is not None:
            self._armed.cancel()
            self._armed = None
        self._due.clear()
        self._instants.clear()
