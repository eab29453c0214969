"""Kubernetes' protobuf request bodies, read into the manifest dict their JSON would be.

kubectl's typed generators (``kubectl create deployment``, ``create service``, ``create
namespace``...) send ``application/vnd.kubernetes.protobuf`` and never fall back to JSON. Such
a body is the magic ``k8s\\x00`` and a ``runtime.Unknown``: the object's apiVersion and kind,
and the object itself as the protobuf message of its kind. The messages' field numbers and
types are Kubernetes' (``_protobuf_schema``, generated from its ``generated.proto`` files);
the ``protobuf`` package reads the wire format from descriptors built from that table.

Go writes every field of a struct, zero values included, so the decoder drops a zero value
where Go's JSON would (a non-pointer field tagged ``omitempty``) and keeps it where JSON would
keep it (``replicas: 0`` is a pointer set to zero). Kubernetes' own types come out as their
JSON forms: Time as RFC 3339 (an unset time is left out), Quantity as its string, IntOrString
as an int or a string, bytes as base64, RawExtension and FieldsV1 as the JSON they hold.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
from collections.abc import Iterator
from typing import Any, Final

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.message import DecodeError, Message

from ..errors import BadRequest
from ._protobuf_schema import MESSAGES

__all__ = ["MAGIC", "decode_protobuf"]

MAGIC: Final = b"k8s\x00"

_META = "k8s.io.apimachinery.pkg.apis.meta.v1"
_UNKNOWN = "k8s.io.apimachinery.pkg.runtime.Unknown"
_TIME = f"{_META}.Time"
_MICRO_TIME = f"{_META}.MicroTime"
_DURATION = f"{_META}.Duration"
_FIELDS_V1 = f"{_META}.FieldsV1"
_QUANTITY = "k8s.io.apimachinery.pkg.api.resource.Quantity"
_INT_OR_STRING = "k8s.io.apimachinery.pkg.util.intstr.IntOrString"
_RAW_EXTENSION = "k8s.io.apimachinery.pkg.runtime.RawExtension"

_F = descriptor_pb2.FieldDescriptorProto
_SCALARS = {
    "string": _F.TYPE_STRING,
    "int32": _F.TYPE_INT32,
    "int64": _F.TYPE_INT64,
    "uint64": _F.TYPE_UINT64,
    "bool": _F.TYPE_BOOL,
    "bytes": _F.TYPE_BYTES,
    "double": _F.TYPE_DOUBLE,
    "float": _F.TYPE_FLOAT,
}
_ZEROS: tuple[object, ...] = ("", 0, False, b"")
_OMIT: Final = object()


def _package(name: str) -> str:
    return name.rpartition(".")[0]


def _field_proto(number: int, label: str, type_: str, owner: str) -> tuple[_F, Any]:
    """One field's descriptor (named ``f<number>``), and a map entry type if it needs one."""
    field = _F(name=f"f{number}", number=number)
    entry = None
    if label == "m":
        entry = descriptor_pb2.DescriptorProto(name=f"F{number}Entry")
        entry.options.map_entry = True
        entry.field.append(_F(name="key", number=1, label=_F.LABEL_OPTIONAL, type=_F.TYPE_STRING))
        entry.field.append(_value_proto(_F(name="value", number=2), type_))
        field.label = _F.LABEL_REPEATED
        field.type = _F.TYPE_MESSAGE
        field.type_name = f".{owner}.F{number}Entry"
        return field, entry
    field.label = _F.LABEL_REPEATED if label == "r" else _F.LABEL_OPTIONAL
    return _value_proto(field, type_), entry


def _value_proto(field: _F, type_: str) -> _F:
    """``field`` typed as ``type_`` (a scalar or a message), optional unless labelled."""
    field.label = field.label or _F.LABEL_OPTIONAL
    if type_ in _SCALARS:
        field.type = _SCALARS[type_]
    else:
        field.type = _F.TYPE_MESSAGE
        field.type_name = f".{type_}"
    return field


def _files() -> Iterator[descriptor_pb2.FileDescriptorProto]:
    """One file per package, each after the packages it refers to."""
    packages: dict[str, descriptor_pb2.FileDescriptorProto] = {}
    needs: dict[str, set[str]] = {}
    for name, fields in MESSAGES.items():
        package = _package(name)
        file = packages.get(package)
        if file is None:
            file = packages[package] = descriptor_pb2.FileDescriptorProto(
                name=f"{package.replace('.', '/')}.proto", package=package, syntax="proto2"
            )
            needs[package] = set()
        message = file.message_type.add(name=name.rpartition(".")[2])
        for number, _, label, type_, _ in fields:
            field, entry = _field_proto(number, label, type_, name)
            message.field.append(field)
            if entry is not None:
                message.nested_type.append(entry)
            if type_ not in _SCALARS and _package(type_) != package:
                needs[package].add(_package(type_))
    done: set[str] = set()

    def emit(package: str) -> Iterator[descriptor_pb2.FileDescriptorProto]:
        if package in done:
            return
        done.add(package)
        for needed in sorted(needs[package]):
            yield from emit(needed)
        file = packages[package]
        file.dependency.extend(packages[n].name for n in sorted(needs[package]))
        yield file

    for package in sorted(packages):
        yield from emit(package)


