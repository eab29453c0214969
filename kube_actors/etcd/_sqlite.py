"""``SqliteBackend``: the memory store, with an SQLite file as its write-ahead log.

Reads never touch the disk: the memory backend stays the index and answers every read and
every watch, at the speed of the memory store. Every write request is applied to it first
(so validation, revisions and MVCC are the memory store's, identical by construction),
then its changes are queued as a ``Record`` for the file. The etcd actor takes the queue in
batches and writes each batch on the store's one writer thread in one SQLite transaction:
a burst of writes costs one commit (one fsync with ``synchronous="full"``), and the event
loop never waits on the disk. The actor answers a write, and lets watchers see it, only once
its batch is committed (``durable_revision``): what anyone saw is on disk.

Values are encoded (``_codec``) before the write is applied, on the caller's side: a value
the file cannot hold is refused with nothing changed.

Opening a file loads it whole into memory: its rows since the last compaction rebuild the
memory store, revisions, versions and history included, so a restart continues the revision
counter and watches can resume from any revision kept.
"""

from __future__ import annotations

import asyncio
import math
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import attrs

from ..errors import StoreError
from ._codec import encode_value
from ._memory import MemoryBackend, StoreStatistics
from ._messages import DeleteRange, Put, Range, Txn
from ._responses import (
    CompactResponse,
    DeleteRangeResponse,
    LeaseGrantResponse,
    LeaseKeepAliveResponse,
    LeaseRevokeResponse,
    LeaseTimeToLiveResponse,
    PutResponse,
    RangeResponse,
    TxnResponse,
)
from ._sqlite_file import Record, StoreFile, Synchronous
from ._types import KeyEvent

__all__ = ["Batch", "SqliteBackend"]


@attrs.frozen
class Batch:
    """Records to commit together, and what is durable once they are: the last record's
    sequence number and the revision."""

    records: tuple[Record, ...]
    seq: int
    revision: int


