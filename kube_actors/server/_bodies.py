"""Request bodies: JSON (also when no Content-Type is given), YAML, Kubernetes' protobuf, and
the step from a manifest dict to an API object under ``fieldValidation``.

Kubernetes reads a body with the URL's group, version and kind as defaults, then checks that
the body agrees with the URL (its apiVersion, kind, namespace and, for an update, name). An
unknown field is a 400 under ``Strict`` (Kubernetes' "strict decoding error"), a ``Warning``
header under ``Warn`` (the server's default) and nothing under ``Ignore``; in the last two the
field is dropped.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

import attrs
import yaml

from kube_actors.api import KindInfo, from_dict
from kube_actors.errors import BadRequest, FieldCause, Invalid, UnsupportedMediaType

from ..api._protobuf import decode_protobuf
from ._params import FieldValidation

__all__ = ["PROTOBUF", "Decoded", "decode_body", "media_type", "object_from_body"]

PROTOBUF: Final = "application/vnd.kubernetes.protobuf"
_JSON_TYPES: Final = frozenset({"application/json", "*/*", ""})
_YAML_TYPES: Final = frozenset({"application/yaml", "application/apply-patch+yaml"})
_PATH_TOKEN: Final = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def media_type(content_type: str) -> str:
    """``application/json; charset=utf-8`` → ``application/json``."""
    return content_type.split(";", 1)[0].strip().lower()


def decode_body(body: bytes, content_type: str) -> Any:
    """The body as plain data (a dict, or a list for a JSON patch)."""
    kind = media_type(content_type)
    if kind == PROTOBUF:
        return decode_protobuf(body)
    if not body:
        raise BadRequest("the body of the request is empty")
    try:
        if kind in _YAML_TYPES:
            return yaml.safe_load(body)
        if kind in _JSON_TYPES or kind.endswith("+json"):
            return json.loads(body)
    except (ValueError, yaml.YAMLError) as exc:
        raise BadRequest(f"the body of the request could not be decoded: {exc}") from None
    raise UnsupportedMediaType(
        f"the body of the request was in an unknown format - accepted media types include: "
        f"application/json, application/yaml, {PROTOBUF}"
    )


@attrs.frozen
class Decoded:
    """An object read from a body, with the warnings ``fieldValidation=Warn`` produced."""

    obj: Any
    warnings: tuple[str, ...] = ()


def object_from_body(
    data: Any,
    info: KindInfo,
    *,
    namespace: str,
    name: str = "",
    validation: FieldValidation = "Warn",
) -> Decoded:
    """Check ``data`` against the URL and structure it into an object of ``info``'s kind."""
    if not isinstance(data, dict):
        raise BadRequest(f"the body of the request must be an object, not {type(data).__name__}")
    data = dict(data)
    api_version = data.setdefault("apiVersion", info.api_version)
    kind = data.setdefault("kind", info.kind)
    if api_version != info.api_version:
        raise BadRequest(
            f"the API version in the data ({api_version}) does not match the expected API "
            f"version ({info.api_version})"
        )
    if kind != info.kind:
        raise BadRequest(
            f"the kind in the data ({kind}) does not match the expected kind ({info.kind})"
        )
    metadata = data.get("metadata")
    metadata = dict(metadata) if isinstance(metadata, dict) else {}
    _check_scope(metadata, info, namespace)
    if name and metadata.get("name", name) != name:
        raise BadRequest(
            f"the name of the object ({metadata.get('name')}) does not match the name on the "
            f"URL ({name})"
        )
    if name:
        metadata.setdefault("name", name)
    data["metadata"] = metadata
    return _structure(data, validation)


def _check_scope(metadata: dict[str, Any], info: KindInfo, namespace: str) -> None:
    if not info.namespaced:
        return
    given = metadata.get("namespace") or ""
    if given and given != namespace:
        raise BadRequest(
            "the namespace of the provided object does not match the namespace sent on the request"
        )
    metadata["namespace"] = namespace


def _structure(data: dict[str, Any], validation: FieldValidation) -> Decoded:
    try:
        return Decoded(from_dict(data))
    except Invalid as error:
        unknown = [c for c in error.causes if c.type == "UnknownField"]
        if not unknown:
            raise
        if validation == "Strict":
            # Kubernetes refuses unknown fields while decoding, before any validation: a 400.
            kind, api_version = data["kind"], data["apiVersion"]
            version = api_version.rpartition("/")[2]
            fields = ", ".join(_warning(c) for c in unknown)
            raise BadRequest(
                f'{kind} in version "{version}" cannot be handled as a {kind}: '
                f"strict decoding error: {fields}",
                kind=kind,
            ) from None
        for cause in unknown:
            _drop(data, cause.field)
        warnings = () if validation == "Ignore" else tuple(_warning(c) for c in unknown)
        return Decoded(from_dict(data), warnings)


def _warning(cause: FieldCause) -> str:
    return f'unknown field "{cause.field}"'


def _drop(data: Any, path: str) -> None:
    """Remove the field at a cause's path (``spec.containers[0].bogus``) from ``data``."""
    tokens: list[str | int] = [
        name if name else int(position) for name, position in _PATH_TOKEN.findall(path)
    ]
    node = data
    for token in tokens[:-1]:
        try:
            node = node[token]
        except (KeyError, IndexError, TypeError):
            return
    if isinstance(node, dict):
        node.pop(tokens[-1], None)
