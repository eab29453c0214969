"""The verbs on a resource: HTTP method and target in, one ``Client`` call, the answer out.

Every decision about what a request means (defaults, validation, conflicts, graceful deletion,
selectors, paging) is the apiserver actor's; this module only reads the request, calls the
matching ``Client`` method, and writes the result or the ``Status`` of the error.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

from aiohttp import web

from kube_actors.api import CertificateSigningRequest, DeleteOptions, PatchType
from kube_actors.client import Client
from kube_actors.errors import BadRequest, MethodNotSupported, NotFound, UnsupportedMediaType

from ._access import request_user
from ._authn import TokenAuthenticator
from ._authorizer import Authorizer
from ._bodies import decode_body, media_type, object_from_body
from ._csr_approval import approval_update
from ._encode import Encoder, encode_as, has_protobuf
from ._escalation import ESCALATION_KINDS, check_escalation
from ._negotiate import Encoding, negotiate
from ._params import ListParams, WriteParams, delete_options_of
from ._paths import Target
from ._requester import with_requester
from ._reviews import REVIEW_KINDS, answer_review
from ._status import encoded_response, success_status
from ._subresources import Subresources
from ._watch import serve_watch

__all__ = ["Rest"]

_PATCH_TYPES: Final[dict[str, PatchType]] = {
    "application/json-patch+json": "json",
    "application/merge-patch+json": "merge",
    "application/strategic-merge-patch+json": "strategic",
    "application/apply-patch+yaml": "apply",
    "application/apply-patch+cbor": "apply",
}


def _warned(response: web.StreamResponse, warnings: tuple[str, ...]) -> web.StreamResponse:
    for warning in warnings:
        # RFC 7234 warning code 299 ("miscellaneous persistent warning"), as Kubernetes sends,
        # the text a quoted string.
        quoted = warning.replace("\\", "\\\\").replace('"', '\\"')
        response.headers.add("Warning", f'299 - "{quoted}"')
    return response


class Rest:
    """The REST verbs of every kind, served through one ``Client``."""

    def __init__(
        self, client: Client, subresources: Subresources, encoder: Encoder | None = None
    ) -> None:
        self.client = client
        self.subresources = subresources
        self.encoder = encoder if encoder is not None else Encoder()
        #: Set when the server authorizes requests: it answers the review kinds.
        self.authorizer: Authorizer | None = None
        #: Who may reach the server: a TokenReview asks them.
        self.authenticators: Sequence[TokenAuthenticator] = ()

    async def handle(self, request: web.Request, target: Target) -> web.StreamResponse:
        if target.subresource == "approval" and target.info.cls is CertificateSigningRequest:
            return await self._approval(request, target)
        if target.subresource and target.subresource != "status":
            return await self.subresources.handle(request, target)
        if target.subresource == "status" and not target.info.status_subresource:
            raise NotFound("the server could not find the requested resource")
        method = request.method
        if method == "GET":
            return await (
                self._get(request, target) if target.name else self._list(request, target)
            )
        if method == "POST" and not target.name:
            return await self._create(request, target)
        if method == "PUT" and target.name:
            return await self._update(request, target)
        if method == "PATCH" and target.name:
            return await self._patch(request, target)
        if method == "DELETE":
            if target.name:
                return await self._delete(request, target)
            return await self._delete_collection(request, target)
        raise MethodNotSupported(
            "the server does not allow this method on the requested resource",
            kind=target.info.plural,
        )

    # ----------------------------------------------------------------------- encoding

    def _encoding(self, request: web.Request, target: Target) -> Encoding:
        """Negotiated before any work is done, so a 406 changes nothing."""
        return negotiate(request.headers.get("Accept", ""), protobuf=has_protobuf(target.info))

    def _answer(
        self,
        request: web.Request,
        target: Target,
        obj: Any,
        encoding: Encoding,
        *,
        status: int = 200,
        stored: bool = False,
    ) -> web.Response:
        """One object; ``stored`` when it is a version of the store (a read's answer, or a
        write's that was no dry run), whose encodings may be cached."""
        if encoding.table:
            include = request.query.get("includeObject", "")
            body = self.encoder.table(target.info, [obj], encoding, include_object=include)
        else:
            body = self.encoder.object(target.info, obj, encoding, stored=stored)
        return encoded_response(body, encoding, status=status)

    # ------------------------------------------------------------------------ reading

    async def _get(self, request: web.Request, target: Target) -> web.StreamResponse:
        params = ListParams.parse(request.query)
        if params.watch:
            # A watch of one object: the collection's watch narrowed to its name.
            by_name = f"metadata.name={target.name}"
            selector = f"{params.field_selector},{by_name}" if params.field_selector else by_name
            return await serve_watch(
                request, self.client, self.encoder, target, params, field_selector=selector
            )
        encoding = self._encoding(request, target)
        obj = await self.client.get(
            target.info.cls,
            target.name,
            namespace=target.namespace,
            resource_version=params.resource_version,
        )
        return self._answer(request, target, obj, encoding, stored=True)

    async def _list(self, request: web.Request, target: Target) -> web.StreamResponse:
        params = ListParams.parse(request.query)
        if params.watch:
            return await serve_watch(request, self.client, self.encoder, target, params)
        encoding = self._encoding(request, target)
        page = await self.client.list_page(
            target.info.cls,
            namespace=target.namespace,
            label_selector=params.label_selector or None,
            field_selector=params.field_selector or None,
            limit=params.limit,
            continue_token=params.continue_token,
            resource_version=params.resource_version,
            resource_version_match=params.resource_version_match,
        )
        if encoding.table:
            table = self.encoder.table(
                target.info,
                page.items,
                encoding,
                resource_version=page.resource_version,
                continue_token=page.continue_token,
                include_object=request.query.get("includeObject", ""),
            )
            return encoded_response(table, encoding)
        return encoded_response(self.encoder.list(target.info, page, encoding), encoding)

    # ------------------------------------------------------------------------ writing

    def _check_escalation(self, request: web.Request, obj: Any) -> None:
        user = request_user(request)
        if self.authorizer is not None and user is not None:
            check_escalation(obj, user, self.authorizer)

    async def _review(
        self, request: web.Request, target: Target, review: Any, encoding: Encoding
    ) -> web.StreamResponse:
        user = request_user(request)
        if self.authorizer is None or user is None:
            raise MethodNotSupported(
                "the server answers reviews only when it authenticates its requests"
            )
        answer = await answer_review(
            review, user, self.authorizer, self.authenticators, namespace=target.namespace or ""
        )
        return self._answer(request, target, answer, encoding, status=201)

    async def _create(self, request: web.Request, target: Target) -> web.StreamResponse:
        encoding = self._encoding(request, target)
        params = WriteParams.parse(request.query)
        data = decode_body(await request.read(), request.headers.get("Content-Type", ""))
        decoded = object_from_body(
            data, target.info, namespace=target.namespace, validation=params.field_validation
        )
        if target.info.cls in REVIEW_KINDS:
            return await self._review(request, target, decoded.obj, encoding)
        self._check_escalation(request, decoded.obj)
        stored = await self.client.create(
            with_requester(decoded.obj, request_user(request)),
            dry_run=params.dry_run,
            field_manager=params.field_manager,
        )
        # A write's answer is the version it stored, unless it was a dry run (which may
        # carry the resourceVersion of the version it did not replace).
        fresh = not params.dry_run
        answer = self._answer(request, target, stored, encoding, status=201, stored=fresh)
        return _warned(answer, decoded.warnings)

    async def _update(self, request: web.Request, target: Target) -> web.StreamResponse:
        encoding = self._encoding(request, target)
        params = WriteParams.parse(request.query)
        data = decode_body(await request.read(), request.headers.get("Content-Type", ""))
        decoded = object_from_body(
            data,
            target.info,
            namespace=target.namespace,
            name=target.name,
            validation=params.field_validation,
        )
        if target.subresource == "status":
            stored = await self.client.update_status(
                decoded.obj, dry_run=params.dry_run, field_manager=params.field_manager
            )
        else:
            self._check_escalation(request, decoded.obj)
            stored = await self.client.update(
                decoded.obj, dry_run=params.dry_run, field_manager=params.field_manager
            )
        answer = self._answer(request, target, stored, encoding, stored=not params.dry_run)
        return _warned(answer, decoded.warnings)

    async def _approval(self, request: web.Request, target: Target) -> web.StreamResponse:
        """``certificatesigningrequests/approval``: read, or replace the conditions."""
        if request.method == "GET":
            return await self._get(request, target)
        if request.method != "PUT":
            raise MethodNotSupported(
                "the server does not allow this method on the requested resource"
            )
        encoding = self._encoding(request, target)
        params = WriteParams.parse(request.query)
        data = decode_body(await request.read(), request.headers.get("Content-Type", ""))
        asked = object_from_body(data, target.info, namespace="", name=target.name).obj
        current = await self.client.get(CertificateSigningRequest, target.name)
        wanted = approval_update(current, asked, request_user(request), self.authorizer)
        stored = await self.client.update_status(
            wanted, dry_run=params.dry_run, field_manager=params.field_manager
        )
        return self._answer(request, target, stored, encoding, stored=not params.dry_run)

    async def _patch(self, request: web.Request, target: Target) -> web.StreamResponse:
        encoding = self._encoding(request, target)
        params = WriteParams.parse(request.query)
        content_type = media_type(request.headers.get("Content-Type", ""))
        accepted = _PATCH_TYPES
        if getattr(target.info.cls, "defined_by_crd", False):
            # A custom resource has no patch strategies: Kubernetes refuses strategic merge.
            accepted = {k: v for k, v in _PATCH_TYPES.items() if v != "strategic"}
        patch_type = accepted.get(content_type)
        if patch_type is None:
            raise UnsupportedMediaType(
                f"the body of the request was in an unknown format - accepted media types "
                f"include: {', '.join(accepted)}"
            )
        patch = decode_body(await request.read(), content_type)
        if not isinstance(patch, Mapping | list):
            raise BadRequest("the patch must be a JSON object or a list of operations")
        common: dict[str, Any] = {
            "namespace": target.namespace,
            "patch_type": patch_type,
            "dry_run": params.dry_run,
            "field_manager": params.field_manager,
            "force": params.force,
        }
        cls = target.info.cls
        if target.subresource == "status":
            stored = await self.client.patch_status(cls, target.name, patch, **common)
        else:
            if self.authorizer is not None and cls in ESCALATION_KINDS and not params.dry_run:
                # What the patch would make is checked before it is made.
                preview = await self.client.patch(
                    cls, target.name, patch, **common | {"dry_run": True}
                )
                self._check_escalation(request, preview)
            stored = await self.client.patch(cls, target.name, patch, **common)
        return self._answer(request, target, stored, encoding, stored=not params.dry_run)

    async def _delete(self, request: web.Request, target: Target) -> web.StreamResponse:
        encoding = self._encoding(request, target)
        params = WriteParams.parse(request.query)
        options = _delete_options(await request.read(), params)
        obj = await self.client.delete(
            target.info.cls,
            target.name,
            namespace=target.namespace,
            propagation_policy=options.propagation_policy,
            grace_period_seconds=options.grace_period_seconds,
            preconditions=options.preconditions,
            dry_run=params.dry_run,
        )
        return self._answer(request, target, obj, encoding)

    async def _delete_collection(self, request: web.Request, target: Target) -> web.StreamResponse:
        encoding = self._encoding(request, target)
        params = WriteParams.parse(request.query)
        selectors = ListParams.parse(request.query)
        options = _delete_options(await request.read(), params)
        await self.client.delete_collection(
            target.info.cls,
            namespace=target.namespace,
            label_selector=selectors.label_selector or None,
            field_selector=selectors.field_selector or None,
            propagation_policy=options.propagation_policy,
            grace_period_seconds=options.grace_period_seconds,
            preconditions=options.preconditions,
            dry_run=params.dry_run,
        )
        return encoded_response(encode_as(success_status(), encoding), encoding)


def _delete_options(body: bytes, params: WriteParams) -> DeleteOptions:
    """Kubernetes reads DeleteOptions from the body when there is one, else from the query."""
    if not body.strip():
        return DeleteOptions(
            grace_period_seconds=params.grace_period_seconds,
            propagation_policy=params.propagation_policy,
        )
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise BadRequest(f"the body of the request could not be decoded: {exc}") from None
    if not isinstance(data, dict):
        raise BadRequest("DeleteOptions must be a JSON object")
    return delete_options_of(data)
