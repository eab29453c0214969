"""Client certificates and CertificateSigningRequests over HTTPS: x509 authentication, the
requester recorded by the server, and ``kubectl certificate approve`` through ``approval``."""

from __future__ import annotations

import base64
import datetime as dt
import os
import shutil
import ssl
from pathlib import Path

import aiohttp
import anyio
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from kube_actors.api import (
    KUBELET_CLIENT_SIGNER,
    RBAC_GROUP,
    CertificateSigningRequest,
    CertificateSigningRequestSpec,
    ClusterRole,
    ClusterRoleBinding,
    ObjectMeta,
    PolicyRule,
    RoleRef,
    Subject,
    to_dict,
)
from kube_actors.client import Client, ClientConfig
from kube_actors.server import Served
from kube_actors.server._bootstrap_tokens import bootstrap_token_secret, new_bootstrap_token

from .conftest import Api, serving

KUBECTL = shutil.which("kubectl")

pytestmark = pytest.mark.real_time


def _client_cert(
    served: Served, directory: Path, usage: x509.ObjectIdentifier, user: str, *groups: str
) -> ssl.SSLContext:
    """A TLS context presenting a certificate for ``CN=user`` and ``O=`` each group, signed
    by the served CA, with the extended key usage ``usage``."""
    assert served.ca_cert is not None
    ca = x509.load_pem_x509_certificate(served.ca_cert.read_bytes())
    ca_key = serialization.load_pem_private_key(
        (served.ca_cert.parent / "ca.key").read_bytes(), password=None
    )
    assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.COMMON_NAME, user),
                    *(x509.NameAttribute(NameOID.ORGANIZATION_NAME, g) for g in groups),
                ]
            )
        )
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = directory / "client.pem"
    pem.write_bytes(
        cert.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.create_default_context(cafile=str(served.ca_cert))
    context.load_cert_chain(pem)
    return context


async def _whoami(served: Served, context: ssl.SSLContext) -> tuple[int, object]:
    async with (
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=context)) as session,
        session.post(
            f"{served.url}/apis/authentication.k8s.io/v1/selfsubjectreviews",
            json={"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"},
        ) as response,
    ):
        return response.status, await response.json()


async def test_a_client_certificate_of_the_cluster_ca_authenticates_as_its_cn_and_os(
    tmp_path: Path,
) -> None:
    async with serving() as api:
        context = _client_cert(
            api.served, tmp_path, ExtendedKeyUsageOID.CLIENT_AUTH, "jane", "dev", "ops"
        )
        status, review = await _whoami(api.served, context)
        assert status == 201
        assert isinstance(review, dict)
        assert review["status"]["userInfo"] == {
            "username": "jane",
            "groups": ["dev", "ops", "system:authenticated"],
        }
        # A certificate not meant for client authentication ends the handshake, as Go's
        # server does when it verifies client certificates for ExtKeyUsageClientAuth.
        server_only = _client_cert(api.served, tmp_path, ExtendedKeyUsageOID.SERVER_AUTH, "web")
        with pytest.raises(aiohttp.ClientError):
            await _whoami(api.served, server_only)


def _csr(name: str, username: str = "") -> CertificateSigningRequest:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name.from_rfc4514_string("CN=system:node:edge-9,O=system:nodes")
    request = (
        x509.CertificateSigningRequestBuilder().subject_name(subject).sign(key, hashes.SHA256())
    )
    pem = request.public_bytes(serialization.Encoding.PEM)
    return CertificateSigningRequest(
        metadata=ObjectMeta(name=name),
        spec=CertificateSigningRequestSpec(
            request=base64.b64encode(pem).decode(),
            signer_name=KUBELET_CLIENT_SIGNER,
            usages=("digital signature", "client auth"),
            username=username,
        ),
    )


APPROVAL = "/apis/certificates.k8s.io/v1/certificatesigningrequests/edge-9/approval"