@functools.cache
def _pool() -> descriptor_pool.DescriptorPool:
    pool = descriptor_pool.DescriptorPool()
    for file in _files():
        pool.Add(file)
    return pool


@functools.cache
def _message_class(name: str) -> type[Message]:
    return message_factory.GetMessageClass(_pool().FindMessageTypeByName(name))


def _parse(name: str, data: bytes) -> Message:
    message = _message_class(name)()
    try:
        message.ParseFromString(data)
    except DecodeError as exc:
        raise BadRequest(f"the body of the request could not be decoded: {exc}") from None
    return message


def message_name(api_version: str, kind: str) -> str | None:
    """The protobuf message of a kind (``apps/v1`` ``Deployment`` →
    ``k8s.io.api.apps.v1.Deployment``), or None when the table has none."""
    group, _, version = api_version.rpartition("/")
    if kind in ("DeleteOptions", "Status") or group == "meta.k8s.io":
        name = f"{_META}.{kind}"
    else:
        # The package is the group's first label: rbac.authorization.k8s.io → rbac.
        package = group.split(".")[0] if group else "core"
        name = f"k8s.io.api.{package}.{version}.{kind}"
    return name if name in MESSAGES else None


def decode_protobuf(body: bytes) -> dict[str, Any]:
    """The manifest dict of a protobuf-encoded request body (BadRequest if it is not one)."""
    if not body.startswith(MAGIC):
        raise BadRequest(
            "the body of the request could not be decoded: provided data does not appear to "
            "be a protobuf message, expected prefix [107 56 115 0]"
        )
    unknown = _parse(_UNKNOWN, body[len(MAGIC) :])
    type_meta: Any = unknown.f1  # type: ignore[attr-defined]
    api_version, kind = str(type_meta.f1), str(type_meta.f2)
    encoding = str(unknown.f3)  # type: ignore[attr-defined]
    if encoding:
        raise BadRequest(
            f"the body of the request has an unsupported content encoding {encoding!r}"
        )
    name = message_name(api_version, kind)
    if name is None:
        raise BadRequest(f'no kind "{kind}" is registered for version "{api_version}"')
    raw: bytes = unknown.f2  # type: ignore[attr-defined]
    return {"apiVersion": api_version, "kind": kind, **_object(_parse(name, raw), name)}


def _object(message: Any, name: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for number, json_name, label, type_, keep_zero in MESSAGES[name]:
        attribute = f"f{number}"
        if label == "r":
            items = getattr(message, attribute)
            if items:
                out[json_name] = [_value(item, type_) for item in items]
            continue
        if label == "m":
            entries = getattr(message, attribute)
            if entries:
                out[json_name] = {key: _value(entries[key], type_) for key in sorted(entries)}
            continue
        if not message.HasField(attribute):
            continue
        value = _value(getattr(message, attribute), type_)
        if value is _OMIT or (not keep_zero and _is_zero(value, type_)):
            continue
        if json_name:
            out[json_name] = value
        elif isinstance(value, dict):  # an embedded Go struct: its fields are the parent's
            out.update(value)
    return out


def _is_zero(value: Any, type_: str) -> bool:
    if type_ in _SCALARS or type_ in (_QUANTITY, _INT_OR_STRING):
        return any(value == zero and type(value) is type(zero) for zero in _ZEROS)
    return False


def _value(value: Any, type_: str) -> Any:
    if type_ in _SCALARS:
        return base64.b64encode(value).decode("ascii") if type_ == "bytes" else value
    if type_ in (_TIME, _MICRO_TIME):
        return _time(value.f1, value.f2, micro=type_ == _MICRO_TIME)
    if type_ == _QUANTITY:
        return str(value.f1)
    if type_ == _INT_OR_STRING:
        return str(value.f3) if value.f1 == 1 else int(value.f2)
    if type_ == _DURATION:
        return _go_duration(int(value.f1))
    if type_ in (_RAW_EXTENSION, _FIELDS_V1):
        return _raw(bytes(value.f1))
    if type_.endswith(".ExtraValue"):
        # A message of its ``items`` in protobuf, a plain list of strings in JSON.
        return list(value.f1)
    return _object(value, type_)


def _time(seconds: int, nanos: int, *, micro: bool) -> Any:
    if seconds == 0 and nanos == 0:
        return _OMIT  # Go's zero time, which its JSON writes as null
    stamp = dt.datetime.fromtimestamp(seconds, dt.UTC).replace(microsecond=nanos // 1000)
    if micro:
        return stamp.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def _raw(data: bytes) -> Any:
    if not data:
        return _OMIT
    if data.startswith(MAGIC):
        return decode_protobuf(data)
    try:
        return json.loads(data)
    except ValueError:
        raise BadRequest(
            "the body of the request holds an embedded object that is not JSON"
        ) from None


def _go_duration(nanoseconds: int) -> str:
    """Go's ``time.Duration.String`` for whole seconds and more (``1h2m3s``, ``0s``)."""
    seconds = nanoseconds // 1_000_000_000
    if seconds == 0:
        return "0s" if nanoseconds == 0 else f"{nanoseconds / 1e9:g}s"
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes}m{seconds}s"
    return f"{minutes}m{seconds}s" if minutes else f"{seconds}s"
