"""Bootstrap tokens: how a new node first proves it may join (Kubernetes' ``bootstrap`` token
authenticator, ``plugin/pkg/auth/authenticator/token/bootstrap``).

A token is ``<id>.<secret>`` (``[a-z0-9]{6}.[a-z0-9]{16}``); it is kept as the Secret
``bootstrap-token-<id>`` of type ``bootstrap.kubernetes.io/token`` in ``kube-system``, with
``token-id``, ``token-secret``, ``usage-bootstrap-authentication: "true"``, an optional
``expiration`` (RFC 3339) and ``auth-extra-groups`` (``system:bootstrappers:...``, comma
separated). It authenticates as ``system:bootstrap:<id>`` in ``system:bootstrappers`` and the
extra groups, until it expires or its Secret is deleted. ``kube-actors token create`` makes one
(``new_bootstrap_token``, ``bootstrap_token_secret``).
"""

from __future__ import annotations

import base64
import datetime as dt
import hmac
import re
import secrets
import string
from typing import Final

from kube_actors.actors import wall_clock
from kube_actors.api import ObjectMeta, Secret
from kube_actors.client import Client
from kube_actors.errors import NotFound

from .._log import get_logger
from ._authn import UserInfo

__all__ = [
    "BOOTSTRAPPERS_GROUP",
    "BOOTSTRAP_TOKEN_PATTERN",
    "BOOTSTRAP_TOKEN_TYPE",
    "DEFAULT_NODE_TOKEN_GROUP",
    "BootstrapTokens",
    "bootstrap_token_secret",
    "new_bootstrap_token",
]

_log = get_logger("kube_actors.server")

BOOTSTRAP_TOKEN_PATTERN: Final = re.compile(r"^([a-z0-9]{6})\.([a-z0-9]{16})$")
BOOTSTRAP_TOKEN_TYPE: Final = "bootstrap.kubernetes.io/token"
BOOTSTRAPPERS_GROUP: Final = "system:bootstrappers"
#: The extra group of the tokens kubeadm makes (whose nodes' CSRs are auto-approved).
DEFAULT_NODE_TOKEN_GROUP: Final = "system:bootstrappers:kubeadm:default-node-token"
_EXTRA_GROUP: Final = re.compile(r"^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$")
_ALPHABET: Final = string.ascii_lowercase + string.digits
_NAMESPACE: Final = "kube-system"


def new_bootstrap_token() -> str:
    """A fresh random token, ``<6 characters>.<16 characters>``."""
    token_id = "".join(secrets.choice(_ALPHABET) for _ in range(6))
    return f"{token_id}.{''.join(secrets.choice(_ALPHABET) for _ in range(16))}"


def bootstrap_token_secret(
    token: str,
    *,
    ttl: dt.timedelta | None = dt.timedelta(hours=24),
    description: str = "",
    extra_groups: tuple[str, ...] = (DEFAULT_NODE_TOKEN_GROUP,),
) -> Secret:
    """The Secret that makes ``token`` valid (for ``ttl``; None: forever), as kubeadm writes it."""
    match = BOOTSTRAP_TOKEN_PATTERN.match(token)
    if match is None:
        raise ValueError(f'token "{token}" does not match [a-z0-9]{{6}}.[a-z0-9]{{16}}')
    data = {
        "token-id": match[1],
        "token-secret": match[2],
        "usage-bootstrap-authentication": "true",
        "usage-bootstrap-signing": "true",
    }
    if ttl is not None:
        expiration = wall_clock() + ttl
        data["expiration"] = expiration.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if description:
        data["description"] = description
    if extra_groups:
        data["auth-extra-groups"] = ",".join(extra_groups)
    return Secret(
        metadata=ObjectMeta(name=f"bootstrap-token-{match[1]}", namespace=_NAMESPACE),
        type=BOOTSTRAP_TOKEN_TYPE,
        string_data=data,
    )


def _decoded(secret: Secret) -> dict[str, str]:
    data: dict[str, str] = {}
    for key, value in secret.data.items():
        try:
            data[key] = base64.b64decode(value).decode()
        except (ValueError, UnicodeDecodeError):
            continue
    return data


def _expired(expiration: str) -> bool:
    if not expiration:
        return False
    try:
        when = dt.datetime.fromisoformat(expiration.replace("Z", "+00:00"))
    except ValueError:
        return True  # unreadable: treated as expired, as Kubernetes does
    return wall_clock() >= when


class BootstrapTokens:
    """Authenticates bootstrap tokens against their Secrets in ``kube-system``."""

    def __init__(self, client: Client) -> None:
        self.client = client

    async def authenticate(self, token: str) -> UserInfo | None:
        match = BOOTSTRAP_TOKEN_PATTERN.match(token)
        if match is None:
            return None
        token_id, token_secret = match[1], match[2]
        try:
            secret = await self.client.get(
                Secret, f"bootstrap-token-{token_id}", namespace=_NAMESPACE
            )
        except NotFound:
            _log.debug("bootstrap_token_unknown", token_id=token_id)
            return None
        if secret.metadata.deletion_timestamp is not None or secret.type != BOOTSTRAP_TOKEN_TYPE:
            return None
        data = _decoded(secret)
        if data.get("token-id") != token_id or not hmac.compare_digest(
            data.get("token-secret", "").encode(), token_secret.encode()
        ):
            return None
        if data.get("usage-bootstrap-authentication") != "true":
            return None
        if _expired(data.get("expiration", "")):
            _log.debug("bootstrap_token_expired", token_id=token_id)
            return None
        groups = [BOOTSTRAPPERS_GROUP]
        for group in filter(None, data.get("auth-extra-groups", "").split(",")):
            if not _EXTRA_GROUP.match(group.strip()):
                return None  # a malformed Secret authenticates no one
            groups.append(group.strip())
        return UserInfo(name=f"system:bootstrap:{token_id}", groups=tuple(groups))
