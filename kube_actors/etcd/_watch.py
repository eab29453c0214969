"""The watch fan-out: one ordered event log, a cursor per watcher.

Not a queue per watcher. Writes append each revision's events to one shared log; every
watcher holds a cursor (a position in the log) and a key range. A watcher reads everything
past its cursor in one slice, keeps what its range matches and moves its cursor to the end.
Only watchers that found nothing wait, each on a future that the next append resolves:
however many revisions were written meanwhile, a watcher wakes once and takes them all.
This is the shape of etcd's watchable store (one history, watchers in groups, synced in
batches), and it is why delivering an event to a thousand watchers costs a thousand
pointer copies instead of a thousand queue operations and task switches.

The log keeps only what some watcher has not read: it is trimmed up to the slowest cursor.
A watcher more than ``max_lag`` events behind is closed with ``WatchLagged`` rather than
pinning the log without bound (Kubernetes then re-watches or re-lists). A watch that starts
before the log's first event is first served from the backend's history (``changes``),
then from the log; below the compacted revision it fails with ``Compacted``.

The hub is fed, not subscribed: whoever writes to the backend calls ``notify()`` after the
write (the etcd actor does, after every request), and the hub pulls the new revisions.
"""

from __future__ import annotations

import asyncio
import enum
from bisect import bisect_left
from types import TracebackType
from typing import TYPE_CHECKING

import attrs

from ..errors import Compacted, WatchLagged
from ._keys import FROM_KEY, is_single_key, prefix_end
from ._types import KeyEvent

if TYPE_CHECKING:
    from ._backend import Backend

__all__ = ["WatchHub", "WatchHubStatistics", "Watcher"]

#: How many appended events between two trims (and lag checks) of the log, at most.
_TRIM_EVERY = 4096


def _revision(event: KeyEvent) -> int:
    return event.kv.mod_revision


@attrs.frozen(kw_only=True)
class WatchHubStatistics:
    watchers: int
    #: Events held in the log (what the slowest watcher has not read yet, roughly).
    log_events: int
    revision: int


