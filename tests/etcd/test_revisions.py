"""Revisions, versions, past reads, ranges and compaction of the memory backend."""

from __future__ import annotations

import pytest

from kube_actors.errors import Compacted, FutureRevision
from kube_actors.etcd import (
    FROM_KEY,
    DeleteRange,
    MemoryBackend,
    Put,
    Range,
    SqliteBackend,
    prefix_end,
)

from .conftest import StoreFactory


def values(store: MemoryBackend | SqliteBackend, request: Range) -> list[tuple[str, object]]:
    return [(kv.key, kv.value) for kv in store.range(request).kvs]


def test_an_empty_store_is_at_revision_1_and_the_first_write_is_revision_2(
    new_store: StoreFactory,
) -> None:
    store = new_store()
    assert store.revision == 1
    assert store.put(Put(key="a", value=1)).revision == 2
    assert store.revision == 2


def test_every_write_takes_the_next_revision_and_reads_do_not(new_store: StoreFactory) -> None:
    store = new_store()
    revisions = [store.put(Put(key=k, value=0)).revision for k in "abc"]
    store.range(Range(key="a"))
    assert revisions == [2, 3, 4]
    assert store.delete(DeleteRange(key="a")).revision == 5


def test_a_key_counts_its_versions_and_keeps_its_create_revision(new_store: StoreFactory) -> None:
    store = new_store()
    store.put(Put(key="a", value=1))
    store.put(Put(key="b", value=1))
    store.put(Put(key="a", value=2))
    (kv,) = store.range(Range(key="a")).kvs
    assert (kv.value, kv.create_revision, kv.mod_revision, kv.version) == (2, 2, 4, 2)


def test_values_are_stored_as_given_without_copies(new_store: StoreFactory) -> None:
    store = new_store()
    value = {"a": ["shared", "object"]}
    store.put(Put(key="a", value=value))
    assert store.range(Range(key="a")).kvs[0].value is value


def test_a_delete_leaves_a_tombstone_and_a_recreated_key_starts_at_version_1(
    new_store: StoreFactory,
) -> None:
    store = new_store()
    store.put(Put(key="a", value=1))
    store.put(Put(key="a", value=2))
    deleted = store.delete(DeleteRange(key="a", prev_kv=True))
    assert deleted.deleted == 1
    assert deleted.prev_kvs[0].value == 2
    assert store.range(Range(key="a")).kvs == ()
    store.put(Put(key="a", value=3))
    (kv,) = store.range(Range(key="a")).kvs
    assert (kv.version, kv.create_revision, kv.mod_revision) == (1, 5, 5)


def test_deleting_nothing_writes_nothing(new_store: StoreFactory) -> None:
    store = new_store()
    store.put(Put(key="a", value=1))
    response = store.delete(DeleteRange(key="zzz"))
    assert (response.revision, response.deleted) == (2, 0)
    assert store.revision == 2


def test_a_range_delete_deletes_every_key_at_one_revision(new_store: StoreFactory) -> None:
    store = new_store()
    for key in ["a/1", "a/2", "b"]:
        store.put(Put(key=key, value=key))
    response = store.delete(DeleteRange.prefix("a/"))
    assert (response.revision, response.deleted) == (5, 2)
    assert store.changes(5, 5)[0].kv.mod_revision == 5
    assert [e.kv.key for e in store.changes(5, 5)] == ["a/1", "a/2"]
    assert values(store, Range.prefix("")) == [("b", "b")]


def test_a_read_at_a_past_revision_sees_the_store_as_it_was(new_store: StoreFactory) -> None:
    store = new_store()
    store.put(Put(key="a", value=1))  # 2
    store.put(Put(key="a", value=2))  # 3
    store.delete(DeleteRange(key="a"))  # 4
    store.put(Put(key="a", value=3))  # 5
    seen = [store.range(Range(key="a", revision=r)).kvs for r in range(1, 6)]
    assert [kvs[0].value if kvs else None for kvs in seen] == [None, 1, 2, None, 3]
    assert store.range(Range(key="a", revision=3)).revision == 5  # the header is "now"


def test_a_prefix_range_returns_keys_in_order_with_a_limit_and_a_count(
    new_store: StoreFactory,
) -> None:
    store = new_store()
    for key in ["p/c", "p/a", "q", "p/b", "p", "o"]:
        store.put(Put(key=key, value=key.upper()))
    response = store.range(Range.prefix("p/", limit=2))
    assert [kv.key for kv in response.kvs] == ["p/a", "p/b"]
    assert (response.count, response.more) == (3, True)
    everything = store.range(Range.prefix("p/", limit=3))
    assert (everything.count, everything.more) == (3, False)


