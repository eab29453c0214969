"""``LogOptions``: what part of a container's log to read, as ``PodLogOptions`` has it.

``tail_lines`` keeps the last lines, ``since_time`` the lines written at or after a time,
``limit_bytes`` cuts the answer after that many bytes (mid-line, as Kubernetes does), and
``timestamps`` starts every line with the time it was written (RFC 3339, nanoseconds).
This is the runtime's side of the API's ``PodLogOptions``, already checked and with
``sinceSeconds`` turned into a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs

__all__ = ["LogOptions", "Record", "render_records", "timestamp_text"]

#: One log record: its time (``timestamp_text``), whether it ends a line, and its text.
Record = tuple[str, bool, bytes]


@attrs.frozen(kw_only=True)
class LogOptions:
    """Which part of a log to read; the defaults read all of it."""

    limit_bytes: int | None = None
    tail_lines: int | None = None
    since_time: dt.datetime | None = None
    timestamps: bool = False


def timestamp_text(moment: dt.datetime) -> str:
    """RFC 3339 with nine fractional digits, in UTC: fixed width, so texts sort as times."""
    moment = moment.astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond * 1000:09d}Z"


def render_records(records: Iterable[Record], options: LogOptions) -> str:
    """The text ``kubectl logs`` prints for ``records`` (oldest first) under ``options``."""
    since = timestamp_text(options.since_time) if options.since_time is not None else ""
    budget = options.limit_bytes
    out: list[bytes] = []
    line_started = False
    for stamp, full, text in records:
        if since and stamp < since:
            continue
        piece = text + b"\n" if full else text
        if options.timestamps and not line_started:
            piece = stamp.encode() + b" " + piece
        line_started = not full
        if budget is not None:
            if len(piece) >= budget:
                out.append(piece[:budget])
                break
            budget -= len(piece)
        out.append(piece)
    return b"".join(out).decode("utf-8", "replace")
