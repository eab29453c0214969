"""``RemoteEtcdActor``: the etcd actor of a cluster whose store is a real etcd.

It answers the messages ``EtcdActor`` answers, each by a call to etcd (``RemoteBackend``),
so the apiserver cannot tell the two apart: a ``WatchCreate`` gets a ``RemoteWatcher``, read
as a ``Watcher`` is. Requests are handled one at a time, in the order they came, as the
local actor does; a ``Pipelined`` write is answered once etcd committed it, its commit future
``None`` (nothing left to wait for).

Leases are etcd's: it expires them on its own clock, so there is no timer here. When etcd
cannot be reached, a request raises ``StoreUnavailable`` to whoever asked (the apiserver
answers 503) and the actor goes on: it does not crash with the store.
"""

from __future__ import annotations

from typing import Any

from ..actors import Actor
from ._messages import (
    Compact,
    DeleteRange,
    EndpointStatus,
    LeaseGrant,
    LeaseKeepAlive,
    LeaseRevoke,
    LeaseTimeToLive,
    Pipelined,
    Put,
    Range,
    Txn,
    TxnBatch,
    WatchCreate,
)
from ._remote import RemoteBackend
from ._responses import PipelinedResponse, TxnBatchResponse, TxnResponse

__all__ = ["RemoteEtcdActor"]


class RemoteEtcdActor(Actor):
    """The cluster's etcd actor over a real etcd. The backend is the caller's: it stays open
    when the actor stops (``RemoteBackend.close`` closes it)."""

    component = "etcd"

    def __init__(self, backend: RemoteBackend) -> None:
        self.backend = backend

    async def receive(self, message: Any) -> Any:
        if type(message) is Pipelined:
            return PipelinedResponse(await self._handle(message.request))
        result = await self._handle(message)
        if result is _UNHANDLED:
            return await super().receive(message)
        return result

    async def _handle(self, message: Any) -> Any:
        backend = self.backend
        match message:
            case Txn():
                return await backend.txn(message)
            case TxnBatch(txns=txns):
                return await _txn_batch(backend, txns)
            case Range():
                return await backend.range(message)
            case Put():
                return await backend.put(message)
            case DeleteRange():
                return await backend.delete(message)
            case WatchCreate(key=key, range_end=range_end, start_revision=start):
                return backend.watch(key, range_end, start)
            case Compact(revision=revision):
                return await backend.compact(revision)
            case EndpointStatus():
                return await backend.status()
            case LeaseGrant(ttl=ttl, id=lease):
                return await backend.lease_grant(ttl, id=lease)
            case LeaseKeepAlive(id=lease):
                return await backend.lease_keep_alive(lease)
            case LeaseRevoke(id=lease):
                return await backend.lease_revoke(lease)
            case LeaseTimeToLive(id=lease, keys=keys):
                return await backend.lease_time_to_live(lease, keys=keys)
        return _UNHANDLED

    async def on_stop(self) -> None:
        # Open watches end with the actor, as a local etcd's do (their owners watch again).
        for watcher in list(self.backend._watchers):
            watcher.close()


_UNHANDLED = object()


async def _txn_batch(backend: RemoteBackend, txns: tuple[Txn, ...]) -> TxnBatchResponse:
    """Each transaction of the batch as its own request to etcd, in order: one etcd ``Txn``
    of them all would give every write one revision (Kubernetes needs one per object)."""
    outcomes: list[TxnResponse | Exception] = []
    revision = 0
    for txn in txns:
        try:
            response = await backend.txn(txn)
        except Exception as error:  # this transaction's alone (etcd out of reach: each says so)
            outcomes.append(error)
        else:
            revision = max(revision, response.revision)
            outcomes.append(response)
    return TxnBatchResponse(revision=revision, outcomes=tuple(outcomes))
