"""Group commit for the etcd actor over a durable backend: answers wait for the disk.

The actor handles requests one at a time without waiting for the disk; each answer that
follows a change not yet committed is returned as ``Later``: the ask is answered when the
commit that holds the change is done, while the actor handles the next request. One task
(``run``) commits what the backend queued, a batch at a time, on the backend's writer
thread: the requests that arrive while a commit is on its way all go into the next one, so
under load a commit (and its fsync) serves as many writes as came during the previous one.

Watchers read the backend through ``DurableView``: its revision is the last committed one,
so a watcher (the apiserver's watch cache, and through it every read) never sees a change
that a crash could still take back.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any, Protocol, runtime_checkable

from ..actors import Later
from ._backend import Backend
from ._types import KeyEvent

__all__ = ["DurableBackend", "DurableView", "Flusher"]

#: Turns of the event loop a commit waits, at most, for more writes to join it.
_GATHER_TURNS = 64
#: ... and seconds: on a busy loop (controllers, kubelets) turns are long, and a write must
#: not wait long for its commit to start.
_GATHER_SECONDS = 0.002
#: Turns without a new write after which the commit goes (a write takes a few turns: the
#: apiserver's ask, the etcd actor's turn, the reply).
_QUIET_TURNS = 3


@runtime_checkable
class DurableBackend(Backend, Protocol):
    """A backend whose writes reach a disk after they are applied (``SqliteBackend``)."""

    executor: Executor

    @property
    def written(self) -> int: ...

    @property
    def durable(self) -> int: ...

    @property
    def durable_revision(self) -> int: ...

    @property
    def failure(self) -> BaseException | None: ...

    def take_batch(self) -> Any: ...

    def write_batch(self, batch: Any) -> None: ...


class DurableView:
    """What watchers may see of a durable backend: history up to the last commit."""

    def __init__(self, backend: DurableBackend) -> None:
        self._backend = backend

    @property
    def revision(self) -> int:
        return self._backend.durable_revision

    @property
    def compact_revision(self) -> int:
        return self._backend.compact_revision

    def changes(self, start: int, end: int) -> list[KeyEvent]:
        return self._backend.changes(start, end)


class Flusher:
    """Commits a durable backend's queue and holds the answers until their commit."""

    def __init__(self, backend: DurableBackend, on_durable: Callable[[], None]) -> None:
        self._backend = backend
        self._on_durable = on_durable
        self._wake = asyncio.Event()
        # (sequence number, future, answer) in sequence order.
        self._held: deque[tuple[int, asyncio.Future[Any], Any]] = deque()

    def answer(self, result: Any) -> Any:
        """``result`` if everything so far is on disk, else a ``Later`` for it."""
        future = self._hold(result)
        return result if future is None else Later(future)

    def pending(self) -> asyncio.Future[None] | None:
        """A future resolved once everything so far is on disk; None if it is already."""
        return self._hold(None)

    def _hold(self, result: Any) -> asyncio.Future[Any] | None:
        backend = self._backend
        if backend.failure is not None:
            raise backend.failure
        seq = backend.written
        if seq <= backend.durable:
            return None
        future = asyncio.get_running_loop().create_future()
        self._held.append((seq, future, result))
        self._wake.set()
        return future

    def kick(self) -> None:
        """A request was handled: commit what it queued, if anything."""
        if self._backend.written > self._backend.durable:
            self._wake.set()

    async def run(self) -> None:
        """Commit batches for as long as the actor lives (its background task)."""
        backend = self._backend
        while True:
            await self._wake.wait()
            self._wake.clear()
            # Let the writes already on their way join this commit: yield to the loop until
            # a turn brings no new write (or a few turns did). Handing a batch to the writer
            # thread costs more than a turn of the loop, so a commit per write would make
            # the store a tenth of the memory store's speed under many clients.
            loop = asyncio.get_running_loop()
            seen, quiet, until = backend.written, 0, loop.time() + _GATHER_SECONDS
            for _ in range(_GATHER_TURNS):
                if loop.time() >= until:
                    break
                await asyncio.sleep(0)
                quiet = quiet + 1 if backend.written == seen else 0
                if quiet == _QUIET_TURNS:
                    break
                seen = backend.written
            await self._commit_queued()

    async def drain(self) -> None:
        """Commit everything queued and answer every held ask (a stop, or a crash)."""
        await self._commit_queued()
        # A batch taken by the cancelled ``run`` may still be on the thread: wait for it.
        await asyncio.get_running_loop().run_in_executor(self._backend.executor, _nothing)
        self._release()

    async def _commit_queued(self) -> None:
        backend = self._backend
        loop = asyncio.get_running_loop()
        while (batch := backend.take_batch()) is not None:
            try:
                await loop.run_in_executor(backend.executor, backend.write_batch, batch)
            except Exception:
                break
            finally:
                self._release()

    def _release(self) -> None:
        backend = self._backend
        durable, failure = backend.durable, backend.failure
        held = self._held
        while held:
            seq, future, result = held[0]
            if seq > durable and failure is None:
                break
            held.popleft()
            if future.done():
                continue
            if seq <= durable:
                future.set_result(result)
            else:
                future.set_exception(failure)  # type: ignore[arg-type]
        self._on_durable()


def _nothing() -> None:
    return None
