"""``compare`` on the frozen objects themselves, for the apiserver's hot write path.

An update shares every unchanged part with the object it replaces (``evolve`` copies
references), so walking the two objects side by side and skipping what is the very same
object costs only what changed, where turning both into wire dicts first would cost the whole
object twice per write. Whatever differs is turned into its wire form there and handed to the
dict walker (``_typed``), so both give the same sets.
"""

from __future__ import annotations

from typing import Any

import attrs

from ._base import evolve, wire_name
from ._converter import _OPTIONAL, _PLAIN, _plan_field, converter
from ._shape import Shape
from ._typed import _compare_value, _everything, compare

__all__ = ["compare_objects"]

_SKIPPED = {"managedFields"}  # nobody manages managedFields: left out of every comparison
_plans: dict[type[Any], list[tuple[str, str, bool]]] = {}


def compare_objects(
    old: Any | None, new: Any, shape: Shape
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(added, modified, removed) from ``old`` (None: nothing, a create) to ``new``."""
    if old is None:
        # Everything is new: one pass over the wire form is cheaper than the object walk.
        meta = getattr(new, "metadata", None)
        if meta is not None and meta.managed_fields:
            new = evolve(new, metadata=evolve(meta, managed_fields=()))
        return compare({}, converter.unstructure(new), shape)
    added: dict[str, Any] = {}
    modified: dict[str, Any] = {}
    removed: dict[str, Any] = {}
    _walk(old, new, shape, added, modified, removed)
    added.pop("f:apiVersion", None)
    added.pop("f:kind", None)
    return added, modified, removed


def _plan(cls: type[Any]) -> list[tuple[str, str, bool]]:
    """Per field: its name, wire key, and whether a zero value is written out anyway."""
    plan = _plans.get(cls)
    if plan is None:
        attrs.resolve_types(cls)
        plan = _plans[cls] = [
            (a.name, wire_name(a), _plan_field(a) in (_PLAIN, _OPTIONAL))
            for a in attrs.fields(cls)
            if wire_name(a) not in _SKIPPED
        ]
    return plan


def _walk(
    old: Any | None,
    new: Any | None,
    shape: Shape,
    added: dict[str, Any],
    modified: dict[str, Any],
    removed: dict[str, Any],
) -> None:
    cls = type(new) if new is not None else type(old)
    required = shape.required_structs()
    for name, key, zero_written in _plan(cls):
        before = getattr(old, name) if old is not None else None
        after = getattr(new, name) if new is not None else None
        if before is after:
            continue
        child = shape.child(key)
        element = "f:" + key
        if key in required or (
            attrs.has(type(after))
            and type(before) is type(after)
            and not child.atomic
            and child.kind == "struct"
        ):
            if before == after:
                continue
            sub: tuple[dict[str, Any], dict[str, Any], dict[str, Any]] = ({}, {}, {})
            _walk(before, after, child, *sub)
            for target, found in zip((added, modified, removed), sub, strict=True):
                if found:
                    target[element] = found
            continue
        gone = before is None or (not zero_written and not before)
        vanished = after is None or (not zero_written and not after)
        if gone and vanished:
            continue
        if gone:
            added[element] = _everything(converter.unstructure(after), child)
        elif vanished:
            removed[element] = _everything(converter.unstructure(before), child)
        elif before != after:
            _compare_value(
                element,
                converter.unstructure(before),
                converter.unstructure(after),
                child,
                added,
                modified,
                removed,
            )
