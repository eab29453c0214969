"""The OpenAPI v3 documents the apiserver publishes under ``/openapi/v3``.

``openapi_v3_index()`` lists one document per group-version (``api/v1``,
``apis/apps/v1``...) with a ``serverRelativeURL`` that carries the document's hash, so a
client caches a document until the hash changes. ``openapi_v3_document(group, version)`` is
the document itself: the schemas of the kinds served there (from ``_schemas``) and a path with
operations for every verb and subresource (``_operations``, ``_subresource_paths``), as
Kubernetes lays them out. kubectl reads these for ``explain``,
for ``apply``'s choice between server-side field validation (it looks for the
``fieldValidation`` parameter on PATCH operations) and its own, and for its patches' merge keys.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ..api import kinds
from ._descriptions import description_of
from ._operations import paths_for
from ._schemas import components_for
from ._subresource_paths import subresource_classes, subresource_paths, subresource_schemas

__all__ = ["openapi_v3_document", "openapi_v3_hash", "openapi_v3_index"]

_cache: dict[tuple[Any, ...], tuple[dict[str, Any], str]] = {}


def _key(group: str, version: str) -> tuple[Any, ...]:
    # The registry entries themselves: registering or replacing a kind makes a new key.
    return (group, version, *(i for i in kinds() if i.group == group and i.version == version))


def _built(group: str, version: str) -> tuple[dict[str, Any], str]:
    key = _key(group, version)
    cached = _cache.get(key)
    if cached is None:
        document = _build(group, version)
        encoded = json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
        cached = _cache[key] = (document, hashlib.sha512(encoded).hexdigest().upper())
    return cached


def _build(group: str, version: str) -> dict[str, Any]:
    served, schemas = components_for(group, version, also=subresource_classes)
    if not served:
        raise KeyError(f"no kinds are served in {_gv_path(group, version)}")
    paths: dict[str, Any] = {}
    for info in served:
        paths.update(paths_for(info))
        paths.update(subresource_paths(info))
        schemas.update(subresource_schemas(info))
    for name, schema in _SHARED.items():
        schemas.setdefault(name, _described(name, schema))
    return {
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": "v1.32.0"},
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": dict(sorted(schemas.items()))},
    }


def _described(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with its own and each property's description from ``_descriptions``."""
    short = name.rpartition(".")[2]
    described = {"description": description_of(short, ""), **schema}
    properties = {
        field: {**prop, "description": description_of(short, field)}
        for field, prop in schema.get("properties", {}).items()
    }
    return {**described, "properties": properties} if properties else described


def _gv_path(group: str, version: str) -> str:
    return f"apis/{group}/{version}" if group else f"api/{version}"


def openapi_v3_document(group: str, version: str) -> dict[str, Any]:
    """The OpenAPI v3 document of ``group/version`` (``""`` is the core group).

    KeyError if no registered kind is served there. The result is shared: do not change it.
    """
    return _built(group, version)[0]


def openapi_v3_hash(group: str, version: str) -> str:
    """The hash of the ``group/version`` document; it changes whenever the document does."""
    return _built(group, version)[1]


def openapi_v3_index(base_url_prefix: str = "") -> dict[str, Any]:
    """``/openapi/v3``: where each group-version's document is, its hash in the URL."""
    served: set[tuple[str, str]] = {(i.group, i.version) for i in kinds()}
    paths = {}
    for group, version in sorted(served):
        path = _gv_path(group, version)
        digest = openapi_v3_hash(group, version)
        url = f"{base_url_prefix}/openapi/v3/{path}?hash={digest}"
        paths[path] = {"serverRelativeURL": url}
    return {"paths": paths}


_META = "io.k8s.apimachinery.pkg.apis.meta.v1"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


# The request and response types every group-version's operations refer to.
_SHARED: dict[str, dict[str, Any]] = {
    f"{_META}.Patch": {
        "description": "Patch gives a concrete name and type to the body of a PATCH request.",
        "type": "object",
    },
    f"{_META}.Status": {
        "description": "Status is the return value of calls that do not return other objects.",
        "type": "object",
        "properties": {
            "apiVersion": {"type": "string"},
            "code": {"type": "integer", "format": "int32"},
            "details": {"allOf": [_ref(f"{_META}.StatusDetails")]},
            "kind": {"type": "string"},
            "message": {"type": "string"},
            "metadata": {"allOf": [_ref(f"{_META}.ListMeta")], "default": {}},
            "reason": {"type": "string"},
            "status": {"type": "string"},
        },
        "x-kubernetes-group-version-kind": [{"group": "", "kind": "Status", "version": "v1"}],
    },
    f"{_META}.StatusDetails": {
        "type": "object",
        "properties": {
            "causes": {
                "type": "array",
                "items": {"allOf": [_ref(f"{_META}.StatusCause")], "default": {}},
                "x-kubernetes-list-type": "atomic",
            },
            "group": {"type": "string"},
            "kind": {"type": "string"},
            "name": {"type": "string"},
            "retryAfterSeconds": {"type": "integer", "format": "int32"},
            "uid": {"type": "string"},
        },
    },
    f"{_META}.StatusCause": {
        "type": "object",
        "properties": {
            "field": {"type": "string"},
            "message": {"type": "string"},
            "reason": {"type": "string"},
        },
    },
    f"{_META}.DeleteOptions": {
        "description": "DeleteOptions may be provided when deleting an API object.",
        "type": "object",
        "properties": {
            "apiVersion": {"type": "string"},
            "dryRun": {"type": "array", "items": {"type": "string"}},
            "gracePeriodSeconds": {"type": "integer", "format": "int64"},
            "kind": {"type": "string"},
            "orphanDependents": {"type": "boolean"},
            "preconditions": {"allOf": [_ref(f"{_META}.Preconditions")]},
            "propagationPolicy": {"type": "string"},
        },
    },
    f"{_META}.Preconditions": {
        "type": "object",
        "properties": {"resourceVersion": {"type": "string"}, "uid": {"type": "string"}},
    },
    f"{_META}.WatchEvent": {
        "description": "Event represents a single event to a watched resource.",
        "type": "object",
        "required": ["type", "object"],
        "properties": {
            "object": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
            "type": {"type": "string"},
        },
    },
}
