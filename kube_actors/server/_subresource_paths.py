"""The OpenAPI paths of a resource's subresources, as Kubernetes publishes them.

Discovery's list of a resource's subresources (``_resources``) decides which paths exist, so a
client reading the spec finds what a client reading discovery finds:

- ``status``: get, replace, patch of the object (``readAppsV1NamespacedDeploymentStatus``);
- ``scale``: the same on an ``autoscaling/v1`` Scale (``...DeploymentScale``);
- ``binding``, ``eviction``: a create of a ``Binding`` / ``policy/v1`` ``Eviction``;
- ``log``: a read that answers text, with ``PodLogOptions``' parameters;
- ``exec``, ``attach``, ``portforward``: ``connect`` operations (GET and POST, which upgrade
  to a stream) with their options' parameters, tagged with their options kind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from ..api import Binding, Eviction, KindInfo, TokenRequest
from ._descriptions import description_of
from ._operations import (
    WRITE,
    item_operations,
    operation,
    operation_id,
    query_param,
    request_body,
    resource_path,
    responses,
    scope_parameters,
)
from ._resources import Subresource, resource_of
from ._schemas import META, component_name, ref

__all__ = ["subresource_classes", "subresource_paths", "subresource_schemas"]

_AUTOSCALING = "io.k8s.api.autoscaling.v1"
SCALE: Final = f"{_AUTOSCALING}.Scale"

_STR = {"type": "string"}
_INT = {"type": "integer"}
_BOOL = {"type": "boolean"}

_CONTAINER = query_param(
    "container", _STR, "The container to use; the pod's only container when there is one."
)
_STREAMS = [
    query_param("stderr", _BOOL, "Whether to stream the container's standard error."),
    query_param("stdin", _BOOL, "Whether to pass standard input to the container."),
    query_param("stdout", _BOOL, "Whether to stream the container's standard output."),
    query_param("tty", _BOOL, "Whether to allocate a terminal (standard error joins stdout)."),
]
_OPTIONS: Final[dict[str, list[dict[str, Any]]]] = {
    "exec": [
        query_param(
            "command", _STR, "The command to run, one argument per value; not run in a shell."
        ),
        _CONTAINER,
        *_STREAMS,
    ],
    "attach": [_CONTAINER, *_STREAMS],
    "portforward": [query_param("ports", _INT, "The pod's ports to forward to.")],
}
_LOG_OPTIONS: Final = [
    query_param("container", _STR, "The container whose log to read."),
    query_param("follow", _BOOL, "Keep the stream open and follow the log as it grows."),
    query_param("limitBytes", _INT, "The most bytes of the log to answer."),
    query_param("previous", _BOOL, "The log of the container's previous, terminated instance."),
    query_param("sinceSeconds", _INT, "Only the lines written in the last this many seconds."),
    query_param("sinceTime", _STR, "Only the lines written after this RFC 3339 time."),
    query_param("tailLines", _INT, "Only this many lines from the end of the log."),
    query_param("timestamps", _BOOL, "Prefix each line with the RFC 3339 time it was written."),
]
_TEXT_TYPES = ("application/json", "application/yaml", "application/vnd.kubernetes.protobuf")


def _status(info: KindInfo, sub: Subresource) -> dict[str, Any]:
    name = component_name(info.cls)
    return item_operations(info, name, info.namespaced, sub.verbs, suffix="Status")


def _approval(info: KindInfo, sub: Subresource) -> dict[str, Any]:
    name = component_name(info.cls)
    return item_operations(info, name, info.namespaced, sub.verbs, suffix="Approval")


def _scale(info: KindInfo, sub: Subresource) -> dict[str, Any]:
    gvk = (sub.group, sub.version, sub.kind)
    return item_operations(info, SCALE, info.namespaced, sub.verbs, suffix="Scale", gvk=gvk)


def _create(schema: str) -> Callable[[KindInfo, Subresource], dict[str, Any]]:
    def create(info: KindInfo, sub: Subresource) -> dict[str, Any]:
        post = operation(
            "create",
            "post",
            info,
            info.namespaced,
            list(WRITE),
            responses(schema, "200", "201", "202"),
            body=request_body(ref(schema)),
            suffix=sub.kind,
            gvk=(sub.group, sub.version, sub.kind),
        )
        return {"post": post}

    return create


def _log(info: KindInfo, sub: Subresource) -> dict[str, Any]:
    answers = {
        "200": {
            "description": "OK",
            "content": {t: {"schema": _STR} for t in ("text/plain", *_TEXT_TYPES)},
        },
        "401": {"description": "Unauthorized"},
    }
    ns = info.namespaced
    return {"get": operation("read", "get", info, ns, list(_LOG_OPTIONS), answers, suffix="Log")}


def _connect(info: KindInfo, sub: Subresource) -> dict[str, Any]:
    answers = {
        "200": {"description": "OK", "content": {"*/*": {"schema": _STR}}},
        "401": {"description": "Unauthorized"},
    }
    gvk = (sub.group, sub.version, sub.kind)
    ops: dict[str, Any] = {}
    for method in ("get", "post"):
        op = operation("connect", "connect", info, info.namespaced, [], answers, gvk=gvk)
        suffix = sub.name.capitalize()
        op["operationId"] = operation_id(
            "connect", info, info.namespaced, suffix, infix=method.capitalize()
        )
        del op["parameters"]
        ops[method] = op
    return ops


_PATHS: Final[dict[str, Callable[[KindInfo, Subresource], dict[str, Any]]]] = {
    "status": _status,
    "approval": _approval,
    "scale": _scale,
    "binding": _create(component_name(Binding)),
    "eviction": _create(component_name(Eviction)),
    "token": _create(component_name(TokenRequest)),
    "log": _log,
    "exec": _connect,
    "attach": _connect,
    "portforward": _connect,
}


def subresource_paths(info: KindInfo) -> dict[str, dict[str, Any]]:
    """The path of each subresource of ``info``'s resource, with its operations."""
    paths: dict[str, dict[str, Any]] = {}
    for sub in resource_of(info).subresources:
        make = _PATHS.get(sub.name)
        if make is None:
            continue
        # ``{name}`` is described as naming what the subresource takes: "name of the Scale".
        _, named = scope_parameters(info, sub.kind)
        parameters = [*named, *_OPTIONS.get(sub.name, [])]
        paths[f"{resource_path(info, name=True)}/{sub.name}"] = {
            **make(info, sub),
            "parameters": parameters,
        }
    return paths


