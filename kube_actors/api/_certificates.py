"""certificates.k8s.io/v1 CertificateSigningRequest: how a kubelet asks for its client certificate.

A node's kubelet, authenticated by a bootstrap token, creates a CSR for the signer
``kubernetes.io/kube-apiserver-client-kubelet`` with a PEM request (base64 in ``spec.request``)
whose subject is ``CN=system:node:<name>, O=system:nodes``; the apiserver fills in who asked
(``username``, ``uid``, ``groups``); an approver adds the ``Approved`` condition and the signer
puts the PEM certificate (base64) in ``status.certificate``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import ClassVar

import attrs

from ._base import EMPTY, freeze_map, freeze_seq, omitempty
from ._meta import ObjectMeta

__all__ = [
    "KUBELET_CLIENT_SIGNER",
    "CertificateSigningRequest",
    "CertificateSigningRequestCondition",
    "CertificateSigningRequestSpec",
    "CertificateSigningRequestStatus",
]

#: The signer of kubelets' client certificates (CN=system:node:<name>, O=system:nodes).
KUBELET_CLIENT_SIGNER = "kubernetes.io/kube-apiserver-client-kubelet"


@attrs.frozen(kw_only=True)
class CertificateSigningRequestSpec:
    #: The PEM certificate request, base64-encoded (Go's []byte on the wire).
    request: str = ""
    signer_name: str = ""
    expiration_seconds: int | None = None
    usages: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)
    #: Who created the request: set by the apiserver, never by the client.
    username: str = omitempty("")
    uid: str = omitempty("")
    groups: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)
    extra: Mapping[str, tuple[str, ...]] = attrs.field(default=EMPTY, converter=freeze_map)


@attrs.frozen(kw_only=True)
class CertificateSigningRequestCondition:
    type: str = ""  # Approved, Denied, Failed
    status: str = ""
    reason: str = ""
    message: str = ""
    last_update_time: dt.datetime | None = None
    last_transition_time: dt.datetime | None = None


@attrs.frozen(kw_only=True)
class CertificateSigningRequestStatus:
    conditions: tuple[CertificateSigningRequestCondition, ...] = attrs.field(
        default=(), converter=freeze_seq
    )
    #: The issued PEM certificate, base64-encoded.
    certificate: str = omitempty("")


@attrs.frozen(kw_only=True)
class CertificateSigningRequest:
    """certificates.k8s.io/v1 CertificateSigningRequest (cluster-scoped)."""

    api_version: ClassVar[str] = "certificates.k8s.io/v1"
    kind: ClassVar[str] = "CertificateSigningRequest"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    spec: CertificateSigningRequestSpec = attrs.field(default=CertificateSigningRequestSpec())
    status: CertificateSigningRequestStatus = attrs.field(default=CertificateSigningRequestStatus())
