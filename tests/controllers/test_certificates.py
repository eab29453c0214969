"""The csrapproving and csrsigning controllers, on virtual time, with Kubernetes' default
policy deciding the SubjectAccessReviews."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import attrs
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from kube_actors import Cluster
from kube_actors.api import (
    KUBELET_CLIENT_SIGNER,
    CertificateSigningRequest,
    CertificateSigningRequestCondition,
    CertificateSigningRequestSpec,
    ObjectMeta,
    SubjectAccessReview,
)
from kube_actors.controllers import ControllerContext, SigningAuthority, csrapproving, csrsigning
from kube_actors.server._authn import UserInfo
from kube_actors.server._authorizer import PolicyCache, RbacAuthorizer
from kube_actors.server._bootstrap_policy import (
    bootstrap_cluster_role_bindings,
    bootstrap_cluster_roles,
)
from kube_actors.server._reviews import answer_review
from kube_actors.server._tls import _make_ca

BOOTSTRAPPER = ("system:bootstrappers", "system:bootstrappers:kubeadm:default-node-token")
NODES = ("system:nodes", "system:authenticated")
KUBELET_USAGES = ("digital signature", "client auth")


def _request(common_name: str, organization: str = "system:nodes") -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    request = (
        x509.CertificateSigningRequestBuilder().subject_name(subject).sign(key, hashes.SHA256())
    )
    return base64.b64encode(request.public_bytes(serialization.Encoding.PEM)).decode()


def _csr(
    name: str,
    *,
    node: str,
    user: str,
    groups: tuple[str, ...],
    organization: str = "system:nodes",
    expiration_seconds: int | None = None,
) -> CertificateSigningRequest:
    return CertificateSigningRequest(
        metadata=ObjectMeta(name=name),
        spec=CertificateSigningRequestSpec(
            request=_request(f"system:node:{node}", organization),
            signer_name=KUBELET_CLIENT_SIGNER,
            usages=KUBELET_USAGES,
            expiration_seconds=expiration_seconds,
            username=user,
            groups=groups,
        ),
    )


async def _review(review: SubjectAccessReview) -> SubjectAccessReview:
    """What the API's RBAC answers with Kubernetes' (and kubeadm's) default policy."""
    policy = PolicyCache.of([*bootstrap_cluster_roles(), *bootstrap_cluster_role_bindings()])
    answer: SubjectAccessReview = await answer_review(
        review, UserInfo(name="system:kube-controller-manager"), RbacAuthorizer(policy), ()
    )
    return answer


@contextlib.asynccontextmanager
async def csr_controllers(tmp_path: Path) -> AsyncIterator[tuple[Cluster, x509.Certificate]]:
    """A cluster running only the two certificate controllers, signing with a CA of its own."""
    _make_ca(tmp_path / "ca.crt", tmp_path / "ca.key")
    authority = SigningAuthority(
        cert_pem=(tmp_path / "ca.crt").read_bytes(), key_pem=(tmp_path / "ca.key").read_bytes()
    )
    async with Cluster(nodes=0, clock="virtual", controllers=(), scheduler=False) as cluster:
        context = ControllerContext(
            client=cluster.client,
            informers=cluster.informers,
            recorder=cluster.event_recorder,
            access_review=_review,
            signing_authority=lambda: authority,
        )
        await cluster.add_controller(csrapproving.controller(context))
        await cluster.add_controller(csrsigning.controller(context))
        yield cluster, x509.load_pem_x509_certificate(authority.cert_pem)


def _condition(csr: CertificateSigningRequest, kind: str) -> CertificateSigningRequestCondition:
    [found] = [c for c in csr.status.conditions if c.type == kind]
    return found


def _certificate(csr: CertificateSigningRequest) -> x509.Certificate:
    return x509.load_pem_x509_certificate(base64.b64decode(csr.status.certificate))


async def test_a_default_node_tokens_csr_is_approved_and_signed_for_a_year(tmp_path: Path) -> None:
    async with csr_controllers(tmp_path) as (cluster, ca):
        await cluster.client.create(
            _csr("join", node="edge-1", user="system:bootstrap:abcdef", groups=BOOTSTRAPPER)
        )
        await cluster.settle()
        csr = await cluster.client.get(CertificateSigningRequest, "join")
    approved = _condition(csr, "Approved")
    assert (approved.status, approved.reason) == ("True", "AutoApproved")
    assert approved.message == (
        "Auto approving kubelet client certificate after SubjectAccessReview."
    )
    cert = _certificate(csr)
    cert.verify_directly_issued_by(ca)
    assert cert.subject.rfc4514_string() == "CN=system:node:edge-1,O=system:nodes"
    # One year (--cluster-signing-duration), started five minutes back.
    assert cert.not_valid_after_utc - cert.not_valid_before_utc == dt.timedelta(hours=8760)
    usages = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(usages) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    key_usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert key_usage.digital_signature
    assert not key_usage.key_encipherment
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


async def test_a_node_renewing_its_own_is_approved_but_not_another_nodes(tmp_path: Path) -> None:
    async with csr_controllers(tmp_path) as (cluster, _):
        await cluster.client.create(
            _csr("renew", node="edge-1", user="system:node:edge-1", groups=NODES)
        )
        await cluster.client.create(
            _csr("theft", node="edge-2", user="system:node:edge-1", groups=NODES)
        )
        await cluster.settle()
        renew = await cluster.client.get(CertificateSigningRequest, "renew")
        theft = await cluster.client.get(CertificateSigningRequest, "theft")
    assert _condition(renew, "Approved").message == (
        "Auto approving self kubelet client certificate after SubjectAccessReview."
    )
    assert renew.status.certificate
    # Recognised as nodeclient only, which system:nodes may not have approved: left pending.
    assert theft.status.conditions == ()
    assert not theft.status.certificate


async def test_a_token_outside_the_default_group_or_a_csr_that_is_no_kubelets_stays_pending(
    tmp_path: Path,
) -> None:
    async with csr_controllers(tmp_path) as (cluster, _):
        await cluster.client.create(
            _csr("other", node="e", user="system:bootstrap:zzzzzz", groups=BOOTSTRAPPER[:1])
        )
        await cluster.client.create(
            _csr("masters", node="e", user="system:bootstrap:abcdef", groups=BOOTSTRAPPER,
                 organization="system:masters")
        )  # fmt: skip
        await cluster.settle()
        for name in ("other", "masters"):
            csr = await cluster.client.get(CertificateSigningRequest, name)
            assert csr.status.conditions == (), name


async def test_the_signer_honours_expiration_seconds_within_its_bounds_and_fails_a_bad_csr(
    tmp_path: Path,
) -> None:
    async with csr_controllers(tmp_path) as (cluster, _):
        for name, seconds in (("hour", 3600), ("short", 600), ("long", 10 * 8760 * 3600)):
            await cluster.client.create(
                _csr(name, node="n", user="system:node:n", groups=NODES,
                     expiration_seconds=seconds)
            )  # fmt: skip
        # Approved by a person, but not a kubelet's certificate: the signer refuses it.
        bad = await cluster.client.create(
            _csr("bad", node="n", user="jane", groups=(), organization="system:masters")
        )
        approved = CertificateSigningRequestCondition(
            type="Approved", status="True", reason="KubectlApprove"
        )
        await cluster.client.update_status(
            attrs.evolve(bad, status=attrs.evolve(bad.status, conditions=(approved,)))
        )
        await cluster.settle()
        lives = {}
        for name in ("hour", "short", "long"):
            cert = _certificate(await cluster.client.get(CertificateSigningRequest, name))
            lives[name] = cert.not_valid_after_utc - cert.not_valid_before_utc
        bad = await cluster.client.get(CertificateSigningRequest, "bad")
    # Shorter than 8 h: the end is not moved back by the 5 min backdate; at least 10 min;
    # at most the signing duration.
    assert lives == {
        "hour": dt.timedelta(hours=1, minutes=5),
        "short": dt.timedelta(minutes=15),
        "long": dt.timedelta(hours=8760),
    }
    failed = _condition(bad, "Failed")
    assert (failed.reason, failed.message) == (
        "SignerValidationFailure",
        "subject organization is not system:nodes",
    )
    assert not bad.status.certificate
