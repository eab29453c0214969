"""``Broadcast``: one ordered log that many readers follow, each with its own cursor.

The shape of a watch fan-out. A publisher appends batches; a reader (``Subscription``) holds a
position in the log, takes everything past it in one slice, and waits only when there is
nothing new, on a future the next publish resolves. However many batches came meanwhile, a
reader wakes once and takes them all: delivering an item to a thousand readers costs a
thousand slice copies of pointers, not a thousand queue operations and task switches.

The log keeps what some reader has not taken, plus the last ``retain`` items (so a reader can
start a little in the past, as a watch from a recent resourceVersion does). A reader more
than ``max_lag`` items behind is failed with ``Lagged`` rather than pinning the log without
bound: it must start over (a watcher re-lists). Trims (and lag checks) come every so many
items, or as soon as the slowest reader could pass ``max_lag``, whichever is first: no open
reader is ever more than ``max_lag`` items behind.

Both watch fan-outs are built on it: etcd's ``WatchHub`` (readers are ``Watcher``s, which
subclass ``Subscription`` to filter by key range and fail with ``WatchLagged``) and the
apiserver's watch cache.
"""

from __future__ import annotations

import asyncio
from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

__all__ = ["Broadcast", "Lagged", "Subscription"]

T = TypeVar("T")
S = TypeVar("S", bound="Subscription[Any]")


class Lagged(Exception):
    """A reader fell more than ``max_lag`` items behind and was dropped."""

    def __init__(self, max_lag: int) -> None:
        super().__init__(f"fell more than {max_lag} items behind the log")
        self.max_lag = max_lag


class Broadcast(Generic[T]):
    """An append-only log with cursors. Single-threaded: use it from one event loop."""

    def __init__(
        self, *, max_lag: int = 100_000, retain: int = 0, trim_every: int | None = None
    ) -> None:
        """``trim_every``: items published between two drops of what every reader has
        taken (default: 1,024, or half of ``retain`` if more); 1 for a log whose items
        should not outlive their reading."""
        if max_lag <= 0:
            raise ValueError(f"max_lag must be positive, not {max_lag}")
        if trim_every is not None and trim_every <= 0:
            raise ValueError(f"trim_every must be positive, not {trim_every}")
        self.max_lag = max_lag
        self.retain = retain
        self._log: list[T] = []
        self._base = 0  # the absolute position of _log[0]; positions survive trims
        self._subscriptions: dict[Subscription[T], None] = {}
        self._waiters: list[asyncio.Future[None]] = []
        # Items between two trims, at most; ``_check_at``: the ``end`` of the next trim.
        self._step = max(1024, retain // 2) if trim_every is None else trim_every
        self._check_at = min(self._step, max_lag + 1)

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
        if self._base + len(self._log) >= self._check_at:
            self._trim()
        waiters = self._waiters
        if waiters:
            self._waiters = []
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(None)

    def subscribe(self, position: int | None = None) -> Subscription[T]:
        """A reader from ``position`` (default: the end, i.e. only what comes next)."""
        return self.attach(Subscription(self, self.end if position is None else position))

    def attach(self, subscription: S) -> S:
        """Start ``subscription`` (a ``Subscription`` subclass built on this log) reading."""
        position = subscription._cursor
        if subscription._broadcast is not self:
            raise ValueError("the subscription was built for another log")
        if not self._base <= position <= self.end:
            raise ValueError(f"position {position} is not held ({self._base}..{self.end})")
        self._subscriptions[subscription] = None
        if position < self._check_at - self.max_lag - 1:
            self._check_at = position + self.max_lag + 1
        return subscription

    def close(self, error: BaseException | None = None) -> None:
        """End every subscription (with ``error``, raised by their next read, if given)."""
        for subscription in list(self._subscriptions):
            subscription._end(error)

    def _trim(self) -> None:
        end = self.end
        slowest = end
        for subscription in list(self._subscriptions):
            if end - subscription._cursor > self.max_lag:
                subscription._end(subscription._lagged(self.max_lag))
            elif subscription._cursor < slowest:
                slowest = subscription._cursor
        keep_from = min(end - self.retain, slowest)
        if keep_from > self._base:
            del self._log[: keep_from - self._base]
            self._base = keep_from
        self._check_at = min(end + self._step, slowest + self.max_lag + 1)

    def _remove(self, subscription: Subscription[T]) -> None:
        self._subscriptions.pop(subscription, None)
        if not self._subscriptions and not self.retain:
            # Nobody reads and nothing is to be kept: the log starts afresh at its end.
            self._base += len(self._log)
            self._log = []
            self._check_at = self._base + min(self._step, self.max_lag + 1)

    def _waiter_for(self, subscription: Subscription[T]) -> asyncio.Future[None]:
        """A future the next publish (or the subscription's end) resolves, one per reader:
        cancelling one reader's wait must not cancel the others'."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        waiters = self._waiters
        if len(waiters) > 2 * len(self._subscriptions) + 16:
            # Reads cancelled by a timeout leave their futures behind: sweep them.
            waiters[:] = [w for w in waiters if not w.done()]
        waiters.append(waiter)
        subscription._waiter = waiter
        return waiter


class Subscription(Generic[T]):
    """One reader of a ``Broadcast``. Subclass it for a reader with more to do (and start
    it with ``Broadcast.attach``)."""

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

    def skip(self) -> None:
        """Move to the end of the log without taking what is there."""
        if not self._ended:
            self._cursor = self._broadcast.end

    def wait(self) -> asyncio.Future[None]:
        """A future done once something is published after the last read, or the
        subscription ends (done already if either is so). Await it; it is a future, not a
        coroutine, so that a reader's wake-up costs no extra frame on the hot path."""
        broadcast = self._broadcast
        if self._ended or self._cursor < broadcast._base + len(broadcast._log):
            done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            done.set_result(None)
            return done
        return broadcast._waiter_for(self)

    async def next_batch(self) -> Sequence[T]:
        """The next items (at least one), or an empty sequence once the subscription ended."""
        while True:
            items = self.poll()
            if items or self._ended:
                return items
            await self._broadcast._waiter_for(self)

    def _lagged(self, max_lag: int) -> BaseException:
        """The error that ends this subscription when it falls ``max_lag`` items behind."""
        return Lagged(max_lag)

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
