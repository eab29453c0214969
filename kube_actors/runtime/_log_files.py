"""Container log files as the kubelet and CRI keep them: timestamped records, rotated.

Each record is one line of CRI's log format, ``<RFC 3339 nano time> <stream> <tag> <text>``,
the tag ``F`` for a full line and ``P`` for a piece of a longer one (lines are cut at 16 KiB,
as containerd cuts them). A container's log is its current file and up to
``max_files - 1`` rotated ones (``<log>.1`` the newest), the current file rotated as soon
as the next record would take it past ``max_size`` (the kubelet's ``containerLogMaxSize``,
10 MiB, and ``containerLogMaxFiles``, 5): a container cannot fill the disk.

Reading never holds more than the answer in memory: ``tail_lines`` reads from the end, block
by block; everything else streams forward through the files.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import anyio

from ._log_options import LogOptions, Record, render_records, timestamp_text

__all__ = ["LogFile", "LogPosition", "read_log", "read_log_after"]

MAX_LINE: Final = 16 * 1024
_BLOCK: Final = 64 * 1024

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


# ----------------------------------------------------------------------------- reading


def _files(path: str, max_files: int) -> list[str]:
    """The log's files, oldest first."""
    rotated = [f"{path}.{n}" for n in range(max_files - 1, 0, -1)]
    return [p for p in (*rotated, path) if os.path.exists(p)]


def read_log(path: str, max_files: int, options: LogOptions) -> str:
    """The log as ``kubectl logs`` shows it, with ``options`` applied."""
    files = _files(path, max_files)
    tail = options.tail_lines
    start = (0, 0) if tail is None else _tail_start(files, tail)
    if options.since_time is None and not options.timestamps:
        return _plain(files, start, options.limit_bytes)
    return render_records(_forward(files, start), options)


def _texts(block: bytes) -> bytes:
    """The texts of a block of whole records: a full line keeps its newline, a piece not."""
    records = [line.split(b" ", 3) for line in block.split(b"\n")]
    return b"".join(r[3] + b"\n" if r[2] == b"F" else r[3] for r in records if len(r) == 4)


def _plain(files: list[str], start: tuple[int, int], limit: int | None) -> str:
    """The texts of the records from ``start`` on, a block at a time (no per-record
    Python work but a regular expression's): the common ``kubectl logs``."""
    out: list[bytes] = []
    budget = limit
    first, offset = start
    for index in range(first, len(files)):
        try:
            handle = open(files[index], "rb")  # noqa: SIM115 (closed by the with below)
        except FileNotFoundError:
            continue
        with handle:
            if index == first and offset:
                handle.seek(offset)
            size = _BLOCK if budget is not None else _BLOCK * 16
            while block := handle.read(size):
                block += handle.readline()  # whole records only
                text = _texts(block)
                if budget is not None:
                    if len(text) >= budget:
                        out.append(text[:budget])
                        return b"".join(out).decode("utf-8", "replace")
                    budget -= len(text)
                out.append(text)
    return b"".join(out).decode("utf-8", "replace")


def read_log_after(
    log: LogFile, position: LogPosition, options: LogOptions
) -> tuple[str, LogPosition]:
    """What was written after ``position``, and the position after it (for followers).

    Records rotated away entirely since ``position`` (more than ``max_files`` rotations)
    are lost to the reader, as they are to a slow ``kubectl logs -f``.
    """
    rotations, offset = position
    behind = log.rotations - rotations
    paths: list[str] = []
    if behind >= log.max_files:
        offset = 0
        behind = log.max_files - 1
    for n in range(behind, 0, -1):
        paths.append(f"{log.path}.{n}")
    paths.append(log.path)
    files = [p for p in paths if os.path.exists(p)]
    if len(files) < len(paths):
        offset = 0
    text = render_records(_forward(files, (0, offset)), options)
    return text, log.position


def _forward(files: list[str], start: tuple[int, int]) -> Iterator[Record]:
    first, offset = start
    for index in range(first, len(files)):
        try:
            with open(files[index], "rb") as handle:
                if index == first and offset:
                    handle.seek(offset)
                for raw in handle:
                    record = _parse(raw)
                    if record is not None:
                        yield record
        except FileNotFoundError:  # rotated away while reading
            continue


def _parse(raw: bytes) -> Record | None:
    parts = raw.rstrip(b"\n").split(b" ", 3)
    if len(parts) < 3:
        return None
    text = parts[3] if len(parts) == 4 else b""
    return parts[0].decode(), parts[2] == b"F", text


def _tail_start(files: list[str], lines: int) -> tuple[int, int]:
    """(file index, offset) of the first record of the last ``lines`` full lines,
    found by reading blocks backwards from the end."""
    if lines <= 0:
        return len(files), 0
    seen = 0
    for index in range(len(files) - 1, -1, -1):
        for offset, full in _records_backwards(files[index]):
            if full:
                seen += 1
                if seen > lines:
                    # This record ends the line before the ones wanted: start after it.
                    return _after(files, index, offset)
    return 0, 0


def _after(files: list[str], index: int, offset: int) -> tuple[int, int]:
    with open(files[index], "rb") as handle:
        handle.seek(offset)
        handle.readline()
        position = handle.tell()
        if handle.read(1):
            return index, position
    return index + 1, 0


def _records_backwards(path: str) -> Iterator[tuple[int, bool]]:
    """(offset, is full) of each record of a file, last first, reading 64 KiB at a time."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 (closed by the with below)
    except FileNotFoundError:
        return
    with handle:
        end = handle.seek(0, os.SEEK_END)
        carry = b""  # the start of the file region after `end`: a record cut by the block
        while end > 0:
            start = max(0, end - _BLOCK)
            handle.seek(start)
            data = handle.read(end - start) + carry
            lines = data.split(b"\n")
            if start > 0 and len(lines) == 1:
                carry, end = data, start
                continue
            # The first line of a block that does not start the file may be cut: it is read
            # again, whole, with the block before.
            carry = lines[0] + b"\n" if start > 0 else b""
            position = start + len(carry)
            entries: list[tuple[int, bytes]] = []
            for line in lines[1 if start > 0 else 0 :]:
                entries.append((position, line))
                position += len(line) + 1
            if entries and entries[-1][1] == b"":
                entries.pop()
            for offset, line in reversed(entries):
                parts = line.split(b" ", 3)
                yield offset, len(parts) > 2 and parts[2] == b"F"
            end = start


def log_size(path: str, max_files: int) -> int:
    return sum(Path(p).stat().st_size for p in _files(path, max_files))
