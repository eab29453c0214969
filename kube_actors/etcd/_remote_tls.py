"""``EtcdTLS``: how the store reaches an etcd that serves TLS (``https://`` endpoints).

The three files are kube-apiserver's ``--etcd-cafile`` (the CA that signed etcd's
certificate), ``--etcd-certfile`` and ``--etcd-keyfile`` (this client's certificate and key,
for an etcd that asks for one: ``--client-cert-auth``). Without a CA file the system's roots
are trusted. They are read when the backend is made, so a missing or unreadable file is an
error naming its flag at once rather than a connection failing later.
"""

from __future__ import annotations

from pathlib import Path

import attrs
import grpc

__all__ = ["EtcdTLS"]


@attrs.frozen(kw_only=True)
class EtcdTLS:
    """TLS to etcd: ``ca_file``, ``cert_file``, ``key_file`` (paths; each may be None, but
    a certificate needs its key)."""

    ca_file: str | None = None
    cert_file: str | None = None
    key_file: str | None = None

    def __attrs_post_init__(self) -> None:
        if (self.cert_file is None) != (self.key_file is None):
            raise ValueError("--etcd-certfile and --etcd-keyfile go together: give both or neither")

    def credentials(self) -> grpc.ChannelCredentials:
        """gRPC's channel credentials of these files; ``ValueError`` naming a flag whose file
        cannot be read."""
        ca = _read(self.ca_file, "--etcd-cafile")
        chain = _read(self.cert_file, "--etcd-certfile")
        key = _read(self.key_file, "--etcd-keyfile")
        return grpc.ssl_channel_credentials(
            root_certificates=ca, private_key=key, certificate_chain=chain
        )


def _read(path: str | None, flag: str) -> bytes | None:
    if path is None:
        return None
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise ValueError(f"{flag} {path}: {error.strerror or error}") from None
    if b"-----BEGIN" not in data:
        raise ValueError(f"{flag} {path}: not a PEM file")
    return data