async def _refused_to_who_may_not_approve_the_signer(
    api: Api, csr: CertificateSigningRequest, token: str
) -> None:
    """A user who may update ``approval`` but not ``approve`` the CSR's signer: 403."""
    rule = PolicyRule(
        verbs=("update",),
        api_groups=("certificates.k8s.io",),
        resources=("certificatesigningrequests/approval",),
    )
    await api.cluster.client.create(
        ClusterRole(metadata=ObjectMeta(name="csr-updater"), rules=(rule,))
    )
    user = Subject(kind="User", api_group=RBAC_GROUP, name=csr.spec.username)
    await api.cluster.client.create(
        ClusterRoleBinding(
            metadata=ObjectMeta(name="csr-updater"),
            role_ref=RoleRef(api_group=RBAC_GROUP, kind="ClusterRole", name="csr-updater"),
            subjects=(user,),
        )
    )
    approve = {"type": "Approved", "status": "True", "reason": "Mine"}
    body = {**to_dict(csr), "status": {"conditions": [approve]}}
    headers = {"Authorization": f"Bearer {token}"}
    with anyio.fail_after(10):
        while True:  # until the server's RBAC cache has the binding
            status, answer, _ = await api.call("PUT", APPROVAL, body, headers=headers)
            if "user not permitted" in answer["message"]:
                break
            await anyio.sleep(0.05)
    assert status == 403
    assert answer["message"] == (
        'certificatesigningrequests.certificates.k8s.io "edge-9" is forbidden: user not '
        f'permitted to approve requests with signerName "{KUBELET_CLIENT_SIGNER}"'
    )


async def _kubectl(served: Served, *args: str) -> tuple[int, str]:
    assert KUBECTL is not None, "CI is set and no kubectl binary is installed"
    cache = served.kubeconfig_path.parent / "kubectl-cache"
    command = [KUBECTL, "--kubeconfig", str(served.kubeconfig_path), f"--cache-dir={cache}"]
    with anyio.fail_after(30):
        result = await anyio.run_process([*command, *args], check=False)
    return result.returncode, result.stdout.decode() + result.stderr.decode()


@pytest.mark.skipif(
    KUBECTL is None and not os.environ.get("CI"), reason="no kubectl binary on this machine"
)
async def test_a_csr_no_rule_approves_waits_for_kubectl_certificate_approve() -> None:
    async with serving(controllers=("csrapproving", "csrsigning")) as api:
        # A bootstrap token outside kubeadm's default group: its CSRs are not auto-approved.
        token = new_bootstrap_token()
        await api.cluster.client.create(bootstrap_token_secret(token, extra_groups=()))
        assert api.served.ca_cert is not None
        config = ClientConfig(
            server=api.served.url, ca_pem=api.served.ca_cert.read_bytes(), token=token
        )
        async with Client.from_config(config) as bootstrapper:
            # Who asked is the server's to say, whatever the request claims.
            made = await bootstrapper.create(_csr("edge-9", username="system:admin"))
        assert made.spec.username == f"system:bootstrap:{token.split('.')[0]}"
        code, out = await _kubectl(api.served, "get", "csr")
        assert code == 0, out
        assert out.split("\n")[0].split() == [
            "NAME", "AGE", "SIGNERNAME", "REQUESTOR", "REQUESTEDDURATION", "CONDITION",
        ]  # fmt: skip
        assert out.split("\n")[1].split()[2:] == [
            KUBELET_CLIENT_SIGNER, made.spec.username, "<none>", "Pending",
        ]  # fmt: skip
        await _refused_to_who_may_not_approve_the_signer(api, made, token)
        code, out = await _kubectl(api.served, "certificate", "approve", "edge-9")
        assert code == 0, out
        issued = await api.cluster.wait_for(
            CertificateSigningRequest,
            "edge-9",
            condition=lambda csr: bool(csr.status.certificate),
            timeout=10,
        )
        [approved] = issued.status.conditions
        assert (approved.type, approved.reason) == ("Approved", "KubectlApprove")
        code, out = await _kubectl(api.served, "get", "csr", "edge-9", "--no-headers")
        assert out.split()[-1] == "Approved,Issued"
        # A decision is never taken back.
        body = {**to_dict(issued), "status": {"conditions": []}}
        status, answer, _ = await api.call("PUT", APPROVAL, body)
        assert status == 422
        assert answer["message"] == (
            'CertificateSigningRequest.certificates.k8s.io "edge-9" is invalid: '
            'status.conditions: Forbidden: updates may not remove a condition of type "Approved"'
        )
