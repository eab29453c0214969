"""How the SQLite store writes values: API objects as their JSON manifests, others as JSON.

The memory store keeps values as given; a durable one must turn them into bytes and back into
equal objects. An API object (anything with a registered kind) is written as Kubernetes
writes it to etcd in JSON: its manifest, ``apiVersion`` and ``kind`` included, so the file
reads with the ``sqlite3`` shell and ``jq``. Any other value (the store's own tests put ints
and strings) must be plain JSON: a value JSON would change (a tuple, a set, an object of an
unregistered class) is refused when written rather than read back as something else.

The first byte tells the two apart: ``{`` opens a manifest, ``=`` a plain JSON value.
"""

from __future__ import annotations

import json
from typing import Any

import attrs
import orjson

from ..api import from_dict, to_dict
from ..api._custom_kind import serve_custom_kind
from ..errors import StoreError

__all__ = ["decode_value", "encode_value"]

_PLAIN = b"="
_SEPARATORS = (",", ":")
_JSON_SCALARS = (str, int, float, bool, type(None))


def encode_value(value: object) -> bytes:
    """The bytes the store writes for ``value``; ``TypeError`` for what JSON would change."""
    if attrs.has(type(value)) and hasattr(type(value), "api_version"):
        manifest = to_dict(value)
        try:
            return orjson.dumps(manifest)
        except orjson.JSONEncodeError:  # an integer past 64 bits, which only json writes
            return json.dumps(manifest, separators=_SEPARATORS).encode()
    _check_plain(value, "value")
    return _PLAIN + json.dumps(value, separators=_SEPARATORS).encode()


def decode_value(data: bytes, *, key: str, revision: int) -> Any:
    """The value ``encode_value`` wrote; ``StoreError`` naming the key if it cannot be read."""
    try:
        if data[:1] == _PLAIN:
            return json.loads(data[1:])
        try:
            manifest = orjson.loads(data)
        except orjson.JSONDecodeError:  # an integer past 64 bits
            manifest = json.loads(data)
        value = from_dict(manifest)
        # A CRD is written before any object of its kind (revision order): serving its kind as
        # it is read lets a durable store load those objects after a restart.
        serve_custom_kind(value)
        return value
    except Exception as error:
        raise StoreError(
            f"the store holds an unreadable value for key {key!r} at revision {revision}: {error}"
        ) from error


def _check_plain(value: object, path: str) -> None:
    if isinstance(value, _JSON_SCALARS):
        return
    if type(value) is list:
        for i, item in enumerate(value):
            _check_plain(item, f"{path}[{i}]")
        return
    if type(value) is dict:
        for k, item in value.items():
            if not isinstance(k, str):
                raise TypeError(f"{path}: the sqlite store needs string keys, not {k!r}")
            _check_plain(item, f"{path}[{k!r}]")
        return
    raise TypeError(
        f"{path}: the sqlite store holds API objects and JSON values (str, int, float, bool, "
        f"None, list, dict), not {type(value).__name__}"
    )
