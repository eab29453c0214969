"""The kubelet's TLS bootstrap: a node gets a client certificate of its own, and keeps it.

As kubelet with ``--bootstrap-kubeconfig`` and ``--kubeconfig`` (Kubernetes'
``pkg/kubelet/certificate/bootstrap``): when the node's data directory holds a client
certificate that is still valid, it is used as it is. Otherwise the node makes an ECDSA P-256
key and posts a CertificateSigningRequest for the signer
``kubernetes.io/kube-apiserver-client-kubelet`` with the subject ``CN=system:node:<name>,
O=system:nodes`` and the usages ``digital signature`` and ``client auth``, authenticated by
its bootstrap credential (a bootstrap token); the csrapproving controller approves it, the
csrsigning controller issues it, and the node then authenticates as ``system:node:<name>`` in
``system:nodes`` for everything else. The CSR's name is a digest of the key, the subject and
the usages (``node-csr-...``), so a retry with the same key finds the same request.

The certificate and key (``pki/kubelet-client-current.pem``) and a kubeconfig that uses them
(``kubelet.conf``) are written to the data directory, readable by the owner only, so a restart
reuses them with no token. While the node runs, ``keep_certificate_renewed`` renews the
certificate at a jittered 70-90% of its life (kubelet's certificate manager), with the node's
own certificate as the credential (approved as ``selfnodeclient``), and its client then uses
the new one on fresh connections.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import os
import random
from collections.abc import Callable
from pathlib import Path
from typing import Final

import anyio
import attrs
import yaml
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from .._log import get_logger
from ..actors import wall_clock
from ..api import (
    KUBELET_CLIENT_SIGNER,
    CertificateSigningRequest,
    CertificateSigningRequestSpec,
    ObjectMeta,
)
from ..client import Client, ClientConfig, HttpTransport
from ..errors import AlreadyExists, ApiError, KubeActorsError
from ..kubectl import wait_for
from ..server import kubeconfig_dict

__all__ = [
    "CURRENT_PEM",
    "KUBECONFIG",
    "keep_certificate_renewed",
    "node_client_config",
    "renew_certificate",
    "rotation_deadline",
]

_log = get_logger("kube_actors.agent")

#: The node's certificate and key, in its data directory (kubelet's name for it).
CURRENT_PEM: Final = Path("pki") / "kubelet-client-current.pem"
#: The kubeconfig that authenticates as the node (kubelet's ``--kubeconfig``).
KUBECONFIG: Final = Path("kubelet.conf")
USAGES: Final = ("digital signature", "client auth")
#: How long the node waits for its certificate (kubelet's bootstrap waits an hour).
WAIT_SECONDS: Final = 3600.0
#: A failed renewal is retried after 1 s, doubling to 5 min.
_RETRY_INITIAL: Final = 1.0
_RETRY_MAX: Final = 300.0


def _split_pem(data: bytes) -> tuple[bytes, bytes]:
    """The certificate and the key of a combined PEM file."""
    cert, key = b"", b""
    for block in data.split(b"-----BEGIN ")[1:]:
        text = b"-----BEGIN " + block
        if block.startswith(b"CERTIFICATE"):
            cert += text
        elif b"PRIVATE KEY" in block.split(b"\n", 1)[0]:
            key += text
    return cert, key


@attrs.frozen
class _Stored:
    cert_pem: bytes
    key_pem: bytes
    cert: x509.Certificate


def _issued_by(cert: x509.Certificate, ca_pem: bytes | None) -> bool:
    if ca_pem is None:
        return True  # the system's trust store: the server's handshake will tell
    try:
        cert.verify_directly_issued_by(x509.load_pem_x509_certificate(ca_pem))
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _stored(data_dir: Path, node: str, ca_pem: bytes | None) -> _Stored | None:
    """The node's stored certificate when it is still valid, for this node, and issued by
    the cluster's CA (a data directory of an earlier cluster holds another's)."""
    try:
        cert_pem, key_pem = _split_pem((data_dir / CURRENT_PEM).read_bytes())
        cert = x509.load_pem_x509_certificate(cert_pem)
    except (OSError, ValueError):
        return None
    if not _issued_by(cert, ca_pem):
        return None
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    now = wall_clock()
    if not key_pem or not names or names[0].value != f"system:node:{node}":
        return None
    if not cert.not_valid_before_utc <= now < cert.not_valid_after_utc:
        return None
    return _Stored(cert_pem, key_pem, cert)


def _write_private(path: Path, data: bytes) -> None:
    """Written whole or not at all (a new file renamed over the old), owner-only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(data)
    temporary.replace(path)


def _request_name(key: ec.EllipticCurvePrivateKey, subject: x509.Name) -> str:
    digest = hashlib.sha512()
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    for part in (public, subject.rfc4514_string().encode(), "|".join(USAGES).encode()):
        digest.update(len(part).to_bytes(4, "big") + part)
    return "node-csr-" + base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


def _issued_or_refused(csr: CertificateSigningRequest) -> bool:
    refused = any(
        c.type in ("Denied", "Failed") and c.status == "True" for c in csr.status.conditions
    )
    return bool(csr.status.certificate) or refused


