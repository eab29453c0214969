"""The one cattrs converter: Kubernetes' camelCase wire format in, frozen objects out, and back.

Structuring is strict, as ``kubectl --validate=strict`` is: an unknown key is an error naming
its path (``unknown field "spec.replica"``) and so is a value of the wrong type
(``spec.replicas: Invalid value: "abc": expected int``); every such error in an object is
collected into one ``Invalid``.

Unstructuring leaves out what Go's ``omitempty`` would: ``None``, empty strings, lists and
maps, zero values of ``omitempty`` fields, and nested objects (when the field is not optional)
that come out empty. An optional nested object that is set is always written, even as ``{}``
(``emptyDir: {}`` means something).
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final

import attrs
import cattrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
)
from cattrs.gen import make_dict_structure_fn, override

from kube_actors.errors import BadRequest, FieldCause, Invalid

from . import _field
from ._base import EMPTY, FrozenDict, format_time, parse_time, wire_name
from ._quantity import Quantity
from ._registry import KindInfo, lookup_kind
from ._unserved import unserved_kind_message

__all__ = [
    "converter",
    "from_dict",
    "structure",
    "to_dict",
    "unstructure",
    "zero_value_written",
]


class _Mistyped(ValueError):
    """A wire value of the wrong type or form; carries the value for the message."""

    def __init__(self, value: object, detail: str) -> None:
        super().__init__(detail)
        self.value = value
        self.detail = detail


converter: Final = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)


# ------------------------------------------------------------------- strict scalar hooks


def _structure_str(value: object, _: object) -> str:
    if isinstance(value, str):
        return value
    raise _Mistyped(value, "expected string")


def _structure_int(value: object, _: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise _Mistyped(value, "expected int")


def _structure_bool(value: object, _: object) -> bool:
    if isinstance(value, bool):
        return value
    raise _Mistyped(value, "expected bool")


def _structure_int_or_string(value: object, t: object) -> int | str | None:
    if value is None and t == (int | str | None):
        return None
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise _Mistyped(value, "expected int or string")


def _structure_quantity(value: object, _: object) -> Quantity:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, float):
        value = repr(value)
    if isinstance(value, str | int) and not isinstance(value, bool):
        try:
            return Quantity(value)
        except ValueError as exc:
            raise _Mistyped(value, str(exc)) from None
    raise _Mistyped(value, "expected a quantity (string or number)")


def _structure_time(value: object, _: object) -> dt.datetime:
    try:
        return parse_time(value)
    except (TypeError, ValueError):
        raise _Mistyped(value, "expected an RFC 3339 timestamp") from None


converter.register_structure_hook(str, _structure_str)
converter.register_structure_hook(int, _structure_int)
converter.register_structure_hook(bool, _structure_bool)
converter.register_structure_hook(Quantity, _structure_quantity)
converter.register_structure_hook(dt.datetime, _structure_time)
converter.register_structure_hook_func(
    lambda t: t == (int | str) or t == (int | str | None), _structure_int_or_string
)
converter.register_unstructure_hook(Quantity, str)
converter.register_unstructure_hook(dt.datetime, format_time)


# ------------------------------------------------------------ containers: lists and maps


def _origin(t: Any) -> Any:
    return typing.get_origin(t)


def _is_tuple(t: Any) -> bool:
    return _origin(t) is tuple


def _is_mapping(t: Any) -> bool:
    return _origin(t) in (Mapping, dict, FrozenDict)


def _tuple_hook(t: Any) -> Callable[[Any, Any], tuple[Any, ...]]:
    (item_type, _ellipsis) = typing.get_args(t)
    item_hook = converter.get_structure_hook(item_type)

    def structure_tuple(value: object, _: object) -> tuple[Any, ...]:
        if type(value) is not list and not isinstance(value, list | tuple):
            raise _Mistyped(value, "expected list")
        items, errors = [], []
        for i, item in enumerate(value):
            try:
                items.append(item_hook(item, item_type))
            except Exception as exc:
                exc.__notes__ = [*getattr(exc, "__notes__", []), _IndexNote(i)]
                errors.append(exc)
        if errors:
            raise IterableValidationError("list", errors, t)
        return tuple(items)

    return structure_tuple


def _mapping_hook(t: Any) -> Callable[[Any, Any], Mapping[Any, Any]]:
    _key_type, value_type = typing.get_args(t)
    value_hook = converter.get_structure_hook(value_type)

    def structure_mapping(value: object, _: object) -> Mapping[Any, Any]:
        # dict first: the ABC check costs more than the rest of a small object's decoding
        if type(value) is not dict and not isinstance(value, Mapping):
            raise _Mistyped(value, "expected object")
        if not value:
            return EMPTY
        items, errors = {}, []
        for k, v in value.items():
            try:
                if not isinstance(k, str):
                    raise _Mistyped(k, "expected string key")
                items[k] = value_hook(v, value_type)
            except Exception as exc:
                exc.__notes__ = [*getattr(exc, "__notes__", []), _IndexNote(k)]
                errors.append(exc)
        if errors:
            raise IterableValidationError("map", errors, t)
        return FrozenDict(items)

    return structure_mapping


class _IndexNote(str):
    """Which list index or map key an error came from (cattrs-style note)."""

    position: object

    def __new__(cls, index: object) -> _IndexNote:
        note = super().__new__(cls, f"at {index!r}")
        note.position = index
        return note


converter.register_structure_hook_factory(_is_tuple, _tuple_hook)
converter.register_structure_hook_factory(_is_mapping, _mapping_hook)
converter.register_unstructure_hook_factory(
    _is_mapping,
    lambda t: _map_unstructurer(typing.get_args(t)[1]),
)


def _map_unstructurer(value_type: Any) -> Callable[[Mapping[Any, Any]], dict[Any, Any]]:
    if value_type is Quantity:
        return lambda m: {k: str(v) for k, v in m.items()}
    if value_type is Any:
        return _thawed  # free-form JSON (managedFields' fieldsV1): plain dicts all the way
    return dict


def _thawed(value: Mapping[Any, Any]) -> dict[Any, Any]:
    # Keys sorted, as Go writes a map (and as FieldsV1 lists its paths). Every response
    # thaws its object's managedFields: the frozen maps are dicts, checked for first (the
    # abstract Mapping check is several times slower), and a leaf ({} in FieldsV1) is cheap.
    if not value:
        return {}
    return {
        k: _thawed(v)
        if isinstance(v, dict) or (not isinstance(v, str) and isinstance(v, Mapping))
        else v
        for k, v in sorted(value.items())
    }


# ------------------------------------------------------------------ attrs classes (objects)


_wire_names: dict[type[Any], Mapping[str, str]] = {}


def wire_names(cls: type[Any]) -> Mapping[str, str]:
    """Python attribute name → wire key, for one attrs class (cached per class)."""
    names = _wire_names.get(cls)
    if names is None:
        names = _wire_names[cls] = {a.name: wire_name(a) for a in attrs.fields(cls)}
    return names


def _attrs_structure_hook(cls: type[Any]) -> Callable[[Any, Any], Any]:
    attrs.resolve_types(cls)
    renames: dict[str, Any] = {name: override(rename=key) for name, key in wire_names(cls).items()}
    generated = make_dict_structure_fn(cls, converter, _cattrs_forbid_extra_keys=True, **renames)

    def structure_object(value: object, _: object) -> Any:
        # dict first: the ABC check costs more than the rest of a small object's decoding
        if type(value) is not dict and not isinstance(value, Mapping):
            raise _Mistyped(value, "expected object")
        return generated(value, cls)

    return structure_object


# How a field is written out; decided once per class from its type.
_PLAIN, _STRING, _COLLECTION, _OPTIONAL, _STRUCT, _OMITEMPTY = range(6)


def _plan_field(a: attrs.Attribute[Any]) -> int:
    t = a.type
    if a.metadata.get("omitempty"):
        return _OMITEMPTY
    if t is str:
        return _STRING
    if _is_tuple(t) or _is_mapping(t):
        return _COLLECTION
    if _origin(t) in (typing.Union, types.UnionType) and type(None) in typing.get_args(t):
        return _OPTIONAL
    if isinstance(t, type) and attrs.has(t):
        return _STRUCT
    return _PLAIN


def zero_value_written(attribute: attrs.Attribute[Any]) -> bool:
    """Whether the wire form keeps the field when its value is empty or zero (only None
    leaves it out): plain scalars and optional values, as Go writes them."""
    return _plan_field(attribute) in (_PLAIN, _OPTIONAL)


def _attrs_unstructure_hook(cls: type[Any]) -> Callable[[Any], dict[str, Any]]:
    attrs.resolve_types(cls)
    plan = [
        (a.name, wire_name(a), _plan_field(a), converter.get_unstructure_hook(a.type))
        for a in attrs.fields(cls)
    ]

    def unstructure_object(obj: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, key, how, hook in plan:
            value = getattr(obj, name)
            if value is None or (how != _PLAIN and how != _OPTIONAL and not value):
                continue
            result = hook(value)
            if how == _STRUCT and not result:
                continue
            out[key] = result
        return out

    return unstructure_object


converter.register_structure_hook_factory(attrs.has, _attrs_structure_hook)
converter.register_unstructure_hook_factory(attrs.has, _attrs_unstructure_hook)


# ------------------------------------------------------------- cattrs errors → FieldCauses


def _causes(exc: BaseException, path: str, cls: type[Any] | None) -> Iterator[FieldCause]:
    """Walk cattrs' exception groups, turning each leaf into a cause at its wire path."""
    if isinstance(exc, ForbiddenExtraKeysError):
        for extra in sorted(exc.extra_fields):
            yield _field.unknown_field(_field.child(path, extra))
        return
    if isinstance(exc, ClassValidationError | IterableValidationError):
        inner_cls = exc.cl if isinstance(exc, ClassValidationError) else None
        for sub in exc.exceptions:
            yield from _causes(sub, _sub_path(sub, path, inner_cls), None)
        return
    if isinstance(exc, _Mistyped):
        yield _field.type_invalid(path, exc.value, exc.detail)
        return
    yield _field.invalid(path, "", str(exc))


