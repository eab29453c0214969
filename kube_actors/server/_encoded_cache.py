"""The encoded-object cache: each stored version of an object is encoded once per encoding and
the bytes are reused by every get, list and watch that answers it.

Why it is safe: a stored version never changes. The apiserver's watch cache and the store
hand out frozen objects, and an object's ``uid`` and ``resourceVersion`` together name one
version for good (a write makes a new resourceVersion). So ``(uid, resourceVersion, form)``
names one byte string forever, and a cached entry can only be evicted, never stale. A
write's answer is the version it stored (cached: the watch events that follow carry the same
version). What may not be a stored version is never cached but encoded each time: a dry
run's answer (it may carry the resourceVersion of the version it did not replace), a DELETED
event's object (for a watch whose selector the object left, the previous version stamped
with the newer revision), an object without a uid or resourceVersion.

Kubernetes does the same in its watch cache (``cachingObject``: an object's serializations,
kept per encoder). The cache is bounded in bytes; the least recently used entries go first.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Final

import attrs

__all__ = ["DEFAULT_CACHE_BYTES", "CacheStatistics", "EncodedCache"]

#: Enough for the JSON and protobuf forms of some 30,000 small Pods.
DEFAULT_CACHE_BYTES: Final = 64 << 20


@attrs.frozen
class CacheStatistics:
    """What ``EncodedCache.statistics()`` reports."""

    hits: int
    misses: int
    entries: int
    bytes: int
    max_bytes: int


class EncodedCache:
    """Encoded forms of stored object versions, bounded to ``max_bytes`` (0 turns it off)."""

    def __init__(self, max_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple[str, str, str, type], bytes] = OrderedDict()
        self._bytes = 0
        self._hits = 0
        self._misses = 0

    def encoded(self, obj: Any, form: str, encode: Callable[[Any], bytes]) -> bytes:
        """``encode(obj)``, from the cache when this version was encoded in ``form`` before."""
        meta = obj.metadata
        uid, version = meta.uid, meta.resource_version
        if not self.max_bytes or not uid or not version:
            return encode(obj)
        # The class too: a custom resource's kind redefined (its CRD changed) may read the
        # same stored version into another shape.
        key = (uid, version, form, type(obj))
        found = self._entries.get(key)
        if found is not None:
            self._hits += 1
            self._entries.move_to_end(key)
            return found
        self._misses += 1
        data = encode(obj)
        if len(data) <= self.max_bytes:
            self._entries[key] = data
            self._bytes += len(data)
            while self._bytes > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= len(evicted)
        return data

    def statistics(self) -> CacheStatistics:
        return CacheStatistics(
            hits=self._hits,
            misses=self._misses,
            entries=len(self._entries),
            bytes=self._bytes,
            max_bytes=self.max_bytes,
        )
