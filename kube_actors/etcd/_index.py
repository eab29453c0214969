"""The key index of the memory backend: every key's revisions since the last compaction.

etcd keeps, per key, generations of revisions in a B-tree and the values in bolt, keyed by
revision. Here a key maps straight to its list of ``KeyValue``s in revision order, tombstones
included: reading a key at revision R is a bisection in that list, and whether it existed
then is whether the entry found is a tombstone.

Keys are kept in order for ranges in a list sorted lazily: new keys wait in a side list and
are merged (Timsort merges two sorted runs in linear time) when a range needs the order.
Bulk creation then costs O(1) per key, where ``insort`` would move the list each time.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from typing import Final

from ..api import quick_new
from ._keys import FROM_KEY, is_single_key
from ._types import EventType, KeyEvent, KeyValue

__all__ = ["KeyIndex"]

#: Every write's watch event is built by ``change`` (``quick_new``, by field name).
_new_key_event: Final = quick_new(KeyEvent)

#: How many paged ranges keep their live keys: a few lists being paged at once.
_LIVE_RANGES_KEPT = 8


def _mod_revision(kv: KeyValue) -> int:
    return kv.mod_revision


class KeyIndex:
    """Per key, its ``KeyValue``s (and tombstones) since the compacted revision."""

    def __init__(self) -> None:
        self._history: dict[str, list[KeyValue]] = {}
        self._sorted: list[str] = []
        self._unsorted: list[str] = []
        # Keys written since the last compaction: the only ones a compaction can shrink.
        self._dirty: set[str] = set()
        # The live keys of the latest ranges that were paged, per (range end, revision):
        # the first key listed, and the live keys from it on in order.
        self._live: dict[tuple[str | None, int], tuple[str, list[str]]] = {}

    def __len__(self) -> int:
        """Keys with any history (live or tombstoned), as etcd counts index entries."""
        return len(self._history)

    def latest(self, key: str) -> KeyValue | None:
        """The key's live value now, ``None`` if it does not exist."""
        history = self._history.get(key)
        if history is None:
            return None
        kv = history[-1]
        return None if kv.version == 0 else kv

    def get(self, key: str, revision: int) -> KeyValue | None:
        """The key's live value at ``revision``, ``None`` if it did not exist then."""
        history = self._history.get(key)
        if history is None:
            return None
        kv = history[-1]
        if kv.mod_revision > revision:
            i = bisect_right(history, revision, key=_mod_revision) - 1
            if i < 0:
                return None
            kv = history[i]
        return None if kv.version == 0 else kv

    def change(self, key: str, revision: int) -> KeyEvent:
        """The event that wrote ``key`` at ``revision`` (which did: the store's change log
        says so), its ``prev_kv`` the entry before it unless that is a tombstone.

        The entry before is the key's previous revision, as long as the compaction kept it:
        it does for every event after the compacted revision (the newest entry at or below
        it stays), not for an event at exactly that revision (the store keeps those whole).
        """
        history = self._history[key]
        i = len(history) - 1
        if history[i].mod_revision != revision:  # an older change (a watch from the past)
            i = bisect_left(history, revision, key=_mod_revision)
        kv = history[i]
        prev = history[i - 1] if i else None
        if prev is not None and prev.version == 0:
            prev = None
        return _new_key_event(
            type=EventType.DELETE if kv.version == 0 else EventType.PUT, kv=kv, prev_kv=prev
        )

    def append(self, kv: KeyValue) -> None:
        """Record a new revision of ``kv.key`` (newer than any it has)."""
        history = self._history.get(kv.key)
        if history is None:
            self._history[kv.key] = [kv]
            self._unsorted.append(kv.key)
        else:
            history.append(kv)
        self._dirty.add(kv.key)

    def keys(self, key: str, range_end: str | None) -> list[str]:
        """Every key with history in the range, in order."""
        if is_single_key(range_end):
            return [key] if key in self._history else []
        ordered = self._ordered()
        lo = bisect_left(ordered, key)
        if range_end == FROM_KEY:
            return ordered[lo:]
        assert range_end is not None
        hi = bisect_left(ordered, range_end, lo)
        return ordered[lo:hi]

    def range(self, key: str, range_end: str | None, revision: int) -> Iterator[KeyValue]:
        """The live key-values of the range at ``revision``, in key order."""
        get = self.get
        for k in self.keys(key, range_end):
            kv = get(k, revision)
            if kv is not None:
                yield kv

    def page(
        self, key: str, range_end: str | None, revision: int, limit: int, *, committed: bool
    ) -> tuple[list[KeyValue], int]:
        """The first ``limit`` live key-values of the range at ``revision`` (all of them for
        0 or less) and how many live keys the range holds from ``key`` on, as etcd's
        ``count``.

        A chunked list asks for page after page of one range at one revision, each from
        where the last ended. Which keys were live at a past revision never changes (later
        writes are newer; a compaction keeps what reads at or after it see), so the live keys
        are listed once per (range, revision) and each later page is a bisection in that
        list: the whole list costs one pass, where walking the rest of the range for each
        page's ``count`` made it quadratic in its pages. Only a ``committed`` revision's
        keys are kept: a transaction reading its own revision may still write to it.
        """
        if limit <= 0 or not committed or is_single_key(range_end):
            found = list(self.range(key, range_end, revision))
            return found, len(found)
        live = self._live_keys(key, range_end, revision)
        lo = bisect_left(live, key)
        get = self.get
        found = [kv for k in live[lo : lo + limit] if (kv := get(k, revision)) is not None]
        return found, len(live) - lo

    def _live_keys(self, key: str, range_end: str | None, revision: int) -> list[str]:
        """The keys of the range live at ``revision``, from ``key`` or from an earlier key."""
        known = self._live.get((range_end, revision))
        if known is not None and known[0] <= key:
            return known[1]
        get = self.get
        live = [k for k in self.keys(key, range_end) if get(k, revision) is not None]
        self._live[(range_end, revision)] = (key, live)
        while len(self._live) > _LIVE_RANGES_KEPT:
            del self._live[next(iter(self._live))]
        return live

    def compact(self, revision: int) -> None:
        """Forget what no read at or after ``revision`` can see.

        Per key, the newest entry at or below ``revision`` stays (a read at ``revision``
        needs it), unless it is a tombstone older than ``revision``; etcd keeps a tombstone
        at exactly the compacted revision too. A key left with nothing is dropped.
        """
        self._live.clear()
        dropped = False
        still_dirty: set[str] = set()
        for key in self._dirty:
            history = self._history[key]
            i = bisect_right(history, revision, key=_mod_revision) - 1
            if i >= 0:
                kv = history[i]
                if kv.version == 0 and kv.mod_revision < revision:
                    i += 1
                del history[:i]
            if not history:
                del self._history[key]
                dropped = True
            elif len(history) > 1 or history[0].version == 0 or i < 0:
                still_dirty.add(key)
        self._dirty = still_dirty
        if dropped:
            live = self._history
            self._sorted = [k for k in self._sorted if k in live]
            self._unsorted = [k for k in self._unsorted if k in live]

    def _ordered(self) -> list[str]:
        if self._unsorted:
            self._unsorted.sort()
            self._sorted += self._unsorted
            self._sorted.sort()
            self._unsorted = []
        return self._sorted
