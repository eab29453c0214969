"""Condition helpers: find, set and remove a condition, always returning new tuples.

They work on any condition class with a ``type`` and a ``status`` (PodCondition,
DeploymentCondition, NodeCondition...) and, when it has one, ``last_transition_time``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol, TypeVar

from ._base import evolve

__all__ = ["get_condition", "remove_condition", "set_condition"]


class _Condition(Protocol):
    @property
    def type(self) -> str: ...

    @property
    def status(self) -> str: ...


C = TypeVar("C", bound=_Condition)


def get_condition(conditions: Iterable[C], condition_type: str) -> C | None:
    """The condition of that type, or None."""
    for condition in conditions:
        if condition.type == condition_type:
            return condition
    return None


def set_condition(conditions: Iterable[C], new: C) -> tuple[C, ...]:
    """Replace the condition of ``new.type`` (or append it).

    As Kubernetes' helpers do, an unchanged status keeps the old ``last_transition_time``:
    the time says when the status last flipped, not when someone last looked.
    """
    result: list[C] = []
    replaced = False
    for condition in conditions:
        if condition.type != new.type:
            result.append(condition)
            continue
        replaced = True
        result.append(_keep_transition_time(condition, new))
    if not replaced:
        result.append(new)
    return tuple(result)


def remove_condition(conditions: Iterable[C], condition_type: str) -> tuple[C, ...]:
    """All conditions but the one of that type."""
    return tuple(c for c in conditions if c.type != condition_type)


def _keep_transition_time(old: C, new: C) -> C:
    if old.status != new.status:
        return new
    old_time: Any = getattr(old, "last_transition_time", None)
    if old_time is None or getattr(new, "last_transition_time", None) == old_time:
        return new
    kept: C = evolve(new, last_transition_time=old_time)
    return kept
