"""Both backends and the watch hub against a model: a dict per revision.

Random puts, deletes, transactions, compactions, leases and watches; after every step the
store reads like the model at every revision, and every watch has delivered exactly the
model's events from its start revision, in order, no gap, no duplicate. Watches start at
the edges etcd once got wrong: at the compacted revision, just below and above it, in the
future, and resumed from the last revision seen plus one (also after being closed for lag).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import attrs
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from kube_actors.errors import Compacted, FutureRevision, LeaseNotFound, WatchLagged
from kube_actors.etcd import (
    FROM_KEY,
    Compare,
    DeleteRange,
    KeyEvent,
    KeyValue,
    MemoryBackend,
    Put,
    Range,
    RangeResponse,
    SqliteBackend,
    Txn,
    TxnOp,
    Watcher,
    WatchHub,
    prefix_end,
)

KEYS = ("a", "a/x", "a/y", "b", "b/x")
#: (key, range_end): single keys, prefixes, plain ranges, "from key" and everything.
RANGES = (
    *((key, None) for key in KEYS),
    ("a/", prefix_end("a/")),
    ("a", prefix_end("a")),
    ("b", prefix_end("b")),
    ("a/x", "b"),
    ("a/y", FROM_KEY),
    ("", FROM_KEY),
)
#: Small enough that watchers polled now and then get closed for lag.
MAX_LAG = 12

# A key-value as a plain tuple: key, value, create_revision, mod_revision, version, lease.
Row = tuple[str, object, int, int, int, int]
Change = tuple[str, Row, Row | None]


def in_range(candidate: str, key: str, range_end: str | None) -> bool:
    if range_end is None:
        return candidate == key
    return key <= candidate and (range_end == FROM_KEY or candidate < range_end)


def row(kv: KeyValue) -> Row:
    return (kv.key, kv.value, kv.create_revision, kv.mod_revision, kv.version, kv.lease)


def change(event: KeyEvent) -> Change:
    return (event.type.value, row(event.kv), row(event.prev_kv) if event.prev_kv else None)


@attrs.define
class ModelLease:
    ttl: int
    deadline: float
    keys: set[str] = attrs.field(factory=set)


@attrs.define
class OpenWatch:
    watcher: Watcher
    start: int
    received: list[Change] = attrs.field(factory=list)
    #: Set when the watcher was closed for lag: everything up to it was delivered.
    lagged_at: int | None = None


class StoreMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.store: MemoryBackend | SqliteBackend = MemoryBackend()
        self.hub = WatchHub(self.store, max_lag=MAX_LAG)
        # states[r] is the store after revision r; changes[r] what revision r did.
        self.states: list[dict[str, Row]] = [{}, {}]
        self.changes: list[list[Change]] = [[], []]
        self.compacted = 0
        self.now = 0.0
        self.leases: dict[int, ModelLease] = {}
        self.granted: list[int] = []
        self.watches: list[OpenWatch] = []

    @property
    def current(self) -> int:
        return len(self.states) - 1

    # --------------------------------------------------------------------- the model

    def begin(self) -> tuple[dict[str, Row], list[Change]]:
        """The next revision's state (a copy of the last) and its changes (none yet)."""
        return dict(self.states[-1]), []

    def commit(self, state: dict[str, Row], changes: list[Change]) -> None:
        if changes:
            self.states.append(state)
            self.changes.append(changes)
        self.hub.notify()

    def model_put(
        self, state: dict[str, Row], changes: list[Change], key: str, value: int, lease: int
    ) -> None:
        revision = self.current + 1
        prev = state.get(key)
        if prev is None:
            new: Row = (key, value, revision, revision, 1, lease)
        else:
            new = (key, value, prev[2], revision, prev[4] + 1, lease)
            if prev[5] in self.leases:
                self.leases[prev[5]].keys.discard(key)
        if lease:
            self.leases[lease].keys.add(key)
        state[key] = new
        changes.append(("PUT", new, prev))

    def model_delete(
        self, state: dict[str, Row], changes: list[Change], key: str, range_end: str | None
    ) -> None:
        revision = self.current + 1
        for k in sorted(k for k in state if in_range(k, key, range_end)):
            prev = state.pop(k)
            if prev[5] in self.leases:
                self.leases[prev[5]].keys.discard(k)
            changes.append(("DELETE", (k, None, 0, revision, 0, 0), prev))

    def model_revoke(self, lease: int) -> None:
        state, changes = self.begin()
        for key in sorted(self.leases[lease].keys):
            self.model_delete(state, changes, key, None)
        del self.leases[lease]
        self.commit(state, changes)

    def expected(self, watch: OpenWatch, upto: int) -> list[Change]:
        key, range_end = watch.watcher.key, watch.watcher.range_end
        return [
            c
            for revision in range(max(watch.start, 2), upto + 1)
            for c in self.changes[revision]
            if in_range(c[1][0], key, range_end)
        ]

    # ---------------------------------------------------------------------- writes

    @rule(key=st.sampled_from(KEYS), value=st.integers(0, 9), data=st.data())
    def put(self, key: str, value: int, data: st.DataObject) -> None:
        lease = data.draw(st.sampled_from([0, *self.granted]), label="lease")
        if lease and lease not in self.leases:
            with pytest.raises(LeaseNotFound):
                self.store.put(Put(key=key, value=value, lease=lease))
            return
        response = self.store.put(Put(key=key, value=value, lease=lease, prev_kv=True))
        before = self.states[-1].get(key)
        assert (row(response.prev_kv) if response.prev_kv else None) == before
        state, changes = self.begin()
        self.model_put(state, changes, key, value, lease)
        self.commit(state, changes)
        assert response.revision == self.current

    @rule(where=st.sampled_from(RANGES))
    def delete(self, where: tuple[str, str | None]) -> None:
        response = self.store.delete(DeleteRange(key=where[0], range_end=where[1]))
        state, changes = self.begin()
        self.model_delete(state, changes, *where)
        self.commit(state, changes)
        assert (response.deleted, response.revision) == (len(changes), self.current)

    @rule(
        key=st.sampled_from(KEYS),
        right=st.booleans(),
        puts=st.lists(st.sampled_from(KEYS), unique=True, max_size=3),
        value=st.integers(0, 9),
        otherwise=st.sampled_from(RANGES),
    )
    def txn(
        self,
        key: str,
        right: bool,
        puts: list[str],
        value: int,
        otherwise: tuple[str, str | None],
    ) -> None:
        current = self.states[-1].get(key)
        mod = current[3] if current else 0
        success: list[TxnOp] = [Put(key=k, value=value) for k in puts]
        success.append(Range(key="", range_end=FROM_KEY))
        failure: list[TxnOp] = [DeleteRange(key=otherwise[0], range_end=otherwise[1])]
        response = self.store.txn(
            Txn(
                compare=[Compare.mod_revision(key, "=", mod if right else mod + 1)],
                success=success,
                failure=failure,
            )
        )
        assert response.succeeded is right
        state, changes = self.begin()
        if right:
            for k in puts:
                self.model_put(state, changes, k, value, 0)
        else:
            self.model_delete(state, changes, *otherwise)
        self.commit(state, changes)
        assert response.revision == self.current
        if right:
            seen = response.responses[-1]
            assert isinstance(seen, RangeResponse)
            assert [row(kv) for kv in seen.kvs] == [state[k] for k in sorted(state)]

    @rule(data=st.data())
    def compact(self, data: st.DataObject) -> None:
        revision = data.draw(st.integers(max(0, self.compacted - 1), self.current + 1))
        if revision <= self.compacted:
            with pytest.raises(Compacted):
                self.store.compact(revision)
        elif revision > self.current:
            with pytest.raises(FutureRevision):
                self.store.compact(revision)
        else:
            self.store.compact(revision)
            self.compacted = revision

    # ---------------------------------------------------------------------- leases

    @rule(ttl=st.integers(1, 20))
    def grant(self, ttl: int) -> None:
        lease = self.store.lease_grant(ttl, now=self.now).id
        assert lease not in self.granted
        self.granted.append(lease)
        self.leases[lease] = ModelLease(ttl, self.now + ttl)

    @rule(data=st.data())
    def revoke(self, data: st.DataObject) -> None:
        if not self.granted:
            return
        lease = data.draw(st.sampled_from(self.granted))
        if lease not in self.leases:
            with pytest.raises(LeaseNotFound):
                self.store.lease_revoke(lease)
            return
        self.store.lease_revoke(lease)
        self.model_revoke(lease)

    @rule(data=st.data())
    def keep_alive(self, data: st.DataObject) -> None:
        if not self.granted:
            return
        lease = data.draw(st.sampled_from(self.granted))
        found = self.leases.get(lease)
        if found is None or found.deadline <= self.now:
            with pytest.raises(LeaseNotFound):
                self.store.lease_keep_alive(lease, now=self.now)
            self.hub.notify()
            if found is not None:
                self.model_revoke(lease)
            return
        self.store.lease_keep_alive(lease, now=self.now)
        found.deadline = self.now + found.ttl

    @rule(seconds=st.sampled_from([0.5, 1.0, 5.0, 10.0]))
    def advance(self, seconds: float) -> None:
        self.now += seconds
        due = sorted((lease.deadline, id) for id, lease in self.leases.items())
        expected = [id for deadline, id in due if deadline <= self.now]
        assert self.store.expire_leases(self.now) == expected
        self.hub.notify()
        for lease in expected:
            self.model_revoke(lease)

    # ----------------------------------------------------------------------- reads

    @rule(where=st.sampled_from(RANGES), limit=st.integers(0, 3), data=st.data())
    def read(self, where: tuple[str, str | None], limit: int, data: st.DataObject) -> None:
        revision = data.draw(st.integers(-1, self.current + 1), label="revision")
        request = Range(key=where[0], range_end=where[1], revision=revision, limit=limit)
        if revision > self.current:
            with pytest.raises(FutureRevision):
                self.store.range(request)
            return
        if 0 < revision < self.compacted:
            with pytest.raises(Compacted):
                self.store.range(request)
            return
        state = self.states[revision if revision > 0 else self.current]
        rows = [state[k] for k in sorted(state) if in_range(k, *where)]
        response = self.store.range(request)
        if where[1] is not None and limit:
            assert [row(kv) for kv in response.kvs] == rows[:limit]
            assert response.more is (len(rows) > limit)
        else:
            assert [row(kv) for kv in response.kvs] == rows
        assert (response.count, response.revision) == (len(rows), self.current)

    # ----------------------------------------------------------------------- watches

    @rule(where=st.sampled_from(RANGES), data=st.data())
    def watch(self, where: tuple[str, str | None], data: st.DataObject) -> None:
        edges = [0, self.compacted - 1, self.compacted, self.compacted + 1, self.current]
        edges += [self.current + 1, self.current + 3]
        start = data.draw(st.sampled_from(edges) | st.integers(1, self.current + 2), label="start")
        self.open_watch(where, start)

    def open_watch(self, where: tuple[str, str | None], start: int) -> None:
        if 0 < start <= self.current and start < self.compacted:
            with pytest.raises(Compacted):
                self.hub.watch(where[0], where[1], start)
            return
        watcher = self.hub.watch(where[0], where[1], start)
        self.watches.append(OpenWatch(watcher, start if start > 0 else self.current + 1))

    @rule(data=st.data())
    def poll(self, data: st.DataObject) -> None:
        if self.watches:
            self.read_watch(data.draw(st.sampled_from(self.watches)))

    def read_watch(self, watch: OpenWatch) -> None:
        if watch.lagged_at is not None:
            return
        try:
            watch.received += [change(e) for e in watch.watcher.poll()]
        except WatchLagged as error:
            watch.lagged_at = error.revision

    @rule(data=st.data())
    def resume(self, data: st.DataObject) -> None:
        """Close a watch and watch again from the revision after the last one it saw."""
        if not self.watches:
            return
        watch = data.draw(st.sampled_from(self.watches))
        self.read_watch(watch)
        watch.watcher.close()
        self.watches.remove(watch)
        seen = watch.lagged_at if watch.lagged_at is not None else watch.watcher.revision
        where = (watch.watcher.key, watch.watcher.range_end)
        self.open_watch(where, seen + 1)

    @rule(data=st.data())
    def close(self, data: st.DataObject) -> None:
        if self.watches:
            watch = data.draw(st.sampled_from(self.watches))
            watch.watcher.close()
            self.watches.remove(watch)

    # -------------------------------------------------------------------- invariants

    @invariant()
    def the_store_reads_like_the_model(self) -> None:
        assert self.store.revision == self.current
        everything = self.store.range(Range(key="", range_end=FROM_KEY)).kvs
        state = self.states[-1]
        assert [row(kv) for kv in everything] == [state[k] for k in sorted(state)]

    @invariant()
    def every_watch_has_seen_exactly_the_history_up_to_its_revision(self) -> None:
        for watch in self.watches:
            if watch.watcher.closed:
                self.read_watch(watch)  # closed for lag: its next read says so
                assert watch.lagged_at is not None
            upto = watch.lagged_at
            if upto is None:
                upto = watch.watcher.revision
                assert watch.watcher.lag <= MAX_LAG
            assert watch.received == self.expected(watch, upto)

    def teardown(self) -> None:
        for watch in self.watches:
            self.read_watch(watch)
            if watch.lagged_at is None:
                assert watch.watcher.revision == self.current
                assert watch.received == self.expected(watch, self.current)


StoreMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=40)
test_the_store_behaves_like_its_model = StoreMachine.TestCase


class SqliteStoreMachine(StoreMachine):
    """The same machine on the SQLite backend, which now and then commits what it queued
    and is closed and opened again: the reopened store must read and watch like the model,
    its leases renewed to their full TTL (as etcd's are after a restart)."""

    def __init__(self) -> None:
        super().__init__()
        self.directory = Path(tempfile.mkdtemp(prefix="kube-actors-store-"))
        self.path = self.directory / "store.db"
        self.sqlite = SqliteBackend(self.path, synchronous="normal")
        self.store = self.sqlite
        self.hub = WatchHub(self.store, max_lag=MAX_LAG)

    @rule()
    def commit_queued(self) -> None:
        batch = self.sqlite.take_batch()
        if batch is not None:
            self.sqlite.write_batch(batch)
            assert self.sqlite.durable_revision == self.current

    @rule()
    def reopen(self) -> None:
        self.sqlite.close()
        self.sqlite = SqliteBackend(self.path, synchronous="normal")
        self.store = self.sqlite
        self.store.lease_time_to_live(0, now=self.now)  # its first clock reading
        for lease in self.leases.values():
            lease.deadline = self.now + lease.ttl
        # The watches of the old incarnation resume where they were on the new one.
        self.hub = WatchHub(self.store, max_lag=MAX_LAG)
        resumed = []
        for watch in self.watches:
            self.read_watch(watch)
            seen = watch.lagged_at if watch.lagged_at is not None else watch.watcher.revision
            where = (watch.watcher.key, watch.watcher.range_end)
            before = len(self.watches)
            self.open_watch(where, max(seen + 1, watch.start))
            if len(self.watches) > before:
                new = self.watches.pop()
                new.received = watch.received
                new.start = watch.start
                resumed.append(new)
        self.watches = resumed

    def teardown(self) -> None:
        super().teardown()
        self.sqlite.close()
        shutil.rmtree(self.directory, ignore_errors=True)


SqliteStoreMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=40)
test_the_sqlite_store_behaves_like_its_model_across_reopens = SqliteStoreMachine.TestCase