def _sub_path(sub: BaseException, path: str, cls: type[Any] | None) -> str:
    for note in getattr(sub, "__notes__", ()):
        if isinstance(note, _IndexNote):
            index = note.position
            return _field.index(path, index) if isinstance(index, int) else _field.key(path, index)
        name = getattr(note, "name", None)
        if name is not None and cls is not None:
            return _field.child(path, wire_names(cls).get(name, name))
    return path


# ----------------------------------------------------------------------- the entry points


def structure(data: Mapping[str, Any], cls: type[Any], *, path: str = "") -> Any:
    """Build a ``cls`` from its wire dict; errors come back as one ``Invalid`` listing causes."""
    try:
        return converter.structure(data, cls)
    except (ClassValidationError, IterableValidationError, _Mistyped) as exc:
        causes = list(_causes(exc, path, cls))
        raise _invalid(cls.__name__, _name_of(data), causes) from None


def unstructure(obj: Any) -> Any:
    """The wire form of any model object (no apiVersion/kind; see ``to_dict`` for those)."""
    return converter.unstructure(obj)


def from_dict(data: Mapping[str, Any]) -> Any:
    """The object a manifest dict describes; ``apiVersion`` and ``kind`` pick the class.

    Raises BadRequest when the kind is unknown and Invalid when fields are wrong.
    """
    if not isinstance(data, Mapping):
        raise BadRequest(f"expected a manifest object, got {type(data).__name__}")
    info = _kind_of(data)
    body = {k: v for k, v in data.items() if k not in ("apiVersion", "kind")}
    try:
        return converter.structure(body, info.cls)
    except (ClassValidationError, IterableValidationError, _Mistyped) as exc:
        causes = list(_causes(exc, "", info.cls))
        raise _invalid(info.kind, _name_of(data), causes, group=info.group) from None


