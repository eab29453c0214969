"""Errors as Kubernetes' ``Status`` objects, and the JSON responses that carry them.

An ``ApiError`` raised anywhere below (the apiserver actor, the converter, the request
parsing here) becomes one ``Status`` with its reason, code, message and details, so kubectl
prints ``Error from server (NotFound): pods "nope" not found`` and the clients raise their
usual ``ApiException`` with that status.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from kube_actors.errors import ApiError

__all__ = ["json_response", "status_of", "status_response", "success_status"]


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


def json_response(
    body: Any, *, status: int = 200, content_type: str = "application/json"
) -> web.Response:
    """A JSON body, compact as Kubernetes writes it."""
    text = json.dumps(body, separators=(",", ":"))
    return web.Response(body=text.encode(), status=status, headers={"Content-Type": content_type})


def status_response(error: ApiError) -> web.Response:
    """The ``Status`` of ``error`` with its HTTP code."""
    return json_response(status_of(error), status=error.code)