class SqliteBackend:
    """An MVCC store with etcd's semantics kept in an SQLite file. See ``Backend``.

    ``synchronous``: "full" (the default) fsyncs every commit, so an acknowledged write
    survives a power loss; "normal" leaves the flush to the OS, which survives the process
    being killed but not the machine going down. Only one process may open a file at a time.
    """

    def __init__(self, path: str | os.PathLike[str], *, synchronous: Synchronous = "full") -> None:
        self.path = Path(path)
        self.synchronous = synchronous
        self._file = StoreFile(self.path, synchronous=synchronous)
        try:
            leases = self._file.leases()
            self._inner = MemoryBackend.restored(
                (row.kv for row in self._file.rows()),
                compact_revision=self._file.compact_revision,
                leases=leases,
                next_lease_id=self._file.next_lease_id,
            )
        except BaseException:
            self._file.close()
            raise
        # Restored leases get their deadlines from the first clock reading (``_anchor``).
        self._unanchored = bool(leases)
        self._pending: list[Record] = []
        self._written = 0
        # Set by the writer thread after each commit, read by the loop (plain ints).
        self._durable = 0
        self._durable_revision = self._inner.revision
        self._failure: BaseException | None = None
        self._closed = False
        #: Transactions committed since the file was opened (a burst of writes shares one).
        self.commits = 0
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kube-actors-store")

    def __repr__(self) -> str:
        return f"SqliteBackend({str(self.path)!r}, synchronous={self.synchronous!r})"

    # ------------------------------------------------------------------ durability

    @property
    def written(self) -> int:
        """The sequence number of the last change queued for the file."""
        return self._written

    @property
    def durable(self) -> int:
        """The sequence number of the last change committed to the file."""
        return self._durable

    @property
    def durable_revision(self) -> int:
        """The newest revision committed to the file: what reads and watchers may see."""
        return self._durable_revision

    @property
    def failure(self) -> BaseException | None:
        return self._failure

    def take_batch(self) -> Batch | None:
        """The changes queued since the last call (on the loop), or None."""
        if not self._pending:
            return None
        records, self._pending = tuple(self._pending), []
        return Batch(records, self._written, self._inner.revision)

    def write_batch(self, batch: Batch) -> None:
        """Commit ``batch`` (on the writer thread, in the order batches were taken)."""
        if self._failure is not None:
            raise self._failure
        try:
            self._file.write(batch.records)
        except BaseException as error:
            self._failure = StoreError(f"the store {self.path} could not write: {error}")
            raise self._failure from error
        self._durable = batch.seq
        self._durable_revision = batch.revision
        self.commits += 1

    def close(self) -> None:
        """Commit what is queued, stop the writer thread, close the file. Idempotent."""
        if self._closed:
            return
        self._closed = True
        self.executor.shutdown(wait=True)
        try:
            batch = self.take_batch()
            if batch is not None and self._failure is None:
                self.write_batch(batch)
        finally:
            self._file.close()

    async def save_snapshot(self, target: str | os.PathLike[str]) -> None:
        """Copy the store as of its last commit (every acknowledged write) to a new file,
        on the writer thread: writes go on meanwhile and the copy is consistent."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self.executor, self._file.backup, target)

    # ------------------------------------------------------------------- the contract

    @property
    def revision(self) -> int:
        return self._inner.revision

    @property
    def compact_revision(self) -> int:
        return self._inner.compact_revision

    def statistics(self) -> StoreStatistics:
        return self._inner.statistics()

    def range(self, request: Range) -> RangeResponse:
        return self._inner.range(request)

    def changes(self, start: int, end: int) -> list[KeyEvent]:
        return self._inner.changes(start, end)

    def put(self, request: Put) -> PutResponse:
        self._check()
        encoded = {request.key: encode_value(request.value)}
        before = self._inner.revision
        try:
            return self._inner.put(request)
        finally:
            self._queue_changes(before, encoded)

    def delete(self, request: DeleteRange) -> DeleteRangeResponse:
        self._check()
        before = self._inner.revision
        try:
            return self._inner.delete(request)
        finally:
            self._queue_changes(before, {})

    def txn(self, request: Txn) -> TxnResponse:
        self._check()
        # Both branches: which one runs is known only inside; encoding is what may fail.
        encoded = {
            op.key: encode_value(op.value)
            for op in (*request.success, *request.failure)
            if isinstance(op, Put)
        }
        before = self._inner.revision
        try:
            return self._inner.txn(request)
        finally:
            self._queue_changes(before, encoded)

    def compact(self, revision: int) -> CompactResponse:
        self._check()
        response = self._inner.compact(revision)
        self._queue(Record("compact", number=revision))
        return response

    def lease_grant(self, ttl: int, *, id: int = 0, now: float) -> LeaseGrantResponse:
        self._check()
        self._anchor(now)
        response = self._inner.lease_grant(ttl, id=id, now=now)
        self._queue(Record("grant", number=response.id, ttl=response.ttl))
        return response

    def lease_revoke(self, id: int) -> LeaseRevokeResponse:
        self._check()
        before = self._inner.revision
        had = self._inner.has_lease(id)
        try:
            return self._inner.lease_revoke(id)
        finally:
            self._queue_changes(before, {})
            self._queue_revoked([id] if had else [])

    def lease_keep_alive(self, id: int, *, now: float) -> LeaseKeepAliveResponse:
        self._check()
        self._anchor(now)
        before = self._inner.revision
        had = self._inner.has_lease(id)
        try:
            return self._inner.lease_keep_alive(id, now=now)
        finally:  # a lease found due is revoked, then the keep-alive fails
            self._queue_changes(before, {})
            self._queue_revoked([id] if had else [])

    def lease_time_to_live(
        self, id: int, *, now: float, keys: bool = False
    ) -> LeaseTimeToLiveResponse:
        self._anchor(now)
        return self._inner.lease_time_to_live(id, now=now, keys=keys)

    def expire_leases(self, now: float) -> list[int]:
        self._check()
        self._anchor(now)
        before = self._inner.revision
        expired = self._inner.expire_leases(now)
        self._queue_changes(before, {})
        self._queue_revoked(expired)
        return expired

    def next_lease_deadline(self) -> float | None:
        if self._unanchored:
            return -math.inf  # due at once: the next call with a clock reading anchors them
        return self._inner.next_lease_deadline()

    # ------------------------------------------------------------------------ queueing

    def _check(self) -> None:
        if self._failure is not None:
            raise StoreError(f"the store refuses writes after a failed commit: {self._failure}")
        if self._closed:
            raise StoreError(f"the store {self.path} is closed")

    def _anchor(self, now: float) -> None:
        if self._unanchored:
            self._unanchored = False
            self._inner.renew_leases(now)

    def _queue_changes(self, before: int, encoded: dict[str, bytes]) -> None:
        inner = self._inner
        for revision in range(before + 1, inner.revision + 1):
            events = tuple(inner.changes(revision, revision))
            # Values this request put were encoded before it ran; others (none today) now.
            values = tuple(
                (encoded.get(e.kv.key) or encode_value(e.kv.value)) if e.kv.version else None
                for e in events
            )
            self._queue(Record("events", events=events, values=values))

    def _queue_revoked(self, leases: list[int]) -> None:
        for lease in leases:
            if not self._inner.has_lease(lease):
                self._queue(Record("revoke", number=lease))

    def _queue(self, record: Record) -> None:
        self._written += 1
        self._pending.append(record)
