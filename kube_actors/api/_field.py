"""Field paths and field errors, worded as Kubernetes' ``field.Error`` words them.

A cause's ``field`` is a JSON-ish path on the wire names
(``spec.template.spec.containers[0].image``, ``metadata.labels[app]``); its message is
``<Type>: <value>: <detail>``, e.g.
``Invalid value: -1: must be greater than or equal to 0``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from kube_actors.errors import FieldCause

__all__ = [
    "child",
    "duplicate",
    "forbidden",
    "format_value",
    "index",
    "invalid",
    "key",
    "not_found",
    "not_supported",
    "required",
    "too_long",
    "type_invalid",
    "unknown_field",
]


def child(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def index(path: str, i: int) -> str:
    return f"{path}[{i}]"


def key(path: str, k: object) -> str:
    return f"{path}[{k}]"


def format_value(value: Any) -> str:
    """A bad value as Kubernetes prints it: strings quoted, numbers bare, the rest as JSON."""
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)


def _with_detail(message: str, detail: str) -> str:
    return f"{message}: {detail}" if detail else message


def required(path: str, detail: str = "") -> FieldCause:
    return FieldCause(
        field=path, message=_with_detail("Required value", detail), type="FieldValueRequired"
    )


def invalid(path: str, value: Any, detail: str = "") -> FieldCause:
    message = _with_detail(f"Invalid value: {format_value(value)}", detail)
    return FieldCause(field=path, message=message, type="FieldValueInvalid")


def type_invalid(path: str, value: Any, detail: str) -> FieldCause:
    message = _with_detail(f"Invalid value: {format_value(value)}", detail)
    return FieldCause(field=path, message=message, type="FieldValueTypeInvalid")


def not_supported(path: str, value: Any, supported: Iterable[str]) -> FieldCause:
    options = ", ".join(json.dumps(s) for s in supported)
    message = f"Unsupported value: {format_value(value)}: supported values: {options}"
    return FieldCause(field=path, message=message, type="FieldValueNotSupported")


def duplicate(path: str, value: Any) -> FieldCause:
    message = f"Duplicate value: {format_value(value)}"
    return FieldCause(field=path, message=message, type="FieldValueDuplicate")


def forbidden(path: str, detail: str) -> FieldCause:
    return FieldCause(
        field=path, message=_with_detail("Forbidden", detail), type="FieldValueForbidden"
    )


def not_found(path: str, value: Any) -> FieldCause:
    message = f"Not found: {format_value(value)}"
    return FieldCause(field=path, message=message, type="FieldValueNotFound")


def too_long(path: str, limit: int) -> FieldCause:
    message = f"Too long: may not be more than {limit} bytes"
    return FieldCause(field=path, message=message, type="FieldValueTooLong")


def unknown_field(path: str) -> FieldCause:
    return FieldCause(field=path, message=f'unknown field "{path}"', type="UnknownField")
