"""``WorkQueue``: client-go's rate-limited work queue, on the running clock.

The guarantees a controller relies on, as in ``k8s.io/client-go/util/workqueue``:

- **Dedup.** An item added while it is already queued is queued once.
- **One worker per item.** An item handed out by ``get`` is *processing* until ``done``;
  adding it meanwhile marks it dirty, and ``done`` queues it again. So two workers never hold
  the same item, and no change seen while it was processed is lost.
- **Delays.** ``add_after`` queues an item later; an item already waiting keeps the earlier
  of its two deadlines. ``add_rate_limited`` asks the rate limiter for the delay;
  ``forget`` resets the item's back-off.
- **Shutdown.** ``shutdown`` drops what waits on a delay and refuses new adds; ``get`` still
  hands out what was already queued, then raises ``QueueShutDown`` (iteration ends).

Every operation but the delayed adds is O(1): a deque for order, sets for membership. The
delayed items sit in one heap armed with a single ``loop.call_at`` for the earliest (as the
actor timers do), so under virtual time the loop jumps straight to the next deadline and
``settle(horizon)`` sees it. Nothing here reads the wall clock.

The queue is the one object a controller shares with the informers that feed it: their
event handlers call ``add`` from the informer's task. That is safe because everything runs
on one event loop and ``add`` never awaits; it is the same role a mailbox plays.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections import deque
from collections.abc import AsyncIterator, Hashable
from typing import Generic, TypeVar

import attrs

from kube_actors.actors import current_cause
from kube_actors.errors import KubeActorsError

from ._ratelimit import RateLimiter, default_controller_rate_limiter

__all__ = ["QueueShutDown", "QueueStatistics", "WorkQueue"]

T = TypeVar("T", bound=Hashable)


class QueueShutDown(KubeActorsError):
    """``get`` on a queue that was shut down and has nothing left to hand out."""


@attrs.frozen(kw_only=True)
class QueueStatistics:
    """A snapshot of a ``WorkQueue``."""

    #: Items queued, ready for a worker.
    depth: int
    #: Items handed out and not yet ``done``.
    processing: int
    #: Items waiting on a delay (``add_after``, ``add_rate_limited``).
    waiting: int
    #: Workers blocked in ``get``.
    idle_workers: int
    #: ``add`` calls so far (including the ones dedup absorbed).
    adds: int
    #: ``add_rate_limited`` calls so far.
    retries: int
    shutting_down: bool


class WorkQueue(Generic[T]):
    """A deduplicating, rate-limited work queue; items must be hashable."""

    __slots__ = (
        "_adds",
        "_armed",
        "_armed_at",
        "_causes",
        "_dirty",
        "_getters",
        "_heap",
        "_processing",
        "_queue",
        "_rate_limiter",
        "_retries",
        "_sequence",
        "_shutting_down",
        "_waiting",
        "name",
    )

    def __init__(self, rate_limiter: RateLimiter[T] | None = None, *, name: str = "") -> None:
        self.name = name
        #: With tracing on: per item, the trace id of what last added it (``cause_of``).
        self._causes: dict[T, int] = {}
        self._rate_limiter: RateLimiter[T] = rate_limiter or default_controller_rate_limiter()
        self._queue: deque[T] = deque()
        #: Items that need processing: queued, or re-added while processing.
        self._dirty: set[T] = set()
        self._processing: set[T] = set()
        self._getters: deque[asyncio.Future[None]] = deque()
        self._shutting_down = False
        # Delayed adds: the deadline each item waits for, and a heap of (deadline, seq, item)
        # where an entry whose deadline no longer matches ``_waiting`` is stale and skipped.
        self._waiting: dict[T, float] = {}
        self._heap: list[tuple[float, int, T]] = []
        self._sequence = itertools.count()
        self._armed: asyncio.TimerHandle | None = None
        self._armed_at = float("inf")
        self._adds = 0
        self._retries = 0

    # ------------------------------------------------------------------------- adding

    def add(self, item: T) -> None:
        """Queue ``item`` unless it is queued already; if a worker holds it, queue it again
        once that worker calls ``done``."""
        self._adds += 1
        cause = current_cause()
        if cause is not None:
            self._causes[item] = cause
        if self._shutting_down or item in self._dirty:
            return
        self._dirty.add(item)
        if item in self._processing:
            return
        self._queue.append(item)
        if self._getters:
            self._wake_one()

    def add_after(self, item: T, delay: float) -> None:
        """Queue ``item`` after ``delay`` seconds on the running clock (now if ``delay <= 0``).

        An item already waiting keeps whichever deadline is earlier.
        """
        if self._shutting_down:
            return
        if delay <= 0:
            self.add(item)
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + delay
        current = self._waiting.get(item)
        if current is not None and current <= deadline:
            return
        self._waiting[item] = deadline
        heapq.heappush(self._heap, (deadline, next(self._sequence), item))
        if deadline < self._armed_at:
            self._arm(loop, deadline)

    def add_rate_limited(self, item: T) -> None:
        """Queue ``item`` after the delay its rate limiter decides (a retry after a failure)."""
        if self._shutting_down:
            return
        self._retries += 1
        now = asyncio.get_running_loop().time()
        self.add_after(item, self._rate_limiter.when(item, now))

    def forget(self, item: T) -> None:
        """Reset ``item``'s back-off: it was handled, or it is given up on."""
        self._rate_limiter.forget(item)

    def num_requeues(self, item: T) -> int:
        """How many rate-limited retries ``item`` had since it was last forgotten."""
        return self._rate_limiter.num_requeues(item)

    # ------------------------------------------------------------------------ taking

    async def get(self) -> T:
        """The next item, waiting for one; it is processing until ``done(item)``.

        Raises ``QueueShutDown`` once the queue is shut down and empty.
        """
        while not self._queue:
            if self._shutting_down:
                raise QueueShutDown(f"work queue {self.name!r} is shut down")
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._getters.append(waiter)
            try:
                await waiter
            except BaseException:
                if waiter.done() and not waiter.cancelled():
                    self._wake_one()  # it was woken but will not take the item: pass it on
                else:
                    self._getters.remove(waiter)
                raise
        return self._take()

    def get_nowait(self) -> T:
        """The next item if one is queued; ``QueueShutDown`` if shut down and empty, else
        ``LookupError``."""
        if not self._queue:
            if self._shutting_down:
                raise QueueShutDown(f"work queue {self.name!r} is shut down")
            raise LookupError(f"work queue {self.name!r} is empty")
        return self._take()

    def _take(self) -> T:
        item = self._queue.popleft()
        self._processing.add(item)
        self._dirty.discard(item)
        return item

    def cause_of(self, item: T) -> int | None:
        """The trace id of what last added ``item`` (None when not tracing), forgotten now:
        a worker handles the item as caused by it."""
        return self._causes.pop(item, None) if self._causes else None

    def done(self, item: T) -> None:
        """The worker finished ``item``; if it was added meanwhile, queue it again."""
        self._processing.discard(item)
        if item in self._dirty:
            self._queue.append(item)
            if self._getters:
                self._wake_one()

    def __aiter__(self) -> AsyncIterator[T]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[T]:
        """``async for item in queue``: items until shutdown; the loop body must ``done``."""
        while True:
            try:
                item = await self.get()
            except QueueShutDown:
                return
            yield item

    # ---------------------------------------------------------------------- shutdown

    def shutdown(self) -> None:
        """Refuse new adds, drop delayed ones, and let idle workers' ``get`` end."""
        self._shutting_down = True
        if self._armed is not None:
            self._armed.cancel()
            self._armed = None
        self._armed_at = float("inf")
        self._heap.clear()
        self._waiting.clear()
        while self._getters:
            self._wake_one()

    @property
    def shutting_down(self) -> bool:
        return self._shutting_down

    # -------------------------------------------------------------------- inspection

    def __len__(self) -> int:
        """Items queued and ready (not those processing or waiting on a delay)."""
        return len(self._queue)

    def statistics(self) -> QueueStatistics:
        return QueueStatistics(
            depth=len(self._queue),
            processing=len(self._processing),
            waiting=len(self._waiting),
            idle_workers=sum(1 for g in self._getters if not g.done()),
            adds=self._adds,
            retries=self._retries,
            shutting_down=self._shutting_down,
        )

    def __repr__(self) -> str:
        return (
            f"<WorkQueue {self.name!r} depth={len(self._queue)} "
            f"processing={len(self._processing)} waiting={len(self._waiting)}>"
        )

    # ------------------------------------------------------------------ internals

    def _wake_one(self) -> None:
        getters = self._getters
        while getters:
            getter = getters.popleft()
            if not getter.done():
                getter.set_result(None)
                return

    def _arm(self, loop: asyncio.AbstractEventLoop, deadline: float) -> None:
        if self._armed is not None:
            self._armed.cancel()
        self._armed_at = deadline
        self._armed = loop.call_at(deadline, self._fire, loop)

    def _fire(self, loop: asyncio.AbstractEventLoop) -> None:
        self._armed = None
        self._armed_at = float("inf")
        heap, waiting = self._heap, self._waiting
        now = loop.time()
        while heap and heap[0][0] <= now:
            deadline, _, item = heapq.heappop(heap)
            if waiting.get(item) == deadline:
                del waiting[item]
                self.add(item)
        while heap and waiting.get(heap[0][2]) != heap[0][0]:
            heapq.heappop(heap)  # stale: the item was re-armed earlier, or already added
        if heap:
            self._arm(loop, heap[0][0])
