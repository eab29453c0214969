"""The server's TLS material: a cluster CA made on first start, a server certificate signed by
it for the addresses the server answers on, and the admin bearer token.

Everything lives in the data directory and is reused on the next start (the CA and the token
stay, so a kubeconfig written once keeps working); the server certificate is made again each
start, so that a new ``--address`` is in its names. Several control planes of one cluster share
the CA and the token through a ``cert_dir`` of their own (``kube-actors up --cert-dir``).
Keys are written readable by the owner only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import ipaddress
import os
import secrets
import ssl
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import attrs
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ._kubernetes_service import DEFAULT_SERVICE_IP

__all__ = ["Credentials", "credentials", "server_ssl_context"]

_CA_DAYS: Final = 3650
_SERVER_DAYS: Final = 365


@attrs.frozen(kw_only=True)
class Credentials:
    """Where the TLS files are, and the admin token."""

    ca_cert: Path
    #: The CA's key: it signs the server's certificate and, through the csrsigning
    #: controller, the clients' (kube-controller-manager's ``--cluster-signing-key-file``).
    ca_key: Path
    server_cert: Path
    server_key: Path
    token: str

    def ca_pem(self) -> bytes:
        return self.ca_cert.read_bytes()


def _write_whole(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    """Write ``path`` at once: a file of its own in the same directory, with its final mode
    from the start, renamed over ``path``. A reader (another control plane sharing the
    directory, an agent given the CA) sees the old file or the whole new one, never part
    of it, and a process killed while writing leaves no truncated key behind."""
    descriptor, draft = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as file:
            os.fchmod(file.fileno(), mode)
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(draft, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(draft)
        raise


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _make_ca(cert_path: Path, key_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("kube-actors-ca"))
        .issuer_name(_name("kube-actors-ca"))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=_CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_whole(key_path, _key_pem(key))
    _write_whole(cert_path, cert.public_bytes(serialization.Encoding.PEM), mode=0o644)


def _alt_names(address: str, service_ip: str) -> list[x509.GeneralName]:
    names: list[x509.GeneralName] = [
        x509.DNSName(n)
        for n in ("localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc")
    ]
    ips = {"127.0.0.1", "::1", service_ip}
    try:
        ipaddress.ip_address(address)
        ips.add(address)
    except ValueError:
        if address:
            names.append(x509.DNSName(address))
    names += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in sorted(ips)]
    return names


def _make_server_cert(
    ca_cert: Path, ca_key: Path, cert_path: Path, key_path: Path, address: str, service_ip: str
) -> None:
    ca = x509.load_pem_x509_certificate(ca_cert.read_bytes())
    signer = serialization.load_pem_private_key(ca_key.read_bytes(), password=None)
    if not isinstance(signer, ec.EllipticCurvePrivateKey):
        raise TypeError(f"{ca_key} is not the EC key this server made")
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("kube-apiserver"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=_SERVER_DAYS))
        .add_extension(x509.SubjectAlternativeName(_alt_names(address, service_ip)), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .sign(signer, hashes.SHA256())
    )
    _write_whole(key_path, _key_pem(key))
    _write_whole(cert_path, cert.public_bytes(serialization.Encoding.PEM), mode=0o644)


def _token(path: Path) -> str:
    if path.exists():
        token = path.read_text().strip()
        if token:
            return token
    token = _new_token()
    _write_whole(path, token.encode() + b"\n")
    return token


def _new_token() -> str:
    """A fresh admin token. It is given on command lines (``kube-actors agent --token T``),
    where one starting with ``-`` (1 in 64 of URL-safe tokens) would be taken for an
    option: those are drawn again."""
    while True:
        token = secrets.token_urlsafe(32)
        if not token.startswith("-"):
            return token


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """Held while the shared material is read or made: control planes started together on
    one empty ``cert_dir`` make one CA and one token, not one each."""
    with (directory / ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def credentials(
    data_dir: Path,
    address: str,
    *,
    cert_dir: Path | None = None,
    service_ip: str = DEFAULT_SERVICE_IP,
) -> Credentials:
    """The CA (made if missing), a fresh server certificate for ``address`` (and for
    ``service_ip``, the ``kubernetes`` Service's ClusterIP), the token.

    ``cert_dir``: where the CA and the admin token are, shared by every control plane of
    one cluster (kubeadm copies ``/etc/kubernetes/pki`` to each); None keeps them in
    ``data_dir`` (``pki/ca.*`` and ``admin.token``). The server certificate is each
    server's own, in ``data_dir/pki``.
    """
    pki = data_dir / "pki"
    pki.mkdir(parents=True, exist_ok=True)
    shared = cert_dir if cert_dir is not None else pki
    shared.mkdir(parents=True, exist_ok=True)
    ca_cert, ca_key = shared / "ca.crt", shared / "ca.key"
    with _locked(shared):
        if not (ca_cert.exists() and ca_key.exists()):
            _make_ca(ca_cert, ca_key)
        token = _token(shared / "admin.token" if cert_dir is not None else data_dir / "admin.token")
    server_cert, server_key = pki / "apiserver.crt", pki / "apiserver.key"
    _make_server_cert(ca_cert, ca_key, server_cert, server_key, address, service_ip)
    return Credentials(
        ca_cert=ca_cert, ca_key=ca_key, server_cert=server_cert, server_key=server_key, token=token
    )


def server_ssl_context(creds: Credentials) -> ssl.SSLContext:
    """The server's certificate; clients are asked for one of theirs, signed by the cluster
    CA, but need not give one (a bearer token will do), as kube-apiserver's
    ``--client-ca-file``."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(creds.server_cert, creds.server_key)
    context.load_verify_locations(cafile=creds.ca_cert)
    context.verify_mode = ssl.CERT_OPTIONAL
    return context
