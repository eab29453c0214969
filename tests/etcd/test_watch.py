"""The watch fan-out: one log, a cursor per watcher."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from kube_actors.errors import ActorStopped, Compacted, WatchLagged
from kube_actors.etcd import (
    DeleteRange,
    EventType,
    KeyEvent,
    MemoryBackend,
    Put,
    Txn,
    Watcher,
    WatchHub,
    prefix_end,
)


class Store:
    """A backend and its hub, told after every write as the etcd actor does."""

    def __init__(self, max_lag: int = 1000) -> None:
        self.backend = MemoryBackend()
        self.hub = WatchHub(self.backend, max_lag=max_lag)

    def put(self, key: str, value: object) -> int:
        revision = self.backend.put(Put(key=key, value=value)).revision
        self.hub.notify()
        return revision

    def delete(self, key: str) -> int:
        revision = self.backend.delete(DeleteRange(key=key)).revision
        self.hub.notify()
        return revision


def seen(events: Sequence[KeyEvent]) -> list[tuple[str, str, object, int]]:
    return [(e.type.value, e.kv.key, e.kv.value, e.kv.mod_revision) for e in events]


def test_a_watcher_sees_every_event_after_it_started_in_order_with_prev_kv() -> None:
    store = Store()
    store.put("a", 1)
    watcher = store.hub.watch("a")
    store.put("a", 2)
    store.put("b", 0)
    store.delete("a")
    events = watcher.poll()
    assert seen(events) == [("PUT", "a", 2, 3), ("DELETE", "a", None, 5)]
    assert [e.prev_kv.value if e.prev_kv else None for e in events] == [1, 2]
    assert watcher.poll() == ()
    assert watcher.revision == 5


def test_a_prefix_watcher_sees_only_its_prefix() -> None:
    store = Store()
    watcher = store.hub.watch("pods/", prefix_end("pods/"))
    for key in ["pods/a", "podsx", "pods", "pods/b/c", "services/a"]:
        store.put(key, key)
    assert [e.kv.key for e in watcher.poll()] == ["pods/a", "pods/b/c"]


def test_a_range_watcher_and_an_everything_watcher() -> None:
    store = Store()
    ranged = store.hub.watch("b", "d")
    everything = store.hub.watch("", "\0")
    for key in "abcde":
        store.put(key, 0)
    assert [e.kv.key for e in ranged.poll()] == ["b", "c"]
    assert [e.kv.key for e in everything.poll()] == list("abcde")


def test_a_watch_from_a_past_revision_replays_history_first() -> None:
    store = Store()
    for value in range(4):  # revisions 2..5
        store.put("a", value)
    watcher = store.hub.watch("a", start_revision=3)
    store.put("a", 4)
    assert [e.kv.mod_revision for e in watcher.poll()] == [3, 4, 5, 6]


def test_a_watch_from_a_revision_still_in_the_log_starts_there() -> None:
    store = Store()
    keep_log = store.hub.watch("zzz")
    for value in range(4):
        store.put("a", value)
    watcher = store.hub.watch("a", start_revision=4)
    assert [e.kv.value for e in watcher.poll()] == [2, 3]
    assert keep_log.poll() == ()


def test_a_watch_from_revision_0_sees_only_what_comes_next() -> None:
    store = Store()
    store.put("a", 1)
    watcher = store.hub.watch("a")
    assert watcher.poll() == ()
    store.put("a", 2)
    assert [e.kv.value for e in watcher.poll()] == [2]


def test_a_watch_from_a_future_revision_waits_for_it() -> None:
    store = Store()
    watcher = store.hub.watch("a", start_revision=5)
    for value in range(6):  # revisions 2..7
        store.put("a", value)
    assert [e.kv.mod_revision for e in watcher.poll()] == [5, 6, 7]


def test_a_watch_below_the_compacted_revision_is_refused() -> None:
    store = Store()
    for value in range(5):  # revisions 2..6
        store.put("a", value)
    store.backend.compact(4)
    with pytest.raises(Compacted) as raised:
        store.hub.watch("a", start_revision=3)
    assert raised.value.compact_revision == 4


def test_a_watch_exactly_at_the_compacted_revision_gets_its_events() -> None:
    store = Store()
    store.put("a", 1)  # 2
    store.put("b", 1)  # 3
    store.backend.txn(Txn(success=[DeleteRange(key="a"), Put(key="b", value=2)]))  # 4
    store.hub.notify()
    store.backend.compact(4)
    at = store.hub.watch("", "\0", start_revision=4)
    after = store.hub.watch("", "\0", start_revision=5)
    store.put("c", 1)  # 5
    events = at.poll()
    assert seen(events) == [("DELETE", "a", None, 4), ("PUT", "b", 2, 4), ("PUT", "c", 1, 5)]
    assert [e.prev_kv.value if e.prev_kv else None for e in events] == [1, 1, None]
    assert seen(after.poll()) == [("PUT", "c", 1, 5)]


def test_a_watch_started_before_a_compaction_keeps_going() -> None:
    store = Store()
    watcher = store.hub.watch("a", start_revision=1)
    store.put("a", 1)
    store.put("a", 2)
    store.backend.compact(3)
    store.put("a", 3)
    assert [e.kv.value for e in watcher.poll()] == [1, 2, 3]


def test_a_watch_resumed_from_the_last_revision_seen_plus_one_misses_nothing() -> None:
    store = Store()
    first = store.hub.watch("k/", prefix_end("k/"), start_revision=1)
    store.put("k/a", 1)
    store.put("k/b", 1)
    got = first.poll()
    first.close()
    store.put("k/a", 2)
    store.put("x", 0)
    store.backend.compact(first.revision + 1)
    resumed = store.hub.watch("k/", prefix_end("k/"), start_revision=first.revision + 1)
    store.put("k/c", 1)
    got += resumed.poll()
    assert [(e.kv.key, e.kv.value) for e in got] == [
        ("k/a", 1),
        ("k/b", 1),
        ("k/a", 2),
        ("k/c", 1),
    ]


def test_the_log_is_trimmed_to_the_slowest_watcher() -> None:
    store = Store(max_lag=100)
    fast, slow = store.hub.watch("a"), store.hub.watch("a")
    for value in range(250):
        store.put("a", value)
        fast.poll()
        if value in (90, 180):
            slow.poll()
        assert slow.lag <= 100
        assert store.hub.statistics().log_events <= 100
    assert len(slow.poll()) == 69


def test_events_every_watcher_has_read_are_dropped_at_the_next_write() -> None:
    store = Store()
    first, second = store.hub.watch("a"), store.hub.watch("b")
    for value in range(10):
        store.put("a", value)
        assert len(first.poll()) == 1
        assert second.poll() == ()
        assert store.hub.statistics().log_events == 1
    store.put("b", 1)
    store.put("b", 2)  # the second watcher has not read: both stay
    assert store.hub.statistics().log_events == 2
    assert [e.kv.value for e in second.poll()] == [1, 2]
    resumed = store.hub.watch("a", start_revision=5)  # from the history, as ever
    assert [e.kv.value for e in resumed.poll()] == list(range(3, 10))


def test_a_watcher_too_far_behind_is_closed_with_the_revision_to_resume_from() -> None:
    store = Store(max_lag=10)
    watcher = store.hub.watch("a")
    store.put("a", 0)
    assert len(watcher.poll()) == 1
    for value in range(1, 30):
        store.put("a", value)
    assert watcher.closed
    with pytest.raises(WatchLagged) as raised:
        watcher.poll()
    assert raised.value.revision == 2
    resumed = store.hub.watch("a", start_revision=raised.value.revision + 1)
    assert [e.kv.value for e in resumed.poll()] == list(range(1, 30))


def test_a_hub_with_no_watchers_holds_no_events() -> None:
    store = Store()
    watcher = store.hub.watch("a")
    store.put("a", 1)
    watcher.close()
    store.put("a", 2)
    assert store.hub.statistics().log_events == 0
    assert watcher.poll() == ()


def test_closing_the_hub_fails_every_watcher_and_refuses_new_ones() -> None:
    store = Store()
    watcher = store.hub.watch("a")
    store.hub.close(ActorStopped("etcd"))
    with pytest.raises(ActorStopped):
        watcher.poll()
    with pytest.raises(ActorStopped):
        store.hub.watch("a")


async def test_async_watchers_wake_once_for_a_burst_of_writes() -> None:
    store = Store()
    watchers = [store.hub.watch("", "\0") for _ in range(3)]
    batches: list[list[tuple[KeyEvent, ...]]] = [[] for _ in watchers]

    async def consume(watcher: Watcher, into: list[tuple[KeyEvent, ...]]) -> None:
        async for events in watcher:
            into.append(events)

    async with asyncio.TaskGroup() as tasks:
        for watcher, into in zip(watchers, batches, strict=True):
            tasks.create_task(consume(watcher, into))
        await asyncio.sleep(0)
        for value in range(100):
            store.put(f"k{value % 7}", value)
        await asyncio.sleep(0)
        store.put("last", 0)
        await asyncio.sleep(0)
        for watcher in watchers:
            watcher.close()
    for into in batches:
        assert [len(batch) for batch in into] == [100, 1]
        assert [e.kv.mod_revision for batch in into for e in batch] == list(range(2, 103))


async def test_a_cancelled_wait_does_not_disturb_other_watchers() -> None:
    store = Store()
    cancelled, other = store.hub.watch("a"), store.hub.watch("a")
    waiting = asyncio.create_task(anext(cancelled))
    received = asyncio.create_task(anext(other))
    await asyncio.sleep(0)
    waiting.cancel()
    await asyncio.sleep(0)
    store.put("a", 1)
    assert [e.kv.value for e in await received] == [1]
    assert [e.kv.value for e in cancelled.poll()] == [1]


async def test_closing_a_watcher_ends_an_iteration_that_is_waiting() -> None:
    store = Store()
    watcher = store.hub.watch("a")

    async def drain() -> list[KeyEvent]:
        return [e async for batch in watcher for e in batch]

    task = asyncio.create_task(drain())
    await asyncio.sleep(0)
    store.put("a", 1)
    await asyncio.sleep(0)
    async with watcher:
        pass
    assert [e.kv.value for e in await task] == [1]
    assert [e.type for e in store.backend.changes(2, 2)] == [EventType.PUT]


def test_watchers_of_one_range_share_one_filtered_batch_and_others_get_their_own() -> None:
    store = Store()
    first, second = store.hub.watch("a/", "a0"), store.hub.watch("a/", "a0")
    store.put("a/1", 1)
    store.put("b", 1)
    early = first.poll()
    store.put("a/2", 2)
    shared, late = first.poll(), second.poll()
    assert [e.kv.key for e in early] == ["a/1"]
    assert [e.kv.key for e in shared] == ["a/2"]
    assert [e.kv.key for e in late] == ["a/1", "a/2"]
    third = store.hub.watch("a/", "a0")
    fourth = store.hub.watch("a/", "a0")
    store.put("a/3", 3)
    assert third.poll() is fourth.poll()
