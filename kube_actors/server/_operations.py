"""The OpenAPI paths of one kind: every verb, laid out and named as Kubernetes publishes them.

A namespaced kind has its collection and items under ``namespaces/{namespace}``, a list across
all namespaces, its ``status`` subresource and the deprecated ``watch/`` paths; a cluster-scoped
kind the same without the namespace. Operation ids follow Kubernetes'
(``patchAppsV1NamespacedDeployment``), each operation carries ``x-kubernetes-action`` and
``x-kubernetes-group-version-kind``, and writes advertise ``fieldValidation``, which is what
kubectl looks for before it leaves validation to the server.
"""

from __future__ import annotations

from typing import Any

import attrs

from ..api import KindInfo
from ._schemas import META, component_name, ref

__all__ = ["paths_for"]


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "description": description,
        "schema": {**schema, "uniqueItems": True},
    }


_STR = {"type": "string"}
_INT = {"type": "integer"}
_BOOL = {"type": "boolean"}

_PRETTY = _query("pretty", _STR, "If 'true', then the output is pretty printed.")
_DRY_RUN = _query(
    "dryRun",
    _STR,
    "When present, indicates that modifications should not be persisted. Valid values: All.",
)
_FIELD_MANAGER = _query(
    "fieldManager", _STR, "A name associated with the actor or entity that is making the changes."
)
_FIELD_VALIDATION = _query(
    "fieldValidation",
    _STR,
    "How the server handles fields in the request that are unknown or duplicated: Ignore, "
    "Warn (the default: a warning per such field) or Strict (the request fails).",
)
_FORCE = _query(
    "force", _BOOL, 'Force is going to "force" Apply requests: it re-acquires conflicting fields.'
)
_WRITE = [_DRY_RUN, _FIELD_MANAGER, _FIELD_VALIDATION]
_DELETE = [
    _DRY_RUN,
    _query("gracePeriodSeconds", _INT, "The duration in seconds before the object is deleted."),
    _query("orphanDependents", _BOOL, "Deprecated: use propagationPolicy."),
    _query("propagationPolicy", _STR, "Orphan, Background or Foreground."),
]
_LIST = [
    _query("allowWatchBookmarks", _BOOL, "Ask for watch events of type BOOKMARK."),
    _query("continue", _STR, "The continue token of a previous, truncated list."),
    _query("fieldSelector", _STR, "Restrict the returned objects by their fields."),
    _query("labelSelector", _STR, "Restrict the returned objects by their labels."),
    _query("limit", _INT, "The maximum number of responses to return for a list call."),
    _query("resourceVersion", _STR, "Which resource versions the request may be served from."),
    _query("resourceVersionMatch", _STR, "How resourceVersion is applied to list calls."),
    _query("sendInitialEvents", _BOOL, "Start a watch with synthetic events for the state."),
    _query("timeoutSeconds", _INT, "Timeout for the list/watch call."),
    _query("watch", _BOOL, "Watch for changes to the described resources."),
]

_CONTENT_TYPES = ("application/json", "application/yaml", "application/vnd.kubernetes.protobuf")
_PATCH_TYPES = (
    "application/apply-patch+yaml",
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
)


def _path_param(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "description": description,
        "required": True,
        "schema": {**_STR, "uniqueItems": True},
    }


def _responses(schema: str, *codes: str) -> dict[str, Any]:
    content = {ct: {"schema": ref(schema)} for ct in _CONTENT_TYPES}
    responses: dict[str, Any] = {
        code: {"description": _STATUS[code], "content": content} for code in codes
    }
    responses["401"] = {"description": "Unauthorized"}
    return responses


_STATUS = {"200": "OK", "201": "Created", "202": "Accepted"}


def _operation_id(
    verb: str, info: KindInfo, namespaced: bool, suffix: str = "", *, infix: str = ""
) -> str:
    if info.group:
        words = info.group.removesuffix(".k8s.io").replace("-", ".").split(".")
        group = "".join(w.capitalize() for w in words)
    else:
        group = "Core"
    scope = "Namespaced" if namespaced else ""
    return f"{verb}{group}{info.version.capitalize()}{infix}{scope}{info.kind}{suffix}"