def subresource_classes(info: KindInfo) -> tuple[type[Any], ...]:
    """The classes the subresources of ``info`` take that are not a kind of the document."""
    names = {sub.name for sub in resource_of(info).subresources}
    classes: tuple[type[Any], ...] = (Eviction,) if "eviction" in names else ()
    return classes + ((TokenRequest,) if "token" in names else ())


def subresource_schemas(info: KindInfo) -> dict[str, dict[str, Any]]:
    """The hand-written components the subresources of ``info`` need: the Scale."""
    if not any(sub.name == "scale" for sub in resource_of(info).subresources):
        return {}
    return dict(_SCALE_SCHEMAS)


_SCALE_SCHEMAS: Final[dict[str, dict[str, Any]]] = {
    SCALE: {
        "description": "Scale is the replica count of a resource that scales, as the scale "
        "subresource reads and writes it.",
        "type": "object",
        "properties": {
            "apiVersion": {
                "type": "string",
                "description": description_of("TypeMeta", "apiVersion"),
            },
            "kind": {"type": "string", "description": description_of("TypeMeta", "kind")},
            "metadata": {
                "allOf": [ref(f"{META}.ObjectMeta")],
                "default": {},
                "description": "The metadata of the object scaled.",
            },
            "spec": {
                "allOf": [ref(f"{_AUTOSCALING}.ScaleSpec")],
                "default": {},
                "description": "The replica count wanted.",
            },
            "status": {
                "allOf": [ref(f"{_AUTOSCALING}.ScaleStatus")],
                "default": {},
                "description": "The replica count observed, and the selector of the pods "
                "counted. Read-only.",
            },
        },
        "x-kubernetes-group-version-kind": [
            {"group": "autoscaling", "kind": "Scale", "version": "v1"}
        ],
    },
    f"{_AUTOSCALING}.ScaleSpec": {
        "description": "ScaleSpec is the replica count a Scale asks for.",
        "type": "object",
        "properties": {
            "replicas": {
                "type": "integer",
                "format": "int32",
                "description": "The number of replicas wanted.",
            },
        },
    },
    f"{_AUTOSCALING}.ScaleStatus": {
        "description": "ScaleStatus is the replica count last observed.",
        "type": "object",
        "required": ["replicas"],
        "properties": {
            "replicas": {
                "type": "integer",
                "format": "int32",
                "description": "The number of replicas observed.",
            },
            "selector": {
                "type": "string",
                "description": "The label query over the pods the replicas count, as a "
                "string (a label selector's text form).",
            },
        },
    },
}
