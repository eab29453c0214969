"""A pseudo-terminal's master side as an anyio byte stream, for ``exec -t``.

The command gets the slave side as its stdin, stdout and stderr and as its controlling
terminal (so a shell runs interactively and ``^C`` reaches it as SIGINT); the runtime reads
and writes the master. Reading waits on the event loop (a pty is pollable like a socket);
once the command and everything holding the slave have ended, reading the master fails with
EIO, which is the end of the stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import os
import struct
import termios

import anyio
import anyio.abc

__all__ = ["PtyStream", "make_controlling_terminal", "open_pty"]

_CHUNK = 65536


def open_pty() -> tuple[int, int]:
    """A new pty: (master, slave), the master non-blocking."""
    master, slave = os.openpty()
    os.set_blocking(master, False)
    return master, slave


def make_controlling_terminal() -> None:
    """Runs in the child after ``setsid``: its stdin (the slave) becomes its terminal."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class PtyStream(anyio.abc.ByteStream):
    """Bytes to and from a pty's master, closed with the stream."""

    def __init__(self, master: int) -> None:
        self._fd = master
        self._closed = False

    def resize(self, width: int, height: int) -> None:
        if not self._closed:
            with contextlib.suppress(OSError):
                fcntl.ioctl(self._fd, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))

    async def receive(self, max_bytes: int = _CHUNK) -> bytes:
        while True:
            if self._closed:
                raise anyio.ClosedResourceError
            try:
                data = os.read(self._fd, max_bytes)
            except BlockingIOError:
                await self._ready(write=False)
                continue
            except OSError as error:
                if error.errno == errno.EIO:  # every holder of the slave has gone
                    raise anyio.EndOfStream from None
                raise
            if not data:
                raise anyio.EndOfStream
            return data

    async def send(self, item: bytes) -> None:
        view = memoryview(item)
        while view:
            if self._closed:
                raise anyio.ClosedResourceError
            try:
                written = os.write(self._fd, view)
            except BlockingIOError:
                await self._ready(write=True)
                continue
            view = view[written:]

    async def send_eof(self) -> None:
        # A terminal's end of input is its EOF character (^D) at the start of a line.
        await self.send(b"\x04")

    async def aclose(self) -> None:
        if not self._closed:
            self._closed = True
            os.close(self._fd)

    async def _ready(self, *, write: bool) -> None:
        loop = asyncio.get_running_loop()
        ready = loop.create_future()

        def wake() -> None:
            if not ready.done():
                ready.set_result(None)

        if write:
            loop.add_writer(self._fd, wake)
        else:
            loop.add_reader(self._fd, wake)
        try:
            await ready
        finally:
            (loop.remove_writer if write else loop.remove_reader)(self._fd)
