"""A CronJob's schedule, parsed as Kubernetes parses it (robfig/cron's ``ParseStandard``).

Five fields (minute, hour, day of month, month, day of week; names like ``JAN`` and ``MON``,
ranges, steps, lists, ``*`` and ``?``), the descriptors ``@yearly`` (``@annually``),
``@monthly``, ``@weekly``, ``@daily`` (``@midnight``) and ``@hourly``, and ``@every
<duration>``. The parse errors are worded as robfig's are, since the apiserver quotes them.
The times themselves come from croniter (day of month and day of week are or-ed, as in
cron); ``@every`` is a constant delay counted from the given time, truncated to the second.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Final
from zoneinfo import ZoneInfo

import attrs
from croniter import croniter

__all__ = ["CronSchedule", "parse_schedule"]

_DESCRIPTORS: Final = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
_MONTHS: Final = [
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
]
_DAYS: Final = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
# (minimum, maximum, names) of each field, in order.
_BOUNDS: Final[tuple[tuple[int, int, dict[str, int]], ...]] = (
    (0, 59, {}),
    (0, 23, {}),
    (1, 31, {}),
    (1, 12, {name: i + 1 for i, name in enumerate(_MONTHS)}),
    (0, 6, {name: i for i, name in enumerate(_DAYS)}),
)
_DURATION_PART: Final = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")
_UNIT_SECONDS: Final = {
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
}


@attrs.frozen
class CronSchedule:
    """A parsed schedule: ``expression`` (five fields) or ``every`` seconds, and a zone."""

    expression: str = ""
    every: float = 0.0
    zone: str = ""  # a TZ= / CRON_TZ= prefix, kept by objects stored before it was refused

    def next(self, after: dt.datetime, time_zone: str | None = None) -> dt.datetime | None:
        """The first activation strictly after ``after`` (UTC), or None when there is none
        (``0 0 31 2 *`` parses, and never comes)."""
        if self.every:
            whole = after.replace(microsecond=0)
            return whole + dt.timedelta(seconds=self.every)
        return _next_time(self.expression, time_zone or self.zone or "UTC", after)


@functools.lru_cache(maxsize=1024)
def _next_time(expression: str, zone_name: str, after: dt.datetime) -> dt.datetime | None:
    # Cached: a controller asks for the time after the same last run at every reconcile.
    zone = ZoneInfo(zone_name)
    iterator = _iterator(expression)
    try:
        iterator.set_current(after.astimezone(zone), force=True)
        found = iterator.get_next(dt.datetime)
    except Exception:  # croniter's "failed to find next date" for impossible dates
        return None
    assert isinstance(found, dt.datetime)
    return found.astimezone(dt.UTC)


@functools.lru_cache(maxsize=256)
def _iterator(expression: str) -> croniter:
    """One croniter per expression, moved to each start time: building one expands the
    fields, which costs more than finding the next time."""
    return croniter(expression)


def parse_schedule(text: str) -> CronSchedule:
    """The schedule ``text`` means; ValueError with robfig/cron's wording when it is bad."""
    spec, zone = text.strip(), ""
    if spec == "":
        raise ValueError("empty spec string")
    if spec.startswith(("TZ=", "CRON_TZ=")):
        head, _, spec = spec.partition(" ")
        zone = head.partition("=")[2]
        try:
            ZoneInfo(zone)
        except (ValueError, KeyError) as error:
            raise ValueError(f"provided bad location {zone}: {error}") from None
        spec = spec.strip()
    if spec.startswith("@every "):
        return CronSchedule(every=max(1.0, float(int(_duration(spec[7:].strip())))), zone=zone)
    if spec.startswith("@"):
        if spec not in _DESCRIPTORS:
            raise ValueError(f"unrecognized descriptor: {spec}")
        return CronSchedule(expression=_DESCRIPTORS[spec], zone=zone)
    fields = spec.split()
    if len(fields) != 5:
        raise ValueError(f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]")
    for field, (low, high, names) in zip(fields, _BOUNDS, strict=True):
        for part in field.split(","):
            _check_range(part, low, high, names)
    return CronSchedule(expression=" ".join(fields), zone=zone)


def _check_range(expr: str, low: int, high: int, names: dict[str, int]) -> None:
    range_and_step = expr.split("/")
    if len(range_and_step) > 2:
        raise ValueError(f"too many slashes: {expr}")
    bounds = range_and_step[0].split("-")
    if bounds[0] in ("*", "?"):
        start, end = low, high
    elif len(bounds) > 2:
        raise ValueError(f"too many hyphens: {expr}")
    else:
        start = _number(bounds[0], names)
        end = _number(bounds[1], names) if len(bounds) == 2 else start
    if len(range_and_step) == 2:
        step = _number(range_and_step[1], {})
        if step <= 0:
            raise ValueError(f"step of range should be a positive number: {expr}")
        if len(bounds) == 1 and bounds[0] not in ("*", "?"):
            end = high  # "5/15": from 5 to the end, as robfig reads it
    if start < low:
        raise ValueError(f"beginning of range ({start}) below minimum ({low}): {expr}")
    if end > high:
        raise ValueError(f"end of range ({end}) above maximum ({high}): {expr}")
    if start > end:
        raise ValueError(f"beginning of range ({start}) beyond end of range ({end}): {expr}")


def _number(text: str, names: dict[str, int]) -> int:
    if text.lower() in names:
        return names[text.lower()]
    if not re.fullmatch(r"[+-]?\d+", text):
        raise ValueError(
            f'failed to parse int from {text}: strconv.Atoi: parsing "{text}": invalid syntax'
        )
    number = int(text)
    if number < 0:
        raise ValueError(f"negative number ({number}) not allowed: {text}")
    return number


def _duration(text: str) -> float:
    """Go's ``time.ParseDuration`` for what ``@every`` takes (``90s``, ``1h30m``)."""
    parts = _DURATION_PART.findall(text)
    if not text or "".join(n + u for n, u in parts) != text:
        raise ValueError(f'failed to parse duration @every {text}: time: invalid duration "{text}"')
    return sum(float(number) * _UNIT_SECONDS[unit] for number, unit in parts)
