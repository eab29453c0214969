"""``certificatesigningrequests/<name>/approval``: where a CSR is approved or denied
(``kubectl certificate approve|deny``), with Kubernetes' approval strategy and its
``CertificateApproval`` admission.

An update of it changes only ``status.conditions``, to the ones it sends; nothing else of the
CSR. The requester must be allowed to ``approve`` the ``signers`` of ``certificates.k8s.io``
named by the CSR's ``signerName`` (or ``<domain>/*``), else 403 ``user not permitted to approve
requests with signerName "..."``. ``Approved`` and ``Denied`` exclude each other, a type is
there once, and a decision once made is never taken back (a condition of type Approved,
Denied or Failed is neither removed nor changed), each refused as Invalid naming the field.
"""

from __future__ import annotations

from typing import Final

import attrs

from ..api import CertificateSigningRequest
from ..api._validate_certificates import validate_approval_update
from ..errors import Forbidden, Invalid
from ._authn import UserInfo
from ._authorizer import Authorizer
from ._request_info import RequestAttributes

__all__ = ["approval_update"]

_GROUP: Final = "certificates.k8s.io"


def _may_approve(authorizer: Authorizer, user: UserInfo, signer: str) -> bool:
    domain = signer.split("/", 1)[0]
    for name in (signer, f"{domain}/*"):
        request = RequestAttributes(verb="approve", api_group=_GROUP, resource="signers", name=name)
        if authorizer.authorize(user, request).allowed:
            return True
    return False


def approval_update(
    current: CertificateSigningRequest,
    asked: CertificateSigningRequest,
    user: UserInfo | None,
    authorizer: Authorizer | None,
) -> CertificateSigningRequest:
    """``current`` with the conditions ``asked`` sends, once ``user`` may decide on its
    signer's CSRs and the conditions are valid."""
    name = current.metadata.name
    if user is not None and authorizer is not None:
        signer = current.spec.signer_name
        if not _may_approve(authorizer, user, signer):
            raise Forbidden.for_object(
                "certificatesigningrequests",
                name,
                f'user not permitted to approve requests with signerName "{signer}"',
                group=_GROUP,
            )
    version = asked.metadata.resource_version or current.metadata.resource_version
    updated = attrs.evolve(
        current,
        metadata=attrs.evolve(current.metadata, resource_version=version),
        status=attrs.evolve(current.status, conditions=asked.status.conditions),
    )
    causes = validate_approval_update(updated, current)
    if causes:
        raise Invalid.for_object("CertificateSigningRequest", name, causes, group=_GROUP)
    return updated
