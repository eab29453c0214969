"""Attach and port-forward for the runtimes: what CRI's Attach and PortForward give.

``attach`` gives a running container's output from now on, and writes to its stdin when
it has one (the subprocess runtime's side is ``_container_stdio``; ``attach_session`` is the
fake runtime's, whose scripted containers read nothing). ``connect`` opens a TCP connection
to a port of the pod, at the pod's address: the subprocess runtime's pods have loopback
addresses of their own, so this is the pod's network as a port-forward reaches it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import anyio
import anyio.abc

from kube_actors.errors import ContainerRuntimeError

from ._exec_session import ExecSession

__all__ = ["Discard", "IteratorStream", "attach_session", "connect"]


class IteratorStream(anyio.abc.ByteReceiveStream):
    """A byte stream over an async iterator of text pieces."""

    def __init__(self, pieces: AsyncIterator[str]) -> None:
        self._pieces = pieces

    async def receive(self, max_bytes: int = 65536) -> bytes:
        try:
            return (await anext(self._pieces)).encode()
        except StopAsyncIteration:
            raise anyio.EndOfStream from None

    async def aclose(self) -> None:
        close = getattr(self._pieces, "aclose", None)
        if close is not None:
            await close()


class Discard(anyio.abc.ByteSendStream):
    """A stdin nobody reads: what is sent is dropped, so the sender never waits."""

    async def send(self, item: bytes) -> None:
        pass

    async def aclose(self) -> None:
        pass


def attach_session(
    output: AsyncIterator[str],
    exit_code: Callable[[], Awaitable[int]],
    *,
    stdin: bool = False,
    tty: bool = False,
) -> ExecSession:
    """A session that gives ``output`` and ends with the container's ``exit_code``; with
    ``stdin``, what is written to it is dropped."""
    stream = IteratorStream(output)
    return ExecSession(
        stdin=Discard() if stdin else None,
        stdout=stream,
        wait=exit_code,
        close=stream.aclose,
        tty=tty,
    )


async def connect(address: str, port: int, pod: str) -> anyio.abc.ByteStream:
    """A connection to ``address:port``; ``ContainerRuntimeError`` as the kubelet words it."""
    try:
        return await anyio.connect_tcp(address, port)
    except OSError as error:
        raise ContainerRuntimeError(
            f"error forwarding port {port} to pod {pod}: failed to connect to "
            f"{address}:{port}: {error.strerror or error}"
        ) from None
