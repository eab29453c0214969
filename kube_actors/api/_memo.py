"""Results of pure functions of frozen objects, remembered by the object's identity.

A write walks its object several times (defaulting, admission, validation, managedFields,
the size check), and most of what it walks is shared: every Pod of a ReplicaSet carries its
template's spec, and an update keeps every part it did not change (``evolve`` copies
references). A function of a frozen object gives the same result for the same object, so
its result can be looked up by ``id``: the memo holds the object itself, so the id cannot be
reused by another object while the entry lives (an entry found by an object's id is its own).

Only the functions whose result depends on nothing but the object (and the ``extra`` key
given with it) may be remembered; each user says why that holds. Bounded: cleared when full,
so a memo costs at most its size of references. Small by default: an object kept alive by a
memo alone is work for the garbage collector, and the objects shared by many writes (a
template's spec) are few at a time.
"""

from __future__ import annotations

from typing import Generic, TypeVar

__all__ = ["IdentityMemo"]

R = TypeVar("R")


class IdentityMemo(Generic[R]):
    """``f(obj, *extra)`` by ``obj``'s identity, for a pure ``f`` of a frozen ``obj``."""

    __slots__ = ("_found", "_max")

    def __init__(self, max_size: int = 256) -> None:
        self._found: dict[int, tuple[object, object, R]] = {}
        self._max = max_size

    def get(self, obj: object, extra: object = None) -> R | None:
        """What ``put`` kept for this very ``obj`` with an equal ``extra``, or None."""
        hit = self._found.get(id(obj))
        # The entry holds its object, so no other object alive has its id: the entry found
        # by ``obj``'s id is ``obj``'s (no ``is`` to test; a write asks a dozen times).
        if hit is not None and (hit[1] is extra or hit[1] == extra):
            return hit[2]
        return None

    def put(self, obj: object, result: R, extra: object = None) -> R:
        found = self._found
        if len(found) >= self._max:
            found.clear()
        found[id(obj)] = (obj, extra, result)
        return result

    def __len__(self) -> int:
        return len(self._found)

    def clear(self) -> None:
        self._found.clear()
