"""CEL validation rules of a CRD's schema (``x-kubernetes-validations``), with cel-python.

Kubernetes evaluates each rule where it sits in the schema, with ``self`` the value there
(and ``oldSelf`` the value before, on an update: a *transition rule*, skipped on create and
where there was no old value). A rule that is false fails the field with Kubernetes'
message: ``Invalid value: "object": failed rule: <rule>``, or the rule's ``message`` (or
``messageExpression``), under the rule's ``reason`` (FieldValueInvalid by default) and at
its ``fieldPath`` when it names one. A rule that does not compile is refused when the CRD is
written (``rule_causes``).

Left out: Kubernetes' CEL libraries beyond the standard ones (quantities, URLs, IP
addresses...), cost limits, and the optional ``optionalOldSelf``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import celpy
from celpy.adapter import json_to_cel

from kube_actors.errors import FieldCause

__all__ = ["cel_causes", "rule_causes"]

Schema = Mapping[str, Any]

_VALIDATIONS = "x-kubernetes-validations"
_REASONS = frozenset(
    ("FieldValueInvalid", "FieldValueForbidden", "FieldValueRequired", "FieldValueDuplicate")
)


@functools.lru_cache(maxsize=1024)
def _program(rule: str) -> celpy.Runner:
    env = celpy.Environment()
    return env.program(env.compile(rule))


def _compile_error(rule: str) -> str | None:
    try:
        _program(rule)
    except Exception as error:  # cel-python raises its own error types for bad syntax
        lines = str(error).splitlines()
        if len(lines) > 1 and "^" in lines[1]:  # the rule, then a caret under the fault
            return f"ERROR: <input>:1:{lines[1].index('^') + 1}: Syntax error"
        return str(error) or type(error).__name__
    return None


def rule_causes(schema: Schema, path: str) -> list[FieldCause]:
    """The rules of one schema node (at ``path``) that do not compile."""
    causes: list[FieldCause] = []
    for index, rule in enumerate(schema.get(_VALIDATIONS) or ()):
        where = f"{path}.{_VALIDATIONS}[{index}].rule"
        text = rule.get("rule") if isinstance(rule, Mapping) else None
        if not text:
            causes.append(
                FieldCause(field=where, message="Required value", type="FieldValueRequired")
            )
            continue
        error = _compile_error(text)
        if error is not None:
            causes.append(
                FieldCause(
                    field=where,
                    message=f'Invalid value: "{text}": compilation failed: {error}',
                    type="FieldValueInvalid",
                )
            )
    return causes


def _child(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def cel_causes(value: Any, schema: Schema, path: str = "", old: Any = None) -> list[FieldCause]:
    """The rules under ``schema`` that ``value`` (``old`` before an update) breaks."""
    if value is None:
        return []
    causes = _own_causes(value, schema, path, old)
    if isinstance(value, dict):
        old_map = old if isinstance(old, dict) else {}
        for name, sub in (schema.get("properties") or {}).items():
            if name in value:
                causes += cel_causes(value[name], sub, _child(path, name), old_map.get(name))
        extra = schema.get("additionalProperties")
        if isinstance(extra, Mapping):
            known = schema.get("properties") or {}
            for name, item in value.items():
                if name not in known:
                    causes += cel_causes(item, extra, _child(path, name), old_map.get(name))
    elif isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        for index, item in enumerate(value):
            # Kubernetes pairs list items with old ones only for map lists; here: none.
            causes += cel_causes(item, schema["items"], f"{path}[{index}]")
    return causes


def _own_causes(value: Any, schema: Schema, path: str, old: Any) -> list[FieldCause]:
    causes: list[FieldCause] = []
    for rule in schema.get(_VALIDATIONS) or ():
        text = rule.get("rule", "")
        transition = "oldSelf" in text
        if transition and old is None:
            continue  # a transition rule holds on create and where there was nothing
        activation: dict[str, Any] = {"self": json_to_cel(value)}
        if transition:
            activation["oldSelf"] = json_to_cel(old)
        failure: Exception | None = None
        try:
            holds = bool(_program(text).evaluate(activation))
        except Exception as error:  # a missing field, a type mismatch: the rule fails
            holds, failure = False, error
        if holds:
            continue
        message = _message(rule, activation) or f"failed rule: {text}"
        if failure is not None and not rule.get("message"):
            reason = failure.args[0] if failure.args else failure
            message = f"{text}: {reason}"
        field = (path + (rule.get("fieldPath") or "")).lstrip(".")
        kind = rule.get("reason") if rule.get("reason") in _REASONS else "FieldValueInvalid"
        causes.append(FieldCause(field=field, message=_worded(kind, schema, message), type=kind))
    return causes


def _worded(kind: str, schema: Schema, message: str) -> str:
    """As Kubernetes' field errors word each reason."""
    if kind == "FieldValueForbidden":
        return f"Forbidden: {message}"
    if kind == "FieldValueRequired":
        return f"Required value: {message}"
    if kind == "FieldValueDuplicate":
        return f'Duplicate value: "{message}"'
    return f'Invalid value: "{schema.get("type", "object")}": {message}'


def _message(rule: Mapping[str, Any], activation: dict[str, Any]) -> str:
    expression = rule.get("messageExpression")
    if expression:
        try:
            found = _program(expression).evaluate(activation)
        except Exception:  # Kubernetes falls back to the message when the expression fails
            found = None
        if isinstance(found, str) and found.strip():
            return str(found)
    return str(rule.get("message") or "")