def to_dict(obj: Any) -> dict[str, Any]:
    """The manifest dict of a top-level object: apiVersion, kind, then its fields."""
    cls = type(obj)
    return {"apiVersion": cls.api_version, "kind": cls.kind, **converter.unstructure(obj)}


def _kind_of(data: Mapping[str, Any]) -> KindInfo:
    api_version, kind = data.get("apiVersion"), data.get("kind")
    if not isinstance(kind, str) or not kind:
        raise BadRequest("Object 'Kind' is missing in manifest")
    if not isinstance(api_version, str) or not api_version:
        raise BadRequest(f"Object 'apiVersion' is missing in manifest of kind {kind!r}")
    info = lookup_kind(api_version, kind)
    if info is None:
        unserved = unserved_kind_message(api_version, kind)
        raise BadRequest(unserved or f'no matches for kind "{kind}" in version "{api_version}"')
    return info


def _name_of(data: object) -> str:
    if isinstance(data, Mapping):
        meta = data.get("metadata")
        if isinstance(meta, Mapping):
            name = meta.get("name") or meta.get("generateName")
            if isinstance(name, str):
                return name
    return ""


def _invalid(kind: str, name: str, causes: list[FieldCause], *, group: str = "") -> Invalid:
    return Invalid.for_object(kind, name, causes, group=group)
