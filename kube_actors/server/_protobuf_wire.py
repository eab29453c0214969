"""Kubernetes' protobuf envelopes assembled from encoded messages, byte by byte.

A ``<Kind>List`` is its ``ListMeta`` (field 1) and each item's message (field 2); a
``WatchEvent`` is its type (field 1) and a ``RawExtension`` (field 2) whose ``raw`` (field 1)
holds the whole object as the protobuf serializer writes it (``k8s\\x00`` and an ``Unknown``).
Each is a length-delimited field: the tag ``number << 3 | 2``, the length as a varint, the
bytes. Joining already encoded items this way is what lets a list reuse each item's cached
message instead of building a message tree of 10,000 Pods.

A watch stream in protobuf is a sequence of frames, each a ``WatchEvent`` (without magic or
``Unknown``: Kubernetes' stream serializer is the raw one) after its length as four bytes,
big-endian (apimachinery's ``LengthDelimitedFramer``).
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["field", "frame", "list_message", "watch_event"]


def _varint(value: int) -> bytes:
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def field(number: int, payload: bytes) -> bytes:
    """A length-delimited field (a message, a string or bytes)."""
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def list_message(list_meta: bytes, items: Iterable[bytes]) -> bytes:
    """A ``<Kind>List`` message from its encoded ``ListMeta`` and items."""
    return field(1, list_meta) + b"".join(field(2, item) for item in items)


def watch_event(event_type: str, embedded: bytes) -> bytes:
    """A ``meta.v1.WatchEvent`` carrying ``embedded`` (a whole object, magic included)."""
    return field(1, event_type.encode()) + field(2, field(1, embedded))


def frame(message: bytes) -> bytes:
    """One frame of a protobuf watch stream."""
    return len(message).to_bytes(4, "big") + message
