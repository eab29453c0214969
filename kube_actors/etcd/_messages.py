"""The requests the etcd actor answers (``ask`` returns the matching response).

They follow etcd's v3 API and take its RPC names (``Range``, ``Put``, ``DeleteRange``,
``Txn``, ``Compact``, ``Lease*``; ``WatchCreate`` is the Watch RPC's create request and
``EndpointStatus`` the Maintenance RPC's ``Status``; ``TxnBatch`` is ours, the apiserver's
group commit): a key alone, or a range
``[key, range_end)``; ``prefix`` constructors build the range of every key that starts with a
prefix. ``Range``, ``Put`` and ``DeleteRange`` are also the operations of a ``Txn``. The
backends take the same objects, so what the actor receives is what the store applies.

Not to be confused with the apiserver's requests of the same sense in ``kube_actors.api``
(``Get``, ``List``, ``Watch``, ``Delete``: on Kubernetes objects, not on keys) nor with
``scheduler.framework.Status`` (a plugin's result).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Generic, Literal, TypeVar

import attrs

from ..actors import Ask
from ..api import keeps, quick_init
from ._keys import prefix_end
from ._responses import (
    CompactResponse,
    DeleteRangeResponse,
    EndpointStatusResponse,
    LeaseGrantResponse,
    LeaseKeepAliveResponse,
    LeaseRevokeResponse,
    LeaseTimeToLiveResponse,
    PipelinedResponse,
    PutResponse,
    RangeResponse,
    TxnBatchResponse,
    TxnResponse,
)
from ._watch import Watcher

__all__ = [
    "Compact",
    "Compare",
    "CompareOp",
    "CompareTarget",
    "DeleteRange",
    "LeaseGrant",
    "LeaseKeepAlive",
    "LeaseRevoke",
    "LeaseTimeToLive",
    "Pipelined",
    "Put",
    "Range",
    "EndpointStatus",
    "Txn",
    "TxnBatch",
    "TxnOp",
    "WatchCreate",
]


def _compares(items: Iterable[Compare]) -> tuple[Compare, ...]:
    return tuple(items)


def _ops(items: Iterable[TxnOp]) -> tuple[TxnOp, ...]:
    return tuple(items)


keeps(tuple, _compares, _ops)


# ------------------------------------------------------------------------ key-value


@attrs.frozen(kw_only=True)
class Range(Ask[RangeResponse]):
    """Read ``key`` (or ``[key, range_end)``) at ``revision`` (0: the current one).

    ``limit`` caps the key-values returned (0: no cap); ``count`` still counts them all.
    Raises ``Compacted`` below the compacted revision, ``FutureRevision`` above the current.
    """

    key: str
    range_end: str | None = None
    revision: int = 0
    limit: int = 0
    keys_only: bool = False
    count_only: bool = False

    @classmethod
    def prefix(
        cls,
        prefix: str,
        *,
        revision: int = 0,
        limit: int = 0,
        keys_only: bool = False,
        count_only: bool = False,
    ) -> Range:
        return cls(
            key=prefix,
            range_end=prefix_end(prefix),
            revision=revision,
            limit=limit,
            keys_only=keys_only,
            count_only=count_only,
        )


@quick_init
@attrs.frozen(kw_only=True)
class Put(Ask[PutResponse]):
    """Set ``key`` to ``value`` (any immutable object), attached to ``lease`` (0: none)."""

    key: str
    value: object
    lease: int = 0
    prev_kv: bool = False


@attrs.frozen(kw_only=True)
class DeleteRange(Ask[DeleteRangeResponse]):
    """Delete ``key`` (or every key of ``[key, range_end)``): one tombstone per key, all at
    one revision. Deleting nothing writes nothing and leaves the revision as it is."""

    key: str
    range_end: str | None = None
    prev_kv: bool = False

    @classmethod
    def prefix(cls, prefix: str, *, prev_kv: bool = False) -> DeleteRange:
        return cls(key=prefix, range_end=prefix_end(prefix), prev_kv=prev_kv)


# --------------------------------------------------------------------------- txn


class CompareTarget(enum.Enum):
    VERSION = "version"
    CREATE = "create_revision"
    MOD = "mod_revision"
    VALUE = "value"
    LEASE = "lease"


CompareOp = Literal["=", "!=", "<", ">"]


@quick_init
@attrs.frozen(kw_only=True)
class Compare:
    """``<target of key> <op> <operand>``, as etcd's ``Compare``.

    A missing key compares as version, revisions and lease 0, and fails every comparison
    of its value. With ``range_end``, every key of the range must satisfy it.
    Build them by name: ``Compare.mod_revision("a", "=", 7)``.
    """

    key: str
    target: CompareTarget
    op: CompareOp
    operand: object
    range_end: str | None = None

    @classmethod
    def version(cls, key: str, op: CompareOp, operand: int) -> Compare:
        return cls(key=key, target=CompareTarget.VERSION, op=op, operand=operand)

    @classmethod
    def create_revision(cls, key: str, op: CompareOp, operand: int) -> Compare:
        return cls(key=key, target=CompareTarget.CREATE, op=op, operand=operand)

    @classmethod
    def mod_revision(cls, key: str, op: CompareOp, operand: int) -> Compare:
        return cls(key=key, target=CompareTarget.MOD, op=op, operand=operand)

    @classmethod
    def value(cls, key: str, op: CompareOp, operand: object) -> Compare:
        return cls(key=key, target=CompareTarget.VALUE, op=op, operand=operand)

    @classmethod
    def lease(cls, key: str, op: CompareOp, operand: int) -> Compare:
        return cls(key=key, target=CompareTarget.LEASE, op=op, operand=operand)


#: What a transaction's branches are made of.
TxnOp = Range | Put | DeleteRange


@quick_init
@attrs.frozen(kw_only=True)
class Txn(Ask[TxnResponse]):
    """If every ``compare`` holds, run ``success``, else ``failure``: atomically, at one revision.

    Operations run in order and a ``Range`` sees the writes before it. As in etcd, a key may
    be written at most once per branch (a put twice, or a put inside a deleted range, is a
    ``ValueError``).
    """

    compare: tuple[Compare, ...] = attrs.field(default=(), converter=_compares)
    success: tuple[TxnOp, ...] = attrs.field(default=(), converter=_ops)
    failure: tuple[TxnOp, ...] = attrs.field(default=(), converter=_ops)


def _txns(items: Iterable[Txn]) -> tuple[Txn, ...]:
    return tuple(items)


keeps(tuple, _txns)


@attrs.frozen(kw_only=True)
class TxnBatch(Ask[TxnBatchResponse]):
    """Several transactions in one request: applied in order, each as if asked alone, at its
    own revision (one that changes nothing takes none), each with its own outcome; one that
    raises fails alone. Watchers are told once, after the last.

    Not part of etcd's API, which has no such request (its ``Txn`` of several puts gives them
    all one revision, where Kubernetes needs each object's resourceVersion distinct): it is
    the apiserver's group commit, the writes waiting in its mailbox sent as one request, as
    etcd batches raft proposals. Over SQLite the batch is one transaction of the file (one
    fsync); over a real etcd each transaction is its own request, in order.
    """

    txns: tuple[Txn, ...] = attrs.field(converter=_txns)


@attrs.frozen(kw_only=True)
class Compact(Ask[CompactResponse]):
    """Forget the history before ``revision``: reads and watches from below it then raise
    ``Compacted``. Compacting at or below the last compaction raises ``Compacted`` too."""

    revision: int


@attrs.frozen(kw_only=True)
class EndpointStatus(Ask[EndpointStatusResponse]):
    """The current and the compacted revision."""


# ------------------------------------------------------------------------- leases


@attrs.frozen(kw_only=True)
class LeaseGrant(Ask[LeaseGrantResponse]):
    """A lease that expires ``ttl`` seconds from now (running clock) unless kept alive.

    ``id`` 0 lets the store choose one.
    """

    ttl: int
    id: int = 0


@attrs.frozen(kw_only=True)
class LeaseRevoke(Ask[LeaseRevokeResponse]):
    """End the lease now: its keys are deleted, all at one revision."""

    id: int


@attrs.frozen(kw_only=True)
class LeaseKeepAlive(Ask[LeaseKeepAliveResponse]):
    """Restart the lease's TTL from now."""

    id: int


