"""The contract a store backend fulfils: memory today, sqlite or a real etcd later.

A backend is synchronous and single-threaded: the etcd actor calls it from its one task, so
it needs no locks, and a backend with I/O would run it in a thread behind the same calls.
It never reads the clock: lease calls take ``now``.

What every backend guarantees:

- one revision per write request (a ``Txn`` is one), starting from 1 on an empty store;
  a request that changes nothing leaves the revision as it is;
- reads at any revision from ``compact_revision`` to ``revision``, ``Compacted`` below and
  ``FutureRevision`` above;
- ``changes`` returns the events of any span of revisions from ``compact_revision`` on, in
  revision order, each with its ``prev_kv``: it is what watchers that start in the past read.
"""

from __future__ import annotations

from typing import Protocol

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
from ._types import KeyEvent

__all__ = ["Backend"]


class Backend(Protocol):
    @property
    def revision(self) -> int:
        """The revision of the last write (1 for an empty store)."""
        ...

    @property
    def compact_revision(self) -> int:
        """The revision of the last compaction, 0 if none."""
        ...

    def range(self, request: Range) -> RangeResponse: ...

    def put(self, request: Put) -> PutResponse: ...

    def delete(self, request: DeleteRange) -> DeleteRangeResponse: ...

    def txn(self, request: Txn) -> TxnResponse: ...

    def compact(self, revision: int) -> CompactResponse: ...

    def changes(self, start: int, end: int) -> list[KeyEvent]:
        """The events of revisions ``start`` to ``end`` inclusive, in order."""
        ...

    def lease_grant(self, ttl: int, *, id: int = 0, now: float) -> LeaseGrantResponse: ...

    def lease_revoke(self, id: int) -> LeaseRevokeResponse: ...

    def lease_keep_alive(self, id: int, *, now: float) -> LeaseKeepAliveResponse: ...

    def lease_time_to_live(
        self, id: int, *, now: float, keys: bool = False
    ) -> LeaseTimeToLiveResponse: ...

    def expire_leases(self, now: float) -> list[int]:
        """Revoke every lease due at ``now``, each at its own revision; their ids."""
        ...

    def next_lease_deadline(self) -> float | None:
        """When the next lease is due, on the clock the ``now`` arguments follow."""
        ...
