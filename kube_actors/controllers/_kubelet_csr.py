"""What the certificate controllers read in a CertificateSigningRequest: its x509 request,
whether it is decided, and whether it is a kubelet's client certificate (Kubernetes'
``pkg/apis/certificates`` helpers, ``ValidateKubeletClientCSR``)."""

from __future__ import annotations

import base64
import binascii
from typing import Final

import attrs
from cryptography import x509
from cryptography.x509.oid import NameOID

from ..actors import wall_clock
from ..api import CertificateSigningRequest, CertificateSigningRequestCondition

__all__ = [
    "NODES_ORGANIZATION",
    "NODE_USER_PREFIX",
    "common_name",
    "is_approved",
    "is_decided",
    "is_failed",
    "kubelet_client_problem",
    "parse_csr",
    "with_condition",
]

NODES_ORGANIZATION: Final = "system:nodes"
NODE_USER_PREFIX: Final = "system:node:"
#: The usages a kubelet asks for: with "key encipherment" for an RSA key, without for others.
_KUBELET_USAGES: Final = (
    frozenset({"digital signature", "key encipherment", "client auth"}),
    frozenset({"digital signature", "client auth"}),
)


def with_condition(
    csr: CertificateSigningRequest, type_: str, reason: str, message: str
) -> CertificateSigningRequest:
    """``csr`` with one more True condition (Approved, Failed...), stamped now."""
    now = wall_clock()
    added = CertificateSigningRequestCondition(
        type=type_,
        status="True",
        reason=reason,
        message=message,
        last_update_time=now,
        last_transition_time=now,
    )
    status = attrs.evolve(csr.status, conditions=(*csr.status.conditions, added))
    return attrs.evolve(csr, status=status)


def parse_csr(csr: CertificateSigningRequest) -> x509.CertificateSigningRequest:
    """The PEM request of ``spec.request``; ValueError when it holds none."""
    try:
        pem = base64.b64decode(csr.spec.request, validate=True)
        return x509.load_pem_x509_csr(pem)
    except (binascii.Error, ValueError) as error:
        raise ValueError(f'unable to parse csr "{csr.metadata.name}": {error}') from None


def _has_true(csr: CertificateSigningRequest, kind: str) -> bool:
    return any(c.type == kind and c.status == "True" for c in csr.status.conditions)


def is_decided(csr: CertificateSigningRequest) -> bool:
    """Approved or denied already (a decision is never taken back)."""
    return _has_true(csr, "Approved") or _has_true(csr, "Denied")


def is_approved(csr: CertificateSigningRequest) -> bool:
    return _has_true(csr, "Approved") and not _has_true(csr, "Denied")


def is_failed(csr: CertificateSigningRequest) -> bool:
    return _has_true(csr, "Failed")


def _subject(request: x509.CertificateSigningRequest, oid: x509.ObjectIdentifier) -> list[str]:
    return [str(a.value) for a in request.subject.get_attributes_for_oid(oid)]


def kubelet_client_problem(request: x509.CertificateSigningRequest, usages: tuple[str, ...]) -> str:
    """Why ``request`` is no kubelet client certificate's ("" when it is one):
    ``O=system:nodes`` only, ``CN=system:node:<name>``, no subject alternative names, and
    the kubelet's usages."""
    if _subject(request, NameOID.ORGANIZATION_NAME) != [NODES_ORGANIZATION]:
        return "subject organization is not system:nodes"
    try:
        names = request.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        names = None
    if names is not None:
        for kind, what in (
            (x509.DNSName, "DNS"),
            (x509.RFC822Name, "Email"),
            (x509.IPAddress, "IP"),
            (x509.UniformResourceIdentifier, "URI"),
        ):
            if names.get_values_for_type(kind):
                return f"{what} subjectAltNames are not allowed"
    common = _subject(request, NameOID.COMMON_NAME)
    if not common or not common[0].startswith(NODE_USER_PREFIX):
        return "subject common name does not begin with system:node:"
    if frozenset(usages) not in _KUBELET_USAGES:
        return "usages did not match [client auth digital signature key encipherment]"
    return ""


def common_name(request: x509.CertificateSigningRequest) -> str:
    names = _subject(request, NameOID.COMMON_NAME)
    return names[0] if names else ""
