"""The watch fan-out: one ordered event log, a cursor per watcher.

Not a queue per watcher. Writes append each revision's events to one shared log, an
``actors.Broadcast`` of ``KeyEvent``s; every watcher is a subscription to it (a position in
the log) with a key range. A watcher reads everything past its cursor in one slice, keeps
what its range matches and moves its cursor to the end. Only watchers that found nothing
wait, each on a future that the next append resolves: however many revisions were written
meanwhile, a watcher wakes once and takes them all. This is the shape of etcd's watchable
store (one history, watchers in groups, synced in batches), and it is why delivering an
event to a thousand watchers costs a thousand pointer copies instead of a thousand queue
operations and task switches.

The log keeps only what some watcher has not read: it is trimmed up to the slowest cursor.
A watcher more than ``max_lag`` events behind is closed with ``WatchLagged`` rather than
pinning the log without bound (Kubernetes then re-watches or re-lists). A watch that starts
before the log's first event is first served from the backend's history (``changes``),
then from the log; below the compacted revision it fails with ``Compacted``.

The hub is fed, not subscribed: whoever writes to the backend calls ``notify()`` after the
write (the etcd actor does, after every request), and the hub pulls the new revisions.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING

import attrs

from ..actors import Broadcast, Subscription
from ..errors import Compacted, WatchLagged
from ._keys import FROM_KEY, is_single_key, prefix_end
from ._types import KeyEvent

if TYPE_CHECKING:
    from ._backend import Backend

__all__ = ["WatchHub", "WatchHubStatistics", "Watcher"]


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
        # What every watcher has read goes at the next write, not a thousand events later:
        # the events are built for the watchers (``changes``), and each one that lived
        # through a thousand writes would reach the collector's oldest generation. The
        # watchers are few (each apiserver watches once), so a trim at each write costs little.
        self._log: Broadcast[KeyEvent] = Broadcast(max_lag=max_lag, trim_every=1)
        # The backend revision the log is complete up to.
        self._revision = backend.revision
        # Per key range, the last span of the log filtered for it, as (from, to, events).
        # Every watcher woken by one append reads the same span: watchers of one range
        # share one filtering and one tuple, so the work is per range and batch, not per
        # watcher (etcd groups its watchers by range for the same reason).
        self._filtered: dict[tuple[str, str | None], tuple[int, int, tuple[KeyEvent, ...]]] = {}
        self._error: BaseException | None = None

    @property
    def revision(self) -> int:
        return self._revision

    @property
    def max_lag(self) -> int:
        return self._max_lag

    def statistics(self) -> WatchHubStatistics:
        return WatchHubStatistics(
            watchers=self._log.subscribers,
            log_events=len(self._log.held()),
            revision=self._revision,
        )

    # ------------------------------------------------------------------------ writing

    def notify(self) -> None:
        """Take the revisions the backend committed since the last call, wake the watchers."""
        current = self._backend.revision
        if current == self._revision:
            return
        if not self._log.subscribers:
            # Nobody reads: the log stays empty, a new watch starts from the backend.
            self._revision = current
            return
        try:
            events = self._backend.changes(self._revision + 1, current)
        except Compacted as error:
            # Only if someone wrote and compacted without notifying: the watchers missed
            # events they can no longer get, and must start over.
            self._revision = current
            self._log.close(error)
            return
        self._revision = current
        # The spans filtered so far end before these events: no watcher will read them again.
        self._filtered.clear()
        self._log.publish(events)

    def close(self, error: BaseException) -> None:
        """Close every watch with ``error`` (raised by their next read); refuse new ones."""
        self._error = error
        self._log.close(error)

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
        log = self._log
        if start_revision <= 0 or start_revision > current:
            start = max(start_revision, current + 1)
            return log.attach(Watcher(self, key, range_end, start, position=log.end))
        compacted = self._backend.compact_revision
        if start_revision < compacted:
            raise Compacted(start_revision, compacted)
        held = log.held()
        first = held[0].kv.mod_revision if held else current + 1
        if start_revision >= first:
            position = log.position_after(start_revision - 1, key=_revision)
            return log.attach(Watcher(self, key, range_end, start_revision, position=position))
        watcher = Watcher(self, key, range_end, start_revision, position=log.start)
        watcher._backlog = watcher._filter(self._backend.changes(start_revision, first - 1))
        return log.attach(watcher)


class _Match(enum.Enum):
    ALL = enum.auto()
    KEY = enum.auto()
    PREFIX = enum.auto()
    FROM = enum.auto()
    RANGE = enum.auto()


class Watcher(Subscription[KeyEvent]):
    """An open watch: ``async for events in watcher`` yields tuples of events.

    Each tuple is non-empty and in revision order (and may be shared with other watchers of
    the same range: it is immutable, as the events are). Every matching event
    from the start revision on comes exactly once. Iteration ends after ``close()``; it
    raises ``WatchLagged`` if the watcher fell too far behind, ``Compacted`` if it started
    below the compacted revision, ``ActorStopped`` if the store stopped.
    """

    __slots__ = (
        "_backlog",
        "_failure",
        "_hub",
        "_match",
        "_min_revision",
        "_range",
        "_revision",
        "key",
        "range_end",
        "start_revision",
    )

    def __init__(
        self, hub: WatchHub, key: str, range_end: str | None, start: int, *, position: int
    ) -> None:
        super().__init__(hub._log, position)
        self.key = key
        self.range_end = range_end
        self.start_revision = start
        self._range = (key, range_end)
        self._hub = hub
        # Events from the history that precede the log, already filtered.
        self._backlog: tuple[KeyEvent, ...] = ()
        # Unlike a plain subscription's, a watcher's error is raised by every read.
        self._failure: BaseException | None = None
        current = hub._revision
        self._revision = min(start - 1, current)
        # Events below a future start revision are skipped until the log passes it.
        self._min_revision = start if start > current + 1 else 0
        if is_single_key(range_end):
            self._match = _Match.KEY
        elif range_end == FROM_KEY:
            self._match = _Match.ALL if key == "" else _Match.FROM
        elif range_end == prefix_end(key):
            self._match = _Match.PREFIX
        else:
            self._match = _Match.RANGE

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
        return self.ended

    @property
    def lag(self) -> int:
        """Events in the log this watcher has not read (matching or not); 0 once closed."""
        return 0 if self.ended else super().lag

    def poll(self) -> tuple[KeyEvent, ...]:
        """The events that arrived since the last read, without waiting (maybe none)."""
        if self._failure is not None:
            raise self._failure
        if self._ended:
            return ()
        hub = self._hub
        # (This runs per watcher per batch: the subscription's own slots, read directly.)
        cursor, end = self._cursor, hub._log.end
        if cursor == end and not self._backlog:  # the common case of a watcher that waits
            self._revision = hub._revision
            return ()
        events: tuple[KeyEvent, ...] = ()
        if cursor < end:
            span = hub._filtered.get(self._range)
            if span is not None and span[0] == cursor and span[1] == end:
                events = span[2]
                self._cursor = end
            else:
                events = self._filter(super().poll())
                hub._filtered[self._range] = (cursor, end, events)
        if self._min_revision:
            events = tuple([e for e in events if e.kv.mod_revision >= self._min_revision])
            if hub._revision >= self._min_revision:
                self._min_revision = 0
        if self._backlog:
            events = self._backlog + events
            self._backlog = ()
        self._revision = max(self._revision, hub._revision)
        return events

    def _filter(self, events: Sequence[KeyEvent]) -> tuple[KeyEvent, ...]:
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
        self._backlog = ()
        super().close()

    def _end(self, error: BaseException | None) -> None:
        if error is not None and not self.ended:
            self._failure = error
            self._backlog = ()
        super()._end(error)

    def _lagged(self, max_lag: int) -> BaseException:
        return WatchLagged(self._revision, max_lag)

    def __aiter__(self) -> Watcher:
        return self

    async def __anext__(self) -> tuple[KeyEvent, ...]:
        while True:
            events = self.poll()
            if events:
                return events
            if self._ended:
                raise StopAsyncIteration
            await self.wait()

    async def __aenter__(self) -> Watcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
