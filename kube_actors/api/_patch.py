"""Patches, applied to an object's wire form: JSON merge patch, JSON patch, strategic merge.

- JSON merge patch (RFC 7386): maps merge key by key, ``null`` removes, anything else
  replaces (lists included).
- JSON patch (RFC 6902): ``add``, ``remove``, ``replace``, ``move``, ``copy``, ``test`` at JSON
  pointers.
- Strategic merge patch (``_strategic.py``): a merge patch that knows each field's patch
  strategy and merge key, with Kubernetes' ``$patch``, ``$retainKeys``,
  ``$setElementOrder`` and ``$deleteFromPrimitiveList`` directives.

Server-side apply is not a patch of the document alone (it needs the managers' fields):
see ``_managed_fields.record_apply``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

from kube_actors.errors import BadRequest, Invalid, RequestEntityTooLarge

from ._limits import MAX_OBJECT_BYTES, check_depth
from ._registry import lookup_kind
from ._shape import LEAF, shape_of
from ._strategic import strategic_merge

__all__ = ["MAX_COPY_BYTES", "MAX_JSON_PATCH_OPERATIONS", "apply_patch"]

#: Kubernetes' apiserver refuses a JSON patch with more operations than this.
MAX_JSON_PATCH_OPERATIONS: Final = 10_000
#: What all the ``copy`` operations of one JSON patch may copy (the apiserver's body limit).
MAX_COPY_BYTES: Final = 2 * MAX_OBJECT_BYTES


def apply_patch(
    document: dict[str, Any],
    patch: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    patch_type: str,
) -> dict[str, Any]:
    """The document with the patch applied (the input is left as it was).

    A patch nested deeper than the API allows is refused, and so is a JSON patch of more than
    10,000 operations or whose ``copy`` operations would copy more than 3 MiB in all (each copy
    can double the document), as Kubernetes' apiserver refuses them.
    """
    check_depth(patch, "the patch")
    if patch_type == "json":
        if isinstance(patch, Mapping):
            raise BadRequest("a JSON patch is a list of operations")
        if len(patch) > MAX_JSON_PATCH_OPERATIONS:
            raise RequestEntityTooLarge(
                "The allowed maximum operations in a JSON patch is "
                f"{MAX_JSON_PATCH_OPERATIONS}, got {len(patch)}"
            )
        patched = _json_patch(copy.deepcopy(document), patch)
        if not isinstance(patched, dict):
            raise BadRequest("the patch must leave an object")
        return patched
    if not isinstance(patch, Mapping):
        raise BadRequest(f"a {patch_type} merge patch is a JSON object")
    if patch_type == "strategic":
        info = lookup_kind(str(document.get("apiVersion", "")), str(document.get("kind", "")))
        shape = shape_of(info.cls) if info is not None else LEAF
        merged = strategic_merge(document, copy.deepcopy(dict(patch)), shape)
    elif patch_type == "merge":
        merged = _merge(document, patch)
    else:
        raise BadRequest(f"unsupported patch type {patch_type!r}")
    if not isinstance(merged, dict):
        raise BadRequest("the patch must leave an object")
    return merged


def _merge(target: Any, patch: Any) -> Any:
    if not isinstance(patch, Mapping):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, Mapping) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = _merge(result.get(key), value)
    return result


# ----------------------------------------------------------------------- JSON patch


def _json_patch(document: dict[str, Any], operations: Sequence[Mapping[str, Any]]) -> Any:
    result: Any = document
    copied = 0
    for number, operation in enumerate(operations):
        op = operation.get("op")
        path = operation.get("path")
        if not isinstance(path, str):
            raise BadRequest(f"JSON patch operation {number}: missing 'path'")
        if op in ("add", "replace", "test") and "value" not in operation:
            raise BadRequest(f"JSON patch operation {number} ({op}): missing 'value'")
        match op:
            case "add":
                result = _add(result, path, copy.deepcopy(operation["value"]))
            case "remove":
                result, _ = _remove(result, path)
            case "replace":
                result, _ = _remove(result, path)
                result = _add(result, path, copy.deepcopy(operation["value"]))
            case "move" | "copy":
                source = operation.get("from")
                if not isinstance(source, str):
                    raise BadRequest(f"JSON patch operation {number} ({op}): missing 'from'")
                if op == "move":
                    result, value = _remove(result, source)
                else:
                    value = _get(result, source)
                    copied += len(json.dumps(value, default=str))
                    if copied > MAX_COPY_BYTES:
                        raise RequestEntityTooLarge(
                            f"JSON patch operation {number} (copy): the copies add up to more "
                            f"than {MAX_COPY_BYTES} bytes"
                        )
                    value = copy.deepcopy(value)
                result = _add(result, path, value)
            case "test":
                if _get(result, path) != operation["value"]:
                    raise Invalid(f"JSON patch test failed at {path}", causes=())
            case _:
                raise BadRequest(f"JSON patch operation {number}: unknown op {op!r}")
    return result


def _tokens(pointer: str) -> list[str]:
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise BadRequest(f"invalid JSON pointer {pointer!r}")
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]


def _parent(document: Any, pointer: str) -> tuple[Any, str]:
    tokens = _tokens(pointer)
    if not tokens:
        raise BadRequest("a JSON patch cannot target the whole document here")
    node = document
    for token in tokens[:-1]:
        node = _child(node, token, pointer)
    return node, tokens[-1]


def _child(node: Any, token: str, pointer: str) -> Any:
    try:
        if isinstance(node, list):
            return node[int(token)]
        return node[token]
    except (KeyError, IndexError, ValueError, TypeError):
        raise BadRequest(f"JSON patch path {pointer!r} does not exist") from None


def _get(document: Any, pointer: str) -> Any:
    node = document
    for token in _tokens(pointer):
        node = _child(node, token, pointer)
    return node


def _add(document: Any, pointer: str, value: Any) -> Any:
    parent, token = _parent(document, pointer)
    if isinstance(parent, list):
        index = len(parent) if token == "-" else _index(token, len(parent) + 1, pointer)
        parent.insert(index, value)
    elif isinstance(parent, dict):
        parent[token] = value
    else:
        raise BadRequest(f"JSON patch path {pointer!r} does not exist")
    return document


def _remove(document: Any, pointer: str) -> tuple[Any, Any]:
    parent, token = _parent(document, pointer)
    if isinstance(parent, list):
        return document, parent.pop(_index(token, len(parent), pointer))
    if isinstance(parent, dict) and token in parent:
        return document, parent.pop(token)
    raise BadRequest(f"JSON patch path {pointer!r} does not exist")


def _index(token: str, size: int, pointer: str) -> int:
    if not token.isdigit() or int(token) >= size:
        raise BadRequest(f"JSON patch path {pointer!r} does not exist")
    return int(token)
