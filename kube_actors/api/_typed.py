"""Wire dicts walked along their shape: the field set of an object, the difference between
two objects, server-side apply's merge, and removing paths (structured-merge-diff's typed
values, on plain dicts).

- ``field_set``: the paths an applied configuration sets — its leaves and list items (a
  struct or map is not a member itself; an atomic one is a leaf).
- ``compare``: what changed from ``old`` to ``new`` as three sets, added, modified and
  removed; an added struct, map or list is a member with everything under it. A struct Go
  holds by value is there in every object, even empty, so it is never "added" itself.
- ``merge``: the configuration laid over the live object: structs and maps merge key by
  key, associative lists item by item (their keys), sets by value, atomic values replace.
- ``remove``: the object without the given paths, except where ``keep`` still owns
  something beneath.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._base import EMPTY_TREE, FrozenTree
from ._fieldset import SELF, item_element
from ._shape import Shape

__all__ = ["compare", "compare_value", "everything", "field_set", "merge", "remove"]

# Sets are built frozen where they are built whole (a leaf, everything under a new value),
# so that storing them in managedFields does not copy them again.
_MEMBER: dict[str, Any] = EMPTY_TREE
_MISSING = object()


def _is_leaf(shape: Shape, value: Any) -> bool:
    return shape.atomic or shape.kind == "leaf" or not value or not isinstance(value, dict | list)


def _is_atomic(shape: Shape) -> bool:
    return shape.atomic or shape.kind == "leaf"


def _keys(shape: Shape) -> tuple[str, ...]:
    return shape.field.list_map_keys if shape.field.list_type == "map" else ()


def _element(shape: Shape, item: Any) -> str:
    keys = _keys(shape)
    defaults = shape.field.key_defaults
    if defaults and isinstance(item, Mapping) and any(k not in item for k in defaults):
        item = {**defaults, **item}
    return item_element(keys, item)


def _indexed(shape: Shape, items: list[Any]) -> dict[str, Any]:
    return {_element(shape, item): item for item in items}


# ----------------------------------------------------------------------- field sets


def field_set(value: Mapping[str, Any], shape: Shape) -> dict[str, Any]:
    """The paths of an applied configuration (structured-merge-diff's ToFieldSet); an
    empty map, struct or list that merges (not atomic) sets nothing."""
    out: dict[str, Any] = {}
    for key, child in value.items():
        node = _set_node(child, shape.child(key))
        if node is not None:
            out["f:" + key] = node
    return out


def _set_node(value: Any, shape: Shape) -> dict[str, Any] | None:
    if _is_atomic(shape) or not isinstance(value, dict | list):
        return _MEMBER
    if not value:
        return None
    if isinstance(value, dict):
        return field_set(value, shape) or None
    element = shape.element
    keyed = bool(_keys(shape)) and element is not None
    out: dict[str, Any] = {}
    for item in value:
        node: dict[str, Any] = {}
        if keyed and isinstance(item, dict) and element is not None and item:
            node = {SELF: {}, **field_set(item, element)}
        out[_element(shape, item)] = node
    return out


def everything(value: Any, shape: Shape) -> dict[str, Any]:
    """A value that came or went: it and every path beneath it."""
    if _is_leaf(shape, value):
        return _MEMBER
    out: dict[str, Any] = {SELF: EMPTY_TREE}
    if isinstance(value, dict):
        for key, child in value.items():
            out["f:" + key] = everything(child, shape.child(key))
        return FrozenTree(out)
    element = shape.element
    for item in value:
        node: dict[str, Any] = _MEMBER
        if _keys(shape) and isinstance(item, dict) and element is not None:
            node = everything(item, element)
        out[_element(shape, item)] = node
    return FrozenTree(out)


# -------------------------------------------------------------------------- compare


def compare(
    old: Mapping[str, Any], new: Mapping[str, Any], shape: Shape
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(added, modified, removed) from ``old`` to ``new``."""
    added: dict[str, Any] = {}
    modified: dict[str, Any] = {}
    removed: dict[str, Any] = {}
    _compare_map(old, new, shape, added, modified, removed)
    return added, modified, removed


def _compare_map(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    shape: Shape,
    added: dict[str, Any],
    modified: dict[str, Any],
    removed: dict[str, Any],
) -> None:
    required = shape.required_structs()
    for key in {**old, **new}:
        before = old.get(key, _MISSING)
        after = new.get(key, _MISSING)
        if before is after:
            continue
        child = shape.child(key)
        if key in required:
            before = {} if before is _MISSING else before
            after = {} if after is _MISSING else after
        compare_value("f:" + key, before, after, child, added, modified, removed)


def compare_value(
    element: str,
    before: Any,
    after: Any,
    shape: Shape,
    added: dict[str, Any],
    modified: dict[str, Any],
    removed: dict[str, Any],
) -> None:
    if before is _MISSING:
        added[element] = everything(after, shape)
    elif after is _MISSING:
        removed[element] = everything(before, shape)
    elif before == after:
        return
    elif (
        _is_atomic(shape) or type(before) is not type(after) or not isinstance(before, dict | list)
    ):
        modified[element] = _MEMBER
    else:
        sub_added: dict[str, Any] = {}
        sub_modified: dict[str, Any] = {}
        sub_removed: dict[str, Any] = {}
        if isinstance(before, dict):
            _compare_map(before, after, shape, sub_added, sub_modified, sub_removed)
        else:
            _compare_list(before, after, shape, sub_added, sub_modified, sub_removed)
        for target, sub in ((added, sub_added), (modified, sub_modified), (removed, sub_removed)):
            if sub:
                target[element] = sub


def _compare_list(
    before: list[Any],
    after: list[Any],
    shape: Shape,
    added: dict[str, Any],
    modified: dict[str, Any],
    removed: dict[str, Any],
) -> None:
    old_items, new_items = _indexed(shape, before), _indexed(shape, after)
    element_shape = shape.element
    keyed = bool(_keys(shape)) and element_shape is not None
    for pe, item in new_items.items():
        previous = old_items.get(pe, _MISSING)
        if previous is _MISSING:
            added[pe] = everything(item, element_shape) if keyed and element_shape else _MEMBER
        elif keyed and element_shape is not None and previous != item:
            compare_value(pe, previous, item, element_shape, added, modified, removed)
    for pe, item in old_items.items():
        if pe not in new_items:
            removed[pe] = everything(item, element_shape) if keyed and element_shape else _MEMBER


# ---------------------------------------------------------------------------- merge


def merge(live: Mapping[str, Any], config: Mapping[str, Any], shape: Shape) -> dict[str, Any]:
    """``config`` applied over ``live`` (structured-merge-diff's Merge)."""
    out = dict(live)
    for key, value in config.items():
        child = shape.child(key)
        current = out.get(key)
        if value is None:
            out.pop(key, None)
        elif current is None or _is_atomic(child):
            out[key] = value
        elif isinstance(value, dict) and isinstance(current, dict):
            out[key] = merge(current, value, child)
        elif isinstance(value, list) and isinstance(current, list):
            out[key] = _merge_list(current, value, child)
        else:
            out[key] = value
    return out


def _merge_list(live: list[Any], config: list[Any], shape: Shape) -> list[Any]:
    wanted = _indexed(shape, config)
    element_shape = shape.element
    out: list[Any] = []
    seen: set[str] = set()
    for item in live:
        pe = _element(shape, item)
        seen.add(pe)
        mine = wanted.get(pe, _MISSING)
        if mine is _MISSING:
            out.append(item)
        elif isinstance(item, dict) and isinstance(mine, dict) and element_shape is not None:
            out.append(merge(item, mine, element_shape))
        else:
            out.append(mine)
    out.extend(item for pe, item in wanted.items() if pe not in seen)
    return out


# --------------------------------------------------------------------------- remove


def remove(
    value: Mapping[str, Any], paths: Mapping[str, Any], keep: Mapping[str, Any], shape: Shape
) -> dict[str, Any]:
    """``value`` without ``paths``; a node ``keep`` owns something under stays (with only
    the paths under it removed)."""
    out = dict(value)
    for pe, node in paths.items():
        if not pe.startswith("f:"):
            continue
        key = pe[2:]
        if key not in out:
            continue
        kept = keep.get(pe)
        if _is_member(node) and kept is None:
            del out[key]
            continue
        out[key] = _remove_in(out[key], node, kept or {}, shape.child(key))
    return out


def _is_member(node: Mapping[str, Any]) -> bool:
    return not node or SELF in node


def _remove_in(value: Any, paths: Mapping[str, Any], keep: Mapping[str, Any], shape: Shape) -> Any:
    if isinstance(value, dict):
        return remove(value, paths, keep, shape)
    if not isinstance(value, list) or shape.element is None:
        return value
    out = []
    for item in value:
        pe = _element(shape, item)
        node = paths.get(pe)
        if node is None:
            out.append(item)
            continue
        kept = keep.get(pe)
        if _is_member(node) and kept is None:
            continue
        out.append(
            remove(item, node, kept or {}, shape.element) if isinstance(item, dict) else item
        )
    return out
