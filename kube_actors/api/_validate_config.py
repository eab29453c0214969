"""Defaulting and validation of ConfigMap and Secret, as Kubernetes' core validation does them."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable
from typing import Final

from kube_actors.errors import FieldCause

from . import _field as f
from ._base import evolve
from ._config import SECRET_TYPES, ConfigMap, Secret

__all__ = ["default_secret", "validate_config_map", "validate_secret"]

Causes = list[FieldCause]

#: A ConfigMap or a Secret may hold at most 1 MiB of data (etcd's object limit, with room).
MAX_DATA_BYTES: Final = 1024 * 1024
_KEY: Final = re.compile(r"^[-._a-zA-Z0-9]+$")
_KEY_MESSAGE: Final = (
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' "
    "(e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "
    "'[-._a-zA-Z0-9]+')"
)
_IMMUTABLE: Final = "field is immutable when `immutable` is set"


def config_key_problems(key: str) -> list[str]:
    """Kubernetes' IsConfigMapKey: why ``key`` cannot name a file of a ConfigMap or Secret."""
    problems: list[str] = []
    if len(key) > 253:
        problems.append("must be no more than 253 characters")
    if not _KEY.match(key):
        problems.append(_KEY_MESSAGE)
    if key == ".":
        problems.append("must not be '.'")
    elif key == "..":
        problems.append("must not be '..'")
    elif key.startswith(".."):
        problems.append("must not start with '..'")
    return problems


def _keys(path: str, keys: Iterable[str]) -> Causes:
    causes: Causes = []
    for key in keys:
        causes.extend(f.invalid(f.key(path, key), key, p) for p in config_key_problems(key))
    return causes


def _decoded(path: str, data: dict[str, str]) -> tuple[Causes, int]:
    """Checks that every value is base64; the decoded size in bytes."""
    causes: Causes = []
    size = 0
    for key, value in data.items():
        try:
            size += len(base64.b64decode(value, validate=True))
        except (binascii.Error, ValueError) as error:
            causes.append(
                f.invalid(f.key(path, key), "<value omitted>", f"illegal base64 data: {error}")
            )
    return causes, size


def default_secret(obj: Secret) -> Secret:
    """``type`` Opaque when unset, ``stringData`` encoded into ``data`` (it wins on a clash)."""
    data = dict(obj.data)
    for key, value in obj.string_data.items():
        data[key] = base64.b64encode(value.encode()).decode("ascii")
    changes: dict[str, object] = {}
    if not obj.type:
        changes["type"] = "Opaque"
    if obj.string_data:
        changes.update(data=data, string_data={})
    return evolve(obj, **changes) if changes else obj


def validate_config_map(obj: ConfigMap, old: ConfigMap | None) -> Causes:
    # An update's own checks come first, as in Kubernetes' ValidateConfigMapUpdate.
    causes = [] if old is None else _immutability(obj, old, ("data", "binary_data"))
    causes += _keys("data", obj.data) + _keys("binaryData", obj.binary_data)
    for key in obj.data.keys() & obj.binary_data.keys():
        causes.append(f.invalid(f.key("data", key), key, "duplicate of key present in binaryData"))
    decoded, size = _decoded("binaryData", dict(obj.binary_data))
    causes.extend(decoded)
    size += sum(len(key) + len(value.encode()) for key, value in obj.data.items())
    if size > MAX_DATA_BYTES:
        causes.append(f.too_long("", MAX_DATA_BYTES))
    return causes


def validate_secret(obj: Secret, old: Secret | None) -> Causes:
    causes: Causes = []
    if old is not None:
        if obj.type != old.type:
            causes.append(f.invalid("type", obj.type, "field is immutable"))
        causes.extend(_immutability(obj, old, ("data",)))
    causes += _keys("data", obj.data)
    decoded, size = _decoded("data", dict(obj.data))
    causes.extend(decoded)
    if size > MAX_DATA_BYTES:
        causes.append(f.too_long("data", MAX_DATA_BYTES))
    causes.extend(_typed(obj))
    return causes


def _typed(obj: Secret) -> Causes:
    """What each built-in Secret type requires of its data."""
    data = obj.data
    causes = [
        f.required(f.key("data", key)) for key in SECRET_TYPES.get(obj.type, ()) if key not in data
    ]
    if obj.type == "kubernetes.io/service-account-token":
        name = "kubernetes.io/service-account.name"
        if not obj.metadata.annotations.get(name):
            causes.append(f.required(f.key("metadata.annotations", name)))
    elif obj.type == "kubernetes.io/basic-auth":
        if "username" not in data and "password" not in data:
            causes.append(f.required(f.key("data", "username")))
            causes.append(f.required(f.key("data", "password")))
    elif obj.type in ("kubernetes.io/dockercfg", "kubernetes.io/dockerconfigjson"):
        key = ".dockercfg" if obj.type == "kubernetes.io/dockercfg" else ".dockerconfigjson"
        if key in data:
            try:
                json.loads(base64.b64decode(data[key]))
            except (ValueError, binascii.Error) as error:
                causes.append(
                    f.invalid(f.key("data", key), "<secret contents redacted>", str(error))
                )
    return causes


def _immutability(
    obj: ConfigMap | Secret, old: ConfigMap | Secret, fields: tuple[str, ...]
) -> Causes:
    """Once ``immutable`` is true, neither it nor the data may change."""
    if not old.immutable:
        return []
    causes: Causes = []
    if not obj.immutable:
        causes.append(f.forbidden("immutable", _IMMUTABLE))
    for name in fields:
        if getattr(obj, name) != getattr(old, name):
            wire = "binaryData" if name == "binary_data" else name
            causes.append(f.forbidden(wire, _IMMUTABLE))
    return causes
