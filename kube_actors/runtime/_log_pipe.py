"""A container's output, read from a pipe on the event loop into its ``LogFile``.

containerd's shim does this for Kubernetes: the container writes to a pipe, the shim stamps
each line with the time it read it and appends it to the log file, which can then be
rotated under a running container (a process writing the file itself could not be). Here
the event loop watches the pipe like a socket; one read of at most 64 KiB per wake-up
keeps a chatty container from starving the cluster, and a container that writes faster
than that simply blocks on its full pipe.

A container with a TTY writes to a pseudo-terminal instead: the log reads its master. What
is read also goes to the attach sessions listening (``listen``); one that falls behind
stops the reading until it catches up, so the container waits for it as it would in
containerd, and memory stays bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from typing import Final

from kube_actors.actors import wall_clock

from ._container_stdio import OutputListener
from ._log_files import LogFile
from ._pty import open_pty

__all__ = ["LogPipe"]

_CHUNK: Final = 64 * 1024
# What draining at exit may read before giving up on a writer that escaped the container.
_DRAIN_LIMIT: Final = 64


class LogPipe:
    """``write_fd`` goes to the child as stdout and stderr (with ``terminal``, the pty's
    slave, as stdin too; ``read_fd`` is then its master); ``start`` begins reading."""

    def __init__(self, log: LogFile, *, terminal: bool = False) -> None:
        self.log = log
        if terminal:
            self.read_fd, self.write_fd = open_pty()
        else:
            self.read_fd, self.write_fd = os.pipe()
            os.set_blocking(self.read_fd, False)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._listeners: list[OutputListener] = []
        self._paused = False

    def listen(self) -> OutputListener:
        """What the container writes from now on, for an attach session."""
        listener = OutputListener(room_made=self._resume, forget=self._forget)
        if self.read_fd < 0:
            listener.end()
        else:
            self._listeners.append(listener)
        return listener

    def _forget(self, listener: OutputListener) -> None:
        with contextlib.suppress(ValueError):
            self._listeners.remove(listener)

    def _hand_out(self, data: bytes) -> None:
        for listener in self._listeners:
            listener.offer(data)
        running = self._loop is not None and not self._paused and self.read_fd >= 0
        if running and not all(listener.has_room() for listener in self._listeners):
            assert self._loop is not None
            self._loop.remove_reader(self.read_fd)
            self._paused = True

    def _resume(self) -> None:
        if not self._paused or self._loop is None or self.read_fd < 0:
            return
        if all(listener.has_room() for listener in self._listeners):
            self._paused = False
            self._loop.add_reader(self.read_fd, self._readable)

    def start(self) -> None:
        """The child has its copy: close ours (so EOF comes when the container's last
        writer ends) and watch the read end."""
        os.close(self.write_fd)
        self.write_fd = -1
        self._loop = asyncio.get_running_loop()
        self._loop.add_reader(self.read_fd, self._readable)

    def _readable(self) -> None:
        try:
            data = os.read(self.read_fd, _CHUNK)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if data:
            self.log.write(data, now=wall_clock())
            self._hand_out(data)
        else:
            self.close()

    def drain_and_close(self) -> None:
        """The container exited: keep what is already in the pipe, then stop reading."""
        if self.read_fd < 0:
            return
        for _ in range(_DRAIN_LIMIT):
            try:
                data = os.read(self.read_fd, _CHUNK)
            except (BlockingIOError, OSError):
                break
            if not data:
                break
            self.log.write(data, now=wall_clock())
            for listener in self._listeners:
                listener.offer(data)
        self.close()

    def close(self) -> None:
        if self.write_fd >= 0:
            os.close(self.write_fd)
            self.write_fd = -1
        if self.read_fd >= 0:
            if self._loop is not None:
                self._loop.remove_reader(self.read_fd)
            os.close(self.read_fd)
            self.read_fd = -1
        for listener in self._listeners:
            listener.end()
        self._listeners.clear()
        self.log.close(now=wall_clock())