def _op(
    verb: str,
    action: str,
    info: KindInfo,
    namespaced: bool,
    parameters: list[dict[str, Any]],
    responses: dict[str, Any],
    *,
    body: dict[str, Any] | None = None,
    suffix: str = "",
    kind: str | None = None,
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": _operation_id(verb, info, namespaced, suffix),
        "parameters": parameters,
        "responses": responses,
        "x-kubernetes-action": action,
        "x-kubernetes-group-version-kind": {
            "group": info.group,
            "kind": kind or info.kind,
            "version": info.version,
        },
    }
    if body is not None:
        operation["requestBody"] = body
    return operation


def _body(schema: dict[str, Any], types: tuple[str, ...] = ("*/*",)) -> dict[str, Any]:
    return {"content": {t: {"schema": schema} for t in types}, "required": True}


def _item_ops(info: KindInfo, name: str, namespaced: bool, suffix: str = "") -> dict[str, Any]:
    """get, put, patch (and delete, for the object itself) of one object or its status."""
    ops = {
        "get": _op("read", "get", info, namespaced, [], _responses(name, "200"), suffix=suffix),
        "put": _op(
            "replace",
            "put",
            info,
            namespaced,
            list(_WRITE),
            _responses(name, "200", "201"),
            body=_body(ref(name)),
            suffix=suffix,
        ),
        "patch": _op(
            "patch",
            "patch",
            info,
            namespaced,
            [*_WRITE, _FORCE],
            _responses(name, "200", "201"),
            body=_body(ref(f"{META}.Patch"), _PATCH_TYPES),
            suffix=suffix,
        ),
    }
    if not suffix:
        ops["delete"] = _op(
            "delete",
            "delete",
            info,
            namespaced,
            list(_DELETE),
            _responses(f"{META}.Status", "200", "202"),
            body=_body(ref(f"{META}.DeleteOptions")),
        )
    return ops


def paths_for(info: KindInfo) -> dict[str, dict[str, Any]]:
    """Every path of ``info``'s resource, with its operations."""
    name = component_name(info.cls)
    prefix = f"/apis/{info.group}/{info.version}" if info.group else f"/api/{info.version}"
    ns = info.namespaced
    scope = "/namespaces/{namespace}" if ns else ""
    common = [_PRETTY]
    if ns:
        common.append(_path_param("namespace", "object name and auth scope, such as for teams"))
    named = [_path_param("name", f"name of the {info.kind}"), *common]
    list_schema = f"{name}List"
    collection: dict[str, Any] = {
        "get": _op("list", "list", info, ns, list(_LIST), _responses(list_schema, "200")),
        "post": _op(
            "create",
            "post",
            info,
            ns,
            list(_WRITE),
            _responses(name, "200", "201", "202"),
            body=_body(ref(name)),
        ),
        "delete": _op(
            "delete",
            "deletecollection",
            info,
            ns,
            [*_DELETE, *_LIST],
            _responses(f"{META}.Status", "200"),
            body=_body(ref(f"{META}.DeleteOptions")),
        ),
        "parameters": common,
    }
    collection["delete"]["operationId"] = _operation_id("delete", info, ns, infix="Collection")
    paths: dict[str, dict[str, Any]] = {
        f"{prefix}{scope}/{info.plural}": collection,
        f"{prefix}{scope}/{info.plural}/{{name}}": {
            **_item_ops(info, name, ns),
            "parameters": named,
        },
    }
    if "status" in attrs.fields_dict(info.cls):
        paths[f"{prefix}{scope}/{info.plural}/{{name}}/status"] = {
            **_item_ops(info, name, ns, suffix="Status"),
            "parameters": named,
        }
    watch = _responses(f"{META}.WatchEvent", "200")
    paths[f"{prefix}/watch{scope}/{info.plural}"] = {
        "get": _op("watch", "watchlist", info, ns, list(_LIST), watch, suffix="List"),
        "parameters": common,
    }
    paths[f"{prefix}/watch{scope}/{info.plural}/{{name}}"] = {
        "get": _op("watch", "watch", info, ns, list(_LIST), watch),
        "parameters": named,
    }
    if ns:
        every = _op("list", "list", info, False, list(_LIST), _responses(list_schema, "200"))
        every["operationId"] += "ForAllNamespaces"
        paths[f"{prefix}/{info.plural}"] = {"get": every, "parameters": [_PRETTY]}
    return paths
