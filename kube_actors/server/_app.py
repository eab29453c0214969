"""The aiohttp application: routes, bearer-token authentication, and errors as Status.

Routes are few on purpose: discovery and health at fixed paths, then one catch-all per API
root (``/api/v1/...``, ``/apis/<group>/<version>/...``) whose tail ``_paths`` reads as
Kubernetes does. Every handler may raise an ``ApiError``; the error middleware answers it as
its ``Status``. Any other failure is a 500 ``InternalError`` (logged), and an apiserver that
stopped answers 503.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from kube_actors._version import __version__
from kube_actors.errors import (
    ActorError,
    ApiError,
    MethodNotSupported,
    NotFound,
    ServiceUnavailable,
)

from .._log import get_logger
from ._access import AccessControl, access_middleware
from ._discovery import (
    AGGREGATED_CONTENT_TYPE,
    api_group_list,
    api_resource_list,
    api_versions,
    group_discovery_list,
    version_info,
    wants_aggregated,
)
from ._openapi import openapi_v3_document, openapi_v3_index
from ._paths import parse_target
from ._rest import Rest
from ._status import json_response, status_of, status_response

__all__ = ["make_app"]

_log = get_logger("kube_actors.server")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_REST_KEY: web.AppKey[Rest] = web.AppKey("rest", Rest)


def _not_found() -> NotFound:
    return NotFound("the server could not find the requested resource")


@web.middleware
async def _errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    accept = request.headers.get("Accept", "")
    try:
        return await handler(request)
    except ApiError as error:
        return status_response(error, accept)
    except web.HTTPNotFound:
        return status_response(_not_found(), accept)
    except web.HTTPMethodNotAllowed:
        return status_response(
            MethodNotSupported("the server does not allow this method on the requested resource"),
            accept,
        )
    except ActorError as error:
        return status_response(ServiceUnavailable(f"the apiserver cannot answer: {error}"), accept)
    except web.HTTPException:
        raise
    except Exception as error:
        _log.exception("http_request_failed", method=request.method, path=request.path)
        failure = ApiError(f"Internal error occurred: {error}")
        return json_response(status_of(failure), status=500)


# ----------------------------------------------------------------------- discovery


async def _version(_: web.Request) -> web.StreamResponse:
    return json_response(version_info(__version__))


async def _health(_: web.Request) -> web.StreamResponse:
    return web.Response(text="ok", content_type="text/plain")


async def _api(request: web.Request) -> web.StreamResponse:
    if wants_aggregated(request.headers.get("Accept", "")):
        return json_response(group_discovery_list(core=True), content_type=AGGREGATED_CONTENT_TYPE)
    return json_response(api_versions(request.host))


async def _apis(request: web.Request) -> web.StreamResponse:
    if wants_aggregated(request.headers.get("Accept", "")):
        return json_response(group_discovery_list(core=False), content_type=AGGREGATED_CONTENT_TYPE)
    return json_response(api_group_list())


async def _api_group(request: web.Request) -> web.StreamResponse:
    group = request.match_info["group"]
    for entry in api_group_list()["groups"]:
        if entry["name"] == group:
            return json_response({"kind": "APIGroup", "apiVersion": "v1", **entry})
    raise _not_found()


async def _core_resources(_: web.Request) -> web.StreamResponse:
    body = api_resource_list("", "v1")
    if body is None:
        raise _not_found()
    return json_response(body)


async def _group_resources(request: web.Request) -> web.StreamResponse:
    body = api_resource_list(request.match_info["group"], request.match_info["version"])
    if body is None:
        raise _not_found()
    return json_response(body)


# ------------------------------------------------------------------------- OpenAPI


async def _openapi_index(_: web.Request) -> web.StreamResponse:
    return json_response(openapi_v3_index())


async def _openapi_document(request: web.Request) -> web.StreamResponse:
    path = request.match_info["path"]
    if path == "api/v1":
        group, version = "", "v1"
    elif path.startswith("apis/") and path.count("/") == 2:
        _, group, version = path.split("/")
    else:
        raise _not_found()
    try:
        document = openapi_v3_document(group, version)
    except KeyError:
        raise _not_found() from None
    return json_response(document)


# ------------------------------------------------------------------------ resources


async def _core(request: web.Request) -> web.StreamResponse:
    target = parse_target("", "v1", request.match_info["tail"])
    return await request.app[_REST_KEY].handle(request, target)


async def _named_group(request: web.Request) -> web.StreamResponse:
    info = request.match_info
    target = parse_target(info["group"], info["version"], info["tail"])
    return await request.app[_REST_KEY].handle(request, target)


def make_app(rest: Rest, *, access: AccessControl | None) -> web.Application:
    """The application serving ``rest``; ``access`` None turns authentication and
    authorization off."""
    middlewares: list[Any] = [_errors]
    if access is not None:
        middlewares.append(access_middleware(access))
    app = web.Application(middlewares=middlewares, client_max_size=64 << 20)
    app[_REST_KEY] = rest
    routes = app.router
    routes.add_get("/version", _version)
    for probe in ("/healthz", "/livez", "/readyz"):
        routes.add_get(probe, _health)
        routes.add_get(probe + "/{check:.+}", _health)
    routes.add_get("/api", _api)
    routes.add_get("/api/", _api)
    routes.add_get("/api/v1", _core_resources)
    routes.add_get("/apis", _apis)
    routes.add_get("/apis/", _apis)
    routes.add_get("/apis/{group}", _api_group)
    routes.add_get("/apis/{group}/{version}", _group_resources)
    routes.add_get("/openapi/v3", _openapi_index)
    routes.add_get("/openapi/v3/{path:.+}", _openapi_document)
    routes.add_route("*", "/api/v1/{tail:.+}", _core)
    routes.add_route("*", "/apis/{group}/{version}/{tail:.+}", _named_group)
    return app
