"""Strategic merge patch, as ``k8s.io/apimachinery/pkg/util/strategicpatch`` applies it.

A JSON merge patch that knows the schema (``field_type``): a list with the ``merge`` patch
strategy merges item by item on its patch merge key (containers by ``name``, ports by
``containerPort``) or, for scalars, as a set; any other list is replaced. And the
directives:

- ``$patch: replace`` on a map replaces it whole; ``$patch: delete`` removes it; in a list,
  an item ``{"name": "x", "$patch": "delete"}`` removes that item and an item
  ``{"$patch": "replace"}`` makes the patch's items the whole list.
- ``$retainKeys: [...]``: keys of the original map not listed are dropped (a Deployment's
  strategy turning from RollingUpdate to Recreate).
- ``$setElementOrder/<list>: [...]``: the order the merged list takes (items named there
  first in that order; kubectl sends it to keep the manifest's order).
- ``$deleteFromPrimitiveList/<list>: [...]``: values removed from a list of scalars.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kube_actors.errors import BadRequest

from ._shape import Shape

__all__ = ["strategic_merge"]

_ORDER = "$setElementOrder/"
_DELETE_FROM = "$deleteFromPrimitiveList/"
_DELETED = object()


def strategic_merge(original: Mapping[str, Any], patch: Mapping[str, Any], shape: Shape) -> Any:
    """``original`` with ``patch`` applied (None if the patch deletes it whole)."""
    merged = _merge_map(original, patch, shape)
    return None if merged is _DELETED else merged


def _directive(patch: Mapping[str, Any]) -> str:
    value = patch.get("$patch", "merge")
    if value not in ("merge", "replace", "delete"):
        raise BadRequest(f"Unknown patch type: {value}")
    return str(value)


def _merge_map(original: Any, patch: Mapping[str, Any], shape: Shape) -> Any:
    directive = _directive(patch)
    if directive == "delete":
        return _DELETED
    if directive == "replace":
        return _merge_map({}, {k: v for k, v in patch.items() if k != "$patch"}, shape)
    result = dict(original) if isinstance(original, Mapping) else {}
    retain = patch.get("$retainKeys")
    if retain is not None:
        if not isinstance(retain, list):
            raise BadRequest("$retainKeys must be a list of keys")
        result = {k: v for k, v in result.items() if k in retain}
    orders: dict[str, list[Any]] = {}
    for key, value in patch.items():  # directives on lists first, as strategicpatch does
        if key.startswith(_DELETE_FROM):
            field = key[len(_DELETE_FROM) :]
            current = result.get(field)
            if isinstance(current, list) and isinstance(value, list):
                result[field] = [item for item in current if item not in value]
        elif key.startswith(_ORDER):
            if not isinstance(value, list):
                raise BadRequest(f"{key} must be a list")
            orders[key[len(_ORDER) :]] = value
    for key, value in patch.items():
        if key.startswith("$"):
            continue
        if value is None:
            result.pop(key, None)
            continue
        child = shape.child(key)
        if isinstance(value, Mapping):
            merged = _merge_map(result.get(key), value, child)
            if merged is _DELETED:
                result.pop(key, None)
            else:
                result[key] = merged
        elif isinstance(value, list) and "merge" in child.field.patch_strategy:
            current = result.get(key)
            result[key] = _merge_list(current if isinstance(current, list) else [], value, child)
        elif isinstance(value, list):
            result[key] = [_clean(item, child.element) for item in value]
        else:
            result[key] = value
    for field, order in orders.items():
        current = result.get(field)
        if isinstance(current, list):
            result[field] = _ordered(current, order, shape.child(field).field.patch_merge_key)
    return result


def _clean(value: Any, shape: Shape | None) -> Any:
    """A value set whole, without directives left in it."""
    if isinstance(value, Mapping):
        merged = _merge_map({}, value, shape or Shape("leaf"))
        return {} if merged is _DELETED else merged
    return value


def _merge_list(original: list[Any], patch: list[Any], shape: Shape) -> list[Any]:
    key = shape.field.patch_merge_key
    element = shape.element or Shape("leaf")
    if not key or not all(isinstance(item, Mapping) for item in patch):
        return original + [item for item in patch if item not in original]
    if any(isinstance(i, Mapping) and i.get("$patch") == "replace" for i in patch):
        return [
            _clean(i, element)
            for i in patch
            if not (isinstance(i, Mapping) and i.get("$patch") == "replace")
        ]
    result = list(original)
    for item in patch:
        if key not in item:
            raise BadRequest(f"map: {dict(item)} does not contain declared merge key: {key}")
        at = next(
            (i for i, o in enumerate(result) if isinstance(o, Mapping) and o.get(key) == item[key]),
            None,
        )
        if item.get("$patch") == "delete":
            if at is not None:
                del result[at]
            continue
        merged = _merge_map(result[at] if at is not None else {}, item, element)
        if at is None:
            result.append(merged)
        else:
            result[at] = merged
    return result


def _ordered(items: list[Any], order: list[Any], key: str) -> list[Any]:
    def identity(item: Any) -> Any:
        return item.get(key) if key and isinstance(item, Mapping) else item

    wanted = [identity(o) for o in order]
    position = {_hashable(v): i for i, v in enumerate(wanted)}
    listed = [i for i in items if _hashable(identity(i)) in position]
    listed.sort(key=lambda i: position[_hashable(identity(i))])
    rest = [i for i in items if _hashable(identity(i)) not in position]
    return listed + rest


def _hashable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    return value
