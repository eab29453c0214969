"""A bound of an object's encoded size from its fields' lengths, without encoding it.

Every write of a whole object checks that its JSON is within etcd's limit (``_limits``), and
nearly every object is thousands of times smaller than that. ``FieldSizeBound`` proves it
from what the object holds: per model class, a generated function adds up the class's keys,
a fixed width for each number, boolean and time, and its strings' lengths times the most
bytes a character can take in JSON, and calls the function of each model it holds. No
encoder runs: an encoding bound (orjson with a call back into Python for every model
object it meets) cost an Event create ~36k instructions, five call backs.

The bound is far above the exact size (a string counts six bytes a character), which does
not matter far below the limit; beyond it, ``size_bound`` takes the closer encoding bound.
A value that is not of its field's type (an int where a string is declared) is counted by
``other``, the encoding bound of that value alone; a string map or list holding anything
but strings raises TypeError (``str.join`` refuses it), and the caller takes the encoding
bound of the whole object.
"""

from __future__ import annotations

import collections.abc
import datetime as dt
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs

from ._base import FrozenDict
from ._converter import wire_names

__all__ = ["FieldSizeBound"]

#: The most bytes one character takes in JSON: a control character written ``\u001f``
#: (UTF-8 takes at most 4 bytes a character; a quote or backslash escaped takes 2).
_ESCAPED: Final = 6
#: The most an int takes: orjson writes int64 and uint64 (``-9223372036854775808``,
#: ``18446744073709551615``) and refuses larger ones, which the caller then handles.
_INT_WIDTH: Final = 20
_INT_LOW: Final = -(2**63)
_INT_HIGH: Final = 2**64 - 1
_BOOL_WIDTH: Final = len("false")
#: A time as the converter writes it (``format_time``): RFC 3339 in UTC with microseconds,
#: in quotes.
_TIME_WIDTH: Final = len('"0000-00-00T00:00:00.000000Z"')
_NULL_WIDTH: Final = len("null")

Bound = Callable[[Any], int]


class FieldSizeBound:
    """An upper bound of the size of a model object's JSON (without the apiVersion and
    kind of a top-level object), from its fields.

    ``shared`` gives the bound of the parts to count as a whole rather than field by field
    (parts many objects share, whose bound is remembered by identity); ``other`` the bound
    of any value the generated functions do not know (a field of a type they do not plan
    for, or a value not of its field's type). Either may raise TypeError, as the bound
    itself may."""

    def __init__(self, shared: Mapping[type[Any], Bound], other: Bound) -> None:
        self._functions: dict[type[Any], Bound] = dict(shared)
        self._other = other

    def of(self, obj: Any) -> int:
        """The bound of ``obj``'s JSON (a method, not ``__call__``: an instance's call costs
        a lookup of it on every call)."""
        function = self._functions.get(type(obj))
        if function is None:
            function = self._function(type(obj))
        return function(obj)

    def _function(self, cls: type[Any]) -> Bound:
        if not attrs.has(cls):
            return self._other
        # Registered before the classes it holds are looked at: a class that holds itself
        # finds its own function.
        namespace: dict[str, Any] = {}
        source, models = _source(cls)
        exec(source, namespace)
        function: Bound = namespace["bound"]
        function.__name__ = function.__qualname__ = f"size_bound_of_{cls.__name__}"
        self._functions[cls] = function
        namespace.update(
            join="".join,
            other=self._other,
            datetime=dt.datetime,
            FrozenDict=FrozenDict,
        )
        for i, model in enumerate(models):
            namespace[f"Model{i}"] = model
            namespace[f"bound{i}"] = self._functions.get(model) or self._function(model)
        return function


# How a field is counted, from its declared type (None allowed in each but _STRING).
_STRING, _OPTIONAL_STRING, _INT, _BOOL, _TIME, _STRING_MAP, _STRINGS, _MODEL, _MODELS, _OTHER = (
    range(10)
)


def _how(t: Any) -> int:
    parts = typing.get_args(t) if typing.get_origin(t) in (typing.Union, types.UnionType) else (t,)
    known = [p for p in parts if p is not type(None)]
    if len(known) != 1:
        return _OTHER
    (part,) = known
    if part is str:
        return _STRING if len(parts) == 1 else _OPTIONAL_STRING
    if part in (int, bool, dt.datetime):
        return {int: _INT, bool: _BOOL, dt.datetime: _TIME}[part]
    if isinstance(part, type) and attrs.has(part):
        return _MODEL
    origin, args = typing.get_origin(part), typing.get_args(part)
    if origin is collections.abc.Mapping and args == (str, str):
        return _STRING_MAP
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        if args[0] is str:
            return _STRINGS
        if isinstance(args[0], type) and attrs.has(args[0]):
            return _MODELS
    return _OTHER


