"""The SQLite store's file: what it refuses, what it keeps, and when it answers a write."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from kube_actors.actors import ActorSystem
from kube_actors.api import ObjectMeta, Pod
from kube_actors.errors import StoreError
from kube_actors.etcd import (
    Compact,
    DeleteRange,
    EtcdActor,
    LeaseGrant,
    Put,
    Range,
    SqliteBackend,
    Txn,
    WatchCreate,
    prefix_end,
)


def rows_on_disk(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        return int(db.execute("SELECT count(*) FROM kv").fetchone()[0])
    finally:
        db.close()


def test_a_reopened_store_has_every_key_revision_history_and_lease(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    store = SqliteBackend(path)
    lease = store.lease_grant(30, now=0.0).id
    store.put(Put(key="a", value=1))  # 2
    store.put(Put(key="a", value={"two": [2]}))  # 3
    store.put(Put(key="b", value="x", lease=lease))  # 4
    store.delete(DeleteRange(key="a"))  # 5
    store.put(Put(key="a", value=3))  # 6
    store.compact(3)
    store.close()

    again = SqliteBackend(path)
    assert (again.revision, again.compact_revision) == (6, 3)
    assert [(kv.key, kv.value, kv.version) for kv in again.range(Range.prefix("")).kvs] == [
        ("a", 3, 1),
        ("b", "x", 1),
    ]
    (at_3,) = again.range(Range(key="a", revision=3)).kvs
    assert (at_3.value, at_3.create_revision, at_3.mod_revision, at_3.version) == (
        {"two": [2]},
        2,
        3,
        2,
    )
    assert [
        (e.type.value, e.kv.key, e.prev_kv and e.prev_kv.value) for e in again.changes(3, 6)
    ] == [
        ("PUT", "a", 1),
        ("PUT", "b", None),
        ("DELETE", "a", {"two": [2]}),
        ("PUT", "a", None),
    ]
    # The lease is back with its full TTL from the first clock reading, its key attached.
    alive = again.lease_time_to_live(lease, now=100.0, keys=True)
    assert (alive.ttl, alive.keys) == (30, ("b",))
    assert again.put(Put(key="c", value=0)).revision == 7
    assert again.lease_grant(5, now=100.0).id != lease
    again.close()


def test_a_file_that_is_not_a_database_is_refused_and_left_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    path.write_bytes(b"my precious notes, not a database" * 100)
    with pytest.raises(StoreError, match="is not a kube-actors store"):
        SqliteBackend(path)
    assert path.read_bytes() == b"my precious notes, not a database" * 100


def test_another_programs_database_is_refused_and_left_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    db.execute("INSERT INTO invoices (total) VALUES (12.5)")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match=r"something else \(tables: invoices\)"):
        SqliteBackend(path)
    db = sqlite3.connect(path)
    assert db.execute("SELECT total FROM invoices").fetchall() == [(12.5,)]
    db.close()


def test_a_store_of_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    SqliteBackend(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = '99' WHERE name = 'schema_version'")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="schema version 99; this kube-actors reads up to 2"):
        SqliteBackend(path)


def test_a_corrupted_store_is_refused_not_emptied(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    store = SqliteBackend(path)
    for i in range(300):
        store.put(Put(key=f"key/{i:04}", value="v" * 200))
    store.close()
    data = bytearray(path.read_bytes())
    size = len(data)
    page = 4096
    for offset in range(2 * page, size, page):  # every page's header but the first two
        data[offset : offset + 16] = b"\xff" * 16
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="is corrupted"):
        SqliteBackend(path)
    assert len(path.read_bytes()) == size


def test_an_unreadable_value_is_an_error_naming_its_key(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    store = SqliteBackend(path)
    store.put(Put(key="/registry/pods/default/web", value={"ok": True}))
    store.close()
    db = sqlite3.connect(path)
    db.execute("UPDATE kv SET value = ?", (b'{"kind": "Nonsense"}',))
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="key '/registry/pods/default/web' at revision 2"):
        SqliteBackend(path)


def test_a_second_process_cannot_open_a_store_in_use(tmp_path: Path) -> None:
    store = SqliteBackend(tmp_path / "store.db")
    with pytest.raises(StoreError, match="is in use by another process"):
        SqliteBackend(tmp_path / "store.db")
    store.close()


def test_a_value_json_would_change_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    store = SqliteBackend(tmp_path / "store.db")
    with pytest.raises(TypeError, match=r"value\['b'\]: .* not tuple"):
        store.put(Put(key="a", value={"b": (1, 2)}))
    with pytest.raises(TypeError, match="not set"):
        store.txn(Txn(success=[Put(key="a", value=1), Put(key="b", value={3})]))
    assert store.revision == 1
    assert store.take_batch() is None
    store.close()


def test_api_objects_come_back_equal(tmp_path: Path) -> None:
    pod = Pod(metadata=ObjectMeta(name="web", namespace="default", labels={"app": "web"}))
    store = SqliteBackend(tmp_path / "store.db")
    store.put(Put(key="/registry/pods/default/web", value=pod))
    store.close()
    again = SqliteBackend(tmp_path / "store.db")
    (kv,) = again.range(Range(key="/registry/pods/default/web")).kvs
    assert kv.value == pod
    assert kv.value is not pod
    again.close()


def test_synchronous_must_be_normal_or_full(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="synchronous must be 'normal' or 'full', not 'off'"):
        SqliteBackend(tmp_path / "store.db", synchronous="off")  # type: ignore[arg-type]


@pytest.mark.real_time
async def test_a_write_is_answered_only_once_it_is_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    store = SqliteBackend(path)
    async with ActorSystem() as system:
        etcd = await system.spawn(lambda: EtcdActor(store), name="etcd")
        for i in range(20):
            await etcd.ask(Put(key=f"k{i}", value=i))
            assert rows_on_disk(path) == i + 1
    store.close()


@pytest.mark.real_time
async def test_a_burst_of_writes_shares_commits_and_watchers_see_every_one(
    tmp_path: Path,
) -> None:
    store = SqliteBackend(tmp_path / "store.db", synchronous="full")
    async with ActorSystem() as system:
        etcd = await system.spawn(lambda: EtcdActor(store), name="etcd")
        watcher = await etcd.ask(WatchCreate(key="k", range_end=prefix_end("k")))
        answers = await asyncio.gather(
            *(etcd.ask(Put(key=f"k{i:03}", value=i)) for i in range(200))
        )
        assert sorted(a.revision for a in answers) == list(range(2, 202))
        assert store.commits < 100  # many writes per commit
        seen: list[object] = []
        async for events in watcher:
            seen += [e.kv.value for e in events]
            if len(seen) == 200:
                break
        assert seen == list(range(200))
        await etcd.ask(Compact(revision=100))
        lease = await etcd.ask(LeaseGrant(ttl=60))
        assert lease.id == 1
    store.close()
    assert rows_on_disk(tmp_path / "store.db") == 200


class _GatedBackend(SqliteBackend):
    """Commits only when the test opens the gate."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, synchronous="normal")
        self.gate = threading.Event()

    def write_batch(self, batch: Any) -> None:
        self.gate.wait(timeout=30)
        super().write_batch(batch)


@pytest.mark.real_time
async def test_nobody_sees_a_write_before_its_commit(tmp_path: Path) -> None:
    store = _GatedBackend(tmp_path / "store.db")
    async with ActorSystem() as system:
        etcd = await system.spawn(lambda: EtcdActor(store), name="etcd")
        watcher = await etcd.ask(WatchCreate(key="k"))
        answer = asyncio.ensure_future(etcd.ask(Put(key="k", value=1)))
        read = asyncio.ensure_future(etcd.ask(Range(key="k")))
        for _ in range(100):  # the commit is held: let everything else run
            await asyncio.sleep(0)
        assert not answer.done()
        assert not read.done()
        assert list(watcher.poll()) == []
        assert store.revision == 2  # applied in memory, not yet committed
        store.gate.set()
        assert (await asyncio.wait_for(answer, 10)).revision == 2
        assert [kv.value for kv in (await asyncio.wait_for(read, 10)).kvs] == [1]
        events = await asyncio.wait_for(anext(aiter(watcher)), 10)
        assert [e.kv.value for e in events] == [1]
    store.close()
