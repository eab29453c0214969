"""Impersonation: a request that acts as another user (``kubectl --as``, ``--as-group``,
``--as-uid``), as Kubernetes' impersonation filter allows it.

The headers ``Impersonate-User``, ``Impersonate-Group`` (repeated), ``Impersonate-Uid`` and
``Impersonate-Extra-<key>`` name who the request is to act as. Each is authorized first, for
the authenticated requester, with the verb ``impersonate``: a user on ``users`` (a
service account's username on its ``serviceaccounts`` object instead), a group on
``groups``, a uid on ``uids.authentication.k8s.io``, an extra value on
``userextras/<key>.authentication.k8s.io``; any one refused is a 403 naming it. The request
then runs as the impersonated user: the groups asked for (a service account's own groups
when none are asked), with ``system:authenticated`` added unless the groups name it or
``system:unauthenticated`` (``system:anonymous`` gets ``system:unauthenticated``).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from typing import Final

from aiohttp import web

from ..errors import ApiError
from ._authn import AUTHENTICATED_GROUP, SERVICE_ACCOUNTS_GROUP, UserInfo
from ._authorizer import Authorizer, forbidden
from ._request_info import RequestAttributes

__all__ = ["impersonated"]

USER_HEADER: Final = "Impersonate-User"
GROUP_HEADER: Final = "Impersonate-Group"
UID_HEADER: Final = "Impersonate-Uid"
EXTRA_PREFIX: Final = "impersonate-extra-"
AUTHENTICATION_GROUP: Final = "authentication.k8s.io"
ANONYMOUS: Final = "system:anonymous"
UNAUTHENTICATED_GROUP: Final = "system:unauthenticated"
_SERVICE_ACCOUNT_PREFIX: Final = "system:serviceaccount:"


def _extras(request: web.Request) -> dict[str, list[str]]:
    extra: dict[str, list[str]] = {}
    for name, value in request.headers.items():
        if name.lower().startswith(EXTRA_PREFIX):
            key = urllib.parse.unquote(name[len(EXTRA_PREFIX) :]).lower()
            extra.setdefault(key, []).append(value)
    return extra


def _service_account(username: str) -> tuple[str, str] | None:
    """(namespace, name) of a service account's username, None for any other."""
    if not username.startswith(_SERVICE_ACCOUNT_PREFIX):
        return None
    namespace, _, name = username.removeprefix(_SERVICE_ACCOUNT_PREFIX).partition(":")
    return (namespace, name) if namespace and name and ":" not in name else None


def impersonated(request: web.Request, requester: UserInfo, authorizer: Authorizer) -> UserInfo:
    """The user the request acts as: ``requester``, or whom its headers impersonate once
    each has been allowed; ``Forbidden`` for one that is not."""
    headers = request.headers
    username = headers.get(USER_HEADER, "")
    groups = headers.getall(GROUP_HEADER, [])
    uid = headers.get(UID_HEADER, "")
    extra = _extras(request)
    if not (username or groups or uid or extra):
        return requester
    if not username:
        raise ApiError(  # Kubernetes answers it as an internal error
            "requested impersonation of groups, uid or extra without impersonating a user"
        )
    asked: list[RequestAttributes] = []
    account = _service_account(username)
    if account is not None:
        namespace, name = account
        asked.append(_acting_as("serviceaccounts", name, namespace=namespace))
    else:
        asked.append(_acting_as("users", username))
    asked.extend(_acting_as("groups", group) for group in groups)
    if uid:
        asked.append(_acting_as("uids", uid, group=AUTHENTICATION_GROUP))
    for key, values in extra.items():
        asked.extend(
            _acting_as("userextras", value, group=AUTHENTICATION_GROUP, subresource=key)
            for value in values
        )
    for attributes in asked:
        decision = authorizer.authorize(requester, attributes)
        if not decision.allowed:
            raise forbidden(requester, attributes, decision.reason)
    return UserInfo(
        name=username, uid=uid, groups=_groups(username, groups, account), extra=_frozen(extra)
    )


def _acting_as(
    resource: str, name: str, *, namespace: str = "", group: str = "", subresource: str = ""
) -> RequestAttributes:
    return RequestAttributes(
        verb="impersonate",
        api_group=group,
        namespace=namespace,
        resource=resource,
        subresource=subresource,
        name=name,
    )


def _groups(username: str, asked: list[str], account: tuple[str, str] | None) -> tuple[str, ...]:
    groups = list(asked)
    if not groups and account is not None:
        groups = [SERVICE_ACCOUNTS_GROUP, f"{SERVICE_ACCOUNTS_GROUP}:{account[0]}"]
    if username == ANONYMOUS:
        if UNAUTHENTICATED_GROUP not in groups:
            groups.append(UNAUTHENTICATED_GROUP)
    elif not {AUTHENTICATED_GROUP, UNAUTHENTICATED_GROUP} & set(groups):
        groups.append(AUTHENTICATED_GROUP)
    return tuple(groups)


def _frozen(extra: Mapping[str, list[str]]) -> dict[str, tuple[str, ...]]:
    return {key: tuple(values) for key, values in extra.items()}
