"""Label selectors: parse once (``app=web,tier in (a,b),!legacy``), then match fast.

``compile_selector`` turns any form a selector arrives in (the string form, a LabelSelector,
a Service's plain map, or None) into a ``Selector``: an immutable matcher whose equality
requirements are checked first with plain dict lookups, since they are by far the most common
and the cheapest to reject on. Watch fan-out and the scheduler call ``matches`` per object.

Semantics follow Kubernetes: ``None`` (a nil LabelSelector) matches nothing; an empty
LabelSelector, an empty map or an empty string match everything.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

import attrs

from kube_actors.errors import BadRequest

from ._meta import LabelSelector
from ._names import is_label_value, is_qualified_name

__all__ = ["Requirement", "Selector", "compile_selector", "parse_selector"]

IN, NOT_IN, EXISTS, DOES_NOT_EXIST, EQUALS, NOT_EQUALS, GT, LT = (
    "in",
    "notin",
    "exists",
    "!",
    "=",
    "!=",
    "gt",
    "lt",
)
_OPERATOR_BY_EXPRESSION: Final = {
    "In": IN,
    "NotIn": NOT_IN,
    "Exists": EXISTS,
    "DoesNotExist": DOES_NOT_EXIST,
}


@attrs.frozen
class Requirement:
    """One ``key <op> values`` clause; ``values`` is empty for exists/does-not-exist."""

    key: str
    operator: str
    values: frozenset[str] = frozenset()

    def matches(self, labels: Mapping[str, str]) -> bool:
        op = self.operator
        if op == EXISTS:
            return self.key in labels
        if op == DOES_NOT_EXIST:
            return self.key not in labels
        value = labels.get(self.key)
        if op in (IN, EQUALS):
            return value in self.values
        if op in (NOT_IN, NOT_EQUALS):
            return value not in self.values  # a missing label is "not in", as in Kubernetes
        if value is None or not value.lstrip("-").isdigit():
            return False
        bound = int(next(iter(self.values)))
        return int(value) > bound if op == GT else int(value) < bound

    def __str__(self) -> str:
        if self.operator == EXISTS:
            return self.key
        if self.operator == DOES_NOT_EXIST:
            return f"!{self.key}"
        values = sorted(self.values)
        if self.operator in (EQUALS, NOT_EQUALS):
            return f"{self.key}{self.operator}{values[0]}"
        if self.operator in (GT, LT):
            return f"{self.key}{'>' if self.operator == GT else '<'}{values[0]}"
        return f"{self.key} {self.operator} ({','.join(values)})"


@attrs.frozen
class Selector:
    """A compiled label selector. ``matches(labels)`` is the hot path."""

    requirements: tuple[Requirement, ...] = ()
    matches_nothing: bool = False
    # Single-valued equalities, pulled out of ``requirements`` for the fast path.
    _equals: tuple[tuple[str, str], ...] = attrs.field(init=False, repr=False, eq=False)
    _others: tuple[Requirement, ...] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        equals = tuple(
            (r.key, next(iter(r.values)))
            for r in self.requirements
            if r.operator in (EQUALS, IN) and len(r.values) == 1
        )
        others = tuple(
            r for r in self.requirements if not (r.operator in (EQUALS, IN) and len(r.values) == 1)
        )
        object.__setattr__(self, "_equals", equals)
        object.__setattr__(self, "_others", others)

    def matches(self, labels: Mapping[str, str]) -> bool:
        if self.matches_nothing:
            return False
        get = labels.get
        for key, value in self._equals:
            if get(key) != value:
                return False
        return all(r.matches(labels) for r in self._others)

    def is_everything(self) -> bool:
        return not self.requirements and not self.matches_nothing

    def __str__(self) -> str:
        return ",".join(str(r) for r in sorted(self.requirements, key=lambda r: r.key))


EVERYTHING: Final = Selector()
NOTHING: Final = Selector(matches_nothing=True)


def compile_selector(selector: LabelSelector | Mapping[str, str] | str | None) -> Selector:
    """A matcher for any form of label selector (see the module docstring for the forms)."""
    if selector is None:
        return NOTHING
    if isinstance(selector, str):
        return parse_selector(selector)
    if isinstance(selector, LabelSelector):
        return _from_label_selector(selector)
    return Selector(tuple(Requirement(k, EQUALS, frozenset((v,))) for k, v in selector.items()))


def _from_label_selector(selector: LabelSelector) -> Selector:
    requirements = [
        Requirement(k, EQUALS, frozenset((v,))) for k, v in selector.match_labels.items()
    ]
    for expression in selector.match_expressions:
        operator = _OPERATOR_BY_EXPRESSION.get(expression.operator)
        if operator is None:
            raise BadRequest(f"{expression.operator!r} is not a valid label selector operator")
        requirements.append(Requirement(expression.key, operator, frozenset(expression.values)))
    return Selector(tuple(requirements))


# ----------------------------------------------------------------------- the string form

# Tokens: the two-character operators first, then single characters, then words.
_TOKEN: Final = re.compile(r"\s*(==|!=|[=!(),<>]|[^\s=!(),<>]+)")


def parse_selector(text: str) -> Selector:
    """Parse ``app=web,tier in (a,b),!legacy`` (also ``==``, ``!=``, ``notin``, ``>``, ``<``).

    Raises BadRequest saying what was wrong and where.
    """
    return _Parser(text).parse()


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[tuple[str, int]] = []
        position = 0
        while position < len(text):
            match = _TOKEN.match(text, position)
            if match is None:  # only trailing whitespace is left
                break
            self.tokens.append((match.group(1), match.start(1)))
            position = match.end()
        self.at = 0

    def fail(self, problem: str) -> BadRequest:
        return BadRequest(f"unable to parse label selector {self.text!r}: {problem}")

    def peek(self) -> str | None:
        return self.tokens[self.at][0] if self.at < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise self.fail("unexpected end of selector")
        self.at += 1
        return token

    def where(self) -> str:
        if self.at < len(self.tokens):
            return f"at position {self.tokens[self.at][1]}"
        return "at the end"

    def parse(self) -> Selector:
        requirements = []
        while self.peek() is not None:
            requirements.append(self.requirement())
            token = self.peek()
            if token is None:
                break
            if token != ",":
                raise self.fail(
                    f"expected ',' between requirements, found {token!r} {self.where()}"
                )
            self.take()
            if self.peek() is None:
                raise self.fail("expected a requirement after ','")
        return Selector(tuple(requirements))

    def requirement(self) -> Requirement:
        if self.peek() == "!":
            self.take()
            return Requirement(self.key(), DOES_NOT_EXIST)
        key = self.key()
        token = self.peek()
        if token is None or token == ",":
            return Requirement(key, EXISTS)
        operator = self.take()
        if operator in ("=", "=="):
            return Requirement(key, EQUALS, frozenset((self.value(),)))
        if operator == "!=":
            return Requirement(key, NOT_EQUALS, frozenset((self.value(),)))
        if operator in ("in", "notin"):
            return Requirement(key, IN if operator == "in" else NOT_IN, self.value_set())
        if operator in (">", "<"):
            bound = self.value()
            if not bound.lstrip("-").isdigit():
                raise self.fail(f"for '{operator}', the value must be an integer, not {bound!r}")
            return Requirement(key, GT if operator == ">" else LT, frozenset((bound,)))
        self.at -= 1
        raise self.fail(f"expected an operator after {key!r}, found {operator!r} {self.where()}")

    def key(self) -> str:
        where = self.where()
        token = self.take()
        if token in ("=", "==", "!=", "!", "(", ")", ",", "<", ">"):
            raise self.fail(f"expected a label key, found {token!r} {where}")
        problems = is_qualified_name(token)
        if problems:
            raise self.fail(f"invalid label key {token!r}: {'; '.join(problems)}")
        return token

    def value(self) -> str:
        token = self.peek()
        if token is None or token in (",", ")"):
            return ""  # "key=" selects the empty value, as in Kubernetes
        if token in ("=", "==", "!=", "!", "(", "<", ">"):
            raise self.fail(f"expected a label value, found {token!r} {self.where()}")
        self.take()
        problems = is_label_value(token)
        if problems:
            raise self.fail(f"invalid label value {token!r}: {'; '.join(problems)}")
        return token

    def value_set(self) -> frozenset[str]:
        if self.peek() != "(":
            raise self.fail(f"expected '(' after 'in'/'notin' {self.where()}")
        self.take()
        values = {self.value()}
        while self.peek() == ",":
            self.take()
            values.add(self.value())
        if self.peek() != ")":
            raise self.fail(f"expected ')' to close the value set {self.where()}")
        self.take()
        return frozenset(values)
