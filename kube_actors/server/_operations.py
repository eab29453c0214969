"""The OpenAPI paths of one kind: every verb, laid out and named as Kubernetes publishes them.

A namespaced kind has its collection and items under ``namespaces/{namespace}``, a list across
all namespaces and the deprecated ``watch/`` paths; a cluster-scoped kind the same without the
namespace; each with only the operations of the verbs discovery lists for it (``bindings``
and the reviews are create-only, namespaces have no deletecollection). Operation ids follow
Kubernetes' (``patchAppsV1NamespacedDeployment``), each operation carries
``x-kubernetes-action`` and ``x-kubernetes-group-version-kind``, and writes advertise
``fieldValidation``, which is what kubectl looks for before it leaves validation to the server.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from ..api import KindInfo
from ._resources import resource_of
from ._schemas import META, component_name, ref

__all__ = [
    "FORCE",
    "PATCH_TYPES",
    "PRETTY",
    "WRITE",
    "operation",
    "operation_id",
    "path_param",
    "item_operations",
    "paths_for",
    "resource_path",
    "scope_parameters",
    "query_param",
    "request_body",
    "responses",
]


def query_param(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "description": description,
        "schema": {**schema, "uniqueItems": True},
    }


_STR = {"type": "string"}
_INT = {"type": "integer"}
_BOOL = {"type": "boolean"}

PRETTY = query_param("pretty", _STR, "If 'true', then the output is pretty printed.")
_DRY_RUN = query_param(
    "dryRun",
    _STR,
    "When present, indicates that modifications should not be persisted. Valid values: All.",
)
_FIELD_MANAGER = query_param(
    "fieldManager", _STR, "A name associated with the actor or entity that is making the changes."
)
_FIELD_VALIDATION = query_param(
    "fieldValidation",
    _STR,
    "How the server handles fields in the request that are unknown or duplicated: Ignore, "
    "Warn (the default: a warning per such field) or Strict (the request fails).",
)
FORCE = query_param(
    "force", _BOOL, 'Force is going to "force" Apply requests: it re-acquires conflicting fields.'
)
WRITE = [_DRY_RUN, _FIELD_MANAGER, _FIELD_VALIDATION]
_DELETE = [
    _DRY_RUN,
    query_param(
        "gracePeriodSeconds", _INT, "The duration in seconds before the object is deleted."
    ),
    query_param("orphanDependents", _BOOL, "Deprecated: use propagationPolicy."),
    query_param("propagationPolicy", _STR, "Orphan, Background or Foreground."),
]
_LIST = [
    query_param("allowWatchBookmarks", _BOOL, "Ask for watch events of type BOOKMARK."),
    query_param("continue", _STR, "The continue token of a previous, truncated list."),
    query_param("fieldSelector", _STR, "Restrict the returned objects by their fields."),
    query_param("labelSelector", _STR, "Restrict the returned objects by their labels."),
    query_param("limit", _INT, "The maximum number of responses to return for a list call."),
    query_param("resourceVersion", _STR, "Which resource versions the request may be served from."),
    query_param("resourceVersionMatch", _STR, "How resourceVersion is applied to list calls."),
    query_param("sendInitialEvents", _BOOL, "Start a watch with synthetic events for the state."),
    query_param("timeoutSeconds", _INT, "Timeout for the list/watch call."),
    query_param("watch", _BOOL, "Watch for changes to the described resources."),
]

_CONTENT_TYPES = ("application/json", "application/yaml", "application/vnd.kubernetes.protobuf")
PATCH_TYPES = (
    "application/apply-patch+yaml",
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
)


def path_param(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "description": description,
        "required": True,
        "schema": {**_STR, "uniqueItems": True},
    }


def responses(schema: str, *codes: str) -> dict[str, Any]:
    content = {ct: {"schema": ref(schema)} for ct in _CONTENT_TYPES}
    responses: dict[str, Any] = {
        code: {"description": _STATUS[code], "content": content} for code in codes
    }
    responses["401"] = {"description": "Unauthorized"}
    return responses


_STATUS = {"200": "OK", "201": "Created", "202": "Accepted"}


def operation_id(
    verb: str, info: KindInfo, namespaced: bool, suffix: str = "", *, infix: str = ""
) -> str:
    if info.group:
        words = info.group.removesuffix(".k8s.io").replace("-", ".").split(".")
        group = "".join(w.capitalize() for w in words)
    else:
        group = "Core"
    scope = "Namespaced" if namespaced else ""
    return f"{verb}{group}{info.version.capitalize()}{infix}{scope}{info.kind}{suffix}"


def operation(
    verb: str,
    action: str,
    info: KindInfo,
    namespaced: bool,
    parameters: list[dict[str, Any]],
    answers: dict[str, Any],
    *,
    body: dict[str, Any] | None = None,
    suffix: str = "",
    gvk: tuple[str, str, str] | None = None,
) -> dict[str, Any]:
    """One operation; ``gvk``: the (group, version, kind) it takes or answers, when not the
    resource's own (a Scale, an Eviction, exec's PodExecOptions)."""
    group, version, kind = gvk or (info.group, info.version, info.kind)
    operation: dict[str, Any] = {
        "operationId": operation_id(verb, info, namespaced, suffix),
        "parameters": parameters,
        "responses": answers,
        "x-kubernetes-action": action,
        "x-kubernetes-group-version-kind": {"group": group, "kind": kind, "version": version},
    }
    if body is not None:
        operation["requestBody"] = body
    return operation


def request_body(schema: dict[str, Any], types: tuple[str, ...] = ("*/*",)) -> dict[str, Any]:
    return {"content": {t: {"schema": schema} for t in types}, "required": True}


def item_operations(
    info: KindInfo,
    name: str,
    namespaced: bool,
    verbs: Collection[str],
    *,
    suffix: str = "",
    gvk: tuple[str, str, str] | None = None,
) -> dict[str, Any]:
    """get, put, patch (and delete, for the object itself) of one object, its status or its
    scale (``name``: the schema read and written), as far as ``verbs`` allow."""
    ops: dict[str, Any] = {}
    if "get" in verbs:
        ok = responses(name, "200")
        ops["get"] = operation("read", "get", info, namespaced, [], ok, suffix=suffix, gvk=gvk)
    if "update" in verbs:
        ops["put"] = operation(
            "replace",
            "put",
            info,
            namespaced,
            list(WRITE),
            responses(name, "200", "201"),
            body=request_body(ref(name)),
            suffix=suffix,
            gvk=gvk,
        )
    if "patch" in verbs:
        ops["patch"] = operation(
            "patch",
            "patch",
            info,
            namespaced,
            [*WRITE, FORCE],
            responses(name, "200", "201"),
            body=request_body(ref(f"{META}.Patch"), PATCH_TYPES),
            suffix=suffix,
            gvk=gvk,
        )
    if not suffix and "delete" in verbs:
        ops["delete"] = operation(
            "delete",
            "delete",
            info,
            namespaced,
            list(_DELETE),
            responses(f"{META}.Status", "200", "202"),
            body=request_body(ref(f"{META}.DeleteOptions")),
        )
    return ops


def _collection_operations(info: KindInfo, name: str, verbs: Collection[str]) -> dict[str, Any]:
    ns = info.namespaced
    ops: dict[str, Any] = {}
    if "list" in verbs:
        ops["get"] = operation(
            "list", "list", info, ns, list(_LIST), responses(f"{name}List", "200")
        )
    if "create" in verbs:
        ops["post"] = operation(
            "create",
            "post",
            info,
            ns,
            list(WRITE),
            responses(name, "200", "201", "202"),
            body=request_body(ref(name)),
        )
    if "deletecollection" in verbs:
        ops["delete"] = operation(
            "delete",
            "deletecollection",
            info,
            ns,
            [*_DELETE, *_LIST],
            responses(f"{META}.Status", "200"),
            body=request_body(ref(f"{META}.DeleteOptions")),
        )
        ops["delete"]["operationId"] = operation_id("delete", info, ns, infix="Collection")
    return ops


def scope_parameters(info: KindInfo, subject: str = "") -> tuple[list[Any], list[Any]]:
    """The parameters every path of ``info`` takes, without and with ``{name}`` (``subject``:
    the kind the name is described as naming, the resource's own by default)."""
    common = [PRETTY]
    if info.namespaced:
        common.append(path_param("namespace", "object name and auth scope, such as for teams"))
    return common, [path_param("name", f"name of the {subject or info.kind}"), *common]


def resource_path(info: KindInfo, name: bool = False) -> str:
    """``/apis/apps/v1/namespaces/{namespace}/deployments`` (``/{name}`` with ``name``)."""
    prefix = f"/apis/{info.group}/{info.version}" if info.group else f"/api/{info.version}"
    scope = "/namespaces/{namespace}" if info.namespaced else ""
    return f"{prefix}{scope}/{info.plural}" + ("/{name}" if name else "")


def paths_for(info: KindInfo) -> dict[str, dict[str, Any]]:
    """The paths of ``info``'s resource itself with the operations its verbs (as discovery
    lists them) allow; ``_subresource_paths`` adds its subresources'."""
    verbs = resource_of(info).verbs
    name = component_name(info.cls)
    prefix = f"/apis/{info.group}/{info.version}" if info.group else f"/api/{info.version}"
    ns = info.namespaced
    scope = "/namespaces/{namespace}" if ns else ""
    common, named = scope_parameters(info)
    paths: dict[str, dict[str, Any]] = {}
    collection = _collection_operations(info, name, verbs)
    if collection:
        paths[resource_path(info)] = {**collection, "parameters": common}
    item = item_operations(info, name, ns, verbs)
    if item:
        paths[resource_path(info, name=True)] = {**item, "parameters": named}
    if "watch" in verbs:
        watch = responses(f"{META}.WatchEvent", "200")
        paths[f"{prefix}/watch{scope}/{info.plural}"] = {
            "get": operation("watch", "watchlist", info, ns, list(_LIST), watch, suffix="List"),
            "parameters": common,
        }
        paths[f"{prefix}/watch{scope}/{info.plural}/{{name}}"] = {
            "get": operation("watch", "watch", info, ns, list(_LIST), watch),
            "parameters": named,
        }
    if ns and "list" in verbs:
        every = operation("list", "list", info, False, list(_LIST), responses(f"{name}List", "200"))
        every["operationId"] += "ForAllNamespaces"
        paths[f"{prefix}/{info.plural}"] = {"get": every, "parameters": [PRETTY]}
    return paths
