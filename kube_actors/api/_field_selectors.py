"""Field selectors: ``metadata.name=web,status.phase!=Failed``, parsed once, matched fast.

Supported fields are Kubernetes' common ones: ``metadata.name``, ``metadata.namespace``,
``spec.nodeName`` and ``status.phase`` (for the kinds that have them), and an Event's
``involvedObject.*``, ``reason``, ``reportingComponent`` and ``type``; ``=``, ``==`` and
``!=``; commas join terms, and a backslash escapes ``,``, ``=``, ``!`` or itself in a value.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Final

import attrs

from kube_actors.errors import BadRequest

__all__ = ["FieldSelector", "FieldTerm", "parse_field_selector"]

# wire path → how to read it from an object; a kind without the attribute reads "".
_GETTERS: Final[dict[str, Callable[[Any], str]]] = {
    "metadata.name": lambda o: o.metadata.name,
    "metadata.namespace": lambda o: o.metadata.namespace,
    "spec.nodeName": lambda o: getattr(getattr(o, "spec", None), "node_name", ""),
    "status.phase": lambda o: getattr(getattr(o, "status", None), "phase", ""),
    # An Event's own fields (Kubernetes' event field selectors, which kubectl describe uses).
    "involvedObject.kind": lambda o: _involved(o, "kind"),
    "involvedObject.namespace": lambda o: _involved(o, "namespace"),
    "involvedObject.name": lambda o: _involved(o, "name"),
    "involvedObject.uid": lambda o: _involved(o, "uid"),
    "involvedObject.apiVersion": lambda o: _involved(o, "api_version"),
    "involvedObject.resourceVersion": lambda o: _involved(o, "resource_version"),
    "involvedObject.fieldPath": lambda o: _involved(o, "field_path"),
    "reason": lambda o: str(getattr(o, "reason", "") or ""),
    "reportingComponent": lambda o: str(getattr(o, "reporting_component", "") or ""),
    "type": lambda o: str(getattr(o, "type", "") or ""),
}


def _involved(obj: Any, field: str) -> str:
    reference = getattr(obj, "involved_object", None)
    return str(getattr(reference, field, "") or "")


@attrs.frozen
class FieldTerm:
    field: str
    value: str
    negated: bool = False

    def __str__(self) -> str:
        return f"{self.field}{'!=' if self.negated else '='}{_escape(self.value)}"


@attrs.frozen
class FieldSelector:
    """A compiled field selector; ``matches(obj)`` reads each field once per term."""

    terms: tuple[FieldTerm, ...] = ()
    _checks: tuple[tuple[Callable[[Any], str], str, bool], ...] = attrs.field(
        init=False, repr=False, eq=False
    )

    def __attrs_post_init__(self) -> None:
        checks = tuple((_GETTERS[t.field], t.value, t.negated) for t in self.terms)
        object.__setattr__(self, "_checks", checks)

    def matches(self, obj: Any) -> bool:
        checks = self._checks
        if len(checks) == 1:  # most selectors (a kubelet's watch of its node's Pods, on
            # each change of them): the one term without the generator
            getter, value, negated = checks[0]
            return (getter(obj) == value) != negated
        return all((getter(obj) == value) != negated for getter, value, negated in checks)

    def is_everything(self) -> bool:
        return not self.terms

    def __str__(self) -> str:
        return ",".join(str(t) for t in self.terms)


@functools.lru_cache(maxsize=256)
def parse_field_selector(text: str) -> FieldSelector:
    """Parse a field selector; BadRequest names the term that was wrong.

    Remembered (a selector is frozen): the same text comes in bursts, a kubelet's
    ``spec.nodeName=<node>`` in its list, its watch and the watch's routing."""
    terms = []
    for raw in _split(text, ","):
        if not raw.strip():
            if text.strip():
                raise BadRequest(f"invalid field selector {text!r}: empty term")
            continue
        terms.append(_term(raw))
    return FieldSelector(tuple(terms))


def _term(raw: str) -> FieldTerm:
    for operator in ("!=", "==", "="):
        position = _find_unescaped(raw, operator)
        if position >= 0:
            field = raw[:position].strip()
            value = _unescape(raw[position + len(operator) :])
            if field not in _GETTERS:
                supported = ", ".join(sorted(_GETTERS))
                raise BadRequest(f'field label not supported: "{field}" (supported: {supported})')
            return FieldTerm(field, value, negated=operator == "!=")
    raise BadRequest(f"invalid field selector term {raw!r}: expected '=', '==' or '!='")


def _split(text: str, separator: str) -> list[str]:
    if "\\" not in text:
        return text.split(separator)  # nothing escaped: the character-by-character walk's result
    parts, current, escaped = [], [], False
    for char in text:
        if escaped:
            current.append("\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    if escaped:
        raise BadRequest(f"invalid field selector {text!r}: it ends with a lone backslash")
    parts.append("".join(current))
    return parts


def _find_unescaped(text: str, operator: str) -> int:
    if "\\" not in text:
        return text.find(operator)
    i = 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(operator, i):
            return i
        i += 1
    return -1


def _unescape(value: str) -> str:
    if "\\" not in value:
        return value
    out, escaped = [], False
    for char in value:
        if escaped:
            if char not in "\\,=!":
                raise BadRequest(f"invalid field selector value {value!r}: bad escape '\\{char}'")
            out.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            out.append(char)
    return "".join(out)


def _escape(value: str) -> str:
    return "".join("\\" + c if c in "\\,=!" else c for c in value)
