"""``RemoteWatcher``: a watch of a real etcd, read as a ``Watcher`` is read.

One gRPC watch stream per watcher, created with ``prev_kv`` (the apiserver's watch cache
needs the object a delete removed) and, as kube-apiserver's watches are, only served by a
member that has a leader. When the stream breaks (a member killed, a leader lost) the watcher
opens a new one from the revision after the last event it delivered, as etcd's clientv3
does: its reader sees every event once, in order, or ``Compacted`` if the history it needs
was compacted meanwhile (Kubernetes' "410 Gone, re-list").

Under virtual time a write acknowledged by etcd but whose event has not come yet is work the
program still waits on: ``expect`` keeps the loop from jumping ahead or settling before it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, TypeVar

import grpc
from aetcd import rpc  # type: ignore[import-untyped]

from ..actors import VirtualTimeEventLoop
from ..errors import Compacted, StoreError
from ._keys import in_range, ranges_overlap
from ._remote_wire import Recent, key_bytes, range_end_bytes
from ._types import KeyEvent

__all__ = ["RemoteWatcher", "outside", "wall_sleep"]

T = TypeVar("T")

#: Back-off between attempts to watch again while etcd cannot be reached (real seconds).
_RETRY_INITIAL = 0.05
_RETRY_MAX = 2.0
#: What the etcd server answers a watch on a member without a leader (require-leader).
_LEADER_METADATA = (("hasleader", "true"),)


class RemoteWatcher:
    """An open watch of a real etcd: ``async for events in watcher`` yields tuples of events.

    Like ``Watcher``: each tuple non-empty and in revision order, every matching event from
    the start revision on exactly once; iteration ends after ``close()`` and raises
    ``Compacted`` when the history it needs is gone.
    """

    def __init__(
        self,
        channel: Callable[[], grpc.aio.Channel],
        recent: Recent,
        key: str,
        range_end: str | None,
        start_revision: int,
        *,
        on_close: Callable[[RemoteWatcher], None],
    ) -> None:
        self.key = key
        self.range_end = range_end
        self.start_revision = start_revision
        self._channel = channel
        self._recent = recent
        self._on_close = on_close
        self._call: Any = None
        #: The revision to watch from if the stream must be opened again (0: from now).
        self._next = max(start_revision, 0)
        #: Every matching event up to this revision was delivered.
        self._revision = 0
        self._closed = False
        self._failure: BaseException | None = None
        # revision -> futures resolved once the stream has passed it (``expect``).
        self._expected: list[tuple[int, asyncio.Future[None]]] = []

    def __repr__(self) -> str:
        return (
            f"RemoteWatcher(key={self.key!r}, range_end={self.range_end!r}, "
            f"start_revision={self.start_revision}, revision={self._revision})"
        )

    @property
    def revision(self) -> int:
        return self._revision

    @property
    def closed(self) -> bool:
        return self._closed

    def matches(self, key: str) -> bool:
        return in_range(key, self.key, self.range_end)

    def overlaps(self, key: str, range_end: str | None) -> bool:
        """Whether ``[key, range_end)`` may hold a key of this watch's range."""
        return ranges_overlap(self.key, self.range_end, key, range_end)

    def expect(self, revision: int) -> None:
        """The store wrote a matching key at ``revision``: under virtual time, the loop waits
        (in real time) until the event arrives."""
        loop = asyncio.get_running_loop()
        if self._closed or revision <= self._revision or not isinstance(loop, VirtualTimeEventLoop):
            return
        future: asyncio.Future[None] = loop.create_future()
        self._expected.append((revision, future))
        loop.wait_outside(future)

    def _passed(self, revision: int) -> None:
        self._revision = max(self._revision, revision)
        if self._expected:
            keep = []
            for wanted, future in self._expected:
                if wanted <= revision or future.done():
                    if not future.done():
                        future.set_result(None)
                else:
                    keep.append((wanted, future))
            self._expected = keep

    # ---------------------------------------------------------------------------- reading

    def __aiter__(self) -> RemoteWatcher:
        return self

    async def __anext__(self) -> tuple[KeyEvent, ...]:
        backoff = _RETRY_INITIAL
        while True:
            if self._failure is not None:
                raise self._failure
            if self._closed:
                raise StopAsyncIteration
            try:
                if self._call is None:
                    await self._open()
                response = await self._call.read()
            except grpc.aio.AioRpcError as error:
                if self._closed:
                    raise StopAsyncIteration from None
                if error.code() not in _RETRIED:
                    self._fail(StoreError(f"etcd watch failed: {error.details()}"))
                    continue
                self._drop_stream()
                await asyncio.sleep(0)  # let a close() in the same tick win
                await wall_sleep(backoff)
                backoff = min(backoff * 2, _RETRY_MAX)
                continue
            if response is grpc.aio.EOF:
                self._drop_stream()
                continue
            events = self._take(response)
            backoff = _RETRY_INITIAL
            if events:
                return events

    def _take(self, response: Any) -> tuple[KeyEvent, ...]:
        if response.compact_revision:
            self._fail(Compacted(self._next, response.compact_revision))
            return ()
        if response.canceled:
            # Canceled for a reason of the member (no leader): watch again elsewhere.
            self._drop_stream()
            return ()
        if response.created and self._next == 0:
            self._next = response.header.revision + 1
        events = tuple(self._recent.event(pb) for pb in response.events)
        if events:
            self._next = events[-1].kv.mod_revision + 1
        # Only events tell how far the watch has come: a response's header revision may run
        # ahead of the events still on their way (a watch from the past, etcd 3.4's progress).
        self._passed(self._next - 1)
        return events

    async def _open(self) -> None:
        call = rpc.WatchStub(self._channel()).Watch(metadata=_LEADER_METADATA)
        self._call = call
        await call.write(
            rpc.WatchRequest(
                create_request=rpc.WatchCreateRequest(
                    key=key_bytes(self.key),
                    range_end=range_end_bytes(self.range_end),
                    start_revision=self._next,
                    prev_kv=True,
                )
            )
        )

    def _drop_stream(self) -> None:
        call, self._call = self._call, None
        if call is not None:
            call.cancel()

    def _fail(self, error: BaseException) -> None:
        self._failure = error
        self._finish()

    def _finish(self) -> None:
        self._drop_stream()
        for _, future in self._expected:
            if not future.done():
                future.set_result(None)
        self._expected = []
        self._on_close(self)

    def close(self) -> None:
        """Stop watching: iteration ends."""
        if not self._closed:
            self._closed = True
            self._finish()

    async def __aenter__(self) -> RemoteWatcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


_RETRIED = frozenset(
    {
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.CANCELLED,
        grpc.StatusCode.UNKNOWN,
        grpc.StatusCode.INTERNAL,
    }
)


async def outside(awaitable: Awaitable[T]) -> T:
    """Await a reply from another process; under virtual time the loop waits for it in real
    time (it must not jump past it, nor count as quiet while it is due)."""
    loop = asyncio.get_running_loop()
    if not isinstance(loop, VirtualTimeEventLoop):
        return await awaitable
    future = asyncio.ensure_future(awaitable)
    loop.wait_outside(future)
    return await future


async def wall_sleep(seconds: float) -> None:
    """Sleep on the wall clock even under virtual time (an executor job holds the virtual
    loop to real time): the wait is for another process."""
    loop = asyncio.get_running_loop()
    if isinstance(loop, VirtualTimeEventLoop):
        await loop.run_in_executor(None, time.sleep, seconds)
    else:
        await asyncio.sleep(seconds)
