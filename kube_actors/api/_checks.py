"""Checks shared by the validators of every kind; each returns a list of FieldCauses."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from kube_actors.errors import FieldCause

from . import _field as f
from ._converter import unstructure
from ._intstr import IntOrString
from ._meta import LabelSelector
from ._names import is_label_value, is_port_name, is_qualified_name
from ._quantity import Quantity

__all__ = [
    "at_least",
    "each",
    "immutable",
    "in_port_range",
    "int_or_percent",
    "label_selector",
    "labels",
    "one_of",
    "port_or_name",
    "qualified_names",
    "resource_amounts",
    "selector_matches_labels",
]

Causes = list[FieldCause]

PROTOCOLS: Final = ("TCP", "UDP", "SCTP")


def at_least(path: str, value: int | None, minimum: int) -> Causes:
    """Kubernetes' ValidateNonnegativeField (minimum 0) and its "greater than" cousins."""
    if value is None or value >= minimum:
        return []
    if minimum == 0:
        return [f.invalid(path, value, "must be greater than or equal to 0")]
    return [f.invalid(path, value, f"must be greater than or equal to {minimum}")]


def in_port_range(path: str, port: int) -> Causes:
    if 1 <= port <= 65535:
        return []
    return [f.invalid(path, port, "must be between 1 and 65535, inclusive")]


def port_or_name(path: str, port: IntOrString) -> Causes:
    """A port given as a number (1-65535) or as a named port (an IANA service name)."""
    if isinstance(port, int):
        return in_port_range(path, port)
    return [f.invalid(path, port, problem) for problem in is_port_name(port)]


def one_of(path: str, value: str, supported: Iterable[str], *, required: bool = False) -> Causes:
    """``value`` must be one of ``supported``; empty is fine unless ``required``."""
    options = tuple(supported)
    if not value:
        return [f.required(path, _supported_detail(options))] if required else []
    if value in options:
        return []
    return [f.not_supported(path, value, options)]


def _supported_detail(options: tuple[str, ...]) -> str:
    return "supported values: " + ", ".join(f'"{o}"' for o in options)


def qualified_names(path: str, keys: Iterable[str]) -> Causes:
    return _texts_causes(path, keys, _VALID_KEYS, is_qualified_name)


def _texts_causes(
    path: str, texts: Iterable[str], valid: set[str], check: Callable[[str], list[str]]
) -> Causes:
    """The causes of ``texts`` at ``path`` by ``check``, which depends on the text alone:
    those found ``valid`` before are not checked again, those found valid now join them."""
    causes: Causes = []
    for text in texts:
        if text in valid:
            continue
        problems = check(text)
        if problems:
            causes.extend(f.invalid(path, text, problem) for problem in problems)
            continue
        if len(valid) >= _VALID_TEXTS_MAX:
            valid.clear()
        valid.add(text)
    return causes


#: Keys and label values found valid: a check of a string depends on it alone, and the
#: objects of a kind use a few keys and values again and again (every Node's
#: ``kubernetes.io/os: linux``, whose map as a whole differs by its hostname), so each is
#: checked once, not per write. Only valid ones: a problem's cause names its path. Bounded.
_VALID_KEYS: set[str] = set()
_VALID_VALUES: set[str] = set()
_VALID_TEXTS_MAX = 4096


def labels(path: str, values: Mapping[str, str]) -> Causes:
    # A map is valid when each of its keys and values is: those found valid before are
    # looked up as they are (their hashes are kept), where a map of them looked up as a
    # whole was hashed anew for every object (a set of its items; every create's labels).
    valid_keys, valid_values = _VALID_KEYS, _VALID_VALUES
    for key, value in values.items():
        if key not in valid_keys or value not in valid_values:
            return _label_causes(path, values)
    return []


def _label_causes(path: str, values: Mapping[str, str]) -> Causes:
    causes = qualified_names(path, values)
    causes.extend(_texts_causes(path, values.values(), _VALID_VALUES, is_label_value))
    return causes


_SELECTOR_OPERATORS: Final = ("In", "NotIn", "Exists", "DoesNotExist")


def label_selector(path: str, selector: LabelSelector | None) -> Causes:
    """Kubernetes' ValidateLabelSelector: valid keys, values and operators."""
    if selector is None:
        return []
    causes = labels(f.child(path, "matchLabels"), selector.match_labels)
    for i, expression in enumerate(selector.match_expressions):
        at = f.index(f.child(path, "matchExpressions"), i)
        causes.extend(one_of(f.child(at, "operator"), expression.operator, _SELECTOR_OPERATORS))
        if expression.operator in ("In", "NotIn") and not expression.values:
            detail = "must be specified when `operator` is 'In' or 'NotIn'"
            causes.append(f.required(f.child(at, "values"), detail))
        if expression.operator in ("Exists", "DoesNotExist") and expression.values:
            detail = "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
            causes.append(f.forbidden(f.child(at, "values"), detail))
        causes.extend(qualified_names(f.child(at, "key"), [expression.key]))
    return causes


def selector_matches_labels(
    path: str, selector: LabelSelector | None, template_labels: Mapping[str, str]
) -> Causes:
    """A workload's selector is required, non-empty, and must select its own template."""
    from ._selectors import compile_selector  # the selector module is heavier; load on use

    selector_path = f.child(path, "selector")
    if selector is None:
        return [f.required(selector_path)]
    causes = label_selector(selector_path, selector)
    if not selector.match_labels and not selector.match_expressions:
        causes.append(f.invalid(selector_path, {}, "empty selector is invalid for this kind"))
    elif not causes and not compile_selector(selector).matches(template_labels):
        labels_path = f.child(path, "template.metadata.labels")
        detail = "`selector` does not match template `labels`"
        causes.append(f.invalid(labels_path, dict(template_labels), detail))
    return causes


def int_or_percent(path: str, value: IntOrString | None, *, max_percent: bool = False) -> Causes:
    """maxSurge/maxUnavailable: a non-negative int or a whole non-negative percentage."""
    if value is None:
        return []
    if isinstance(value, int):
        return at_least(path, value, 0)
    digits = value[:-1]
    if not value.endswith("%") or not digits.isdigit():
        detail = "a valid percent string must be a numeric string followed by an ending '%'"
        return [f.invalid(path, value, detail)]
    if max_percent and int(digits) > 100:
        return [f.invalid(path, value, "must not be greater than 100%")]
    return []


def resource_amounts(path: str, resources: Mapping[str, Quantity]) -> Causes:
    causes = qualified_names(path, resources)
    for name, amount in resources.items():
        if amount.nano_value < 0:
            at = f.key(path, name)
            causes.append(f.invalid(at, str(amount), "must be greater than or equal to 0"))
    return causes


def immutable(path: str, new: Any, old: Any) -> Causes:
    """Kubernetes' ValidateImmutableField: the value may not change on update."""
    if new == old:
        return []
    return [f.invalid(path, _printable(new), "field is immutable")]


def _printable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | bool):
        return value
    return unstructure(value)


def each(path: str, items: Iterable[Any], check: Callable[[str, Any], Causes]) -> Causes:
    """Run ``check`` over a list, with each item's index in its path."""
    causes: Causes = []
    for i, item in enumerate(items):
        causes.extend(check(f.index(path, i), item))
    return causes
