"""Service-account tokens: the ``serviceaccounts/token`` subresource (TokenRequest) and the
signed JWTs it answers, as Kubernetes' ``pkg/serviceaccount`` issues and checks them.

A ``TokenIssuer`` holds the cluster's signing key (ECDSA P-256, ``ES256``: Kubernetes takes
RSA or ECDSA keys for ``--service-account-signing-key-file``) and signs the claims Kubernetes
puts in a bound token: ``iss``, ``sub`` (``system:serviceaccount:<namespace>:<name>``),
``aud``, ``iat``, ``nbf``, ``exp``, ``jti`` and the private ``kubernetes.io`` claim naming the
namespace, the service account and the Pod (or Secret) the token is bound to, each with its
uid. ``claims`` checks a token's signature, issuer and audience; whether it has expired and
whether its account and Pod still exist is for the authenticator to ask (it knows the clock
and the objects as they are now).

``request_token`` is the subresource itself: the request validated as Kubernetes validates
it (at least 10 minutes, at most 2^32 seconds; a bound object of kind Pod or Secret whose uid
is the one on record, a Pod running as that account), answered with the token and its expiry.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import attrs
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from kube_actors.api import (
    DEFAULT_TOKEN_EXPIRATION_SECONDS,
    Pod,
    Secret,
    ServiceAccount,
    TokenRequest,
    TokenRequestSpec,
    TokenRequestStatus,
    evolve,
)
from kube_actors.errors import BadRequest, Conflict, FieldCause, Invalid

__all__ = [
    "DEFAULT_ISSUER",
    "MIN_EXPIRATION_SECONDS",
    "TokenClaims",
    "TokenIssuer",
    "answer",
    "check_bound_object",
    "service_account_username",
    "validate_token_request",
]

#: kubeadm's ``--service-account-issuer``; also the API's audience (``--api-audiences``).
DEFAULT_ISSUER: Final = "https://kubernetes.default.svc.cluster.local"
#: A token may not live less than ten minutes (``spec.expirationSeconds``).
MIN_EXPIRATION_SECONDS: Final = 600
_MAX_EXPIRATION_SECONDS: Final = 1 << 32
_ALGORITHM: Final = "ES256"
_BOUND_KINDS: Final = ("Pod", "Secret")


def service_account_username(namespace: str, name: str) -> str:
    """The user a service account's token authenticates as."""
    return f"system:serviceaccount:{namespace}:{name}"


@attrs.frozen(kw_only=True)
class TokenClaims:
    """What a verified token says: whose it is, what it is bound to, when it is valid."""

    namespace: str
    account: str
    account_uid: str
    pod: str = ""
    pod_uid: str = ""
    secret: str = ""
    secret_uid: str = ""
    not_before: int
    expires: int
    token_id: str = ""
    #: The token's ``aud`` claim.
    audiences: tuple[str, ...] = ()