async def _request_certificate(
    config: ClientConfig, node: str, announce: Callable[[str], None]
) -> tuple[bytes, bytes]:
    """Post the node's CSR with ``config``'s credential, wait for it; certificate and key."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "system:nodes"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"system:node:{node}"),
        ]
    )
    request = (
        x509.CertificateSigningRequestBuilder().subject_name(subject).sign(key, hashes.SHA256())
    )
    pem = request.public_bytes(serialization.Encoding.PEM)
    name = _request_name(key, subject)
    csr = CertificateSigningRequest(
        metadata=ObjectMeta(name=name),
        spec=CertificateSigningRequestSpec(
            request=base64.b64encode(pem).decode(),
            signer_name=KUBELET_CLIENT_SIGNER,
            usages=USAGES,
        ),
    )
    async with Client.from_config(config, field_manager="kubelet") as client:
        with contextlib.suppress(AlreadyExists):  # posted before with this key: wait for it
            await client.create(csr)
        announce(name)
        done = await wait_for(
            client, CertificateSigningRequest, name, condition=_issued_or_refused,
            timeout=WAIT_SECONDS,
        )  # fmt: skip
    for condition in done.status.conditions:
        if condition.type in ("Denied", "Failed") and condition.status == "True":
            verb = "is denied" if condition.type == "Denied" else "failed"
            raise KubeActorsError(
                f'certificate signing request "{name}" {verb}, reason: {condition.reason}, '
                f"message: {condition.message}"
            )
    cert_pem = base64.b64decode(done.status.certificate)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert_pem, key_pem


def _with_certificate(config: ClientConfig, cert_pem: bytes, key_pem: bytes) -> ClientConfig:
    return attrs.evolve(config, token="", client_cert_pem=cert_pem, client_key_pem=key_pem)


def _save(data_dir: Path, config: ClientConfig, cert_pem: bytes, key_pem: bytes) -> None:
    pem_path = (data_dir / CURRENT_PEM).resolve()
    _write_private(pem_path, cert_pem + key_pem)
    kubeconfig = kubeconfig_dict(config.server, "", config.ca_pem)
    user = kubeconfig["users"][0]
    user["name"] = "default-auth"
    user["user"] = {"client-certificate": str(pem_path), "client-key": str(pem_path)}
    kubeconfig["contexts"][0]["context"]["user"] = "default-auth"
    _write_private(data_dir / KUBECONFIG, yaml.safe_dump(kubeconfig, sort_keys=False).encode())


async def node_client_config(
    bootstrap: ClientConfig,
    node: str,
    data_dir: Path,
    *,
    announce: Callable[[str], None] = lambda name: None,
) -> ClientConfig:
    """How node ``node`` reaches the API server of ``bootstrap`` as itself: with its stored
    certificate, or a new one asked for with ``bootstrap``'s credential (its token; with
    none, only a stored certificate will do). ``announce(csr_name)`` is told when a CSR
    waits for approval. Raises ``KubeActorsError`` when there is no way to a certificate,
    or it was refused."""
    stored = _stored(data_dir, node, bootstrap.ca_pem)
    if stored is not None:
        return _with_certificate(bootstrap, stored.cert_pem, stored.key_pem)
    if not (bootstrap.token or bootstrap.client_cert_pem):
        raise KubeActorsError(
            f"no valid client certificate in {data_dir / CURRENT_PEM} and no --token to "
            "bootstrap one with"
        )
    cert_pem, key_pem = await _request_certificate(bootstrap, node, announce)
    _save(data_dir, bootstrap, cert_pem, key_pem)
    return _with_certificate(bootstrap, cert_pem, key_pem)


async def renew_certificate(config: ClientConfig, node: str, data_dir: Path) -> ClientConfig:
    """A new certificate for ``node``, asked for with its current one (``config``'s): a node
    renewing its own, which the approver recognises as ``selfnodeclient``. Saved in
    ``data_dir`` like the first."""
    cert_pem, key_pem = await _request_certificate(config, node, lambda name: None)
    _save(data_dir, config, cert_pem, key_pem)
    return _with_certificate(config, cert_pem, key_pem)


def rotation_deadline(cert_pem: bytes, share: float) -> dt.datetime:
    """When a certificate is renewed: ``share`` (kubelet draws it between 0.7 and 0.9) of
    the way from its start to its end."""
    cert = x509.load_pem_x509_certificate(cert_pem)
    start, end = cert.not_valid_before_utc, cert.not_valid_after_utc
    return start + (end - start) * share


async def keep_certificate_renewed(
    transport: HttpTransport, node: str, data_dir: Path, *, rng: random.Random | None = None
) -> None:
    """Renew the node's certificate at a jittered 70-90% of its life, for ever, and have
    ``transport`` (the node's client's) use each new one (kubelet's certificate manager).
    A failed renewal is retried with back-off; the old certificate serves meanwhile."""
    rng = rng or random.Random()
    backoff = _RETRY_INITIAL
    while True:
        config = transport.config
        assert config.client_cert_pem is not None
        deadline = rotation_deadline(config.client_cert_pem, rng.uniform(0.7, 0.9))
        await anyio.sleep(max(0.0, (deadline - wall_clock()).total_seconds()))
        try:
            renewed = await renew_certificate(config, node, data_dir)
        except (ApiError, KubeActorsError) as error:
            _log.warning("certificate_renewal_failed", node=node, error=str(error))
            await anyio.sleep(backoff)
            backoff = min(backoff * 2, _RETRY_MAX)
            continue
        backoff = _RETRY_INITIAL
        await transport.use_config(renewed)
        assert renewed.client_cert_pem is not None
        expires = x509.load_pem_x509_certificate(renewed.client_cert_pem).not_valid_after_utc
        _log.info("certificate_rotated", node=node, expires=expires.isoformat())
