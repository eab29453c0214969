"""A node's link to the apiserver, which a test can cut: network partitions as a fault.

``NodeLink`` is the ``Client`` a kubelet is given. While the link is cut, every request
fails with ``ServiceUnavailable`` and open watches end, as a TCP connection to the
apiserver would; once healed, the kubelet's informer re-watches (or re-lists) and its
heartbeats go through again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from ..actors import ActorRef
from ..api import WatchEvent, WatchStream
from ..client import Transport
from ..errors import ServiceUnavailable
from ._faults import Faults, InterceptedClient, _FaultyStream

__all__ = ["NodeLink"]


class NodeLink(InterceptedClient):
    """A kubelet's ``Client`` (component ``kubelet/<node>``, so faults reach it too) that can
    be partitioned from the apiserver."""

    def __init__(
        self, apiserver: ActorRef | Transport, *, node: str, faults: Faults | None = None
    ) -> None:
        super().__init__(apiserver, component=f"kubelet/{node}", faults=faults or Faults())
        self.node = node
        #: The watches open over the link. Cutting it closes them: a closed ``_FaultyStream``
        #: ends as the connection's stream would, so no wrapper of its own (a watch is open
        #: on every node all the time, and each layer costs an object and a coroutine a wait).
        self._streams: list[_FaultyStream] = []

    @property
    def partitioned(self) -> bool:
        """Whether the link is cut: every request refused (``_admit``)."""
        return self._refusing

    def partition(self) -> None:
        self._refusing = True
        streams, self._streams = self._streams, []
        for stream in streams:
            stream.close()

    def heal(self) -> None:
        self._refusing = False

    def _admit(self, request: object) -> None:
        if self._refusing:
            raise ServiceUnavailable(f"node {self.node} cannot reach the apiserver")

    def _opened(self, stream: _FaultyStream) -> WatchStream:
        self._streams = [s for s in self._streams if not s.closed]
        self._streams.append(stream)
        return stream


class _LinkStream:
    """A watch over a link that can be cut (a control plane replica's): it ends when the
    link is cut."""

    def __init__(self, inner: WatchStream) -> None:
        self._inner = inner
        self.closed = False

    def close(self) -> None:
        self.closed = True
        self._inner.close()

    async def next_batch(self) -> Sequence[WatchEvent]:
        if self.closed:
            return ()
        return await self._inner.next_batch()

    def __aiter__(self) -> AsyncIterator[WatchEvent]:
        return self._events()

    async def _events(self) -> AsyncIterator[WatchEvent]:
        while batch := await self.next_batch():
            for event in batch:
                yield event
