"""The kubelet's token manager: service-account tokens for projected volumes, renewed in time.

Kubernetes' ``pkg/kubelet/token/token_manager.go``. A projected ``serviceAccountToken`` asks
the ``serviceaccounts/token`` subresource for a token of the pod's account bound to the pod;
the answer is cached per (account, namespace, audiences, expirationSeconds, bound pod) and
served again on each sync until it is older than 80% of its ``expirationSeconds`` or older than
24 hours, when a fresh one is asked for. The pod worker's sync writes it into the volume by
the atomic writer, so a program that re-reads its token file always holds a valid one.

If a renewal fails, the old token is kept while it is still valid (and the next sync tries
again); once it has expired the volume's remount fails. Kubernetes subtracts a random jitter
of up to 10 s from both limits; here there is none, so a renewal's moment is exact on virtual
time. A pod's tokens are forgotten when its worker ends.
"""

from __future__ import annotations

import datetime as dt

import structlog

from kube_actors.actors import wall_clock
from kube_actors.api import ObjectMeta, TokenRequest, TokenRequestSpec
from kube_actors.client import Client
from kube_actors.errors import KubeActorsError

from ._env_sources import ContainerConfigError

__all__ = ["MAX_TOKEN_AGE", "TokenManager", "requires_refresh"]

_log = structlog.get_logger("kube_actors.kubelet")

#: A token is renewed once it is this old, whatever its expirationSeconds (the kubelet's maxTTL).
MAX_TOKEN_AGE = dt.timedelta(hours=24)

_Key = tuple[str, str, tuple[str, ...], int, str]


def requires_refresh(answered: TokenRequest, now: dt.datetime) -> bool:
    """Whether ``answered`` is older than 80% of its life, or than 24 hours, at ``now``."""
    seconds = answered.spec.expiration_seconds
    expires = answered.status.expiration_timestamp
    if seconds is None or expires is None:
        return False
    issued = expires - dt.timedelta(seconds=seconds)
    if now > issued + MAX_TOKEN_AGE:
        return True
    # The last 20% of its life, in whole seconds as the kubelet counts them.
    return now > expires - dt.timedelta(seconds=seconds * 20 // 100)


class TokenManager:
    """One kubelet's cache of service-account tokens; ``token()`` gives a fresh-enough one."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self._cache: dict[_Key, TokenRequest] = {}

    @staticmethod
    def _key(namespace: str, account: str, spec: TokenRequestSpec) -> _Key:
        ref = spec.bound_object_ref
        return (
            account,
            namespace,
            tuple(spec.audiences),
            spec.expiration_seconds or 0,
            ref.uid if ref is not None else "",
        )

    async def token(self, namespace: str, account: str, spec: TokenRequestSpec) -> TokenRequest:
        """The cached token for this request, renewed when it needs to be.
        ContainerConfigError (the volume's SetUp failure) when none can be had."""
        key = self._key(namespace, account, spec)
        cached = self._cache.get(key)
        now = wall_clock()
        if cached is not None and not requires_refresh(cached, now):
            return cached
        asked = TokenRequest(metadata=ObjectMeta(name=account, namespace=namespace), spec=spec)
        try:
            answered = await self.client.create(asked)
        except KubeActorsError as error:
            if cached is None:
                raise ContainerConfigError(f"failed to fetch token: {error}") from None
            expires = cached.status.expiration_timestamp
            if expires is not None and now > expires:
                raise ContainerConfigError(
                    f'token "{account}"/"{namespace}" expired and refresh failed: {error}'
                ) from None
            _log.warning("token_refresh_failed", account=f"{namespace}/{account}", error=str(error))
            return cached
        self._cache[key] = answered
        return answered

    def forget_pod(self, uid: str) -> None:
        """Drop the tokens bound to the pod ``uid`` (its worker has ended)."""
        for key in [k for k in self._cache if k[4] == uid]:
            del self._cache[key]
