"""A bound of an object's encoded size from its fields, with one plain encoding per model.

Every write of a whole object checks that its JSON is within etcd's limit (``_limits``), and
nearly every object is thousands of times smaller than that. ``FieldSizeBound`` proves it
from what the object holds: per model class, a generated function encodes the class's flat
fields (strings, ints, booleans, string maps and lists) as one tuple with one
``orjson.dumps``, adds the class's keys, and calls the function of each model it holds. The
encoder never calls back into Python: given no ``default``, it refuses (TypeError) what it
does not know, and the caller takes the encoding bound of the whole object. (An encoding
bound with a call back for every model object it meets cost an Event create ~36k
instructions, five call backs; generated code counting each field's length, ~24k.)

The flat fields' bytes are exact (the same encoder writes the stored object); a time counts
as the widest the converter writes (``_TIME_WIDTH``), a value of another type in its place
by ``other``. The array's brackets and commas stand for the object's braces and commas, and
a model field counts ``null`` even when it holds a model. A value not of its field's type is
counted as orjson writes it, as the encoding bound counts it; a model field's value that is
not of its model class is counted by ``other``.
"""

from __future__ import annotations

import collections.abc
import datetime as dt
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs
import orjson

from ._converter import wire_names

__all__ = ["FieldSizeBound"]

_NULL_WIDTH: Final = len("null")
#: A time as the converter writes it at the longest (``format_time``): RFC 3339 in UTC with
#: microseconds, in quotes. (orjson formatting the times itself cost more than the rest of
#: the flat fields: it asks the zone for the offset through Python.)
_TIME_WIDTH: Final = len('"0000-00-00T00:00:00.000000Z"')

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
            dumps=orjson.dumps,
            NAIVE_UTC=orjson.OPT_NAIVE_UTC,
            other=self._other,
            datetime=dt.datetime,
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


#: The fields one ``orjson.dumps`` of their values writes exactly.
_FLAT: Final = frozenset({_STRING, _OPTIONAL_STRING, _INT, _BOOL, _STRING_MAP, _STRINGS})


def _model_of(t: Any) -> type[Any]:
    """The model class a _MODEL or _MODELS field holds."""
    for part in typing.get_args(t) or (t,):
        if typing.get_origin(part) is tuple:
            part = typing.get_args(part)[0]
        if isinstance(part, type) and attrs.has(part):
            return part
    raise AssertionError(t)


def _source(cls: type[Any]) -> tuple[str, list[type[Any]]]:
    """The source of ``bound(obj)`` for ``cls``, and the model classes it calls the
    functions of (``bound0`` for ``Model0`` ...)."""
    attrs.resolve_types(cls)
    keys = wire_names(cls)
    fields = attrs.fields(cls)
    flat = [f"obj.{a.name}," for a in fields if _how(a.type) in _FLAT]
    fixed = sum(len(keys[a.name]) + len('"":') for a in fields)  # each key, quoted, a colon
    lines = ["def bound(obj):"]
    if flat:
        # The flat values' exact JSON as an array, whose brackets and commas are the
        # object's braces and as many of its commas: the other fields' commas besides.
        lines.append(f"    size = len(dumps(({' '.join(flat)}), option=NAIVE_UTC))")
        fixed += len(fields) - len(flat)
    else:
        lines.append("    size = 0")
        fixed += len("{}") + max(len(fields) - 1, 0)
    models: list[type[Any]] = []
    for a in attrs.fields(cls):
        how = _how(a.type)
        if how in _FLAT:
            continue
        lines.append(f"    value = obj.{a.name}")
        if how == _TIME:
            fixed += _TIME_WIDTH  # the widest, a value of another type counted besides
            lines += [
                "    if value is not None and type(value) is not datetime:",
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
    lines.append(f"    return size + {fixed}")
    return "\n".join(lines), models
