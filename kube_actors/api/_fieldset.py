"""Sets of field paths in Kubernetes' FieldsV1 form (managedFields' ``fieldsV1``), as is.

A set is a tree of dicts keyed by path elements: ``f:<field>`` (a struct field or map key),
``k:<json>`` (a list item by its key fields, ``k:{"name":"app"}``), ``v:<json>`` (a set
item by value) and ``i:<n>`` (by index). Below the root, a node is itself in the set when it
is empty (a leaf, ``{}``) or has the child ``"."`` (a member with members beneath).

The operations are those of structured-merge-diff's ``fieldpath.Set`` — union, difference,
intersection — working on the stored FieldsV1 maps directly (no conversion per write), and
the paths' printed form for Conflict messages (``.spec.containers[name="app"].image``).
Inputs are never changed: results share unchanged subtrees with them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

__all__ = [
    "FieldSet",
    "SELF",
    "difference",
    "intersection",
    "item_element",
    "member_paths",
    "overlaps",
    "path_string",
    "string_key_element",
    "union",
    "within",
]

FieldSet = Mapping[str, Any]
SELF = "."


#: Path elements already written, by their keys' names, types and values (a type too, or
#: True and 1 would share one): the same few (a condition's type, a container's name) come
#: back on every write. Cleared when full.
_ELEMENTS: dict[tuple[Any, ...], str] = {}
_ELEMENTS_MAX = 4096


def item_element(keys: tuple[str, ...], item: Any) -> str:
    """The path element of a list item: by its key fields, or by value for scalars."""
    if type(item) is str:  # a set of strings (a Node's podCIDRs), new values: no memo
        return "v:" + _json_string(item)
    if keys and (type(item) is dict or isinstance(item, Mapping)):
        chosen = {k: item[k] for k in sorted(keys) if k in item}
        memo: Any = tuple([(k, type(v), v) for k, v in chosen.items()])
        prefix, value = "k:", chosen
    else:
        memo, prefix, value = (type(item), item), "v:", item
    try:
        found = _ELEMENTS.get(memo)
    except TypeError:  # a value that is a list or a map: written every time
        return prefix + json.dumps(value, separators=(",", ":"), sort_keys=True)
    if found is None:
        found = prefix + json.dumps(value, separators=(",", ":"), sort_keys=True)
        if len(_ELEMENTS) >= _ELEMENTS_MAX:
            _ELEMENTS.clear()
        _ELEMENTS[memo] = found
    return found


def string_key_element(key: str, value: str) -> str:
    """``item_element((key,), {key: value})`` of a list item keyed by one string field:
    JSON's object of that one member, written without ``json.dumps`` (a Lease's owner
    reference by its uid, new with every Node)."""
    return "k:{" + _json_string(key) + ":" + _json_string(value) + "}"


#: ``json.dumps`` of a string, as it writes one (ASCII, escaped), without its encoder.
_json_string = json.encoder.encode_basestring_ascii


def _member(node: Mapping[str, Any]) -> bool:
    return not node or SELF in node


def _children(node: Mapping[str, Any]) -> Mapping[str, Any]:
    if SELF not in node:
        return node
    return {k: v for k, v in node.items() if k != SELF}


def _node(member: bool, children: Mapping[str, Any]) -> Mapping[str, Any] | None:
    if member:
        return {SELF: {}, **children} if children else {}
    return children or None


def union(a: FieldSet, b: FieldSet) -> FieldSet:
    """The paths in either set (both given as a root's children); may be one of them."""
    if not b:
        return a
    if not a:
        return b
    out = dict(a)
    for key, theirs in b.items():
        mine = out.get(key)
        if mine is None:
            out[key] = theirs
        elif mine is not theirs:
            merged = _node(
                _member(mine) or _member(theirs), union(_children(mine), _children(theirs))
            )
            out[key] = merged if merged is not None else {}
    return out


def difference(a: FieldSet, b: FieldSet) -> dict[str, Any]:
    """The paths of ``a`` not in ``b`` (a node keeps its children when only it goes)."""
    if not b:
        return dict(a)
    out: dict[str, Any] = {}
    for key, mine in a.items():
        theirs = b.get(key)
        if theirs is None:
            out[key] = mine
            continue
        rest = _node(
            _member(mine) and not _member(theirs), difference(_children(mine), _children(theirs))
        )
        if rest is not None:
            out[key] = rest
    return out


def intersection(a: FieldSet, b: FieldSet) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if not a or not b:
        return out
    for key, mine in a.items():
        theirs = b.get(key)
        if theirs is None:
            continue
        both = _node(
            _member(mine) and _member(theirs), intersection(_children(mine), _children(theirs))
        )
        if both is not None:
            out[key] = both
    return out


def within(a: FieldSet, b: FieldSet) -> bool:
    """Whether every path of ``a`` is in ``b``: ``difference(a, b)`` is empty, found
    without building it (a Lease renewal asks this of its one changed field)."""
    return all(_node_within(key, mine, b) for key, mine in a.items())


def _node_within(key: str, mine: Mapping[str, Any], b: FieldSet) -> bool:
    theirs = b.get(key)
    # ``_member(mine) and not _member(theirs)``, spelled out: a Node's status report asks
    # this of every node of the set it changed, and a Lease renewal of each of its own.
    if theirs is None or ((not mine or SELF in mine) and theirs and SELF not in theirs):
        return False
    for child, below in mine.items():
        if child != SELF and not _node_within(child, below, theirs):
            return False
    return True


def overlaps(a: FieldSet, b: FieldSet) -> bool:
    """Whether ``a`` and ``b`` share a path: ``intersection(a, b)`` is not empty, found
    without building it."""
    return any(_node_overlaps(key, mine, b) for key, mine in a.items())


def _node_overlaps(key: str, mine: Mapping[str, Any], b: FieldSet) -> bool:
    theirs = b.get(key)
    if theirs is None:
        return False
    if _member(mine) and _member(theirs):
        return True
    for child, below in mine.items():
        if child != SELF and _node_overlaps(child, below, theirs):
            return True
    return False


_ORDER = {"f": 0, "k": 1, "v": 2, "i": 3}


def _sort_key(element: str) -> tuple[int, str]:
    if element == SELF:
        return -1, ""
    return _ORDER.get(element[:1], 4), element[2:]


def member_paths(
    fields: Mapping[str, Any], prefix: tuple[str, ...] = ()
) -> Iterator[tuple[str, ...]]:
    """Every member path, in structured-merge-diff's order: a level's members, then its
    children's."""
    keys = sorted((k for k in fields if k != SELF), key=_sort_key)
    for key in keys:
        if _member(fields[key]):
            yield (*prefix, key)
    for key in keys:
        yield from member_paths(fields[key], (*prefix, key))


def path_string(path: tuple[str, ...]) -> str:
    """A path as Kubernetes prints it: ``.spec.ports[port=80,protocol="TCP"].targetPort``."""
    parts = []
    for element in path:
        kind, body = element[:1], element[2:]
        if kind == "f":
            parts.append("." + body)
        elif kind == "k":
            keys = json.loads(body)
            parts.append("[" + ",".join(f"{k}={_value_string(v)}" for k, v in keys.items()) + "]")
        elif kind == "v":
            parts.append(f"[={_value_string(json.loads(body))}]")
        else:
            parts.append(f"[{body}]")
    return "".join(parts)


def _value_string(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value)
    return json.dumps(value, separators=(",", ":"), sort_keys=True)