class WatchHub:
    """Every open watch on one backend. Single-threaded: use it from one event loop."""

    def __init__(self, backend: Backend, *, max_lag: int = 100_000) -> None:
        if max_lag <= 0:
            raise ValueError(f"max_lag must be positive, not {max_lag}")
        self._backend = backend
        self._max_lag = max_lag
        self._trim_every = _TRIM_EVERY
        self._log: list[KeyEvent] = []
        # The absolute position of ``_log[0]``: cursors survive trims unchanged.
        self._base = 0
        # The backend revision the log is complete up to.
        self._revision = backend.revision
        # A dict keeps the watchers in the order they came: lag closes are reproducible.
        self._watchers: dict[Watcher, None] = {}
        # Per key range, the last span of the log filtered for it, as (from, to, events).
        # Every watcher woken by one append reads the same span: watchers of one range
        # share one filtering and one tuple, so the work is per range and batch, not per
        # watcher (etcd groups its watchers by range for the same reason).
        self._filtered: dict[tuple[str, str | None], tuple[int, int, tuple[KeyEvent, ...]]] = {}
        self._waiters: list[asyncio.Future[None]] = []
        self._trim_at = min(_TRIM_EVERY, max_lag + 1)
        self._error: BaseException | None = None

    @property
    def revision(self) -> int:
        return self._revision

    @property
    def max_lag(self) -> int:
        return self._max_lag

    def statistics(self) -> WatchHubStatistics:
        return WatchHubStatistics(
            watchers=len(self._watchers), log_events=len(self._log), revision=self._revision
        )

    # ------------------------------------------------------------------------ writing

    def notify(self) -> None:
        """Take the revisions the backend committed since the last call, wake the watchers."""
        current = self._backend.revision
        if current == self._revision:
            return
        if not self._watchers:
            # Nobody reads: the log stays empty, a new watch starts from the backend.
            self._revision = current
            return
        try:
            events = self._backend.changes(self._revision + 1, current)
        except Compacted as error:
            # Only if someone wrote and compacted without notifying: the watchers missed
            # events they can no longer get, and must start over.
            self._revision = current
            for watcher in list(self._watchers):
                watcher._fail(error)
            return
        self._revision = current
        self._log += events
        if len(self._log) >= self._trim_at:
            self._trim()
        waiters = self._waiters
        if waiters:
            self._waiters = []
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(None)

    def close(self, error: BaseException) -> None:
        """Close every watch with ``error`` (raised by their next read); refuse new ones."""
        self._error = error
        for watcher in list(self._watchers):
            watcher._fail(error)

    def _trim(self) -> None:
        end = self._base + len(self._log)
        low = end
        for watcher in list(self._watchers):
            if end - watcher._cursor > self._max_lag:
                watcher._fail(WatchLagged(watcher._revision, self._max_lag))
            elif watcher._cursor < low:
                low = watcher._cursor
        if low > self._base:
            del self._log[: low - self._base]
            self._base = low
        self._filtered.clear()
        # The log now starts at the slowest cursor: check again after ``_trim_every`` more
        # events, or as soon as the slowest watcher could pass ``max_lag``, whichever is
        # first. So an open watcher is never more than ``max_lag`` events behind.
        self._trim_at = min(len(self._log) + self._trim_every, self._max_lag + 1)

    # ------------------------------------------------------------------------ reading

    def watch(self, key: str, range_end: str | None = None, start_revision: int = 0) -> Watcher:
        """Open a watch on ``key`` (or ``[key, range_end)``) from ``start_revision`` on.

        As in etcd: ``start_revision`` 0 (or below) means the next revision; a future one is
        allowed and waited for; one below the compacted revision raises ``Compacted``;
        exactly the compacted revision is fine.
        """
        if self._error is not None:
            raise self._error
        self.notify()
        current = self._revision
        watcher = Watcher(self, key, range_end)
        end = self._base + len(self._log)
        if start_revision <= 0 or start_revision > current:
            start = max(start_revision, current + 1)
            watcher._start(start, cursor=end, backlog=[])
        else:
            compacted = self._backend.compact_revision
            if start_revision < compacted:
                raise Compacted(start_revision, compacted)
            log = self._log
            first = log[0].kv.mod_revision if log else current + 1
            if start_revision >= first:
                cursor = self._base + bisect_left(log, start_revision, key=_revision)
                watcher._start(start_revision, cursor=cursor, backlog=[])
            else:
                backlog = self._backend.changes(start_revision, first - 1)
                watcher._start(start_revision, cursor=self._base, backlog=backlog)
        self._watchers[watcher] = None
        return watcher

    def _remove(self, watcher: Watcher) -> None:
        self._watchers.pop(watcher, None)
        if not self._watchers:
            self._base += len(self._log)
            self._log = []
            self._filtered.clear()
            self._trim_at = min(self._trim_every, self._max_lag + 1)

    def _waiter_for(self, watcher: Watcher) -> asyncio.Future[None]:
        """A future the next append resolves, one per waiting watcher: cancelling one
        watcher's wait must not cancel the others'."""
        waiter = asyncio.get_running_loop().create_future()
        waiters = self._waiters
        if len(waiters) > 2 * len(self._watchers) + 16:
            # Waits that were cancelled (timeouts around a read) leave their futures here.
            waiters[:] = [w for w in waiters if not w.done()]
        waiters.append(waiter)
        watcher._waiter = waiter
        return waiter


class _Match(enum.Enum):
    ALL = enum.auto()
    KEY = enum.auto()
    PREFIX = enum.auto()
    FROM = enum.auto()
    RANGE = enum.auto()


