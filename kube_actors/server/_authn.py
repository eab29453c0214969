"""Who sent a request: bearer tokens to users, as Kubernetes' token authenticators do.

A ``TokenAuthenticator`` answers ``await authenticate(token)`` with the ``UserInfo`` the token
stands for, or None when it does not know the token; the server asks each of its
authenticators in turn and the first that knows the token wins. A request with no token, or
with a token none of them knows, is answered 401 (the server allows no anonymous requests).
Every authenticated user is in the group ``system:authenticated``, as Kubernetes adds it.

Three authenticators are here: the admin token of ``kube-actors up`` (user
``kube-actors-admin`` in ``system:masters``, which may do everything), a static token file in
Kubernetes' ``--token-auth-file`` format, and service-account tokens (``ServiceAccountTokens``:
the JWTs the ``serviceaccounts/token`` subresource signs, for as long as they have not expired
and the account and the Pod they are bound to still exist).
"""

from __future__ import annotations

import csv
import hmac
import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Final, Protocol

import attrs

from kube_actors.actors import wall_clock
from kube_actors.apiserver import DEFAULT_ISSUER, TokenClaims, TokenIssuer
from kube_actors.client import Client
from kube_actors.errors import NotFound

from .._log import get_logger
from ..api import FrozenDict, Pod, Secret, ServiceAccount

__all__ = [
    "ADMIN_USER",
    "AUTHENTICATED_GROUP",
    "MASTERS_GROUP",
    "SERVICE_ACCOUNTS_GROUP",
    "AdminToken",
    "ServiceAccountTokens",
    "StaticTokens",
    "TokenAuthenticator",
    "UserInfo",
    "authenticate_token",
    "review_token",
]

_log = get_logger("kube_actors.server")

#: The user the admin token of ``up`` stands for.
ADMIN_USER: Final = "kube-actors-admin"
#: The group whose members RBAC allows everything (Kubernetes' ``system:masters``).
MASTERS_GROUP: Final = "system:masters"
#: The group of every authenticated user.
AUTHENTICATED_GROUP: Final = "system:authenticated"
#: The group of every service account (and ``system:serviceaccounts:<namespace>``).
SERVICE_ACCOUNTS_GROUP: Final = "system:serviceaccounts"


