"""The store's answers, one per request, as etcd's ``*Response`` messages.

``revision`` is always the store's revision once the request was handled (etcd's header
revision), also for a read at a past revision.
"""

from __future__ import annotations

import asyncio
from typing import Generic, TypeVar

import attrs

from ..api import quick_init
from ._types import KeyValue

__all__ = [
    "CompactResponse",
    "DeleteRangeResponse",
    "LeaseGrantResponse",
    "LeaseKeepAliveResponse",
    "LeaseRevokeResponse",
    "LeaseTimeToLiveResponse",
    "PipelinedResponse",
    "PutResponse",
    "RangeResponse",
    "EndpointStatusResponse",
    "TxnBatchResponse",
    "TxnResponse",
]


@attrs.frozen(kw_only=True)
class RangeResponse:
    """``kvs`` in key order (at most ``limit``); ``count`` every key in the range; ``more``
    whether ``limit`` left some out."""

    revision: int
    kvs: tuple[KeyValue, ...] = ()
    count: int = 0
    more: bool = False


@quick_init
@attrs.frozen(kw_only=True)
class PutResponse:
    revision: int
    #: The key's value before the put, when ``prev_kv=True`` was asked and it existed.
    prev_kv: KeyValue | None = None


@attrs.frozen(kw_only=True)
class DeleteRangeResponse:
    revision: int
    deleted: int = 0
    #: The deleted key-values, when ``prev_kv=True`` was asked.
    prev_kvs: tuple[KeyValue, ...] = ()


#: One answer per operation of the branch a transaction took, in order.
OpResponse = RangeResponse | PutResponse | DeleteRangeResponse


@quick_init
@attrs.frozen(kw_only=True)
class TxnResponse:
    revision: int
    #: Whether every comparison held (and the ``success`` branch ran).
    succeeded: bool
    responses: tuple[OpResponse, ...] = ()


@attrs.frozen(kw_only=True)
class TxnBatchResponse:
    """One outcome per transaction of a ``TxnBatch``, in order: its response, or the error
    it alone raised (the others ran all the same)."""

    revision: int
    outcomes: tuple[TxnResponse | Exception, ...] = attrs.field(eq=False)


@attrs.frozen(kw_only=True)
class CompactResponse:
    revision: int


@attrs.frozen(kw_only=True)
class EndpointStatusResponse:
    revision: int
    #: The last compaction's revision; 0 before the first compaction.
    compact_revision: int
    #: Whether writes go to a disk and are answered once committed (a ``Pipelined`` write
    #: is answered before): the SQLite store, not the memory one.
    durable: bool = False


@attrs.frozen(kw_only=True)
class LeaseGrantResponse:
    revision: int
    id: int
    ttl: int


@attrs.frozen(kw_only=True)
class LeaseRevokeResponse:
    revision: int


@attrs.frozen(kw_only=True)
class LeaseKeepAliveResponse:
    revision: int
    id: int
    #: The TTL the lease was refreshed to.
    ttl: int


@attrs.frozen(kw_only=True)
class LeaseTimeToLiveResponse:
    revision: int
    id: int
    #: Seconds left, rounded up; -1 if there is no such lease (etcd's answer).
    ttl: int
    granted_ttl: int = 0
    #: The keys attached to the lease, in order, when ``keys=True`` was asked.
    keys: tuple[str, ...] = ()


R = TypeVar("R")


@attrs.frozen
class PipelinedResponse(Generic[R]):
    """The answer to a ``Pipelined`` write: the write's own response, and the future its
    commit resolves (an exception if the commit failed), or ``None`` if it is durable."""

    response: R
    durable: asyncio.Future[None] | None = attrs.field(default=None, eq=False)
