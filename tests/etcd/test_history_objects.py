"""What the memory store keeps for each write: the load of its history on the collector.

A cluster keeps minutes of history (thousands of writes) and CPython's cyclic collector
scans every object it tracks that is still alive; what a write leaves behind is paid for at
every full collection until the compaction drops it.
"""

from __future__ import annotations

import gc

from kube_actors.etcd import DeleteRange, EventType, MemoryBackend, Put, Txn


def tracked_objects_held(root: object) -> int:
    """How many objects the collector tracks that ``root`` holds (classes not counted)."""
    seen = {id(root)}
    todo = [root]
    held = 0
    while todo:
        for ref in gc.get_referents(todo.pop()):
            if gc.is_tracked(ref) and not isinstance(ref, type) and id(ref) not in seen:
                seen.add(id(ref))
                todo.append(ref)
                held += 1
    return held


def test_the_history_holds_one_tracked_object_per_write_the_key_value() -> None:
    store = MemoryBackend()
    keys = [f"/registry/leases/kube-node-lease/node-{i}" for i in range(10)]
    for key in keys:
        store.put(Put(key=key, value=0))
    gc.collect()
    before = tracked_objects_held(store)
    writes = 200
    for i in range(writes):
        store.put(Put(key=keys[i % len(keys)], value=i))
    gc.collect()
    # The KeyValue of each revision, and nothing more: no KeyEvent and no tuple of them.
    assert tracked_objects_held(store) - before == writes
    events = store.changes(store.revision - writes + 1, store.revision)
    assert [e.kv.value for e in events] == list(range(writes))
    assert [e.prev_kv.value if e.prev_kv else None for e in events[len(keys) :]] == list(
        range(writes - len(keys))
    )


def test_events_built_from_the_index_are_those_of_each_revision_with_prev_kv() -> None:
    store = MemoryBackend()
    store.put(Put(key="a", value=1))  # 2
    store.put(Put(key="b", value=1))  # 3
    store.txn(Txn(success=[Put(key="a", value=2), Put(key="c", value=1)]))  # 4
    store.delete(DeleteRange(key="a", range_end="c"))  # 5: a and b
    store.put(Put(key="a", value=3))  # 6
    rows = [
        (e.kv.mod_revision, e.type, e.kv.key, e.kv.value, e.prev_kv.value if e.prev_kv else None)
        for e in store.changes(2, 6)
    ]
    assert rows == [
        (2, EventType.PUT, "a", 1, None),
        (3, EventType.PUT, "b", 1, None),
        (4, EventType.PUT, "a", 2, 1),
        (4, EventType.PUT, "c", 1, None),
        (5, EventType.DELETE, "a", None, 2),
        (5, EventType.DELETE, "b", None, 1),
        (6, EventType.PUT, "a", 3, None),
    ]
    # A watch from the past reads them again, the same.
    assert [e.kv.mod_revision for e in store.changes(4, 4)] == [4, 4]
    store.compact(4)
    assert [(e.kv.key, e.prev_kv.value if e.prev_kv else None) for e in store.changes(4, 5)] == [
        ("a", 1),
        ("c", None),
        ("a", 2),
        ("b", 1),
    ]
