"""The csrapproving controller: approves kubelets' client certificates for whom RBAC allows it
(Kubernetes' ``pkg/controller/certificates/approver``, ``sarapprove.go``).

A CertificateSigningRequest for the signer ``kubernetes.io/kube-apiserver-client-kubelet``
that is a kubelet's client certificate (``CN=system:node:<name>``, ``O=system:nodes``, no
subject alternative names, the kubelet's usages) and is not decided yet is recognised as

- ``selfnodeclient`` when its requester is the node it names (a node renewing its own), and
- ``nodeclient`` in any case (a bootstrap token asking for a new node's);

for each it recognises, in that order, it asks a SubjectAccessReview whether the requester
(the CSR's ``spec.username``, ``uid`` and ``groups``) may ``create``
``certificatesigningrequests/<that>`` in ``certificates.k8s.io``. The first allowed adds the
condition ``Approved`` (reason ``AutoApproved``). When none is, the request is retried at the
rate limiter's pace (a binding may come later) and stays pending: a person may approve or deny
it. kubeadm's default bindings allow the default node token ``nodeclient`` and ``system:nodes``
``selfnodeclient``; other CSRs are left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import attrs
from cryptography import x509

from ..api import (
    KUBELET_CLIENT_SIGNER,
    CertificateSigningRequest,
    ResourceAttributes,
    SubjectAccessReview,
    SubjectAccessReviewSpec,
)
from ..client import Client, SharedInformer
from ..errors import Conflict, NotFound
from ..reconcile import ControllerSpec, Request, Result, reconcile_log
from ._context import AccessReview, ControllerContext
from ._kubelet_csr import (
    common_name,
    is_decided,
    kubelet_client_problem,
    parse_csr,
    with_condition,
)

__all__ = ["COMPONENT", "WORKERS", "CsrApprovingReconciler", "controller"]

#: The client name, as kube-controller-manager names the certificate controllers.
COMPONENT = "certificate-controller"
#: kube-controller-manager runs it with 5 workers.
WORKERS = 5


@attrs.frozen
class _Recognizer:
    subresource: str
    recognizes: Callable[[CertificateSigningRequest, x509.CertificateSigningRequest], bool]
    message: str


def _node_client(csr: CertificateSigningRequest, request: x509.CertificateSigningRequest) -> bool:
    return csr.spec.signer_name == KUBELET_CLIENT_SIGNER and not kubelet_client_problem(
        request, csr.spec.usages
    )


def _self_node_client(
    csr: CertificateSigningRequest, request: x509.CertificateSigningRequest
) -> bool:
    return csr.spec.username == common_name(request) and _node_client(csr, request)


RECOGNIZERS: Final = (
    _Recognizer(
        "selfnodeclient",
        _self_node_client,
        "Auto approving self kubelet client certificate after SubjectAccessReview.",
    ),
    _Recognizer(
        "nodeclient",
        _node_client,
        "Auto approving kubelet client certificate after SubjectAccessReview.",
    ),
)


async def _post_review(client: Client, review: SubjectAccessReview) -> SubjectAccessReview:
    return await client.create(review)


class CsrApprovingReconciler:
    """Approves the CSRs its recognisers know, when a SubjectAccessReview allows them."""

    def __init__(
        self,
        *,
        client: Client,
        csrs: SharedInformer[CertificateSigningRequest],
        review: AccessReview | None = None,
    ) -> None:
        self.client = client
        self.csrs = csrs
        self.review: AccessReview = review or (lambda r: _post_review(client, r))

    async def _allowed(self, csr: CertificateSigningRequest, subresource: str) -> bool:
        spec = csr.spec
        review = SubjectAccessReview(
            spec=SubjectAccessReviewSpec(
                user=spec.username,
                uid=spec.uid,
                groups=spec.groups,
                extra=spec.extra,
                resource_attributes=ResourceAttributes(
                    group="certificates.k8s.io",
                    version="*",
                    resource="certificatesigningrequests",
                    subresource=subresource,
                    verb="create",
                ),
            )
        )
        answer = await self.review(review)
        return answer.status.allowed

    async def reconcile(self, request: Request) -> Result:
        csr = self.csrs.indexer.get(request.name)
        if csr is None or csr.status.certificate or is_decided(csr):
            return Result()
        try:
            x509_request = parse_csr(csr)
        except ValueError as error:
            reconcile_log().warning("csr_unparseable", error=str(error))
            return Result()
        tried: list[str] = []
        for recognizer in RECOGNIZERS:
            if not recognizer.recognizes(csr, x509_request):
                continue
            tried.append(recognizer.subresource)
            if await self._allowed(csr, recognizer.subresource):
                return await self._approve(csr, recognizer.message)
        if tried:
            # Kubernetes' "recognized csr as [...] but subject access review was not
            # approved": retried at the rate limiter's pace.
            reconcile_log().debug("csr_not_approved", recognized=tried, user=csr.spec.username)
            return Result(requeue=True)
        return Result()

    async def _approve(self, csr: CertificateSigningRequest, message: str) -> Result:
        try:
            await self.client.update_status(
                with_condition(csr, "Approved", "AutoApproved", message)
            )
        except NotFound:
            return Result()
        except Conflict:
            return Result(requeue=True)  # changed meanwhile: decide on what it is now
        reconcile_log().info("csr_approved", user=csr.spec.username)
        return Result()


def controller(context: ControllerContext) -> ControllerSpec:
    """The ``csrapproving`` controller."""
    return ControllerSpec(
        for_=CertificateSigningRequest,
        reconciler=CsrApprovingReconciler(
            client=context.client,
            csrs=context.informers.informer(CertificateSigningRequest),
            review=context.access_review,
        ),
        workers=WORKERS,
        name="csrapproving",
    )
