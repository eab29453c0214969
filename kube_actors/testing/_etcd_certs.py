"""Certificates for a TLS etcd in a test: a CA, etcd's serving certificate, a client's.

Made with the ``cryptography`` package (EC P-256 keys, one day of validity) into a
directory; the serving certificate names ``127.0.0.1`` and ``localhost``, where the test
members listen. ``other_ca`` makes a second CA, whose trust a client should refuse.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path

import attrs
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = ["EtcdCertificates", "make_certificates"]

_Key = ec.EllipticCurvePrivateKey


@attrs.frozen(kw_only=True)
class EtcdCertificates:
    """The PEM files: the CA's certificate, etcd's certificate and key, a client's."""

    ca_file: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path


def make_certificates(directory: Path, *, name: str = "etcd-ca") -> EtcdCertificates:
    """A CA named ``name`` and the certificates it signs, written to ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate(name, ca_key, ca_key, None, ca=True)
    server_key = ec.generate_private_key(ec.SECP256R1())
    server = _certificate("etcd", server_key, ca_key, ca, server=True)
    client_key = ec.generate_private_key(ec.SECP256R1())
    client = _certificate("kube-apiserver-etcd-client", client_key, ca_key, ca)
    files = EtcdCertificates(
        ca_file=directory / f"{name}.crt",
        server_cert=directory / "server.crt",
        server_key=directory / "server.key",
        client_cert=directory / "client.crt",
        client_key=directory / "client.key",
    )
    files.ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    for cert, key, cert_path, key_path in (
        (server, server_key, files.server_cert, files.server_key),
        (client, client_key, files.client_cert, files.client_key),
    ):
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    return files


def _certificate(
    common_name: str,
    key: _Key,
    signer: _Key,
    issuer: x509.Certificate | None,
    *,
    ca: bool = False,
    server: bool = False,
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.subject if issuer is not None else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        usage = ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH
        builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
    if server:
        names: list[x509.GeneralName] = [
            x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
            x509.DNSName("localhost"),
        ]
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return builder.sign(signer, hashes.SHA256())
