"""``Cluster(gc_freeze=True)``: the heap goes out of the cyclic collector's sight when the
cluster settles, and comes back when it closes; ``gc_threshold`` holds while clusters run
(issue #22)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from kube_actors import Cluster
from kube_actors.cluster._heap import HeapFreezer


class _Cycle:
    """An object that refers to itself: only the cyclic collector can free it."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def thawed() -> Iterator[None]:
    """A heap nobody froze, as these tests expect to find and leave it."""
    gc.unfreeze()
    yield
    gc.unfreeze()


@pytest.mark.usefixtures("thawed")
async def test_a_cluster_freezes_the_heap_only_when_asked_and_thaws_it_when_it_closes() -> None:
    async with Cluster(nodes=1, controllers=()) as cluster:
        await cluster.settle(horizon=30)
        assert gc.get_freeze_count() == 0
    async with Cluster(nodes=1, controllers=(), gc_freeze=True) as cluster:
        await cluster.settle(horizon=30)
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


@pytest.mark.usefixtures("thawed")
async def test_a_heap_the_program_froze_itself_is_frozen_again_after_the_cluster_closes() -> None:
    gc.collect()
    gc.freeze()
    own = gc.get_freeze_count()
    async with Cluster(nodes=1, controllers=(), gc_freeze=True) as cluster:
        await cluster.settle(horizon=30)
        assert gc.get_freeze_count() > own
    assert gc.get_freeze_count() >= own


@pytest.mark.usefixtures("thawed")
def test_a_cycle_frozen_with_the_heap_waits_for_a_whole_look_at_it() -> None:
    freezer = HeapFreezer()
    freezer.hold()
    cycle = _Cycle()
    freezer.settled()  # the first time: a whole look, then everything alive is frozen
    gone = weakref.ref(cycle)
    del cycle
    gc.collect(1)  # a first-generation collection: much happened since the last freeze
    freezer.settled()
    assert gone() is not None  # frozen: neither collection saw it
    freezer.regrowth = 1.0  # as if the frozen heap had doubled since the whole look
    gc.collect(1)
    freezer.settled()
    assert gone() is None
    freezer.release()
    assert gc.get_freeze_count() == 0


@pytest.mark.usefixtures("thawed")
def test_a_settle_counts_what_it_freezes_without_walking_the_frozen_heap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    freezer = HeapFreezer()
    freezer.hold()
    freezer.settled()  # the whole look: the frozen heap counted once
    walks: list[int] = []
    count = gc.get_freeze_count

    def counted() -> int:
        walks.append(1)
        return count()

    monkeypatch.setattr(gc, "get_freeze_count", counted)
    kept = [_Cycle() for _ in range(100)]
    gc.collect(1)
    freezer.settled()
    assert walks == []  # what it froze was counted as it was frozen
    del kept
    freezer.regrowth = 1.0  # as if the frozen heap had doubled: a count confirms it
    gc.collect(1)
    freezer.settled()
    assert walks == [1, 1]  # the count that confirmed it, and the whole look's
    freezer.regrowth = 100.0  # the heap far from having grown that much: no count
    gc.collect(1)
    freezer.settled()
    assert walks == [1, 1]
    freezer.release()


@pytest.mark.usefixtures("thawed")
def test_a_settle_after_little_work_leaves_the_heap_as_it_is() -> None:
    freezer = HeapFreezer()
    freezer.hold()
    freezer.settled()
    frozen = gc.get_freeze_count()
    young = [_Cycle() for _ in range(10)]
    freezer.settled()  # no first-generation collection since: not worth a collection
    assert gc.get_freeze_count() == frozen
    del young
    freezer.release()


async def test_gc_threshold_holds_while_clusters_run_the_highest_one_and_is_put_back() -> None:
    before = gc.get_threshold()
    async with Cluster(controllers=(), scheduler=False, gc_threshold=5_000):
        assert gc.get_threshold() == (5_000, *before[1:])
        async with Cluster(controllers=(), scheduler=False, gc_threshold=20_000):
            assert gc.get_threshold() == (20_000, *before[1:])
        assert gc.get_threshold() == (5_000, *before[1:])
    assert gc.get_threshold() == before


def test_a_gc_threshold_below_one_is_refused_naming_it() -> None:
    before = gc.get_threshold()
    with pytest.raises(ValueError, match="gc_threshold must be 1 or more"):
        Cluster(gc_threshold=0)
    assert gc.get_threshold() == before


@pytest.mark.usefixtures("thawed")
def test_growth_is_frozen_only_once_the_collector_has_rescanned_the_whole_heap() -> None:
    freezer = HeapFreezer()
    freezer.hold()
    kept = [_Cycle() for _ in range(1_000)]
    freezer.growing()  # no full collection since the cluster came: freezing would cost one
    assert gc.get_freeze_count() == 0
    gc.collect()  # the collector rescans everything, as it does as the heap grows
    freezer.growing()
    assert gc.get_freeze_count() > len(kept)
    freezer.release()
    assert gc.get_freeze_count() == 0


@pytest.fixture
def full_collections_often() -> Iterator[None]:
    """The collector rescanning the whole heap often, as it does while a large cluster starts."""
    before = gc.get_threshold()
    gc.set_threshold(100, 2, 2)
    # CPython makes a full collection only once a quarter more than the last one saw has
    # survived since: after a whole test run that is more than a small cluster leaves. A
    # full collection of an empty heap (all of it out of sight meanwhile) starts it afresh.
    gc.freeze()
    gc.collect()
    gc.unfreeze()
    yield
    gc.set_threshold(*before)


@pytest.mark.usefixtures("thawed", "full_collections_often")
async def test_the_nodes_of_a_cluster_that_asked_are_frozen_as_they_start() -> None:
    # No settle yet: the start itself froze what its first nodes left, where the collector
    # would otherwise rescan it at every full collection while the others start.
    async with Cluster(nodes=64, controllers=(), gc_freeze=True):
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
    async with Cluster(nodes=64, controllers=()):
        assert gc.get_freeze_count() == 0


@pytest.mark.usefixtures("thawed", "full_collections_often")
async def test_the_collector_is_off_while_nodes_start_and_on_again_once_they_have() -> None:
    collections: list[int] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    async with Cluster(controllers=(), scheduler=False) as cluster:
        gc.callbacks.append(note)
        try:
            await cluster.add_nodes(64)
        finally:
            gc.callbacks.remove(note)
        # Nothing the nodes leave for good was rescanned while they started: one look at
        # it once the collector is back on, where it made hundreds of collections.
        assert len(collections) <= 1
        assert gc.isenabled()


async def test_a_collector_the_program_switched_off_stays_off_after_nodes_start() -> None:
    gc.disable()
    try:
        async with Cluster(nodes=2, controllers=(), scheduler=False):
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
