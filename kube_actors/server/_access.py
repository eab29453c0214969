"""Authentication and authorization of every HTTP request, as one aiohttp middleware.

The bearer token is mapped to a user by the server's token authenticators (401 when none
knows it); the request's attributes (``_request_info``) are then put to the RBAC authorizer,
and a request it does not allow is answered 403 with Kubernetes' message: ``pods "web" is
forbidden: User "jane" cannot delete resource "pods" in API group "" in the namespace
"default"``. A request may act as another user (``_impersonation``) once the requester has
been allowed to. The user is kept on the request (``request_user``) for what needs it later.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import attrs
from aiohttp import web

from ..errors import Unauthorized
from ._authn import TokenAuthenticator, UserInfo, authenticate_token
from ._authorizer import RbacAuthorizer, forbidden
from ._impersonation import impersonated
from ._request_info import request_attributes

__all__ = ["AccessControl", "request_user"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_USER_KEY: web.RequestKey[UserInfo] = web.RequestKey("user", UserInfo)


@attrs.frozen
class AccessControl:
    """Who may reach the server (``authenticators``) and what they may do (``authorizer``)."""

    authenticators: Sequence[TokenAuthenticator]
    authorizer: RbacAuthorizer


def request_user(request: web.Request) -> UserInfo | None:
    """The user a request was authenticated as (None when the server checks no tokens)."""
    return request.get(_USER_KEY)


def access_middleware(access: AccessControl) -> Any:
    @web.middleware
    async def check(request: web.Request, handler: Handler) -> web.StreamResponse:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        user = None
        if scheme.lower() == "bearer":
            user = await authenticate_token(access.authenticators, token.strip())
        if user is None:
            # The error middleware, outside this one, answers it as a Status.
            raise Unauthorized("Unauthorized")
        user = impersonated(request, user, access.authorizer)
        attributes = request_attributes(request.method, request.path, request.query)
        decision = access.authorizer.authorize(user, attributes)
        if not decision.allowed:
            raise forbidden(user, attributes, decision.reason)
        request[_USER_KEY] = user
        return await handler(request)

    return check
