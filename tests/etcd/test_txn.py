"""Transactions: comparisons, the branch taken, atomicity at one revision."""

from __future__ import annotations

import attrs
import pytest

from kube_actors.errors import LeaseNotFound
from kube_actors.etcd import (
    Compare,
    CompareTarget,
    DeleteRange,
    DeleteRangeResponse,
    EventType,
    MemoryBackend,
    Put,
    PutResponse,
    Range,
    RangeResponse,
    SqliteBackend,
    Txn,
)

from .conftest import StoreFactory, SyncEtcd


@pytest.fixture
def store(new_store: StoreFactory) -> MemoryBackend | SqliteBackend:
    store: MemoryBackend | SqliteBackend = new_store()
    store.put(Put(key="a", value=10))  # 2
    store.put(Put(key="b", value=20))  # 3
    store.put(Put(key="a", value=11))  # 4
    return store


def test_a_txn_whose_comparisons_hold_runs_its_success_branch_at_one_revision(
    store: MemoryBackend | SqliteBackend,
) -> None:
    response = store.txn(
        Txn(
            compare=[Compare.mod_revision("a", "=", 4), Compare.version("b", "=", 1)],
            success=[Put(key="a", value=12), Put(key="c", value=30), DeleteRange(key="b")],
            failure=[Range(key="a")],
        )
    )
    assert response.succeeded
    assert response.revision == 5
    assert [(e.type, e.kv.key, e.kv.mod_revision) for e in store.changes(5, 5)] == [
        (EventType.PUT, "a", 5),
        (EventType.PUT, "c", 5),
        (EventType.DELETE, "b", 5),
    ]
    assert [type(r) for r in response.responses] == [PutResponse, PutResponse, DeleteRangeResponse]


def test_a_txn_whose_comparison_fails_runs_its_failure_branch(
    store: MemoryBackend | SqliteBackend,
) -> None:
    response = store.txn(
        Txn(
            compare=[Compare.mod_revision("a", "=", 2)],
            success=[Put(key="a", value=99)],
            failure=[Range(key="a")],
        )
    )
    assert not response.succeeded
    assert response.revision == 4  # a read-only branch writes nothing
    (current,) = response.responses
    assert isinstance(current, RangeResponse)
    assert current.kvs[0].value == 11
    assert current.revision == 4


@pytest.mark.parametrize(
    ("compare", "holds"),
    [
        (Compare.version("a", "=", 2), True),
        (Compare.version("a", ">", 1), True),
        (Compare.version("a", "<", 2), False),
        (Compare.version("a", "!=", 2), False),
        (Compare.create_revision("a", "=", 2), True),
        (Compare.mod_revision("a", "<", 5), True),
        (Compare.value("a", "=", 11), True),
        (Compare.value("a", "!=", 11), False),
        (Compare.value("a", ">", 10), True),
        (Compare.lease("a", "=", 0), True),
        # A missing key has version and revisions 0 (how "create if absent" is written).
        (Compare.create_revision("missing", "=", 0), True),
        (Compare.version("missing", "=", 0), True),
        (Compare.mod_revision("missing", ">", 0), False),
        # ...and no value to compare: every value comparison fails.
        (Compare.value("missing", "=", None), False),
        (Compare.value("missing", "!=", 1), False),
    ],
)
def test_comparisons_follow_etcd(
    store: MemoryBackend | SqliteBackend, compare: Compare, holds: bool
) -> None:
    if isinstance(store, SyncEtcd) and compare.target is CompareTarget.VALUE and compare.op in "<>":
        # etcd would order the encoded bytes, not the values: refused, nothing changes.
        with pytest.raises(ValueError, match="equality only"):
            store.txn(Txn(compare=[compare]))
        return
    assert store.txn(Txn(compare=[compare])).succeeded is holds


def test_a_comparison_over_a_range_must_hold_for_every_key(
    store: MemoryBackend | SqliteBackend,
) -> None:
    both_exist = attrs.evolve(Compare.version("a", ">", 0), range_end="c")
    both_newer = attrs.evolve(Compare.mod_revision("a", ">", 3), range_end="c")
    assert store.txn(Txn(compare=[both_exist])).succeeded
    assert not store.txn(Txn(compare=[both_newer])).succeeded


def test_a_read_in_a_txn_sees_the_writes_before_it(store: MemoryBackend | SqliteBackend) -> None:
    response = store.txn(
        Txn(success=[Range(key="a"), Put(key="a", value=12), Range(key="a", revision=3)])
    )
    before, _, at_three = response.responses
    after = store.txn(Txn(success=[Put(key="z", value=1), Range(key="z")])).responses[1]
    assert isinstance(before, RangeResponse)
    assert before.kvs[0].value == 11
    assert isinstance(at_three, RangeResponse)
    assert at_three.kvs[0].value == 10
    assert isinstance(after, RangeResponse)
    assert after.kvs[0].value == 1


def test_prev_kv_is_returned_where_asked(store: MemoryBackend | SqliteBackend) -> None:
    response = store.txn(
        Txn(success=[Put(key="a", value=12, prev_kv=True), Put(key="b", value=21)])
    )
    asked, not_asked = response.responses
    assert isinstance(asked, PutResponse)
    assert asked.prev_kv is not None
    assert asked.prev_kv.value == 11
    assert isinstance(not_asked, PutResponse)
    assert not_asked.prev_kv is None


@pytest.mark.parametrize(
    "ops",
    [
        [Put(key="a", value=1), Put(key="a", value=2)],
        [Put(key="a/x", value=1), DeleteRange.prefix("a/")],
    ],
)
def test_a_branch_may_write_a_key_only_once(
    store: MemoryBackend | SqliteBackend, ops: list[Put | DeleteRange]
) -> None:
    with pytest.raises(ValueError, match="duplicate key"):
        store.txn(Txn(failure=ops))
    assert store.revision == 4


def test_a_txn_that_fails_validation_changes_nothing(store: MemoryBackend | SqliteBackend) -> None:
    with pytest.raises(LeaseNotFound):
        store.txn(Txn(success=[Put(key="c", value=1), Put(key="d", value=1, lease=42)]))
    assert store.revision == 4
    assert store.range(Range(key="c")).count == 0


def test_a_txn_with_nothing_to_do_keeps_the_revision(store: MemoryBackend | SqliteBackend) -> None:
    response = store.txn(Txn(success=[DeleteRange(key="missing")]))
    assert response.succeeded
    assert response.revision == 4
    (deleted,) = response.responses
    assert isinstance(deleted, DeleteRangeResponse)
    assert (deleted.deleted, deleted.revision) == (0, 4)