class TokenIssuer:
    """Signs and checks the cluster's service-account tokens with one key.

    ``TokenIssuer()`` makes a fresh key; ``TokenIssuer.from_pem(data)`` reuses one;
    ``TokenIssuer.from_key_file(path)`` reuses the one kept in a file, making it first if
    there is none (``up`` keeps it in its data directory, so tokens outlive a restart);
    ``private_pem()`` gives it.
    """

    def __init__(
        self,
        key: ec.EllipticCurvePrivateKey | None = None,
        *,
        issuer: str = DEFAULT_ISSUER,
        audiences: Sequence[str] = (DEFAULT_ISSUER,),
    ) -> None:
        self._key = key if key is not None else ec.generate_private_key(ec.SECP256R1())
        self._public = self._key.public_key()
        self.issuer = issuer
        self.audiences = tuple(audiences)
        der = self._public.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        # Kubernetes' key id: the unpadded base64url of the SHA-256 of the public key's DER.
        self.key_id = base64.urlsafe_b64encode(hashlib.sha256(der).digest()).rstrip(b"=").decode()

    @classmethod
    def from_pem(cls, data: bytes, **options: Any) -> TokenIssuer:
        key = serialization.load_pem_private_key(data, password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise ValueError("the service-account signing key must be an ECDSA (P-256) key")
        return cls(key, **options)

    @classmethod
    def from_key_file(cls, path: str | os.PathLike[str], **options: Any) -> TokenIssuer:
        """The issuer whose key is kept at ``path`` (PEM), as the apiserver's
        ``--service-account-signing-key-file``; a fresh key is written there first (mode
        0600, only its owner reads it) when the file does not exist yet."""
        path = Path(path)
        try:
            return cls.from_pem(path.read_bytes(), **options)
        except FileNotFoundError:
            pass
        issuer = cls(**options)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole to a file of its own with its final mode, then linked into place only
        # if still absent: never readable by others, never seen half-written, never
        # overwriting a key another process (a control plane started at the same moment on
        # a shared directory) put there meanwhile (then that one is used).
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(issuer.private_pem())
        try:
            os.link(draft, path)
        except FileExistsError:
            return cls.from_pem(path.read_bytes(), **options)
        finally:
            draft.unlink()
        return issuer

    def private_pem(self) -> bytes:
        return self._key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def sign(
        self,
        account: ServiceAccount,
        *,
        audiences: Sequence[str],
        expiration_seconds: int,
        now: dt.datetime,
        bound: Pod | Secret | None = None,
    ) -> str:
        """A token for ``account``, valid from ``now`` for ``expiration_seconds``."""
        meta = account.metadata
        issued = int(now.timestamp())
        private: dict[str, Any] = {
            "namespace": meta.namespace,
            "serviceaccount": {"name": meta.name, "uid": meta.uid},
        }
        if isinstance(bound, Pod):
            private["pod"] = {"name": bound.metadata.name, "uid": bound.metadata.uid}
            if bound.spec.node_name:
                private["node"] = {"name": bound.spec.node_name}
        elif isinstance(bound, Secret):
            private["secret"] = {"name": bound.metadata.name, "uid": bound.metadata.uid}
        claims = {
            "iss": self.issuer,
            "sub": service_account_username(meta.namespace, meta.name),
            "aud": list(audiences),
            "iat": issued,
            "nbf": issued,
            "exp": issued + expiration_seconds,
            "jti": str(uuid.uuid4()),
            "kubernetes.io": private,
        }
        return jwt.encode(claims, self._key, algorithm=_ALGORITHM, headers={"kid": self.key_id})

    def claims(self, token: str, audiences: Sequence[str] | None = None) -> TokenClaims | None:
        """The claims of a token this issuer signed for one of ``audiences`` (the API's own
        when None); None for any other token (another issuer's, tampered with, not a JWT).
        Time is not checked."""
        try:
            if jwt.get_unverified_header(token).get("alg") != _ALGORITHM:
                return None
            data = jwt.decode(
                token,
                self._public,
                algorithms=[_ALGORITHM],
                audience=list(self.audiences if audiences is None else audiences),
                issuer=self.issuer,
                options={"verify_exp": False, "verify_nbf": False, "verify_iat": False},
            )
        except jwt.PyJWTError:
            return None
        private = data.get("kubernetes.io")
        if not isinstance(private, dict):
            return None
        account = private.get("serviceaccount") or {}
        pod = private.get("pod") or {}
        secret = private.get("secret") or {}
        try:
            return TokenClaims(
                namespace=str(private["namespace"]),
                account=str(account["name"]),
                account_uid=str(account["uid"]),
                pod=str(pod.get("name", "")),
                pod_uid=str(pod.get("uid", "")),
                secret=str(secret.get("name", "")),
                secret_uid=str(secret.get("uid", "")),
                not_before=int(data.get("nbf", 0)),
                expires=int(data["exp"]),
                token_id=str(data.get("jti", "")),
                audiences=_audiences_of(data.get("aud")),
            )
        except (KeyError, TypeError, ValueError):
            return None


def _audiences_of(claim: object) -> tuple[str, ...]:
    """A JWT's ``aud``: one string or a list of them."""
    if isinstance(claim, str):
        return (claim,)
    if isinstance(claim, list):
        return tuple(str(audience) for audience in claim)
    return ()


def validate_token_request(request: TokenRequest) -> TokenRequestSpec:
    """The request's spec with its expiry defaulted; Invalid as Kubernetes words it."""
    spec = request.spec
    seconds = spec.expiration_seconds
    if seconds is None:
        seconds = DEFAULT_TOKEN_EXPIRATION_SECONDS
    causes: list[FieldCause] = []
    if seconds < MIN_EXPIRATION_SECONDS:
        causes.append(
            FieldCause(
                field="spec.expirationSeconds",
                message=f"Invalid value: {seconds}: "
                "may not specify a duration less than 10 minutes",
            )
        )
    elif seconds > _MAX_EXPIRATION_SECONDS:
        causes.append(
            FieldCause(
                field="spec.expirationSeconds",
                message=f"Invalid value: {seconds}: "
                "may not specify a duration larger than 2^32 seconds",
            )
        )
    ref = spec.bound_object_ref
    if ref is not None and ref.kind not in _BOUND_KINDS:
        supported = ", ".join(f'"{kind}"' for kind in _BOUND_KINDS)
        causes.append(
            FieldCause(
                field="spec.boundObjectRef.kind",
                message=f'Unsupported value: "{ref.kind}": supported values: {supported}',
                type="FieldValueNotSupported",
            )
        )
    if causes:
        raise Invalid.for_object(
            "TokenRequest", request.metadata.name, causes, group="authentication.k8s.io"
        )
    return evolve(spec, expiration_seconds=seconds)


def check_bound_object(
    account: ServiceAccount, spec: TokenRequestSpec, bound: Pod | Secret | None
) -> None:
    """Refuse a bound object that is not the one named, or a Pod of another account."""
    ref = spec.bound_object_ref
    if ref is None or bound is None:
        return
    if ref.uid and ref.uid != bound.metadata.uid:
        raise Conflict(
            f"the UID in the bound object reference ({ref.uid}) does not match the UID in "
            "record. The object might have been deleted and then recreated"
        )
    if isinstance(bound, Pod) and bound.spec.service_account_name != account.metadata.name:
        raise BadRequest(
            f'cannot bind token for serviceaccount "{account.metadata.name}" to pod running '
            "with different serviceaccount name."
        )


def answer(
    request: TokenRequest, spec: TokenRequestSpec, token: str, now: dt.datetime
) -> TokenRequest:
    """The request as the subresource answers it: the token and when it expires."""
    assert spec.expiration_seconds is not None
    expires = now + dt.timedelta(seconds=spec.expiration_seconds)
    return evolve(
        request,
        metadata=evolve(request.metadata, creation_timestamp=now),
        spec=spec,
        status=TokenRequestStatus(token=token, expiration_timestamp=expires),
    )
