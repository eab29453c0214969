"""kubectl's columns for CertificateSigningRequests, as Kubernetes' printer shows them: AGE,
SIGNERNAME, REQUESTOR (who created it), REQUESTEDDURATION (``<none>`` unless
``expirationSeconds`` asks one) and CONDITION: ``Denied``, else ``Approved``, else
``Pending``, then ``,Failed`` and ``,Issued`` when they hold."""

from __future__ import annotations

from typing import Any

from ..api import CertificateSigningRequest
from ._columns import AGE, NAME, Column, human_duration

__all__ = ["CERTIFICATE_COLUMNS"]


def csr_condition(csr: CertificateSigningRequest) -> str:
    """``Approved,Issued``, ``Pending``, ``Denied``...: the CONDITION column."""
    types = {c.type for c in csr.status.conditions}
    shown = "Denied" if "Denied" in types else "Approved" if "Approved" in types else "Pending"
    if "Failed" in types:
        shown += ",Failed"
    if csr.status.certificate:
        shown += ",Issued"
    return shown


def _duration(csr: CertificateSigningRequest) -> str:
    seconds = csr.spec.expiration_seconds
    return human_duration(seconds) if seconds is not None else "<none>"


CERTIFICATE_COLUMNS: dict[type[Any], tuple[Column, ...]] = {
    CertificateSigningRequest: (
        NAME,
        AGE,
        Column(
            name="SignerName",
            description="The signer the request is for.",
            cell=lambda c, now: c.spec.signer_name or "<none>",
        ),
        Column(
            name="Requestor",
            description="The user who created the request.",
            cell=lambda c, now: c.spec.username,
        ),
        Column(
            name="RequestedDuration",
            description="The validity the request asks for (expirationSeconds).",
            cell=lambda c, now: _duration(c),
        ),
        Column(
            name="Condition",
            description="Whether the request is approved, denied, failed or issued.",
            cell=lambda c, now: csr_condition(c),
        ),
    ),
}
