"""What the certificate controllers borrow from the API this process serves: its authorizer
for the csrapproving controller's SubjectAccessReviews, and its CA for the csrsigning
controller (as kube-controller-manager is given kube-apiserver's CA with
``--cluster-signing-cert-file`` and ``--cluster-signing-key-file``).

A cluster serves its API only inside ``serve()``; until then (and when the server checks no
requests) a review is refused with a reason and nothing is signed, so a CSR waits.
"""

from __future__ import annotations

import attrs

from ..api import SubjectAccessReview, SubjectAccessReviewStatus
from ..controllers import SigningAuthority
from ..server import ApiHttpServer

__all__ = ["ServedAuthority"]


class ServedAuthority:
    """The servers a cluster runs, asked for their authorizer and CA."""

    def __init__(self) -> None:
        self._servers: list[ApiHttpServer] = []

    def add(self, server: ApiHttpServer) -> ApiHttpServer:
        self._servers.append(server)
        return server

    async def review(self, review: SubjectAccessReview) -> SubjectAccessReview:
        for server in self._servers:
            if server.access is not None:
                return await server.review(review)
        status = SubjectAccessReviewStatus(
            allowed=False, reason="no API server of this cluster authorizes requests"
        )
        return attrs.evolve(review, status=status)

    def authority(self) -> SigningAuthority | None:
        for server in self._servers:
            creds = server.credentials
            if creds is not None:
                try:
                    return SigningAuthority(
                        cert_pem=creds.ca_cert.read_bytes(), key_pem=creds.ca_key.read_bytes()
                    )
                except OSError:
                    continue  # the server is stopping: its temporary directory is gone
        return None
