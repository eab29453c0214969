"""Writes that wait for their commit without holding up the apiserver.

Over a durable store (SQLite) a write is on disk only once its group commit is done. If the
apiserver waited for that before taking its next request, every write would pay a commit of
its own and group commit would have nothing to group. So it asks the store for ``Pipelined``
writes: etcd answers each as soon as it is applied, with a future for its commit, and the
apiserver goes on with the next request while it answers this one's client only when that
future is done (``Later``). Nothing a client is told depends on a write that a crash could
still take back:

- the answer to a request (its result, or the error it raised after a write was applied, a
  Conflict for instance) waits for the commit of everything the store had applied by then;
- the watch cache, and so every read and watch, sees only committed revisions (etcd's
  watch follows the durable view), and reads wait only for the revisions of writes already
  committed (``observe`` is called when a write's commit is done, before its answer goes);
- a write to a key whose earlier write is still on its way to the disk waits until the
  watch cache has it, so each decision about one object is made on its latest state, as
  when writes were handled one by one (``in_flight``).

Writes of different objects overlap; writes of one object stay in order, as before. Over the
memory store every future is ``None`` and nothing changes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

from kube_actors.actors import Later
from kube_actors.etcd import KeyEvent, PipelinedResponse

__all__ = ["Commits", "after_commit"]


class Commits:
    """The apiserver's writes that are applied but maybe not yet durable."""

    __slots__ = ("_in_flight", "_observe", "_unsynced")

    def __init__(self, observe: Callable[[int], None]) -> None:
        #: Called with the store's revision once a write is durable (at once if it is).
        self._observe = observe
        #: storage key -> the revision of its last write not yet in the watch cache.
        self._in_flight: dict[str, int] = {}
        #: The commit the request in hand waits for, if any.
        self._unsynced: asyncio.Future[None] | None = None

    def written(self, reply: PipelinedResponse[Any], revision: int, key: str | None) -> None:
        """The store applied a write of the request in hand (to ``key``, if it changed one);
        ``revision``: the store's revision in the reply."""
        durable = reply.durable
        if durable is None:
            self._observe(revision)
            return
        if key is not None:
            self._in_flight[key] = revision
        durable.add_done_callback(lambda done: self._committed(done, revision))
        # Commits are made in order: the future of the last write covers the earlier ones.
        self._unsynced = durable

    def _committed(self, durable: asyncio.Future[None], revision: int) -> None:
        if not durable.cancelled() and durable.exception() is None:
            self._observe(revision)

    def in_flight(self, key: str) -> int:
        """The revision the watch cache must reach before a write to ``key`` (0: none)."""
        return self._in_flight.get(key, 0)

    def applied(self, events: Sequence[KeyEvent]) -> None:
        """The watch cache applied ``events``: their keys' writes are in flight no more."""
        in_flight = self._in_flight
        if not in_flight:
            return
        for event in events:
            kv = event.kv
            revision = in_flight.get(kv.key)
            if revision is not None and revision <= kv.mod_revision:
                del in_flight[kv.key]

    # ------------------------------------------------------------------ answering

    def begin(self) -> None:
        """A request is taken: it waits for no commit yet."""
        self._unsynced = None

    async def wait(self) -> None:
        """Wait for the commit of the writes made since ``begin`` (for the apiserver's own
        writes at start, that the first request must find)."""
        durable, self._unsynced = self._unsynced, None
        if durable is not None:
            await durable

    def take(self) -> asyncio.Future[None] | None:
        """The commit the request in hand waits for, if any (then none: it is answered)."""
        durable, self._unsynced = self._unsynced, None
        return durable

    def answer(self, result: Any) -> Any:
        """``result``, or a ``Later`` for it once the request's writes are committed."""
        durable, self._unsynced = self._unsynced, None
        if durable is None:
            return result
        return Later(after_commit(durable, result, None))

    def fail(self, error: Exception) -> Any:
        """Raise ``error`` now if the request wrote nothing that waits for its commit;
        else answer it with a ``Later`` that raises it after the commit."""
        durable, self._unsynced = self._unsynced, None
        if durable is None:
            raise error
        return Later(after_commit(durable, None, error))


def after_commit(
    durable: asyncio.Future[None], result: Any, error: Exception | None
) -> asyncio.Future[Any]:
    """A future with ``result`` (or ``error``) once ``durable`` is done; its failure if it
    failed (the write is not on disk: the client must not think it is)."""
    answer: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    def forward(done: asyncio.Future[None]) -> None:
        if answer.done():
            return
        if done.cancelled():
            answer.cancel()
        elif (failure := done.exception()) is not None:
            answer.set_exception(failure)
        elif error is not None:
            answer.set_exception(error)
        else:
            answer.set_result(result)

    durable.add_done_callback(forward)
    return answer
