"""A container's output, read from a pipe on the event loop into its ``LogFile``.

containerd's shim does this for Kubernetes: the container writes to a pipe, the shim stamps
each line with the time it read it and appends it to the log file, which can then be
rotated under a running container (a process writing the file itself could not be). Here
the event loop watches the pipe like a socket; one read of at most 64 KiB per wake-up
keeps a chatty container from starving the cluster, and a container that writes faster
than that simply blocks on its full pipe.
"""

from __future__ import annotations

import asyncio
import os
from typing import Final

from kube_actors.actors import wall_clock

from ._log_files import LogFile

__all__ = ["LogPipe"]

_CHUNK: Final = 64 * 1024
# What draining at exit may read before giving up on a writer that escaped the container.
_DRAIN_LIMIT: Final = 64


class LogPipe:
    """``write_fd`` goes to the child as stdout and stderr; ``start`` begins reading."""

    def __init__(self, log: LogFile) -> None:
        self.log = log
        self.read_fd, self.write_fd = os.pipe()
        os.set_blocking(self.read_fd, False)
        self._loop: asyncio.AbstractEventLoop | None = None

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
        self.log.close(now=wall_clock())