def _freeze_groups(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _freeze_extra(value: Mapping[str, Iterable[str]]) -> FrozenDict[str, tuple[str, ...]]:
    return FrozenDict({k: tuple(v) for k, v in value.items()})


@attrs.frozen(kw_only=True)
class UserInfo:
    """An authenticated user: ``name``, ``uid``, ``groups`` and ``extra`` (Kubernetes'
    ``user.Info``)."""

    name: str
    uid: str = ""
    groups: tuple[str, ...] = attrs.field(default=(), converter=_freeze_groups)
    extra: Mapping[str, tuple[str, ...]] = attrs.field(factory=FrozenDict, converter=_freeze_extra)

    def with_authenticated_group(self) -> UserInfo:
        if AUTHENTICATED_GROUP in self.groups:
            return self
        return attrs.evolve(self, groups=(*self.groups, AUTHENTICATED_GROUP))


class TokenAuthenticator(Protocol):
    """Maps a bearer token to its user; None when the token is not one of its own."""

    async def authenticate(self, token: str) -> UserInfo | None: ...


class AdminToken:
    """The one admin token of the server's data directory."""

    def __init__(self, token: str) -> None:
        self._token = token.encode()

    async def authenticate(self, token: str) -> UserInfo | None:
        if self._token and hmac.compare_digest(token.encode(), self._token):
            return UserInfo(name=ADMIN_USER, groups=(MASTERS_GROUP, AUTHENTICATED_GROUP))
        return None


class StaticTokens:
    """Users' tokens from a file in Kubernetes' ``--token-auth-file`` format: CSV rows of
    ``token,user,uid`` and optionally ``"group1,group2"``.

    ``StaticTokens.from_file(path)`` reads it; a row with fewer than three columns is an
    error naming the file, an empty token is skipped, and a later row wins over an earlier
    one with the same token.
    """

    def __init__(self, users: Mapping[str, UserInfo]) -> None:
        self._users = dict(users)

    @classmethod
    def from_text(cls, text: str, *, source: str = "<text>") -> StaticTokens:
        users: dict[str, UserInfo] = {}
        for number, row in enumerate(csv.reader(io.StringIO(text), skipinitialspace=True), 1):
            if not row:
                continue
            if len(row) < 3:
                raise ValueError(
                    f"token file '{source}' must have at least 3 columns (token, user name, "
                    f"user uid), found {len(row)}"
                )
            token, name, uid = row[0], row[1], row[2]
            if not token:
                _log.warning("token_file_empty_token", file=source, record=number)
                continue
            groups = tuple(g for g in row[3].split(",") if g) if len(row) > 3 else ()
            users[token] = UserInfo(name=name, uid=uid, groups=groups)
        return cls(users)

    @classmethod
    def from_file(cls, path: str | Path) -> StaticTokens:
        return cls.from_text(Path(path).read_text(), source=str(path))

    async def authenticate(self, token: str) -> UserInfo | None:
        return self._users.get(token)


class ServiceAccountTokens:
    """Service-account tokens: ``system:serviceaccount:<namespace>:<name>`` in the groups
    ``system:serviceaccounts`` and ``system:serviceaccounts:<namespace>``, with the Pod the
    token is bound to in ``extra`` (Kubernetes' ``authentication.kubernetes.io/pod-name``).

    A token is refused once it has expired (by the cluster's clock) or when the account, or
    the Pod or Secret it is bound to, is gone or is another object of the same name (its uid
    differs), or the Pod is being deleted, as Kubernetes' token validator refuses them.
    """

    def __init__(self, issuer: TokenIssuer, client: Client) -> None:
        self.issuer = issuer
        self.client = client

    async def authenticate(self, token: str) -> UserInfo | None:
        found = await self.authenticate_for(token, self.issuer.audiences)
        return found[0] if found is not None else None

    async def authenticate_for(
        self, token: str, audiences: Sequence[str]
    ) -> tuple[UserInfo, tuple[str, ...]] | None:
        """The user of ``token`` if it is valid for one of ``audiences``, and those of
        ``audiences`` it is valid for (what a TokenReview answers)."""
        claims = self.issuer.claims(token, audiences)
        if claims is None:
            return None
        user = await self._user(claims)
        if user is None:
            return None
        return user, tuple(a for a in audiences if a in claims.audiences)

    async def _user(self, claims: TokenClaims) -> UserInfo | None:
        now = wall_clock().timestamp()
        if now >= claims.expires or now < claims.not_before:
            _log.debug("service_account_token_expired", account=claims.account)
            return None
        namespace = claims.namespace
        try:
            account = await self.client.get(ServiceAccount, claims.account, namespace=namespace)
            if account.metadata.uid != claims.account_uid:
                return None
            if claims.pod:
                pod = await self.client.get(Pod, claims.pod, namespace=namespace)
                if pod.metadata.uid != claims.pod_uid or pod.metadata.deletion_timestamp:
                    return None
            if claims.secret:
                secret = await self.client.get(Secret, claims.secret, namespace=namespace)
                if secret.metadata.uid != claims.secret_uid:
                    return None
        except NotFound:
            return None
        extra: dict[str, tuple[str, ...]] = {}
        if claims.pod:
            extra["authentication.kubernetes.io/pod-name"] = (claims.pod,)
            extra["authentication.kubernetes.io/pod-uid"] = (claims.pod_uid,)
        if claims.token_id:
            extra["authentication.kubernetes.io/credential-id"] = (f"JTI={claims.token_id}",)
        return UserInfo(
            name=f"system:serviceaccount:{namespace}:{claims.account}",
            uid=claims.account_uid,
            groups=(SERVICE_ACCOUNTS_GROUP, f"{SERVICE_ACCOUNTS_GROUP}:{namespace}"),
            extra=extra,
        )


async def authenticate_token(
    authenticators: Sequence[TokenAuthenticator], token: str
) -> UserInfo | None:
    """The user of ``token`` by the first authenticator that knows it, in
    ``system:authenticated``; None when none does."""
    if not token:
        return None
    for authenticator in authenticators:
        user = await authenticator.authenticate(token)
        if user is not None:
            return user.with_authenticated_group()
    return None


async def review_token(
    authenticators: Sequence[TokenAuthenticator], token: str, audiences: Sequence[str]
) -> tuple[UserInfo, tuple[str, ...]] | None:
    """What a TokenReview answers: the user of ``token`` (in ``system:authenticated``) and
    the audiences it is valid for, of ``audiences`` (the API's own when empty); None when
    no authenticator knows it. Service-account tokens are checked against the audiences
    asked; the other authenticators know only the API's own audiences, as Kubernetes'
    audience-agnostic authenticators do."""
    api = next(
        (tuple(a.issuer.audiences) for a in authenticators if isinstance(a, ServiceAccountTokens)),
        (DEFAULT_ISSUER,),
    )
    wanted = tuple(audiences) or api
    if not token:
        return None
    for authenticator in authenticators:
        if isinstance(authenticator, ServiceAccountTokens):
            found = await authenticator.authenticate_for(token, wanted)
            if found is not None:
                return found[0].with_authenticated_group(), found[1]
            continue
        shared = tuple(a for a in wanted if a in api)
        user = await authenticator.authenticate(token) if shared else None
        if user is not None:
            return user.with_authenticated_group(), shared
    return None
