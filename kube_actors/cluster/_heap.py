"""``Cluster(gc_freeze=True, gc_threshold=...)``: the cyclic garbage collector, tuned for a
large cluster simulated for long.

CPython's cyclic garbage collector rescans, at every full collection, every object that has
survived one before. A cluster of a thousand nodes holds close to 400,000 objects it tracks
(caches, informers, actors), and every Lease renewal leaves new ones behind (about twelve a
heartbeat reach the oldest generation: the renewed Lease, its spec, metadata and
managedFields entry, the store's and the watch cache's records of it, and the watches' waits
that a bookmark renews), so a full collection comes about every two simulated minutes and
costs about a fifth of a second: a third of an idle cluster's CPU. ``gc.freeze()`` moves
every object alive to a generation the collector leaves alone; frozen objects are still
freed when their last reference goes (reference counting does not care), only reference
cycles among them wait until they are unfrozen.

A cluster made with ``gc_freeze=True`` freezes the heap when a ``settle()`` returns, if the
collector has had much to do since the last time (a first-generation collection since then:
some thousands of objects survived): ``gc.collect()``, which rescans only what is not frozen
yet, then ``gc.freeze()``. While its nodes start (thousands of them, each leaving hundreds of
objects for good, and no settle between), it freezes after every few dozen nodes if the
collector has made a full collection since the last freeze. So that cycles left among frozen
objects cannot pile up without bound, a freeze after which the frozen heap is twice what the
collector last saw whole is followed by a whole collection: one per doubling, where CPython
pays one each time the heap grows by a quarter.

``gc_threshold`` raises the collector's first threshold (700 allocations by default) while
the cluster runs: young collections then come that much more rarely, and in the meantime most
of what a heartbeat allocates has been freed by reference counting, so each collection finds
little more alive than before. With the heap frozen, young collections were still a fifth of
an idle 100-node cluster's CPU at 700 (a ninth at 1,000 nodes), 1.4 % at 50,000 (4.7 %).

Without ``gc_freeze``, a cluster keeps the collector off while its nodes start
(``COLLECTOR.paused()`` around ``add_nodes``): each node leaves hundreds of objects for good
and there is no settle to freeze them at, so the collector would rescan the whole growing
heap each time it grew by a quarter (at 5,000 nodes, thirteen full collections, a third of
the start's CPU). Switched back on, it looks at what the start left a few times, once per
generation, and reference cycles the start made wait until then.

The collector is the process's, not the cluster's: it freezes any code's objects, and its
thresholds and its switch are every thread's. When the last cluster that asked for either
closes, it is put back as it was: everything back in sight (``gc.unfreeze()``; a program
that had frozen its own heap before finds it frozen again, after a collection), the
thresholds as they were (several clusters asking for thresholds get the highest meanwhile);
a collector the program had switched off stays off.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["COLLECTOR", "HEAP", "THRESHOLDS", "CollectorPause", "HeapFreezer", "Thresholds"]


class HeapFreezer:
    """Freezes the process's heap for the clusters that hold it (one for the process)."""

    def __init__(self, *, regrowth: float = 2.0) -> None:
        #: How much the frozen heap must have grown since it was last looked at whole.
        self.regrowth = regrowth
        self._holders = 0
        #: How many objects were frozen before the first holder came (the program's own).
        self._frozen_before = 0
        #: How many objects the last whole collection left (it saw every one of them).
        self._seen_whole = 0
        #: How many objects were frozen since, counted as they were (an upper bound: some
        #: may have been freed since). ``gc.get_freeze_count()`` walks the whole frozen
        #: generation (CPython 3.11: 0.2 s at 5,000 nodes), so it is asked only when this
        #: count says the frozen heap may have grown by ``regrowth``, not at every settle.
        self._frozen_since = 0
        #: The collector's full collections counted at the last freeze (``growing``).
        self._full_collections = 0

    @property
    def holders(self) -> int:
        return self._holders

    def hold(self) -> None:
        """A cluster with ``gc_freeze`` starts: freeze at its settles until it releases."""
        if self._holders == 0:
            self._frozen_before = gc.get_freeze_count()
            self._seen_whole = 0
            self._full_collections = _full_collections()
        self._holders += 1

    def release(self) -> None:
        """That cluster closed; the last one to go puts the heap back in sight."""
        if self._holders == 0:
            return
        self._holders -= 1
        if self._holders:
            return
        gc.unfreeze()
        if self._frozen_before:
            gc.collect()
            gc.freeze()

    def settled(self) -> None:
        """A settle returned: freeze what survived since the last time, if it is much."""
        if not self._holders:
            return
        if self._seen_whole and gc.get_count()[2] == 0:
            return  # no first-generation collection since the last freeze: little is new
        whole = not self._seen_whole  # the first time: all of it
        if not whole:
            gc.collect()  # rescans only what is not frozen
            # After a full collection every survivor not frozen is in the oldest generation.
            self._frozen_since += len(gc.get_objects(2))
            gc.freeze()
            if self._seen_whole + self._frozen_since >= self.regrowth * self._seen_whole:
                # The count only grows (frozen objects freed since are in it: an idle
                # cluster's renewed Leases): the frozen generation's true size decides.
                frozen = gc.get_freeze_count()
                self._frozen_since = frozen - self._seen_whole
                whole = frozen >= self.regrowth * self._seen_whole
                if whole:  # the frozen heap grew that much: look at all of it once
                    gc.unfreeze()
        if whole:
            gc.collect()
            gc.freeze()
            self._seen_whole = gc.get_freeze_count()
            self._frozen_since = 0

    def growing(self) -> None:
        """Much is being made to stay (a cluster's nodes starting, with no settle between):
        freeze what survived, if the collector has meanwhile rescanned the whole heap (a full
        collection since the last freeze), as it would again each time the heap grows by a
        quarter. With a raised ``gc_threshold`` no full collection may come at all, and a
        freeze would only cost one."""
        if not self._holders or _full_collections() == self._full_collections:
            return
        self.settled()
        self._full_collections = _full_collections()


def _full_collections() -> int:
    return int(gc.get_stats()[2]["collections"])


class Thresholds:
    """Raises the collector's first threshold for the clusters that hold it."""

    def __init__(self) -> None:
        self._held: list[int] = []
        self._saved: tuple[int, ...] = ()

    def hold(self, first: int) -> None:
        if not self._held:
            self._saved = gc.get_threshold()
        self._held.append(first)
        self._apply()

    def release(self, first: int) -> None:
        self._held.remove(first)
        if self._held:
            self._apply()
        else:
            gc.set_threshold(*self._saved)

    def _apply(self) -> None:
        gc.set_threshold(max(self._held), *self._saved[1:])


class CollectorPause:
    """Keeps the cyclic collector off while any cluster's nodes start (one for the process)."""

    def __init__(self) -> None:
        self._holders = 0
        #: Whether the collector was on when the first holder came (the program's choice).
        self._was_enabled = False

    @contextmanager
    def paused(self) -> Iterator[None]:
        if self._holders == 0:
            self._was_enabled = gc.isenabled()
            gc.disable()
        self._holders += 1
        try:
            yield
        finally:
            self._holders -= 1
            if self._holders == 0 and self._was_enabled:
                gc.enable()


#: The process's one freezer, thresholds and pause (the collector is the process's too).
HEAP = HeapFreezer()
THRESHOLDS = Thresholds()
COLLECTOR = CollectorPause()
