"""The shape of an object's wire form, read off its attrs classes: what each key holds.

Server-side apply and managedFields walk an object's wire dict and need to know, at each
key, whether the value is a struct (keys are fields), a map (keys are data), a list (and how
its items are told apart) or a leaf, and whether it is atomic. ``shape_of(Deployment)``
answers that from the classes and ``field_type`` markers, computed once per class.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from typing import Any, Literal

import attrs

from ._base import FrozenDict, wire_name
from ._field_types import FieldType, field_type

__all__ = ["LEAF", "Shape", "shape_of"]

ShapeKind = Literal["struct", "map", "list", "leaf"]


@attrs.define(eq=False)
class Shape:
    """What a value at some position is. ``element`` is a list's item or a map's value."""

    kind: ShapeKind
    field: FieldType = attrs.field(factory=FieldType)
    atomic: bool = False
    #: A struct Go holds by pointer: absent from the zero value of its parent.
    optional: bool = True
    cls: type[Any] | None = None
    element: Shape | None = None

    #: A struct's fields by wire key, looked up once (``child`` is on every walk's hot path).
    fields: dict[str, Shape] | None = None

    def child(self, key: str) -> Shape:
        """The shape of ``key``'s value in a struct or map (unknown keys are leaves)."""
        fields = self.fields
        if fields is not None:
            return fields.get(key, LEAF)
        if self.kind == "map":
            return self.element or LEAF
        if self.kind == "struct" and self.cls is not None:
            fields = self.fields = _fields_of(self.cls)
            return fields.get(key, LEAF)
        return LEAF

    def required_structs(self) -> Mapping[str, Shape]:
        """The struct fields Go always writes (non-pointer): present even when empty."""
        if self.kind != "struct" or self.cls is None:
            return {}
        return _required_of(self.cls)


LEAF = Shape("leaf")
_fields: dict[type[Any], dict[str, Shape]] = {}
_required: dict[type[Any], dict[str, Shape]] = {}
_roots: dict[type[Any], Shape] = {}


def shape_of(cls: type[Any]) -> Shape:
    """The shape of a whole object of ``cls``."""
    shape = _roots.get(cls)
    if shape is None:
        shape = _roots[cls] = Shape("struct", cls=cls, optional=False)
    return shape


def _fields_of(cls: type[Any]) -> dict[str, Shape]:
    fields = _fields.get(cls)
    if fields is None:
        attrs.resolve_types(cls)
        fields = _fields[cls] = {
            wire_name(a): _shape_of_type(a.type, field_type(cls, a)) for a in attrs.fields(cls)
        }
    return fields


def _required_of(cls: type[Any]) -> dict[str, Shape]:
    required = _required.get(cls)
    if required is None:
        required = _required[cls] = {
            key: shape
            for key, shape in _fields_of(cls).items()
            if shape.kind == "struct" and not shape.optional
        }
    return required


def _shape_of_type(t: Any, field: FieldType) -> Shape:
    optional = False
    origin = typing.get_origin(t)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(t) if a is not type(None)]
        optional = len(args) < len(typing.get_args(t))
        if len(args) != 1:
            return LEAF  # int | str and the like are scalars
        t = args[0]
        origin = typing.get_origin(t)
    if isinstance(t, type) and attrs.has(t):
        atomic = field.map_type == "atomic"
        return Shape("struct", field=field, atomic=atomic, optional=optional, cls=t)
    if origin is tuple:
        element = _shape_of_type(typing.get_args(t)[0], FieldType())
        return Shape("list", field=field, atomic=field.list_type == "atomic", element=element)
    if origin in (Mapping, dict, FrozenDict):
        value_type = typing.get_args(t)[1]
        element = LEAF if value_type is Any else _shape_of_type(value_type, FieldType())
        return Shape("map", field=field, atomic=field.map_type == "atomic", element=element)
    return LEAF
