"""``EtcdActor``: the store as an actor. Requests come through its mailbox; events do not.

Every request is a message answered by ``ask`` (``Range``, ``Put``, ``DeleteRange``, ``Txn``,
``Compact``, ``EndpointStatus``, the ``Lease*`` messages, ``WatchCreate``, and ``TxnBatch``,
the apiserver's group commit: its transactions applied in order, watchers told once). Over a durable
backend a write is answered once it is committed; wrapped in ``Pipelined`` it is answered
at once, with a future for its commit (the apiserver's way to keep writes flowing).

A ``WatchCreate`` is answered with a ``Watcher`` that reads the shared event log directly:
after each request the actor tells the ``WatchHub`` once, and the watchers take the new
events in their own tasks, so fanning an event out to a thousand watchers costs the actor
nothing per watcher.

Leases expire on the running clock: before each request the actor revokes every lease due
by now (so a request never sees a lease that should be gone), and a timer wakes it at the
next deadline when nothing else does. Under virtual time that is exact and instant.

The data lives in the backend, the watches in this incarnation: give the actor a backend
from outside (``lambda: EtcdActor(backend)``) and a restart keeps the data, as etcd's disk
does, while open watches end with ``ActorStopped`` and their owners watch again.
"""

from __future__ import annotations

from typing import Any

import attrs

from ..actors import Actor, Timer
from ..errors import ActorStopped
from ._backend import Backend
from ._durability import DurableBackend, DurableView, Flusher
from ._memory import MemoryBackend
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
from ._responses import EndpointStatusResponse, PipelinedResponse, TxnBatchResponse, TxnResponse
from ._watch import WatchHub

__all__ = ["EtcdActor"]


#: ``_handle``'s answer to a message that is not a store request.
_UNHANDLED = object()


@attrs.frozen
class _LeasesDue:
    """The timer's message: the next lease deadline has come."""

    deadline: float


class EtcdActor(Actor):
    """The etcd store of a cluster. ``max_watch_lag``: see ``WatchHub``."""

    component = "etcd"

    def __init__(self, backend: Backend | None = None, *, max_watch_lag: int = 100_000) -> None:
        self.backend: Backend = backend if backend is not None else MemoryBackend()
        # A durable backend: answers wait for their commit, watchers see only what is
        # committed (``_durability``). The memory backend answers at once.
        self._flusher: Flusher | None = None
        if isinstance(self.backend, DurableBackend):
            self._flusher = Flusher(self.backend, self._notify_watchers)
            self.watches = WatchHub(DurableView(self.backend), max_lag=max_watch_lag)  # type: ignore[arg-type]
        else:
            self.watches = WatchHub(self.backend, max_lag=max_watch_lag)
        self._timer: Timer | None = None

    async def on_start(self) -> None:
        if self._flusher is not None:
            self.start_soon(self._flusher.run, name="etcd:group-commit")

    async def receive(self, message: Any) -> Any:
        if isinstance(message, _LeasesDue):
            # The timer fired for ``deadline``: the clock may read a hair earlier in float.
            self._timer = None
            self._expire(max(self.now, message.deadline))
            if self._flusher is not None:
                self._flusher.kick()
            return None
        self._expire(self.now)
        pipelined = type(message) is Pipelined
        if pipelined:
            message = message.request
        try:
            result = self._handle(message)
            if result is _UNHANDLED:
                return await super().receive(message)
        finally:
            # Whatever the request did (or failed to do), watchers see it now, and the
            # timer follows the leases it granted or refreshed.
            self.watches.notify()
            self._schedule_expiry()
            if self._flusher is not None:
                self._flusher.kick()
        if self._flusher is None:
            return PipelinedResponse(result) if pipelined else result
        if pipelined:
            return PipelinedResponse(result, self._flusher.pending())
        return self._flusher.answer(result)

    def _handle(self, message: Any) -> Any:
        backend = self.backend
        match message:
            case Txn():
                return backend.txn(message)
            case TxnBatch(txns=txns):
                outcomes: list[TxnResponse | Exception] = []
                for txn in txns:
                    try:
                        outcomes.append(backend.txn(txn))
                    except Exception as error:  # this transaction's alone
                        outcomes.append(error)
                return TxnBatchResponse(revision=backend.revision, outcomes=tuple(outcomes))
            case Range():
                return backend.range(message)
            case Put():
                return backend.put(message)
            case DeleteRange():
                return backend.delete(message)
            case WatchCreate(key=key, range_end=range_end, start_revision=start):
                return self.watches.watch(key, range_end, start)
            case Compact(revision=revision):
                return backend.compact(revision)
            case EndpointStatus():
                return EndpointStatusResponse(
                    revision=backend.revision,
                    compact_revision=backend.compact_revision,
                    durable=self._flusher is not None,
                )
            case LeaseGrant(ttl=ttl, id=lease):
                return backend.lease_grant(ttl, id=lease, now=self.now)
            case LeaseKeepAlive(id=lease):
                return backend.lease_keep_alive(lease, now=self.now)
            case LeaseRevoke(id=lease):
                return backend.lease_revoke(lease)
            case LeaseTimeToLive(id=lease, keys=keys):
                return backend.lease_time_to_live(lease, now=self.now, keys=keys)
        return _UNHANDLED

    def _notify_watchers(self) -> None:
        self.watches.notify()

    def _expire(self, now: float) -> None:
        deadline = self.backend.next_lease_deadline()
        if deadline is not None and deadline <= now:
            expired = self.backend.expire_leases(now)
            self.watches.notify()
            self.log.debug("leases_expired", leases=expired, revision=self.backend.revision)
        self._schedule_expiry()

    def _schedule_expiry(self) -> None:
        deadline = self.backend.next_lease_deadline()
        timer = self._timer
        if timer is not None and timer.pending:
            if deadline is not None and timer.when <= deadline:
                return  # it fires in time (maybe early: then it finds nothing due)
            timer.cancel()
        self._timer = None
        if deadline is not None:
            self._timer = self.send_after(max(0.0, deadline - self.now), _LeasesDue(deadline))

    async def on_stop(self) -> None:
        # A graceful stop commits everything and answers every held ask first.
        if self._flusher is not None:
            await self._flusher.drain()
        self.watches.close(ActorStopped(self.name))

    async def on_failure(self, error: BaseException) -> None:
        # The changes applied before the crash are still the store's: commit them too.
        if self._flusher is not None:
            await self._flusher.drain()
        self.watches.close(ActorStopped(self.name))
