"""A running container's stdin and its output for attach sessions, as containerd holds them.

A container with ``stdin`` gets a pipe for stdin whose write end the runtime keeps open
(``ContainerStdin``), so what an attach session sends reaches it; with ``tty`` it gets a
pseudo-terminal instead (stdin, stdout and stderr all the terminal), and stdin is the
terminal's master. Output is read once, by the log writer, which hands each piece to the
attach sessions listening (``OutputListener``) as it comes: an attach sees what the
container writes from then on, at once, not a line at a time as the log records it.

When an attach session's stdin ends (its client closed it, or went away), containerd's
rules apply: a container with ``stdinOnce`` and no TTY has its stdin closed (it reads EOF,
and every later attach finds stdin closed); otherwise that session simply ends, and the
container's stdin stays open for the next one.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import errno
import fcntl
import os
import struct
import termios
from collections.abc import Awaitable, Callable
from typing import Final

import anyio
import anyio.abc

from ._exec_session import ExecSession

__all__ = ["ContainerStdin", "OutputListener", "attach_to_process"]

#: Pieces an attach session may have unread before the container's output waits for it.
_UNREAD_LIMIT: Final = 64


class OutputListener(anyio.abc.ByteReceiveStream):
    """The container's output from the moment of listening, for one attach session."""

    def __init__(self, *, room_made: Callable[[], None], forget: Callable[[OutputListener], None]):
        self._chunks: collections.deque[bytes] = collections.deque()
        self._ended = False
        self._ready = asyncio.Event()
        self._done = asyncio.Event()
        self._room_made = room_made
        self._forget = forget

    def offer(self, data: bytes) -> None:
        if not self._ended:
            self._chunks.append(data)
            self._ready.set()

    def has_room(self) -> bool:
        return len(self._chunks) < _UNREAD_LIMIT

    def end(self) -> None:
        """No more output comes (the container exited, or the session ended)."""
        self._ended = True
        self._ready.set()
        self._done.set()

    async def wait_ended(self) -> None:
        await self._done.wait()

    async def receive(self, max_bytes: int = 65536) -> bytes:
        while not self._chunks:
            if self._ended:
                raise anyio.EndOfStream
            self._ready.clear()
            await self._ready.wait()
        data = self._chunks.popleft()
        if len(data) > max_bytes:
            self._chunks.appendleft(data[max_bytes:])
            data = data[:max_bytes]
        self._room_made()
        return data

    async def aclose(self) -> None:
        self.end()
        self._chunks.clear()
        self._forget(self)
        self._room_made()


class ContainerStdin:
    """The runtime's end of a container's stdin: a pipe's write end, or a pty's master."""

    def __init__(self, fd: int, *, terminal: bool) -> None:
        os.set_blocking(fd, False)
        self._fd = fd
        self.terminal = terminal

    @property
    def closed(self) -> bool:
        return self._fd < 0

    async def send(self, data: bytes) -> None:
        """Write all of ``data``; ``ClosedResourceError`` once stdin is closed (or its reader
        has gone)."""
        view = memoryview(data)
        while view:
            if self._fd < 0:
                raise anyio.ClosedResourceError
            try:
                view = view[os.write(self._fd, view) :]
            except BlockingIOError:
                await _writable(self._fd)
            except OSError as error:
                if error.errno in (errno.EPIPE, errno.EIO, errno.EBADF):
                    raise anyio.ClosedResourceError from None
                raise

    def resize(self, width: int, height: int) -> None:
        """The terminal's new size (nothing for a pipe)."""
        if self.terminal and self._fd >= 0:
            with contextlib.suppress(OSError):
                fcntl.ioctl(self._fd, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


async def _writable(fd: int) -> None:
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[None] = loop.create_future()

    def wake() -> None:
        if not ready.done():
            ready.set_result(None)

    loop.add_writer(fd, wake)
    try:
        await ready
    finally:
        loop.remove_writer(fd)


class _AttachInput(anyio.abc.ByteSendStream):
    """One attach session's stdin, written into the container's."""

    def __init__(self, stdin: ContainerStdin, ended: Callable[[], None]) -> None:
        self._stdin = stdin
        self._ended = ended
        self._open = True

    async def send(self, item: bytes) -> None:
        if not self._open:
            raise anyio.ClosedResourceError
        await self._stdin.send(item)

    async def aclose(self) -> None:
        if self._open:
            self._open = False
            self._ended()


def attach_to_process(
    output: OutputListener,
    stdin: ContainerStdin | None,
    exit_code: Callable[[], Awaitable[int]],
    *,
    stdin_once: bool,
    tty: bool,
) -> ExecSession:
    """An attach session: ``output`` from now on, ``stdin`` when the container has one and
    the session asked for it. ``wait()`` gives the container's exit code once it has exited,
    or 0 when the session ended first (its stdin ended)."""
    detached = False

    def stdin_ended() -> None:
        nonlocal detached
        if stdin is not None and stdin_once and not tty:
            stdin.close()  # the container reads EOF; its output goes on until it exits
        else:
            detached = True
            output.end()

    session_input = _AttachInput(stdin, stdin_ended) if stdin is not None else None

    async def wait() -> int:
        await output.wait_ended()
        return 0 if detached else await exit_code()

    async def close() -> None:
        if session_input is not None:
            await session_input.aclose()
        await output.aclose()

    return ExecSession(
        stdin=session_input,
        stdout=output,
        wait=wait,
        close=close,
        resize=stdin.resize if stdin is not None else None,
        tty=tty,
    )
