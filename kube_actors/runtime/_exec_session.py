"""``ExecSession``: a command running in a container, with its streams (CRI's Exec and Attach).

CRI's ``ExecSync`` (``ContainerRuntime.exec``) runs a command to its end and hands back what
it wrote; ``kubectl exec -it`` needs more: stdin fed while it runs, stdout and stderr as they
come, a terminal that can be resized, and the exit code at the end. A session is that: the
streams are anyio byte streams, ``wait()`` gives the exit code (a shell's: 128 + the signal
for a process a signal killed), and ``aclose()`` ends whatever still runs.

With a TTY there is one output stream (a terminal merges stdout and stderr, as in
Kubernetes), so ``stderr`` is None.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import anyio.abc

__all__ = ["ExecSession"]


class ExecSession:
    """A running command's streams and its end; use it as ``async with session``."""

    def __init__(
        self,
        *,
        stdout: anyio.abc.ByteReceiveStream,
        wait: Callable[[], Awaitable[int]],
        close: Callable[[], Awaitable[None]],
        stdin: anyio.abc.ByteSendStream | None = None,
        stderr: anyio.abc.ByteReceiveStream | None = None,
        resize: Callable[[int, int], None] | None = None,
        tty: bool = False,
    ) -> None:
        #: The command's stdin, None unless it was asked for.
        self.stdin = stdin
        #: Its stdout (with a TTY, the terminal's output: stdout and stderr together).
        self.stdout = stdout
        #: Its stderr, None with a TTY.
        self.stderr = stderr
        #: Whether the command runs on a terminal.
        self.tty = tty
        self._wait = wait
        self._close = close
        self._resize = resize

    async def wait(self) -> int:
        """The exit code, once the command has ended."""
        return await self._wait()

    def resize(self, width: int, height: int) -> None:
        """Tell the terminal its new size (columns, rows); nothing without a TTY."""
        if self._resize is not None and width > 0 and height > 0:
            self._resize(width, height)

    async def aclose(self) -> None:
        """End the command if it still runs, and close the streams."""
        await self._close()

    async def __aenter__(self) -> ExecSession:
        return self

    async def __aexit__(self, *exc: object) -> None:
        with anyio.CancelScope(shield=True):
            await self.aclose()
