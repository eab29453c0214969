"""``TokenRequest`` (authentication.k8s.io/v1): asks for a service account's token.

Created as the ``serviceaccounts/token`` subresource (``kubectl create token``, the kubelet
for a Pod's projected token) and answered with the signed token in ``status``; never stored.
``spec.expiration_seconds`` defaults to an hour, ``spec.audiences`` to the API server's own;
``spec.bound_object_ref`` ties the token to a Pod (or Secret) so that it stops working when
that object goes.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Final

import attrs

from ._base import freeze_seq
from ._meta import ObjectMeta

__all__ = [
    "DEFAULT_TOKEN_EXPIRATION_SECONDS",
    "BoundObjectReference",
    "TokenRequest",
    "TokenRequestSpec",
    "TokenRequestStatus",
]

#: ``spec.expirationSeconds`` when a request gives none (Kubernetes' defaulting: one hour).
DEFAULT_TOKEN_EXPIRATION_SECONDS: Final = 3600


@attrs.frozen(kw_only=True)
class BoundObjectReference:
    """The object a token is bound to: ``kind`` Pod or Secret, its ``name`` and ``uid``."""

    kind: str = ""
    api_version: str = ""
    name: str = ""
    uid: str = ""


@attrs.frozen(kw_only=True)
class TokenRequestSpec:
    audiences: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)
    expiration_seconds: int | None = None
    bound_object_ref: BoundObjectReference | None = None


@attrs.frozen(kw_only=True)
class TokenRequestStatus:
    token: str = ""
    expiration_timestamp: dt.datetime | None = None


@attrs.frozen(kw_only=True)
class TokenRequest:
    """A token for the service account ``metadata.name`` of ``metadata.namespace``."""

    api_version: ClassVar[str] = "authentication.k8s.io/v1"
    kind: ClassVar[str] = "TokenRequest"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    spec: TokenRequestSpec = attrs.field(default=TokenRequestSpec())
    status: TokenRequestStatus = attrs.field(default=TokenRequestStatus())
