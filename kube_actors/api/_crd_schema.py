"""A custom resource's structural openAPIV3Schema: validation, pruning and defaulting.

The building block of CustomResourceDefinitions (issue #17): the apiserver runs a custom
object's manifest (plain JSON data) through ``apply_defaults``, ``prune`` and ``schema_causes``
in that order, as Kubernetes does on create and update. Field paths and messages follow
Kubernetes' (``spec.replicas``, ``Required value``, ``Unsupported value``).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from kube_actors.errors import FieldCause

__all__ = ["apply_defaults", "prune", "schema_causes"]

Schema = Mapping[str, Any]

_PRESERVE = "x-kubernetes-preserve-unknown-fields"
_INT_OR_STRING = "x-kubernetes-int-or-string"
_EMBEDDED = "x-kubernetes-embedded-resource"


def _cause(field: str, message: str, type: str = "FieldValueInvalid") -> FieldCause:
    return FieldCause(field=field, message=message, type=type)


def _quote(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value) if isinstance(value, int | float) else type(value).__name__


def _type_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else type(value).__name__


def _has_type(value: Any, wanted: str) -> bool:
    actual = _type_of(value)
    # JSON has one number type: an integral float is an integer, an integer is a number.
    if wanted == "number":
        return actual in ("integer", "number")
    if wanted == "integer" and actual == "number":
        return float(value).is_integer()
    return actual == wanted


def _child(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def schema_causes(value: Any, schema: Schema, path: str = "") -> list[FieldCause]:
    """What is wrong with ``value`` under ``schema``; ``path`` names where it sits."""
    if value is None:
        if schema.get("nullable"):
            return []
        if "type" in schema or schema.get(_INT_OR_STRING):
            wanted = schema.get("type", "integer or string")
            return [
                _cause(
                    path,
                    f"Invalid value: null: {path} in body must be of type {wanted}: null",
                    "FieldValueTypeInvalid",
                )
            ]
        return []
    if schema.get(_INT_OR_STRING):
        if _type_of(value) not in ("integer", "string"):
            return [
                _cause(
                    path,
                    f"Invalid value: {_quote(value)}: {path} in body must be of type "
                    f'integer or string: "{_type_of(value)}"',
                    "FieldValueTypeInvalid",
                )
            ]
    elif "type" in schema and not _has_type(value, schema["type"]):
        return [
            _cause(
                path,
                f"Invalid value: {_quote(value)}: {path} in body must be of type "
                f'{schema["type"]}: "{_type_of(value)}"',
                "FieldValueTypeInvalid",
            )
        ]
    causes = _value_causes(value, schema, path)
    if isinstance(value, dict):
        causes += _object_causes(value, schema, path)
    elif isinstance(value, list):
        causes += _array_causes(value, schema, path)
    return causes


def _value_causes(value: Any, schema: Schema, path: str) -> list[FieldCause]:
    causes: list[FieldCause] = []
    enum = schema.get("enum")
    if enum is not None and value not in enum:
        supported = ", ".join(_quote(e) for e in enum)
        causes.append(
            _cause(
                path,
                f"Unsupported value: {_quote(value)}: supported values: {supported}",
                "FieldValueNotSupported",
            )
        )
    if isinstance(value, str):
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            causes.append(
                _cause(
                    path,
                    f"Too long: may not be more than {schema['maxLength']} bytes",
                    "FieldValueTooLong",
                )
            )
        if "minLength" in schema and len(value) < schema["minLength"]:
            causes.append(
                _cause(
                    path,
                    f"Invalid value: {_quote(value)}: {path} in body should be at least "
                    f"{schema['minLength']} chars long",
                )
            )
        pattern = schema.get("pattern")
        if pattern is not None and re.search(pattern, value) is None:
            causes.append(
                _cause(
                    path,
                    f"Invalid value: {_quote(value)}: {path} in body should match '{pattern}'",
                )
            )
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if "maximum" in schema and value > schema["maximum"]:
            causes.append(
                _cause(
                    path,
                    f"Invalid value: {_quote(value)}: {path} in body should be less than "
                    f"or equal to {schema['maximum']}",
                )
            )
        if "minimum" in schema and value < schema["minimum"]:
            causes.append(
                _cause(
                    path,
                    f"Invalid value: {_quote(value)}: {path} in body should be greater than "
                    f"or equal to {schema['minimum']}",
                )
            )
    return causes


def _object_causes(value: dict[str, Any], schema: Schema, path: str) -> list[FieldCause]:
    causes = [
        _cause(_child(path, name), "Required value", "FieldValueRequired")
        for name in schema.get("required", ())
        if name not in value
    ]
    properties: Mapping[str, Schema] = schema.get("properties", {})
    extra = schema.get("additionalProperties")
    for name, item in value.items():
        sub = properties.get(name)
        if sub is None and isinstance(extra, Mapping):
            sub = extra
        if sub is not None:
            causes += schema_causes(item, sub, _child(path, name))
    return causes


def _array_causes(value: list[Any], schema: Schema, path: str) -> list[FieldCause]:
    causes: list[FieldCause] = []
    if "maxItems" in schema and len(value) > schema["maxItems"]:
        causes.append(
            _cause(
                path,
                f"Too many: {len(value)}: must have at most {schema['maxItems']} items",
                "FieldValueTooMany",
            )
        )
    if "minItems" in schema and len(value) < schema["minItems"]:
        causes.append(
            _cause(
                path,
                f"Invalid value: {len(value)}: {path} in body should have at least "
                f"{schema['minItems']} items",
            )
        )
    items = schema.get("items")
    if isinstance(items, Mapping):
        for index, item in enumerate(value):
            causes += schema_causes(item, items, f"{path}[{index}]")
    causes += _list_type_causes(value, schema, path)
    return causes


def _list_type_causes(value: list[Any], schema: Schema, path: str) -> list[FieldCause]:
    list_type = schema.get("x-kubernetes-list-type")
    seen: set[str] = set()
    causes: list[FieldCause] = []
    for index, item in enumerate(value):
        if list_type == "set":
            key = repr(item)
        elif list_type == "map" and isinstance(item, dict):
            key = repr([item.get(k) for k in schema.get("x-kubernetes-list-map-keys", ())])
        else:
            continue
        if key in seen:
            causes.append(
                _cause(
                    f"{path}[{index}]", f"Duplicate value: {_quote(item)}", "FieldValueDuplicate"
                )
            )
        seen.add(key)
    return causes


def prune(value: Any, schema: Schema, path: str = "") -> tuple[Any, list[str]]:
    """``value`` without the fields its schema does not know, and the paths it dropped.

    ``x-kubernetes-preserve-unknown-fields`` keeps them; an embedded resource keeps its
    apiVersion, kind and metadata, as Kubernetes does.
    """
    dropped: list[str] = []
    return _prune(copy.deepcopy(value), schema, path, dropped), dropped


def _prune(value: Any, schema: Schema, path: str, dropped: list[str]) -> Any:
    if isinstance(value, dict):
        properties: Mapping[str, Schema] = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        keep_unknown = bool(schema.get(_PRESERVE))
        embedded = bool(schema.get(_EMBEDDED))
        for name in list(value):
            sub = properties.get(name)
            if sub is None and isinstance(extra, Mapping):
                sub = extra
            if sub is not None:
                value[name] = _prune(value[name], sub, _child(path, name), dropped)
            elif not keep_unknown and not (embedded and name in ("apiVersion", "kind", "metadata")):
                dropped.append(_child(path, name))
                del value[name]
    elif isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        return [
            _prune(item, schema["items"], f"{path}[{index}]", dropped)
            for index, item in enumerate(value)
        ]
    return value


def apply_defaults(value: Any, schema: Schema) -> Any:
    """``value`` with each absent field that has a ``default`` filled in (a new copy).

    Defaults apply inside objects that exist; a defaulted object is itself defaulted.
    """
    return _defaults(copy.deepcopy(value), schema)


def _defaults(value: Any, schema: Schema) -> Any:
    if isinstance(value, dict):
        properties: Mapping[str, Schema] = schema.get("properties", {})
        for name, sub in properties.items():
            if name not in value and "default" in sub:
                value[name] = copy.deepcopy(sub["default"])
            if name in value:
                value[name] = _defaults(value[name], sub)
        extra = schema.get("additionalProperties")
        if isinstance(extra, Mapping):
            for name in value:
                if name not in properties:
                    value[name] = _defaults(value[name], extra)
    elif isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        return [_defaults(item, schema["items"]) for item in value]
    return value
