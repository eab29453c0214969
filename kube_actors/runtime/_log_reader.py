"""Reading a container's log files (``_log_files``), as ``kubectl logs`` reads them.

Nothing beyond the answer is held in memory: ``tail_lines`` finds where to start by reading
blocks backwards from the end, and everything then streams forward through the files,
oldest first. Without ``since_time`` or ``timestamps`` a block of records loses its headers
in one split and join instead of record by record.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Final

from ._log_files import LogFile, LogPosition
from ._log_options import LogOptions, Record, render_records

__all__ = ["read_log", "read_log_after"]

_BLOCK: Final = 64 * 1024


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
