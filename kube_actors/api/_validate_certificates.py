"""Validation of CertificateSigningRequests (Kubernetes' ``pkg/apis/certificates/validation``)."""

from __future__ import annotations

import base64
import binascii
from typing import Final

from cryptography import x509

from kube_actors.errors import FieldCause

from . import _checks as c
from . import _field as f
from ._certificates import CertificateSigningRequest

__all__ = ["parse_request", "validate_approval_update", "validate_certificate_signing_request"]

Causes = list[FieldCause]
#: The conditions that record a decision, never taken back.
_DECISIONS: Final = ("Approved", "Denied", "Failed")


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


def validate_approval_update(
    new: CertificateSigningRequest, old: CertificateSigningRequest
) -> Causes:
    """The conditions of an update of the ``approval`` subresource (Kubernetes'
    ``ValidateCertificateSigningRequestApprovalUpdate``)."""
    causes: Causes = []
    path = "status.conditions"
    seen: set[str] = set()
    for index, condition in enumerate(new.status.conditions):
        at = f"{path}[{index}]"
        if not condition.type:
            causes.append(f.required(f"{at}.type"))
        if condition.status not in ("True", "False", "Unknown"):
            causes.append(
                f.not_supported(f"{at}.status", condition.status, ("False", "True", "Unknown"))
            )
        if condition.type in _DECISIONS and condition.type in seen:
            causes.append(f.duplicate(f"{at}.type", condition.type))
        seen.add(condition.type)
    if {"Approved", "Denied"} <= seen:
        index = next(i for i, c in enumerate(new.status.conditions) if c.type == "Denied")
        causes.append(
            f.invalid(
                f"{path}[{index}].type",
                "Denied",
                "Approved and Denied conditions are mutually exclusive",
            )
        )
    now = {c.type: c.status for c in new.status.conditions}
    for condition in old.status.conditions:
        if condition.type not in _DECISIONS:
            continue
        if condition.type not in now:
            causes.append(
                f.forbidden(path, f'updates may not remove a condition of type "{condition.type}"')
            )
        elif now[condition.type] != condition.status:
            causes.append(
                f.forbidden(
                    path,
                    f'updates may not change the status of a condition of type "{condition.type}"',
                )
            )
    return causes
