"""Compiled label selectors of the objects a controller owns, kept per object.

A workload's selector rarely changes (a ReplicaSet's never does), but a reconcile matches it
against every Pod or ReplicaSet in the namespace: compiling it once per version of the
selector, not once per reconcile, keeps that to a dict lookup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..api import Selector, compile_selector

__all__ = ["SelectorCache"]


class SelectorCache:
    """``of(obj)``: the compiled ``obj.spec.selector``, compiled again only when the object's
    selector is another object than the one compiled (the cache hands out frozen objects)."""

    __slots__ = ("_compiled",)

    def __init__(self) -> None:
        self._compiled: dict[str, tuple[Any, Selector]] = {}

    def of(self, obj: Any) -> Selector:
        uid = obj.metadata.uid
        source = obj.spec.selector
        cached = self._compiled.get(uid)
        if cached is not None and cached[0] is source:
            return cached[1]
        selector = compile_selector(source)
        self._compiled[uid] = (source, selector)
        return selector

    def forget(self, uid: str) -> None:
        self._compiled.pop(uid, None)

    def retain(self, keep: Callable[[str], bool]) -> None:
        """Forget the selectors of the objects (by uid) that ``keep`` says are gone."""
        self._compiled = {uid: v for uid, v in self._compiled.items() if keep(uid)}
