"""x509 client certificates as users (Kubernetes' ``x509`` request authenticator).

The server asks every TLS client for a certificate and verifies one it is given against the
cluster CA (``server_ssl_context``: optional, never required, as kube-apiserver's
``--client-ca-file``); a certificate that does not verify ends the handshake. A verified one
stands for the user its subject names: the common name is the user, each organization a
group (``CN=system:node:edge-1, O=system:nodes`` is the node ``edge-1``). A certificate whose
extended key usages do not include client authentication, or whose common name is empty,
authenticates no one.
"""

from __future__ import annotations

import ssl

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ._authn import UserInfo

__all__ = ["user_of_certificate", "user_of_peer"]


def _client_auth(cert: x509.Certificate) -> bool:
    try:
        usages = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return True  # no restriction on its use
    return (
        ExtendedKeyUsageOID.CLIENT_AUTH in usages
        or ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE in usages
    )


def user_of_certificate(der: bytes) -> UserInfo | None:
    """The user a (verified) client certificate names; None when it names none."""
    cert = x509.load_der_x509_certificate(der)
    if not _client_auth(cert):
        return None
    names = [str(a.value) for a in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
    if not names or not names[0]:
        return None
    groups = [str(a.value) for a in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)]
    return UserInfo(name=names[0], groups=tuple(groups))


def user_of_peer(ssl_object: ssl.SSLObject | ssl.SSLSocket | None) -> UserInfo | None:
    """The user of the certificate a TLS client presented (verified by the handshake)."""
    if ssl_object is None:
        return None
    der = ssl_object.getpeercert(binary_form=True)
    return user_of_certificate(der) if der else None
