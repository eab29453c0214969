"""What the apiserver records of who made a request, in the object it creates.

A CertificateSigningRequest carries its requester: ``spec.username``, ``uid``, ``groups`` and
``extra`` are set from the authenticated user, whatever the client sent, and its status starts empty
(Kubernetes' CSR strategy, ``PrepareForCreate``). The approver decides on those fields, so a
client never chooses them.
"""

from __future__ import annotations

from typing import Any

import attrs

from ..api import CertificateSigningRequest, CertificateSigningRequestStatus
from ._authn import UserInfo

__all__ = ["with_requester"]


def with_requester(obj: Any, user: UserInfo | None) -> Any:
    """``obj`` as created by ``user`` (unchanged for other kinds, or without a user)."""
    if user is None or not isinstance(obj, CertificateSigningRequest):
        return obj
    spec = attrs.evolve(
        obj.spec, username=user.name, uid=user.uid, groups=user.groups, extra=user.extra
    )
    return attrs.evolve(obj, spec=spec, status=CertificateSigningRequestStatus())
