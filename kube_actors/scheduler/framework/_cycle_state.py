"""``CycleState``: what plugins keep for one pod's scheduling cycle, typed by key.

A plugin computes something once in PreFilter or PreScore and reads it back for each node::

    FIT_STATE: StateKey[FitState] = StateKey("PreFilterNodeResourcesFit")
    state.write(FIT_STATE, FitState(...))
    fit = state.read(FIT_STATE)        # typed as FitState for mypy

The key carries the type, so reads need no casts.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

__all__ = ["CycleState", "StateKey"]

T = TypeVar("T")


class StateKey(Generic[T]):
    """A name for one piece of cycle state, and (for mypy) its type."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"StateKey({self.name!r})"


class CycleState:
    """Per-cycle scratch space shared by the plugins, plus the runtime's skip sets."""

    __slots__ = ("_data", "skip_filter_plugins", "skip_score_plugins")

    def __init__(self) -> None:
        self._data: dict[StateKey[Any], Any] = {}
        #: Plugins whose PreFilter returned Skip: their Filter is not called.
        self.skip_filter_plugins: set[str] = set()
        #: Plugins whose PreScore returned Skip: their Score is not called.
        self.skip_score_plugins: set[str] = set()

    def write(self, key: StateKey[T], value: T) -> None:
        self._data[key] = value

    def read(self, key: StateKey[T]) -> T:
        """The value written under ``key``; KeyError if none was."""
        value: T = self._data[key]
        return value

    def get(self, key: StateKey[T]) -> T | None:
        value: T | None = self._data.get(key)
        return value

    def delete(self, key: StateKey[Any]) -> None:
        self._data.pop(key, None)

    def clone(self) -> CycleState:
        """A shallow copy (preemption's dry runs change state without touching the cycle's)."""
        copy = CycleState()
        copy._data = dict(self._data)
        copy.skip_filter_plugins = set(self.skip_filter_plugins)
        copy.skip_score_plugins = set(self.skip_score_plugins)
        return copy
