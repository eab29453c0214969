"""Errors as Kubernetes' ``Status`` objects, and the responses that carry them.

An ``ApiError`` raised anywhere below (the apiserver actor, the converter, the request
parsing here) becomes one ``Status`` with its reason, code, message and details, so kubectl
prints ``Error from server (NotFound): pods "nope" not found`` and the clients raise their
usual ``ApiException`` with that status. The Status is written in the encoding the request's
``Accept`` asks for (protobuf too), JSON when none fits, as Kubernetes does.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from kube_actors.errors import ApiError

from ._encode import dumps, encode_as
from ._negotiate import JSON, Encoding, negotiate_error

__all__ = [
    "encoded_response",
    "json_response",
    "status_of",
    "status_response",
    "success_status",
]


def status_of(error: ApiError) -> dict[str, Any]:
    """The ``metav1.Status`` of an API error."""
    status: dict[str, Any] = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": error.message,
        "reason": error.reason,
        "code": error.code,
    }
    details: dict[str, Any] = {}
    if error.name:
        details["name"] = error.name
    if error.group:
        details["group"] = error.group
    if error.kind:
        details["kind"] = error.kind
    if error.causes:
        details["causes"] = [
            {"reason": cause.type, "message": cause.message, "field": cause.field}
            for cause in error.causes
        ]
    if error.retry_after_seconds:
        details["retryAfterSeconds"] = error.retry_after_seconds
    if details:
        status["details"] = details
    return status


def success_status(details: dict[str, Any] | None = None) -> dict[str, Any]:
    """A ``Status`` of ``Success`` (what a delete of a collection answers)."""
    status: dict[str, Any] = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success",
    }
    if details:
        status["details"] = details
    return status


def json_response(body: Any, *, status: int = 200, content_type: str = JSON) -> web.Response:
    """A JSON body, compact as Kubernetes writes it."""
    return web.Response(body=dumps(body), status=status, headers={"Content-Type": content_type})


def encoded_response(body: bytes, encoding: Encoding, *, status: int = 200) -> web.Response:
    """A body already written in ``encoding``."""
    return web.Response(body=body, status=status, headers={"Content-Type": encoding.media_type})


def status_response(error: ApiError, accept: str = "") -> web.Response:
    """The ``Status`` of ``error`` with its HTTP code, in the encoding ``accept`` allows."""
    encoding = negotiate_error(accept)
    body = encode_as(status_of(error), encoding)
    return encoded_response(body, encoding, status=error.code)
