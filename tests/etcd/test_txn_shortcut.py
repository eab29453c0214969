"""The memory store's shorter ways for the apiserver's write of one object (one put if a
key's mod revision is what is compared: ``MemoryBackend._put_if_unchanged``; one put if the
key has no live value, a create: ``_put_if_absent``) give what the general transaction
gives: the same response or error, revision, history and events, for any comparison and put
of that shape, holding or not, under a lease granted or not."""

from __future__ import annotations

from typing import Any
from unittest import mock

from hypothesis import given
from hypothesis import strategies as st

from kube_actors.etcd import (
    Compare,
    CompareTarget,
    DeleteRange,
    MemoryBackend,
    Put,
    Range,
    Txn,
    _memory,
)

_KEYS = ("a", "b", "c")
#: A write of the history before the transaction: a put of a value (under the lease, or
#: none), or a delete (the value None): keys live, leased, tombstoned or never written.
_WRITES = st.lists(
    st.tuples(st.sampled_from(_KEYS), st.none() | st.integers(0, 3), st.sampled_from([0, 7])),
    max_size=6,
)


def _store(writes: list[tuple[str, int | None, int]]) -> MemoryBackend:
    store = MemoryBackend()
    store.lease_grant(60, id=7, now=0.0)
    for key, value, lease in writes:
        if value is None:
            store.delete(DeleteRange(key=key))
        else:
            store.put(Put(key=key, value=value, lease=lease))
    return store


def _outcome(store: MemoryBackend, txn: Txn) -> Any:
    """What ``txn`` did to ``store``: its response or error, then the store as ``_seen``."""
    try:
        response: Any = store.txn(txn)
    except Exception as error:  # a lease never granted: LeaseNotFound
        response = (type(error), str(error))
    return _seen(store, response)


def _seen(store: MemoryBackend, response: Any) -> Any:
    latest = store.range(Range(key="", range_end="\0"))
    leased = store.lease_time_to_live(7, now=0.0, keys=True).keys
    return (response, store.revision, latest, store.changes(1, store.revision), leased)


@given(
    writes=_WRITES,
    key=st.sampled_from(_KEYS),
    target=st.sampled_from(list(CompareTarget)),
    op=st.sampled_from(["=", "!=", "<", ">"]),
    operand=st.integers(0, 8),
    range_end=st.sampled_from([None, "", "c"]),
    put_key=st.sampled_from(_KEYS),
    lease=st.sampled_from([0, 7, 9]),  # 9: never granted
    prev_kv=st.booleans(),
)
def test_one_compare_and_one_put_give_what_the_general_transaction_gives(
    writes: list[tuple[str, int | None, int]],
    key: str,
    target: CompareTarget,
    op: Any,
    operand: int,
    range_end: str | None,
    put_key: str,
    lease: int,
    prev_kv: bool,
) -> None:
    txn = Txn(
        compare=(Compare(key=key, target=target, op=op, operand=operand, range_end=range_end),),
        success=(Put(key=put_key, value="new", lease=lease, prev_kv=prev_kv),),
    )
    short = _store(writes)
    general = _store(writes)
    with mock.patch.object(MemoryBackend, "_put_if_unchanged", return_value=None):
        expected = _outcome(general, txn)
    assert _outcome(short, txn) == expected


def test_the_apiservers_write_of_an_object_takes_the_shorter_way() -> None:
    store = _store([("a", 1, 0)])
    with mock.patch.object(_memory, "_check_writes_once") as general:
        response = store.txn(
            Txn(compare=(Compare.mod_revision("a", "=", 2),), success=(Put(key="a", value=2),))
        )
    assert response.succeeded
    assert response.revision == 3
    general.assert_not_called()


def test_the_apiservers_create_of_an_object_takes_the_shorter_way() -> None:
    store = _store([("a", 1, 0), ("a", None, 0)])  # written, then deleted: absent again
    with mock.patch.object(_memory, "_check_writes_once") as general:
        created = store.txn(
            Txn(
                compare=(Compare(key="a", target=CompareTarget.CREATE, op="=", operand=0),),
                success=(Put(key="a", value=2, lease=7),),
            )
        )
        taken = store.txn(
            Txn(
                compare=(Compare(key="a", target=CompareTarget.CREATE, op="=", operand=0),),
                success=(Put(key="a", value=3),),
            )
        )
    assert (created.succeeded, created.revision) == (True, 4)
    assert (taken.succeeded, taken.revision) == (False, 4)
    general.assert_not_called()