def _model_of(t: Any) -> type[Any]:
    """The model class a _MODEL or _MODELS field holds."""
    for part in typing.get_args(t) or (t,):
        if typing.get_origin(part) is tuple:
            part = typing.get_args(part)[0]
        if isinstance(part, type) and attrs.has(part):
            return part
    raise AssertionError(t)


# Each piece of text counted is checked to encode: a lone surrogate, which no JSON encoder
# writes as UTF-8, raises UnicodeEncodeError as the encoding bound's fallback does.
_COUNT_TEXT = """\
    if not text.isascii():
        text.encode()
    chars += len(text)"""


def _source(cls: type[Any]) -> tuple[str, list[type[Any]]]:
    """The source of ``bound(obj)`` for ``cls``, and the model classes it calls the
    functions of (``bound0`` for ``Model0`` ...)."""
    attrs.resolve_types(cls)
    keys = wire_names(cls)
    fixed = 2  # the braces
    strings = [f"obj.{a.name}" for a in attrs.fields(cls) if _how(a.type) == _STRING]
    lines = ["def bound(obj):", "    chars = size = 0"]
    if strings:
        lines += [f"    text = join(({', '.join(strings)},))", _COUNT_TEXT]
    models: list[type[Any]] = []
    for a in attrs.fields(cls):
        fixed += len(keys[a.name]) + len('"":,')
        how = _how(a.type)
        if how == _STRING:
            fixed += 2  # its quotes; its characters are in ``text``
            continue
        lines.append(f"    value = obj.{a.name}")
        if how == _OPTIONAL_STRING:
            fixed += _NULL_WIDTH  # its quotes, or null
            lines += [
                "    if value is not None:",
                "        if type(value) is str:",
                "            text = value",
                _indent(_COUNT_TEXT, 2),
                "        else:",
                "            size += other(value)",
            ]
        elif how in (_INT, _BOOL, _TIME):
            # the widest value fixed, a value of another type counted besides
            fixed += {_INT: _INT_WIDTH, _BOOL: _BOOL_WIDTH, _TIME: _TIME_WIDTH}[how]
            test = {
                _INT: f"not (type(value) is int and {_INT_LOW} <= value <= {_INT_HIGH})",
                _BOOL: "type(value) is not bool",
                _TIME: "type(value) is not datetime",
            }[how]
            lines += [f"    if value is not None and {test}:", "        size += other(value)"]
        elif how == _STRING_MAP:
            fixed += 2  # its braces; an item's quotes, colon and comma are 6
            lines += [
                "    if type(value) is FrozenDict or type(value) is dict:",
                "        if value:",
                "            size += 6 * len(value)",
                "            text = join(value)",
                _indent(_COUNT_TEXT, 2),
                "            text = join(value.values())",
                _indent(_COUNT_TEXT, 2),
                "    else:",
                "        size += other(value)",
            ]
        elif how == _STRINGS:
            fixed += 2  # its brackets; an item's quotes and comma are 3
            lines += [
                "    if type(value) is tuple:",
                "        if value:",
                "            size += 3 * len(value)",
                "            text = join(value)",
                _indent(_COUNT_TEXT, 2),
                "    else:",
                "        size += other(value)",
            ]
        elif how == _MODEL:
            fixed += _NULL_WIDTH  # null, or the model's bound besides
            i = len(models)
            models.append(_model_of(a.type))
            lines += [
                "    if value is not None:",
                f"        size += bound{i}(value) if type(value) is Model{i} else other(value)",
            ]
        elif how == _MODELS:
            fixed += 2  # its brackets; each item's comma besides its bound
            i = len(models)
            models.append(_model_of(a.type))
            lines += [
                "    if type(value) is tuple:",
                "        size += len(value)",
                "        for item in value:",
                f"            size += bound{i}(item) if type(item) is Model{i} else other(item)",
                "    else:",
                "        size += other(value)",
            ]
        else:
            lines.append("    size += other(value)")
    lines.append(f"    return size + {fixed} + {_ESCAPED} * chars")
    return "\n".join(lines), models


def _indent(block: str, levels: int) -> str:
    return "\n".join("    " * levels + line for line in block.splitlines())