def test_pages_of_a_past_revision_ignore_the_writes_made_between_them(
    new_store: StoreFactory,
) -> None:
    store = new_store()
    keys = [f"p/{i:02}" for i in range(20)]
    for key in keys:
        store.put(Put(key=key, value=key))
    store.delete(DeleteRange(key="p/05"))
    at = store.revision
    listed: list[str] = []
    counts: list[int] = []
    start = "p/"
    while True:
        page = store.range(Range(key=start, range_end=prefix_end("p/"), revision=at, limit=3))
        listed += [kv.key for kv in page.kvs]
        counts.append(page.count)
        if not page.more:
            break
        start = page.kvs[-1].key + "\x00"
        # Between pages: a key ahead deleted, a new key ahead, a key behind rewritten.
        store.delete(DeleteRange(key=keys[-len(counts)]))
        store.put(Put(key=start[:-1] + "x", value="new"))
        store.put(Put(key=listed[0], value="changed"))
    survivors = [key for key in keys if key != "p/05"]
    assert listed == survivors
    assert counts == [19 - 3 * i for i in range(len(counts))]
    latest = store.range(Range.prefix("p/", limit=3))
    assert latest.count == 19  # as many keys deleted as created


def test_ranges_follow_etcds_range_end_conventions(new_store: StoreFactory) -> None:
    store = new_store()
    for key in ["a", "b", "c", "d"]:
        store.put(Put(key=key, value=0))
    assert [kv.key for kv in store.range(Range(key="b", range_end="d")).kvs] == ["b", "c"]
    assert [kv.key for kv in store.range(Range(key="b", range_end=FROM_KEY)).kvs] == [
        "b",
        "c",
        "d",
    ]
    assert store.range(Range(key="", range_end=FROM_KEY)).count == 4
    assert store.range(Range(key="c", range_end="a")).count == 0


def test_prefix_end_bumps_the_last_character() -> None:
    assert prefix_end("a/") == "a0"
    assert prefix_end("ab") == "ac"
    assert prefix_end("") == FROM_KEY
    assert prefix_end("a" + chr(0x10FFFF)) == "b"


def test_count_only_and_keys_only_leave_the_values_out(new_store: StoreFactory) -> None:
    store = new_store()
    for key in ["k/1", "k/2"]:
        store.put(Put(key=key, value="big"))
    counted = store.range(Range.prefix("k/", count_only=True))
    assert (counted.kvs, counted.count) == ((), 2)
    keys = store.range(Range.prefix("k/", keys_only=True)).kvs
    assert [(kv.key, kv.value, kv.version) for kv in keys] == [("k/1", None, 1), ("k/2", None, 1)]


def test_reading_above_the_current_revision_is_a_future_revision(new_store: StoreFactory) -> None:
    store = new_store()
    store.put(Put(key="a", value=1))
    with pytest.raises(FutureRevision) as raised:
        store.range(Range(key="a", revision=3))
    assert (raised.value.revision, raised.value.current_revision) == (3, 2)


def test_reads_below_the_compacted_revision_fail_and_reads_at_it_succeed(
    new_store: StoreFactory,
) -> None:
    store = new_store()
    for value in range(5):  # revisions 2..6
        store.put(Put(key="a", value=value))
    store.compact(4)
    assert store.range(Range(key="a", revision=4)).kvs[0].value == 2
    with pytest.raises(Compacted) as raised:
        store.range(Range(key="a", revision=3))
    assert (raised.value.revision, raised.value.compact_revision) == (3, 4)
    assert store.range(Range(key="a")).kvs[0].value == 4


def test_compacting_at_or_below_the_last_compaction_or_in_the_future_fails(
    new_store: StoreFactory,
) -> None:
    store = new_store()
    for value in range(3):
        store.put(Put(key="a", value=value))
    store.compact(3)
    with pytest.raises(Compacted):
        store.compact(3)
    with pytest.raises(Compacted):
        store.compact(2)
    with pytest.raises(FutureRevision):
        store.compact(5)
    assert store.compact(4).revision == 4


def test_compaction_forgets_deleted_keys_but_keeps_what_reads_at_it_need(
    new_store: StoreFactory,
) -> None:
    store = new_store()
    store.put(Put(key="gone", value=1))  # 2
    store.delete(DeleteRange(key="gone"))  # 3
    store.put(Put(key="kept", value=1))  # 4
    store.put(Put(key="kept", value=2))  # 5
    store.delete(DeleteRange(key="dies-at-6"))  # nothing: no revision
    store.put(Put(key="late", value=1))  # 6
    store.compact(5)
    assert store.statistics().keys == 2
    assert store.range(Range(key="kept", revision=5)).kvs[0].value == 2
    assert store.range(Range.prefix("", revision=5)).count == 1
    assert store.range(Range.prefix("")).count == 2


def test_a_tombstone_at_the_compacted_revision_stays_for_watchers_starting_there(
    new_store: StoreFactory,
) -> None:
    store = new_store()
    store.put(Put(key="a", value=1))  # 2
    store.delete(DeleteRange(key="a"))  # 3
    store.compact(3)
    (event,) = store.changes(3, 3)
    assert (event.kv.key, event.kv.is_tombstone) == ("a", True)
    assert event.prev_kv is not None
    assert event.prev_kv.value == 1
    with pytest.raises(Compacted):
        store.changes(2, 3)
    store.put(Put(key="b", value=1))
    store.compact(4)
    assert store.statistics().keys == 1
