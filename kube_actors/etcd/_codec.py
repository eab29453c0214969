"""How the durable stores write values: API objects as kube-apiserver writes them.

The memory store keeps values as given; a durable one must turn them into bytes and back into
equal objects. An API object (anything with a registered kind) is written as kube-apiserver
writes it to etcd. In a real etcd (``protobuf=True``) that is its default storage media type:
protobuf for the kinds Kubernetes has a message for (the magic ``k8s\x00`` and a
``runtime.Unknown`` holding apiVersion, kind and the object's message, ``api._protobuf``), and
the JSON manifest for the others (custom resources), so that a kube-apiserver, or a tool such
as auger, reads the same etcd. The SQLite store writes every object as its JSON manifest
(kube-apiserver's ``--storage-media-type application/json``), so the file reads with the
``sqlite3`` shell and ``jq``. A store record of a kind that is not served (the Service
range's ``RangeAllocation``) is a manifest dict, written in protobuf to a real etcd as
kube-apiserver writes it and read back as the dict. Any other value (the store's own tests
put ints and strings) must be plain JSON: a value JSON would change (a tuple, a set, an
object of an unregistered class) is refused when written rather than read back as something
else.

The first bytes tell them apart: ``k8s\x00`` opens a protobuf object, ``{`` a manifest, ``=`` a
plain JSON value; every store reads all three.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

import attrs
import orjson

from ..api import from_dict, to_dict
from ..api._custom_kind import serve_custom_kind
from ..api._protobuf import MAGIC, decode_protobuf, message_name
from ..api._protobuf_encode import encode_message, wrap_unknown
from ..errors import StoreError

__all__ = ["decode_value", "encode_value"]

_PLAIN = b"="
_SEPARATORS = (",", ":")
_JSON_SCALARS = (str, int, float, bool, type(None))
#: Records kube-apiserver keeps in etcd under kinds it does not serve (apiVersion, kind).
_RECORDS = frozenset({("v1", "RangeAllocation")})


def encode_value(value: object, *, protobuf: bool = False) -> bytes:
    """The bytes the store writes for ``value``; ``TypeError`` for what JSON would change.
    ``protobuf``: an object of a kind Kubernetes has a message for in protobuf."""
    if attrs.has(type(value)) and hasattr(type(value), "api_version"):
        manifest = to_dict(value)
        if protobuf:
            api_version, kind = manifest["apiVersion"], manifest["kind"]
            if message_name(api_version, kind) is not None:
                with contextlib.suppress(ValueError):  # a field the message lacks: JSON keeps it
                    return wrap_unknown(api_version, kind, encode_message(manifest))
        try:
            return orjson.dumps(manifest)
        except orjson.JSONEncodeError:  # an integer past 64 bits, which only json writes
            return json.dumps(manifest, separators=_SEPARATORS).encode()
    _check_plain(value, "value")
    if protobuf and type(value) is dict and _record_kind(value) in _RECORDS:
        return wrap_unknown(value["apiVersion"], value["kind"], encode_message(value))
    return _PLAIN + json.dumps(value, separators=_SEPARATORS).encode()


def decode_value(data: bytes, *, key: str, revision: int) -> Any:
    """The value ``encode_value`` wrote; ``StoreError`` naming the key if it cannot be read."""
    try:
        if data[:1] == _PLAIN:
            return json.loads(data[1:])
        if data[:4] == MAGIC:
            manifest = decode_protobuf(data)
            return manifest if _record_kind(manifest) in _RECORDS else from_dict(manifest)
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


def _record_kind(manifest: dict[str, Any]) -> tuple[object, object]:
    return manifest.get("apiVersion"), manifest.get("kind")


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