class Watcher:
    """An open watch: ``async for events in watcher`` yields tuples of events.

    Each tuple is non-empty and in revision order (and may be shared with other watchers of
    the same range: it is immutable, as the events are). Every matching event
    from the start revision on comes exactly once. Iteration ends after ``close()``; it
    raises ``WatchLagged`` if the watcher fell too far behind, ``Compacted`` if it started
    below the compacted revision, ``ActorStopped`` if the store stopped.
    """

    def __init__(self, hub: WatchHub, key: str, range_end: str | None) -> None:
        self.key = key
        self.range_end = range_end
        self.start_revision = 0
        self._range = (key, range_end)
        self._hub = hub
        self._cursor = 0
        self._backlog: tuple[KeyEvent, ...] = ()
        # Events below a future start revision are skipped until the log passes it.
        self._min_revision = 0
        self._revision = 0
        self._waiter: asyncio.Future[None] | None = None
        self._closed = False
        self._error: BaseException | None = None
        if is_single_key(range_end):
            self._match = _Match.KEY
        elif range_end == FROM_KEY:
            self._match = _Match.ALL if key == "" else _Match.FROM
        elif range_end == prefix_end(key):
            self._match = _Match.PREFIX
        else:
            self._match = _Match.RANGE

    def _start(self, start: int, *, cursor: int, backlog: list[KeyEvent]) -> None:
        self.start_revision = start
        self._cursor = cursor
        self._backlog = self._filter(backlog)
        current = self._hub._revision
        self._revision = min(start - 1, current)
        if start > current + 1:
            self._min_revision = start

    def __repr__(self) -> str:
        return (
            f"Watcher(key={self.key!r}, range_end={self.range_end!r}, "
            f"start_revision={self.start_revision}, revision={self._revision})"
        )

    @property
    def revision(self) -> int:
        """Every matching event up to this revision has been delivered (a bookmark)."""
        return self._revision

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def lag(self) -> int:
        """Events in the log this watcher has not read (matching or not); 0 once closed."""
        if self._closed:
            return 0
        return self._hub._base + len(self._hub._log) - self._cursor

    def poll(self) -> tuple[KeyEvent, ...]:
        """The events that arrived since the last read, without waiting (maybe none)."""
        if self._error is not None:
            raise self._error
        if self._closed:
            return ()
        hub = self._hub
        end = hub._base + len(hub._log)
        cursor = self._cursor
        if cursor == end and not self._backlog:  # the common case of a watcher that waits
            self._revision = hub._revision
            return ()
        events: tuple[KeyEvent, ...] = ()
        if cursor < end:
            span = hub._filtered.get(self._range)
            if span is not None and span[0] == cursor and span[1] == end:
                events = span[2]
            else:
                events = self._filter(hub._log[cursor - hub._base :])
                hub._filtered[self._range] = (cursor, end, events)
            self._cursor = end
        if self._min_revision:
            events = tuple([e for e in events if e.kv.mod_revision >= self._min_revision])
            if hub._revision >= self._min_revision:
                self._min_revision = 0
        if self._backlog:
            events = self._backlog + events
            self._backlog = ()
        self._revision = max(self._revision, hub._revision)
        return events

    def _filter(self, events: list[KeyEvent]) -> tuple[KeyEvent, ...]:
        match = self._match
        if match is _Match.ALL or not events:
            return tuple(events)
        key = self.key
        if match is _Match.PREFIX:
            return tuple([e for e in events if e.kv.key.startswith(key)])
        if match is _Match.KEY:
            return tuple([e for e in events if e.kv.key == key])
        if match is _Match.FROM:
            return tuple([e for e in events if e.kv.key >= key])
        end = self.range_end
        assert end is not None
        return tuple([e for e in events if key <= e.kv.key < end])

    def close(self) -> None:
        """Stop watching: iteration ends and the log no longer waits for this watcher."""
        if self._closed:
            return
        self._closed = True
        self._backlog = ()
        self._hub._remove(self)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _fail(self, error: BaseException) -> None:
        if not self._closed:
            self._error = error
            self.close()

    def __aiter__(self) -> Watcher:
        return self

    async def __anext__(self) -> tuple[KeyEvent, ...]:
        while True:
            events = self.poll()
            if events:
                return events
            if self._closed:
                raise StopAsyncIteration
            try:
                await self._hub._waiter_for(self)
            finally:
                self._waiter = None

    async def __aenter__(self) -> Watcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
