"""``Broadcast``: one ordered log that many readers follow, each with its own cursor.

The shape of a watch fan-out. A publisher appends batches; a reader (``Subscription``) holds a
position in the log, takes everything past it in one slice, and waits only when there is
nothing new, on a future the next publish resolves. However many batches came meanwhile, a
reader wakes once and takes them all: delivering an item to a thousand readers costs a
thousand slice copies of pointers, not a thousand queue operations and task switches.

The log keeps what some reader has not taken, plus the last ``retain`` items (so a reader can
start a little in the past, as a watch from a recent resourceVersion does). A reader more
than ``max_lag`` items behind is failed with ``Lagged`` rather than pinning the log without
bound: it must start over (a watcher re-lists).
"""

from __future__ import annotations

import asyncio
from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

__all__ = ["Broadcast", "Lagged", "Subscription"]

T = TypeVar("T")


class Lagged(Exception):
    """A reader fell more than ``max_lag`` items behind and was dropped."""

    def __init__(self, max_lag: int) -> None:
        super().__init__(f"fell more than {max_lag} items behind the log")
        self.max_lag = max_lag


class Broadcast(Generic[T]):
    """An append-only log with cursors. Single-threaded: use it from one event loop."""

    def __init__(self, *, max_lag: int = 100_000, retain: int = 0) -> None:
        if max_lag <= 0:
            raise ValueError(f"max_lag must be positive, not {max_lag}")
        self.max_lag = max_lag
        self.retain = retain
        self._log: list[T] = []
        self._base = 0  # the absolute position of _log[0]; positions survive trims
        self._subscriptions: dict[Subscription[T], None] = {}
        self._waiters: list[asyncio.Future[None]] = []
        self._trim_at = max(1024, retain)

    @property
    def start(self) -> int:
        """The position of the oldest item still held."""
        return self._base

    @property
    def end(self) -> int:
        """The position the next published item will take."""
        return self._base + len(self._log)

    @property
    def subscribers(self) -> int:
        return len(self._subscriptions)

    def held(self) -> Sequence[T]:
        """The items still held, oldest first."""
        return self._log

    def position_after(self, value: float, key: Callable[[T], float]) -> int:
        """The position of the first held item whose ``key`` exceeds ``value`` (items must be
        ordered by ``key``)."""
        return self._base + bisect_right(self._log, value, key=key)

    def publish(self, items: Sequence[T]) -> None:
        """Append ``items`` and wake every waiting reader once."""
        if not items:
            return
        self._log += items
        if len(self._log) >= self._trim_at:
            self._trim()
        waiters = self._waiters
        if waiters:
            self._waiters = []
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(None)

    def subscribe(self, position: int | None = None) -> Subscription[T]:
        """A reader from ``position`` (default: the end, i.e. only what comes next)."""
        if position is None:
            position = self.end
        if not self._base <= position <= self.end:
            raise ValueError(f"position {position} is not held ({self._base}..{self.end})")
        subscription = Subscription(self, position)
        self._subscriptions[subscription] = None
        return subscription

    def close(self, error: BaseException | None = None) -> None:
        """End every subscription (with ``error``, raised by their next read, if given)."""
        for subscription in list(self._subscriptions):
            subscription._end(error)

    def _trim(self) -> None:
        end = self.end
        keep_from = end - self.retain
        for subscription in list(self._subscriptions):
            if end - subscription._cursor > self.max_lag:
                subscription._end(Lagged(self.max_lag))
            elif subscription._cursor < keep_from:
                keep_from = subscription._cursor
        if keep_from > self._base:
            del self._log[: keep_from - self._base]
            self._base = keep_from
        self._trim_at = len(self._log) + max(1024, self.retain // 2, 1)

    def _remove(self, subscription: Subscription[T]) -> None:
        self._subscriptions.pop(subscription, None)

    async def _wait(self, subscription: Subscription[T]) -> None:
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        waiters = self._waiters
        if len(waiters) > 2 * len(self._subscriptions) + 16:
            # Reads cancelled by a timeout leave their futures behind: sweep them.
            waiters[:] = [w for w in waiters if not w.done()]
        waiters.append(waiter)
        subscription._waiter = waiter
        try:
            await waiter
        finally:
            subscription._waiter = None


class Subscription(Generic[T]):
    """One reader of a ``Broadcast``."""

    __slots__ = ("__weakref__", "_broadcast", "_cursor", "_ended", "_error", "_waiter")

    def __init__(self, broadcast: Broadcast[T], position: int) -> None:
        self._broadcast = broadcast
        self._cursor = position
        self._ended = False
        self._error: BaseException | None = None
        self._waiter: asyncio.Future[None] | None = None

    @property
    def position(self) -> int:
        return self._cursor

    @property
    def lag(self) -> int:
        return self._broadcast.end - self._cursor

    @property
    def ended(self) -> bool:
        return self._ended

    def poll(self) -> Sequence[T]:
        """What was published since the last read (maybe nothing). Once the subscription
        has ended: nothing, or, the first time, the error that ended it."""
        if self._ended:
            if self._error is not None:
                error, self._error = self._error, None
                raise error
            return ()
        broadcast = self._broadcast
        offset = self._cursor - broadcast._base
        log = broadcast._log
        if offset >= len(log):
            return ()
        items = log[offset:]
        self._cursor = broadcast._base + len(log)
        return items

    async def next_batch(self) -> Sequence[T]:
        """The next items (at least one), or an empty sequence once the subscription ended."""
        while True:
            items = self.poll()
            if items or self._ended:
                return items
            await self._broadcast._wait(self)

    def close(self) -> None:
        self._end(None)

    def _end(self, error: BaseException | None) -> None:
        if self._ended:
            return
        self._ended = True
        self._error = error
        self._broadcast._remove(self)
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)
