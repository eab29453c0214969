"""``MemoryBackend``: the default store, every revision since the last compaction in memory.

Values are held as given (never copied or serialised): the store is as fast as a dict
lookup plus the bookkeeping of revisions. A write request runs in three steps: validate
(nothing changes if it raises), apply the operations at the next revision, commit (bump
the revision and record which keys it changed, if anything changed).

The history a watch from the past reads is the key index itself: each revision's entry in
the change log is only the key (or keys) it wrote, and its events are built from the index
when they are read (``KeyIndex.change``). A ``KeyEvent`` and a tuple kept for each write
would be two more objects for the cyclic collector to scan, as long as the history is kept
(minutes, thousands of writes); a string is none.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Final

import attrs

from ..api import quick_new
from ..errors import Compacted, FutureRevision, StoreError
from ._index import KeyIndex
from ._keys import in_range, is_single_key
from ._leases import LeaseTable
from ._messages import Compare, CompareOp, CompareTarget, DeleteRange, Put, Range, Txn, TxnOp
from ._responses import (
    CompactResponse,
    DeleteRangeResponse,
    LeaseGrantResponse,
    LeaseKeepAliveResponse,
    LeaseRevokeResponse,
    LeaseTimeToLiveResponse,
    OpResponse,
    PutResponse,
    RangeResponse,
    TxnResponse,
)
from ._types import KeyEvent, KeyValue, tombstone

__all__ = ["MemoryBackend", "StoreStatistics"]

_HOLDS: dict[CompareOp, Callable[[object, object], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": lambda a, b: a < b,  # type: ignore[operator]
    ">": lambda a, b: a > b,  # type: ignore[operator]
}

#: The KeyValue attribute each target compares: its value names it (read once here, as an
#: enum member's ``value`` is a descriptor lookup on every transaction's hot path).
_ATTRIBUTES: dict[CompareTarget, str] = {target: target.value for target in CompareTarget}

_ABSENT = KeyValue(key="", value=None, create_revision=0, mod_revision=0, version=0)


@attrs.frozen(kw_only=True)
class StoreStatistics:
    revision: int
    compact_revision: int
    #: Keys with any history since the compaction (tombstoned ones included).
    keys: int
    leases: int
    #: Revisions whose events are kept for watchers that start in the past.
    history: int


class _Write:
    """The revision being written and the keys it changed, in the order of the operations
    (each at most once: a transaction writes a key once, a range deletes each key once)."""

    __slots__ = ("keys", "revision")

    def __init__(self, revision: int) -> None:
        self.revision = revision
        self.keys: list[str] = []


#: The classes every write builds, built without the class call (``quick_new``, by field
#: name).
_new_key_value: Final = quick_new(KeyValue)
_new_put_response: Final = quick_new(PutResponse)
_new_txn_response: Final = quick_new(TxnResponse)


def _next_version(
    prev: KeyValue | None, key: str, value: object, revision: int, lease: int
) -> KeyValue:
    """``key``'s entry written at ``revision``: its first version, or the one after
    ``prev`` (its latest, live)."""
    if prev is None:
        return _new_key_value(
            key=key,
            value=value,
            create_revision=revision,
            mod_revision=revision,
            version=1,
            lease=lease,
        )
    return _new_key_value(
        key=key,
        value=value,
        create_revision=prev.create_revision,
        mod_revision=revision,
        version=prev.version + 1,
        lease=lease,
    )


class MemoryBackend:
    """An MVCC store with etcd's semantics, in memory. See ``Backend`` for the contract."""

    def __init__(self) -> None:
        # etcd's empty store is at revision 1: the first write is revision 2.
        self._revision = 1
        self._compact_revision = 0
        self._index = KeyIndex()
        self._leases = LeaseTable()
        # The keys written at revision ``_first_change + i`` are ``_changes[i]``: the key
        # itself for a revision that wrote one (most do), a tuple for several. Every revision
        # writes something, so revisions index the list directly.
        self._changes: list[str | tuple[str, ...]] = []
        self._first_change = 2
        # The events at the compacted revision, built before the compaction dropped their
        # ``prev_kv``s from the index: a watch may start there and gets them.
        self._compacted_events: tuple[KeyEvent, ...] = ()

    @property
    def revision(self) -> int:
        return self._revision

    @property
    def compact_revision(self) -> int:
        return self._compact_revision

    def statistics(self) -> StoreStatistics:
        return StoreStatistics(
            revision=self._revision,
            compact_revision=self._compact_revision,
            keys=len(self._index),
            leases=len(self._leases),
            history=len(self._changes),
        )

    @classmethod
    def restored(
        cls,
        rows: Iterable[KeyValue],
        *,
        compact_revision: int,
        leases: Iterable[tuple[int, int]],
        next_lease_id: int = 1,
    ) -> MemoryBackend:
        """The store that a durable one wrote: its kept rows in revision order (of a key,
        every row from the newest at or below the compaction on, whose predecessor is its
        event's ``prev_kv``, as the store keeps them); its compaction; its leases as (id,
        ttl), granted at time 0 (``renew_leases`` sets their deadlines), and the first lease
        id never handed out."""
        store = cls()
        index = store._index
        latest: dict[str, KeyValue] = {}
        changes: dict[int, list[str]] = {}
        first = max(compact_revision, store._first_change)
        for kv in rows:
            index.append(kv)
            latest[kv.key] = kv
            store._revision = max(store._revision, kv.mod_revision)
            if kv.mod_revision >= first:
                changes.setdefault(kv.mod_revision, []).append(kv.key)
        missing = [r for r in range(first, store._revision + 1) if r not in changes]
        if missing:
            raise StoreError(f"the store's history has no changes at revisions {missing[:5]}")
        store._changes = [_logged(changes[r]) for r in range(first, store._revision + 1)]
        store._first_change = first
        if compact_revision:
            store._compact_index(compact_revision)
        for lease, ttl in leases:
            store._leases.grant(ttl, id=lease, now=0.0)
        store._leases.skip_ids_below(next_lease_id)
        for kv in latest.values():
            if kv.lease and kv.version and kv.lease in store._leases:
                store._leases.attach(kv.lease, kv.key)
        return store

    def renew_leases(self, now: float) -> None:
        """Give every lease its full TTL from ``now``, as etcd does when a store restarts."""
        for lease in self._leases.ids():
            self._leases.refresh(lease, now=now)

    @property
    def next_lease_id(self) -> int:
        return self._leases.next_id

    def has_lease(self, id: int) -> bool:
        return id in self._leases

    # -------------------------------------------------------------------------- reads

    def range(self, request: Range) -> RangeResponse:
        at = self._read_revision(request.revision)
        kvs, count, more = self._range(request, at)
        return RangeResponse(revision=self._revision, kvs=kvs, count=count, more=more)

    def _read_revision(self, revision: int) -> int:
        # etcd's order of checks: the future first, then 0 for "now", then the compaction.
        if revision > self._revision:
            raise FutureRevision(revision, self._revision)
        if revision <= 0:
            return self._revision
        if revision < self._compact_revision:
            raise Compacted(revision, self._compact_revision)
        return revision

    def _range(self, request: Range, at: int) -> tuple[tuple[KeyValue, ...], int, bool]:
        if is_single_key(request.range_end):
            kv = self._index.get(request.key, at)
            kvs: tuple[KeyValue, ...] = () if kv is None else (kv,)
            count, more = len(kvs), False
        else:
            found, count = self._index.page(
                request.key, request.range_end, at, request.limit, committed=at <= self._revision
            )
            more = len(found) < count
            kvs = tuple(found)
        if request.count_only:
            # As etcd: a count reads no key-values, so none are left over ("more" is false).
            kvs, more = (), False
        elif request.keys_only:
            kvs = tuple(attrs.evolve(kv, value=None) for kv in kvs)
        return kvs, count, more

    def changes(self, start: int, end: int) -> list[KeyEvent]:
        if start < self._compact_revision:
            raise Compacted(start, self._compact_revision)
        if end > self._revision:
            raise FutureRevision(end, self._revision)
        first = self._first_change
        lo = max(start, first)
        change = self._index.change
        events: list[KeyEvent] = []
        for revision, keys in enumerate(self._changes[lo - first : end - first + 1], lo):
            if revision == self._compact_revision:
                events += self._compacted_events
            elif type(keys) is str:  # a revision's one key (``_logged``)
                events.append(change(keys, revision))
            else:
                events += [change(key, revision) for key in keys]
        return events

    # ------------------------------------------------------------------------- writes

    def put(self, request: Put) -> PutResponse:
        if request.lease:
            self._leases.get(request.lease)  # raises LeaseNotFound before anything changes
        write = _Write(self._revision + 1)
        prev = self._put(write, request.key, request.value, request.lease)
        self._commit(write)
        return PutResponse(revision=self._revision, prev_kv=prev if request.prev_kv else None)

    def delete(self, request: DeleteRange) -> DeleteRangeResponse:
        write = _Write(self._revision + 1)
        prevs = self._delete(write, request.key, request.range_end)
        self._commit(write)
        return DeleteRangeResponse(
            revision=self._revision,
            deleted=len(prevs),
            prev_kvs=tuple(prevs) if request.prev_kv else (),
        )

    def txn(self, request: Txn) -> TxnResponse:
        match request.compare, request.success, request.failure:
            case (compare,), (op,), ():  # one compare, one operation (no ``len`` calls)
                replaced = self._put_if_unchanged(compare, op)
                if replaced is not None:
                    return replaced
        _check_writes_once(request.success)
        _check_writes_once(request.failure)
        succeeded = all(self._compare(c) for c in request.compare)
        ops = request.success if succeeded else request.failure
        for op in ops:
            if isinstance(op, Put) and op.lease:
                self._leases.get(op.lease)
            elif isinstance(op, Range) and op.revision:
                self._read_revision(op.revision)
        write = _Write(self._revision + 1)
        # Operations run in their turn: a read sees the writes before it.
        responses = tuple([self._apply(write, op) for op in ops])
        self._commit(write)
        if not write.keys:
            # Nothing was written after all (reads, deletes of nothing): the revision stayed.
            responses = tuple([attrs.evolve(r, revision=self._revision) for r in responses])
        return TxnResponse(revision=self._revision, succeeded=succeeded, responses=responses)

    def _put_if_unchanged(self, compare: Compare, op: TxnOp) -> TxnResponse | None:
        """``txn`` of the apiserver's write of an object, as ``txn`` runs it: one put
        without a lease, if one key's mod revision is what is compared (a failed compare
        runs the empty failure branch: nothing written, no responses, the revision as it
        was), or a create (``_put_if_absent``); None for any other transaction of one
        compare and one operation."""
        if type(op) is not Put or compare.op != "=" or compare.range_end:  # not one key
            return None
        if compare.target is CompareTarget.CREATE and compare.operand == 0:
            return self._put_if_absent(compare, op)
        if op.lease or compare.target is not CompareTarget.MOD:
            return None
        index = self._index
        kv = index.latest(compare.key)
        if (0 if kv is None else kv.mod_revision) != compare.operand:
            return _new_txn_response(revision=self._revision, succeeded=False)
        revision = self._revision + 1
        key = op.key
        if kv is not None and key == compare.key and not kv.lease:
            # A new version of the key compared, which is live and has no lease (an
            # object's update): what ``_put`` and ``_commit`` do for a revision that writes
            # this one key, without a ``_Write`` to gather its keys in and read back.
            index.append(_next_version(kv, key, op.value, revision, 0))
            self._revision = revision
            self._changes.append(key)
            prev: KeyValue | None = kv
        else:
            write = _Write(revision)
            prev = self._put(write, key, op.value, 0)
            self._commit(write)
        put = _new_put_response(revision=revision, prev_kv=prev if op.prev_kv else None)
        return _new_txn_response(revision=revision, succeeded=True, responses=(put,))

    def _put_if_absent(self, compare: Compare, op: Put) -> TxnResponse:
        """``txn`` of the apiserver's create of an object, as ``txn`` runs it: one put, with
        its lease if it has one (an Event's), if the key compared has no live value (its
        create revision is 0); else the empty failure branch, as a failed update's."""
        if self._index.latest(compare.key) is not None:  # a live value: created already
            return TxnResponse(revision=self._revision, succeeded=False, responses=())
        if op.lease:
            self._leases.get(op.lease)  # LeaseNotFound before anything is written
        write = _Write(self._revision + 1)
        prev = self._put(write, op.key, op.value, op.lease)
        self._commit(write)
        put = PutResponse(revision=write.revision, prev_kv=prev if op.prev_kv else None)
        return TxnResponse(revision=self._revision, succeeded=True, responses=(put,))

    def _apply(self, write: _Write, op: TxnOp) -> OpResponse:
        """One operation of a transaction, answered as if the revision were ``write``'s."""
        if isinstance(op, Put):
            prev = self._put(write, op.key, op.value, op.lease)
            return PutResponse(revision=write.revision, prev_kv=prev if op.prev_kv else None)
        if isinstance(op, DeleteRange):
            prevs = self._delete(write, op.key, op.range_end)
            return DeleteRangeResponse(
                revision=write.revision,
                deleted=len(prevs),
                prev_kvs=tuple(prevs) if op.prev_kv else (),
            )
        kvs, count, more = self._range(op, op.revision or write.revision)
        return RangeResponse(revision=write.revision, kvs=kvs, count=count, more=more)

    def _compare(self, compare: Compare) -> bool:
        holds = _HOLDS[compare.op]
        attribute = _ATTRIBUTES[compare.target]
        if is_single_key(compare.range_end):
            kv = self._index.latest(compare.key)
            if kv is None:
                # etcd: a missing key has version, revisions and lease 0, and no value.
                return compare.target is not CompareTarget.VALUE and holds(
                    getattr(_ABSENT, attribute), compare.operand
                )
            return holds(getattr(kv, attribute), compare.operand)
        kvs = list(self._index.range(compare.key, compare.range_end, self._revision))
        if not kvs:
            if compare.target is CompareTarget.VALUE:
                return False
            kvs = [_ABSENT]
        return all(holds(getattr(kv, attribute), compare.operand) for kv in kvs)

    def _put(self, write: _Write, key: str, value: object, lease: int) -> KeyValue | None:
        prev = self._index.latest(key)
        if prev is not None and prev.lease:
            self._leases.detach(prev.lease, key)
        if lease:
            self._leases.attach(lease, key)
        self._index.append(_next_version(prev, key, value, write.revision, lease))
        write.keys.append(key)
        return prev

    def _delete(self, write: _Write, key: str, range_end: str | None) -> list[KeyValue]:
        index = self._index
        if is_single_key(range_end):
            kv = index.latest(key)
            found = [] if kv is None else [kv]
        else:
            found = list(index.range(key, range_end, write.revision))
        for prev in found:
            dead = tombstone(prev.key, write.revision)
            index.append(dead)
            write.keys.append(prev.key)
            if prev.lease:
                self._leases.detach(prev.lease, prev.key)
        return found

    def _commit(self, write: _Write) -> None:
        if write.keys:
            self._revision = write.revision
            self._changes.append(_logged(write.keys))

    # --------------------------------------------------------------------- compaction

    def compact(self, revision: int) -> CompactResponse:
        if revision <= self._compact_revision:
            raise Compacted(revision, self._compact_revision)
        if revision > self._revision:
            raise FutureRevision(revision, self._revision)
        self._compact_index(revision)
        # Events from ``revision`` on stay: a watch may start exactly at the compaction.
        drop = revision - self._first_change
        if drop > 0:
            del self._changes[:drop]
            self._first_change = revision
        return CompactResponse(revision=self._revision)

    def _compact_index(self, revision: int) -> None:
        """Compact the index at ``revision``, keeping that revision's events whole first:
        the index keeps each key's newest entry at or below it, not the one before, which
        is the ``prev_kv`` of an event at exactly that revision."""
        if revision >= self._first_change:
            self._compacted_events = tuple(self.changes(revision, revision))
        else:
            self._compacted_events = ()
        self._index.compact(revision)
        self._compact_revision = revision

    # ------------------------------------------------------------------------- leases

    def lease_grant(self, ttl: int, *, id: int = 0, now: float) -> LeaseGrantResponse:
        lease = self._leases.grant(ttl, id=id, now=now)
        return LeaseGrantResponse(revision=self._revision, id=lease.id, ttl=lease.ttl)

    def lease_revoke(self, id: int) -> LeaseRevokeResponse:
        lease = self._leases.get(id)
        write = _Write(self._revision + 1)
        for key in sorted(lease.keys):
            self._delete(write, key, None)
        self._leases.remove(id)
        self._commit(write)
        return LeaseRevokeResponse(revision=self._revision)

    def lease_keep_alive(self, id: int, *, now: float) -> LeaseKeepAliveResponse:
        if self._leases.get(id).deadline <= now:
            # Due but not yet revoked (nobody called expire_leases): it is gone, as in etcd.
            self.lease_revoke(id)
        lease = self._leases.refresh(id, now=now)
        return LeaseKeepAliveResponse(revision=self._revision, id=id, ttl=lease.ttl)

    def lease_time_to_live(
        self, id: int, *, now: float, keys: bool = False
    ) -> LeaseTimeToLiveResponse:
        if id not in self._leases:
            return LeaseTimeToLiveResponse(revision=self._revision, id=id, ttl=-1)
        lease = self._leases.get(id)
        return LeaseTimeToLiveResponse(
            revision=self._revision,
            id=id,
            ttl=lease.remaining(now),
            granted_ttl=lease.ttl,
            keys=tuple(sorted(lease.keys)) if keys else (),
        )

    def expire_leases(self, now: float) -> list[int]:
        due = self._leases.expired(now)
        for lease in due:
            self.lease_revoke(lease)
        return due

    def next_lease_deadline(self) -> float | None:
        return self._leases.next_deadline()


def _logged(keys: list[str]) -> str | tuple[str, ...]:
    """A revision's entry in the change log: its one key, or the tuple of its keys."""
    return keys[0] if len(keys) == 1 else tuple(keys)


def _check_writes_once(ops: Sequence[TxnOp]) -> None:
    """etcd refuses a branch that writes a key twice: two puts, or a put in a deleted range."""
    if len(ops) < 2:
        return
    puts: set[str] = set()
    deletes: list[DeleteRange] = []
    for op in ops:
        if isinstance(op, Put):
            if op.key in puts:
                raise ValueError(f"duplicate key given in txn request: {op.key!r}")
            puts.add(op.key)
        elif isinstance(op, DeleteRange):
            deletes.append(op)
    for delete in deletes:
        for key in puts:
            if in_range(key, delete.key, delete.range_end):
                raise ValueError(f"duplicate key given in txn request: {key!r}")
