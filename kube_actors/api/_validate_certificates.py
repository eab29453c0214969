"""Validation of CertificateSigningRequests (Kubernetes' ``pkg/apis/certificates/validation``)."""

from __future__ import annotations

import base64
import binascii

from cryptography import x509

from kube_actors.errors import FieldCause

from . import _checks as c
from . import _field as f
from ._certificates import CertificateSigningRequest

__all__ = ["parse_request", "validate_certificate_signing_request"]

Causes = list[FieldCause]


def parse_request(request: str) -> x509.CertificateSigningRequest:
    """The PEM request of ``spec.request`` (base64 on the wire); ValueError if it is none."""
    try:
        pem = base64.b64decode(request, validate=True)
    except binascii.Error:
        raise ValueError("not valid base64") from None
    if b"-----BEGIN CERTIFICATE REQUEST-----" not in pem:
        raise ValueError("PEM block type must be CERTIFICATE REQUEST")
    try:
        return x509.load_pem_x509_csr(pem)
    except ValueError as error:
        raise ValueError(f"not a certificate request: {error}") from None


def validate_certificate_signing_request(
    obj: CertificateSigningRequest, old: CertificateSigningRequest | None
) -> Causes:
    spec = obj.spec
    causes: Causes = []
    if not spec.request:
        causes.append(f.required("spec.request"))
    else:
        try:
            parse_request(spec.request)
        except ValueError as error:
            causes.append(f.invalid("spec.request", "[]byte{...}", str(error)))
    if not spec.signer_name:
        causes.append(f.required("spec.signerName"))
    elif "/" not in spec.signer_name:
        causes.append(
            f.invalid(
                "spec.signerName",
                spec.signer_name,
                "must be a fully qualified domain and path of the form 'example.com/signer-name'",
            )
        )
    if not spec.usages:
        causes.append(f.required("spec.usages"))
    causes.extend(c.at_least("spec.expirationSeconds", spec.expiration_seconds, 600))
    if old is not None:
        causes.extend(c.immutable("spec", spec, old.spec))
    return causes