@attrs.frozen(kw_only=True)
class LeaseTimeToLive(Ask[LeaseTimeToLiveResponse]):
    id: int
    keys: bool = False


# --------------------------------------------------------------------------- watch


@attrs.frozen(kw_only=True)
class WatchCreate(Ask[Watcher]):
    """Watch ``key`` (or ``[key, range_end)``) from ``start_revision`` on, inclusive.

    ``start_revision`` 0 means "from the next write". The reply is a ``Watcher``: iterate
    it for batches of events. Below the compacted revision, raises ``Compacted``.
    """

    key: str
    range_end: str | None = None
    start_revision: int = 0

    @classmethod
    def prefix(cls, prefix: str, *, start_revision: int = 0) -> WatchCreate:
        return cls(key=prefix, range_end=prefix_end(prefix), start_revision=start_revision)


# ---------------------------------------------------------------------- pipelining

R = TypeVar("R")


@attrs.frozen
class Pipelined(Ask[PipelinedResponse[R]], Generic[R]):
    """A write answered as soon as it is applied, before it is durable: the reply carries the
    store's response and a future that the commit holding the write resolves (``None`` if
    the store has nothing to wait for, as the memory store). Not part of etcd's API: the
    apiserver's way to keep taking writes while earlier ones wait for their group commit,
    answering each of its own clients only once the future is done. Anything read from the
    response before then may still be lost by a crash, as may every later write: whoever
    asks this must not let its result be seen before the future resolves.
    """

    request: Ask[R]

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.request, (Put, DeleteRange, Txn, TxnBatch, LeaseGrant)):
            raise TypeError(f"only writes are pipelined, not {type(self.request).__name__}")
