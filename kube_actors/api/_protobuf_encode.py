"""A manifest dict in Kubernetes' protobuf encoding: the inverse of ``decode_protobuf``.

The server answers in protobuf with it (``_wire`` assembles lists and watch frames from the
messages it writes); it is also what a client in Python sends to a Kubernetes apiserver in
protobuf, and what the decoder is tested against (an object encoded and decoded is the object
again). A field of the
manifest that Kubernetes' message of the kind does not have is a ValueError naming it: the
model and the wire format disagree.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
from collections.abc import Mapping
from typing import Any

from ._protobuf import (
    _DURATION,
    _FIELDS_V1,
    _INT_OR_STRING,
    _MICRO_TIME,
    _QUANTITY,
    _RAW_EXTENSION,
    _SCALARS,
    _TIME,
    _UNKNOWN,
    MAGIC,
    _message_class,
    message_name,
)
from ._protobuf_schema import MESSAGES

__all__ = ["encode_message", "encode_protobuf", "wrap_unknown"]


def encode_protobuf(manifest: Mapping[str, Any]) -> bytes:
    """The body kubectl would send for ``manifest`` (``k8s\\x00`` and a ``runtime.Unknown``)."""
    api_version, kind = str(manifest.get("apiVersion", "")), str(manifest.get("kind", ""))
    return wrap_unknown(api_version, kind, encode_message(manifest))


def encode_message(manifest: Mapping[str, Any], kind: str = "") -> bytes:
    """The protobuf message of ``manifest``'s kind alone (no magic, no ``Unknown``): what a
    list holds per item. ``kind`` names it when the manifest carries no apiVersion and kind
    (a list's item), as ``apiVersion/Kind``."""
    if kind:
        api_version, _, kind = kind.rpartition("/")
    else:
        api_version, kind = str(manifest.get("apiVersion", "")), str(manifest.get("kind", ""))
    name = message_name(api_version, kind)
    if name is None:
        raise ValueError(f"no protobuf message for {api_version} {kind}")
    message = _message_class(name)()
    rest = {k: v for k, v in manifest.items() if k not in ("apiVersion", "kind")}
    _fill(message, name, rest, kind)
    raw: bytes = message.SerializeToString()
    return raw


def wrap_unknown(api_version: str, kind: str, raw: bytes) -> bytes:
    """``raw`` (a kind's message) as Kubernetes' protobuf serializer writes a whole object."""
    unknown: Any = _message_class(_UNKNOWN)()
    unknown.f1.f1 = api_version
    unknown.f1.f2 = kind
    unknown.f2 = raw
    body: bytes = MAGIC + unknown.SerializeToString()
    return body


@functools.cache
def _keys(name: str) -> frozenset[str]:
    """The JSON keys a message takes, its embedded structs' included."""
    keys: set[str] = set()
    for _, json_name, _, type_, _ in MESSAGES[name]:
        keys |= _keys(type_) if not json_name else {json_name}
    return frozenset(keys)


@functools.cache
def _index(name: str) -> tuple[dict[str, tuple[str, str, str]], tuple[tuple[str, str], ...]]:
    """A message's own fields by JSON name (attribute, label, type), and its embedded
    structs (attribute, type): what ``_fill`` looks a manifest's keys up in."""
    own: dict[str, tuple[str, str, str]] = {}
    embedded: list[tuple[str, str]] = []
    for number, json_name, label, type_, _ in MESSAGES[name]:
        if json_name:
            own[json_name] = (f"f{number}", label, type_)
        else:
            embedded.append((f"f{number}", type_))
    return own, tuple(embedded)


def _fill(message: Any, name: str, data: Mapping[str, Any], path: str) -> None:
    # Walks the manifest's keys, not the message's fields: a Pod sets a few of PodSpec's forty.
    own, embedded = _index(name)
    for attribute, type_ in embedded:  # an embedded struct: its fields are among the parent's
        inner = {k: v for k, v in data.items() if k in _keys(type_)}
        if inner:
            _fill(getattr(message, attribute), type_, inner, path)
    for json_name, value in data.items():
        spec = own.get(json_name)
        if spec is None:
            if not any(json_name in _keys(type_) for _, type_ in embedded):
                raise ValueError(f"{path}: {name} has no field {json_name!r}")
            continue
        if value is None:
            continue
        attribute, label, type_ = spec
        where = f"{path}.{json_name}"
        if label == "r":
            target = getattr(message, attribute)
            for item in value:
                if type_ in _SCALARS:
                    target.append(_scalar(item, type_))
                else:
                    _set(target.add(), type_, item, where)
        elif label == "m":
            target = getattr(message, attribute)
            for key, item in value.items():
                if type_ in _SCALARS:
                    target[key] = _scalar(item, type_)
                else:
                    _set(target[key], type_, item, where)
        elif type_ in _SCALARS:
            setattr(message, attribute, _scalar(value, type_))
        else:
            _set(getattr(message, attribute), type_, value, where)


def _scalar(value: Any, type_: str) -> Any:
    if type_ == "bytes":
        return base64.b64decode(value)
    return value


def _set(message: Any, type_: str, value: Any, path: str) -> None:
    message.SetInParent()
    if type_ in (_TIME, _MICRO_TIME):
        stamp = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        message.f1 = int(stamp.timestamp())
        message.f2 = stamp.microsecond * 1000
    elif type_ == _QUANTITY:
        message.f1 = str(value)
    elif type_ == _INT_OR_STRING:
        if isinstance(value, str):
            message.f1, message.f3 = 1, value
        else:
            message.f1, message.f2 = 0, value
    elif type_ == _DURATION:
        raise ValueError(f"{path}: durations are not encoded")
    elif type_ in (_RAW_EXTENSION, _FIELDS_V1):
        message.f1 = json.dumps(value, separators=(",", ":")).encode()
    elif type_.endswith(".ExtraValue"):
        # A list of strings in JSON, a message of its ``items`` in protobuf.
        _fill(message, type_, {"items": value}, path)
    else:
        _fill(message, type_, value, path)
