"""Container log files as the kubelet and CRI keep them: timestamped records, rotated.

Each record is one line of CRI's log format, ``<RFC 3339 nano time> <stream> <tag> <text>``,
the tag ``F`` for a full line and ``P`` for a piece of a longer one (lines are cut at 16 KiB,
as containerd cuts them). A container's log is its current file and up to
``max_files - 1`` rotated ones (``<log>.1`` the newest), the current file rotated as soon
as the next record would take it past ``max_size`` (the kubelet's ``containerLogMaxSize``,
10 MiB, and ``containerLogMaxFiles``, 5): a container cannot fill the disk.

Reading is ``_log_reader``'s.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import Final

import anyio

from ._log_options import timestamp_text

__all__ = ["MAX_LINE", "LogFile", "LogPosition"]

MAX_LINE: Final = 16 * 1024

#: Where a reader stands in a log: rotations seen so far, and the offset in the file that was
#: current then.
LogPosition = tuple[int, int]


class LogFile:
    """The writing side of one container's log: records appended, files rotated.

    ``changed`` is set (and replaced) after every write and at ``close``, for followers.
    """

    def __init__(self, path: str, *, max_size: int, max_files: int) -> None:
        self.path = path
        self.max_size = max_size
        self.max_files = max(1, max_files)
        self.rotations = 0
        self.closed = False
        self.changed = anyio.Event()
        self._file = open(path, "ab", buffering=0)  # noqa: SIM115 (closed by close())
        self._size = self._file.tell()
        self._partial = b""

    @property
    def position(self) -> LogPosition:
        return self.rotations, self._size

    def is_closed(self) -> bool:
        """Whether the container's output has ended (a method: it changes under a reader)."""
        return self.closed

    def write(self, data: bytes, stream: str = "stdout", now: dt.datetime | None = None) -> None:
        """Append output as it came from the container: complete lines become ``F``
        records, a trailing piece waits for the rest of its line (or becomes a ``P`` record
        once it reaches 16 KiB)."""
        stamp = timestamp_text(now or dt.datetime.now(dt.UTC)).encode()
        data = self._partial + data
        lines = data.split(b"\n")
        self._partial = lines.pop()
        out: list[bytes] = []
        for line in lines:
            out.extend(_records(stamp, stream, line, full=True))
        while len(self._partial) >= MAX_LINE:
            piece, self._partial = self._partial[:MAX_LINE], self._partial[MAX_LINE:]
            out.append(_record(stamp, stream, b"P", piece))
        for record in out:
            self._append(record)
        if out:
            self._notify()

    def close(self, now: dt.datetime | None = None) -> None:
        """Write out a last unterminated line (as a full one) and close the file."""
        if self.closed:
            return
        if self._partial:
            stamp = timestamp_text(now or dt.datetime.now(dt.UTC)).encode()
            self._append(_record(stamp, "stdout", b"F", self._partial))
            self._partial = b""
        self._file.close()
        self.closed = True
        self._notify()

    def _notify(self) -> None:
        self.changed.set()
        self.changed = anyio.Event()

    def _append(self, record: bytes) -> None:
        if self._size and self._size + len(record) > self.max_size:
            self._rotate()
        self._file.write(record)
        self._size += len(record)

    def _rotate(self) -> None:
        self._file.close()
        if self.max_files == 1:
            os.unlink(self.path)
        else:
            for n in range(self.max_files - 1, 1, -1):
                older = f"{self.path}.{n - 1}"
                if os.path.exists(older):
                    os.replace(older, f"{self.path}.{n}")
            os.replace(self.path, f"{self.path}.1")
        self._file = open(self.path, "ab", buffering=0)  # noqa: SIM115
        self._size = 0
        self.rotations += 1


def _records(stamp: bytes, stream: str, line: bytes, *, full: bool) -> Iterator[bytes]:
    while len(line) > MAX_LINE:
        yield _record(stamp, stream, b"P", line[:MAX_LINE])
        line = line[MAX_LINE:]
    yield _record(stamp, stream, b"F" if full else b"P", line)


def _record(stamp: bytes, stream: str, tag: bytes, text: bytes) -> bytes:
    return b"%s %s %s %s\n" % (stamp, stream.encode(), tag, text)
