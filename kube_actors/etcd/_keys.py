"""Key ranges as etcd spells them: ``key`` alone, ``[key, range_end)``, or every key from ``key``.

Keys are ``str`` and compare by code point, which is the order of their UTF-8 bytes, so
ranges mean what they mean in etcd.
"""

from __future__ import annotations

__all__ = ["FROM_KEY", "in_range", "prefix_end"]

#: ``range_end`` meaning "every key >= key" (etcd's ``"\\0"``); with ``key=""``: every key.
FROM_KEY = "\0"

_MAX_CHAR = chr(0x10FFFF)


def prefix_end(prefix: str) -> str:
    """The ``range_end`` that, with ``key=prefix``, covers exactly the keys starting with it.

    Like etcd's ``GetPrefixRangeEnd``: the last character, bumped by one. A prefix made only
    of the highest code point (or an empty one) has no such end: every key from it, ``FROM_KEY``.
    """
    stripped = prefix.rstrip(_MAX_CHAR)
    if not stripped:
        return FROM_KEY
    return stripped[:-1] + chr(ord(stripped[-1]) + 1)


def is_single_key(range_end: str | None) -> bool:
    """etcd's convention: no ``range_end`` (or an empty one) names just ``key``."""
    return not range_end


def in_range(candidate: str, key: str, range_end: str | None) -> bool:
    """Whether ``candidate`` lies in the range that ``key`` and ``range_end`` describe."""
    if is_single_key(range_end):
        return candidate == key
    if range_end == FROM_KEY:
        return candidate >= key
    assert range_end is not None
    return key <= candidate < range_end


def ranges_overlap(key: str, range_end: str | None, other: str, other_end: str | None) -> bool:
    """Whether the range ``[key, range_end)`` and the range ``[other, other_end)`` (each in
    etcd's spelling: one key, a half-open range, or every key from) share a key."""
    if is_single_key(range_end):
        return in_range(key, other, other_end)
    if is_single_key(other_end):
        return in_range(other, key, range_end)
    # Two intervals share a key when the later start lies before both ends (an empty
    # interval, whose end is not past its start, shares none).
    start = max(key, other)
    return (range_end == FROM_KEY or start < (range_end or "")) and (
        other_end == FROM_KEY or start < (other_end or "")
    )
