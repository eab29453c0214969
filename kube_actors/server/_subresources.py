"""The subresources that are not the object itself: ``scale``, ``binding``, ``eviction``
and ``log`` (``status`` is served by ``_rest`` with the object's own verbs).

Each one becomes the apiserver's ordinary requests: a Scale is read from and written to the
object's wanted replicas (where its kind's ``ScaleSubresource`` says, for a custom kind the
paths its CRD names; an update, so a stale resourceVersion is a Conflict), a binding is
the create of a ``Binding``, and an eviction the create of an ``Eviction`` (the apiserver
checks the Pod's PodDisruptionBudget, 429 when it would be broken, then deletes the Pod).
"""

from __future__ import annotations

from typing import Any

import attrs
from aiohttp import web

from kube_actors.api import (
    Binding,
    Eviction,
    KindInfo,
    ObjectMeta,
    TokenRequest,
    apply_patch,
    from_dict,
    kind_info,
    scale_of,
    structure,
    to_dict,
    with_spec_replicas,
)
from kube_actors.client import Client
from kube_actors.errors import BadRequest, MethodNotSupported, NotFound, UnsupportedMediaType

from ._bodies import decode_body, media_type, object_from_body
from ._encode import encode_as
from ._exec import StreamSource, serve_exec
from ._logs import LogSource, serve_logs
from ._negotiate import negotiate
from ._params import delete_options_of
from ._paths import Target
from ._portforward import serve_port_forward
from ._status import encoded_response, success_status

__all__ = ["Subresources"]

_SCALE_PATCH_TYPES = {
    "application/json-patch+json": "json",
    "application/merge-patch+json": "merge",
    "application/strategic-merge-patch+json": "merge",  # a Scale has no merge keys
}


def _not_found() -> NotFound:
    return NotFound("the server could not find the requested resource")


class Subresources:
    """``scale``, ``binding``, ``eviction`` and ``log`` over one ``Client``."""

    def __init__(
        self, client: Client, logs: LogSource | None, streams: StreamSource | None = None
    ) -> None:
        self.client = client
        self.logs = logs
        self.streams = streams

    async def handle(self, request: web.Request, target: Target) -> web.StreamResponse:
        sub, plural, method = target.subresource, target.info.plural, request.method
        if sub == "scale" and target.info.scale is not None:
            return await self._scale(request, target)
        if plural == "pods" and sub == "binding" and method == "POST":
            return await self._binding(request, target)
        if plural == "pods" and sub == "eviction" and method == "POST":
            return await self._eviction(request, target)
        if plural == "serviceaccounts" and sub == "token" and method == "POST":
            return await self._token(request, target)
        if plural == "pods" and sub == "log" and method == "GET":
            if self.logs is None:
                raise _not_found()
            return await serve_logs(request, self.logs, target)
        if plural == "pods" and sub in ("exec", "attach", "portforward"):
            if self.streams is None:
                raise _not_found()
            if method not in ("GET", "POST"):
                raise MethodNotSupported(
                    "the server does not allow this method on the requested resource"
                )
            if sub == "portforward":
                return await serve_port_forward(request, self.client, self.streams, target)
            return await serve_exec(
                request, self.client, self.streams, target, attach=sub == "attach"
            )
        if sub in ("binding", "eviction", "log", "token"):
            raise MethodNotSupported(
                "the server does not allow this method on the requested resource"
            )
        raise _not_found()

    async def _scale(self, request: web.Request, target: Target) -> web.StreamResponse:
        info: KindInfo = target.info
        encoding = negotiate(request.headers.get("Accept", ""))  # an autoscaling/v1 Scale
        current = await self.client.get(info.cls, target.name, namespace=target.namespace)
        if request.method == "GET":
            return encoded_response(encode_as(scale_of(current), encoding), encoding)
        body = await request.read()
        content_type = request.headers.get("Content-Type", "")
        if request.method == "PUT":
            wanted = decode_body(body, content_type)
        elif request.method == "PATCH":
            patch_type = _SCALE_PATCH_TYPES.get(media_type(content_type))
            if patch_type is None:
                raise UnsupportedMediaType(f"the patch type {content_type!r} is not supported")
            wanted = apply_patch(scale_of(current), decode_body(body, content_type), patch_type)
        else:
            raise MethodNotSupported(
                "the server does not allow this method on the requested resource"
            )
        replicas, version = _scale_request(wanted)
        manifest = to_dict(current)
        with_spec_replicas(manifest, info, replicas)
        if version:
            manifest["metadata"]["resourceVersion"] = version
        stored = await self.client.update(from_dict(manifest))
        return encoded_response(encode_as(scale_of(stored), encoding), encoding)

    async def _binding(self, request: web.Request, target: Target) -> web.StreamResponse:
        encoding = negotiate(request.headers.get("Accept", ""))
        data = decode_body(await request.read(), request.headers.get("Content-Type", ""))
        if isinstance(data, dict):
            data.setdefault("metadata", {}).setdefault("name", target.name)
        decoded = object_from_body(
            data, kind_info(Binding), namespace=target.namespace, name=target.name
        )
        await self.client.create(decoded.obj)
        return encoded_response(encode_as(success_status(), encoding), encoding, status=201)

    async def _eviction(self, request: web.Request, target: Target) -> web.StreamResponse:
        encoding = negotiate(request.headers.get("Accept", ""))
        data = decode_body(await request.read(), request.headers.get("Content-Type", ""))
        if not isinstance(data, dict):
            raise BadRequest("an Eviction must be an object")
        name = (data.get("metadata") or {}).get("name", target.name)
        if name != target.name:
            raise BadRequest("name in URL does not match name in Eviction object")
        options = delete_options_of(data.get("deleteOptions") or {})
        eviction = Eviction(
            metadata=ObjectMeta(name=target.name, namespace=target.namespace),
            delete_options=options,
        )
        await self.client.create(eviction)
        return encoded_response(encode_as(success_status(), encoding), encoding, status=201)

    async def _token(self, request: web.Request, target: Target) -> web.StreamResponse:
        encoding = negotiate(request.headers.get("Accept", ""))
        data = decode_body(await request.read(), request.headers.get("Content-Type", ""))
        if not isinstance(data, dict):
            raise BadRequest("a TokenRequest must be an object")
        body = {k: v for k, v in data.items() if k not in ("apiVersion", "kind", "status")}
        asked: TokenRequest = structure(body, TokenRequest)
        meta = ObjectMeta(name=target.name, namespace=target.namespace)
        answered = await self.client.create(attrs.evolve(asked, metadata=meta))
        return encoded_response(encode_as(to_dict(answered), encoding), encoding, status=201)


def _scale_request(data: Any) -> tuple[int, str]:
    if not isinstance(data, dict):
        raise BadRequest("a Scale must be an object")
    replicas = (data.get("spec") or {}).get("replicas", 0)
    if not isinstance(replicas, int) or isinstance(replicas, bool):
        raise BadRequest("spec.replicas: expected an integer")
    version = (data.get("metadata") or {}).get("resourceVersion", "") or ""
    return replicas, str(version)
