"""Authentication, authorization and node admission of every HTTP request, as one aiohttp
middleware.

A client certificate the TLS handshake verified names the user (``_x509``); else the bearer
token is mapped to a user by the server's token authenticators (401 when none knows it). The
request's attributes (``_request_info``) are then put to the authorizer (Node, then RBAC), and
a request it does not allow is answered 403 with Kubernetes' message: ``pods "web" is
forbidden: User "jane" cannot delete resource "pods" in API group "" in the namespace
"default"``. A request may act as another user (``_impersonation``) once the requester has
been allowed to. A node's write then passes NodeRestriction (its own Node, Lease and pods
only). The user is kept on the request (``request_user``) for what needs it later.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import attrs
from aiohttp import web

from ..errors import Unauthorized
from ._authn import TokenAuthenticator, UserInfo, authenticate_token
from ._authorizer import Authorizer, forbidden
from ._impersonation import impersonated
from ._node_restriction import NodeRestriction
from ._request_info import request_attributes
from ._x509 import user_of_peer

__all__ = ["AccessControl", "request_user"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_USER_KEY: web.RequestKey[UserInfo] = web.RequestKey("user", UserInfo)


@attrs.frozen
class AccessControl:
    """Who may reach the server (``authenticators``, and client certificates), what they may
    do (``authorizer``), and what nodes may write (``node_restriction``)."""

    authenticators: Sequence[TokenAuthenticator]
    authorizer: Authorizer
    node_restriction: NodeRestriction | None = None


def request_user(request: web.Request) -> UserInfo | None:
    """The user a request was authenticated as (None when the server checks no tokens)."""
    return request.get(_USER_KEY)


async def _authenticate(request: web.Request, access: AccessControl) -> UserInfo | None:
    """The certificate's user, else the bearer token's (Kubernetes asks x509 first)."""
    transport = request.transport
    if transport is not None:
        user = user_of_peer(transport.get_extra_info("ssl_object"))
        if user is not None:
            return user.with_authenticated_group()
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        return await authenticate_token(access.authenticators, token.strip())
    return None


def access_middleware(access: AccessControl) -> Any:
    @web.middleware
    async def check(request: web.Request, handler: Handler) -> web.StreamResponse:
        user = await _authenticate(request, access)
        if user is None:
            # The error middleware, outside this one, answers it as a Status.
            raise Unauthorized("Unauthorized")
        user = impersonated(request, user, access.authorizer)
        attributes = request_attributes(request.method, request.path, request.query)
        decision = access.authorizer.authorize(user, attributes)
        if not decision.allowed:
            raise forbidden(user, attributes, decision.reason)
        if access.node_restriction is not None:
            await access.node_restriction.admit_request(user, attributes, request.read)
        request[_USER_KEY] = user
        return await handler(request)

    return check
