"""The kubelet's TLS bootstrap of ``kube-actors agent``, against a served cluster in this
process: a certificate asked for with a token, kept, reused, renewed as the node, refused."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import attrs
import pytest
from cryptography import x509

from kube_actors import Cluster
from kube_actors.api import (
    CertificateSigningRequest,
    CertificateSigningRequestCondition,
    Node,
    SelfSubjectReview,
)
from kube_actors.client import Client, ClientConfig, HttpTransport
from kube_actors.cluster._tls_bootstrap import (
    CURRENT_PEM,
    node_client_config,
    renew_certificate,
    rotation_deadline,
)
from kube_actors.errors import KubeActorsError
from kube_actors.server._bootstrap_tokens import bootstrap_token_secret, new_bootstrap_token
from kube_actors.server._tls import _make_ca

pytestmark = pytest.mark.real_time


@contextlib.asynccontextmanager
async def served() -> AsyncIterator[tuple[Cluster, ClientConfig]]:
    """A served cluster, and how to reach it with no credential."""
    async with (
        Cluster(nodes=0, runtime="fake", clock="real") as cluster,
        cluster.serve() as serving,
    ):
        assert serving.ca_cert is not None
        yield cluster, ClientConfig(server=serving.url, ca_pem=serving.ca_cert.read_bytes())


async def _with_token(cluster: Cluster, bare: ClientConfig, **secret: object) -> ClientConfig:
    token = new_bootstrap_token()
    await cluster.client.create(bootstrap_token_secret(token, **secret))  # type: ignore[arg-type]
    return ClientConfig(server=bare.server, ca_pem=bare.ca_pem, token=token)


async def _username(config: ClientConfig) -> str:
    async with Client.from_config(config) as client:
        review = await client.create(SelfSubjectReview())
    return review.status.user_info.username


def _serial(config: ClientConfig) -> int:
    assert config.client_cert_pem is not None
    return x509.load_pem_x509_certificate(config.client_cert_pem).serial_number


async def test_a_node_bootstraps_keeps_its_certificate_and_renews_it_as_itself(
    tmp_path: Path,
) -> None:
    async with served() as (cluster, bare):
        bootstrap = await _with_token(cluster, bare)
        asked: list[str] = []
        first = await node_client_config(bootstrap, "edge-r", tmp_path, announce=asked.append)
        assert first.token == ""
        assert await _username(first) == "system:node:edge-r"
        # A restart: the stored certificate, no token, no new request.
        again = await node_client_config(bare, "edge-r", tmp_path)
        assert _serial(again) == _serial(first)
        async with Client.from_kubeconfig(tmp_path / "kubelet.conf") as client:
            assert (await client.create(SelfSubjectReview())).status.user_info.username == (
                "system:node:edge-r"
            )
        # Renewed with the node's own certificate; the client moves to the new one and its
        # open watch ends, to be made again on a fresh connection.
        async with Client.from_config(first) as client:
            assert isinstance(client.apiserver, HttpTransport)
            stream = await client.watch(Node)
            renewed = await renew_certificate(first, "edge-r", tmp_path)
            await client.apiserver.use_config(renewed)
            with anyio.fail_after(5):
                while await stream.next_batch():
                    pass
            assert (await client.create(SelfSubjectReview())).status.user_info.username == (
                "system:node:edge-r"
            )
        assert _serial(renewed) != _serial(first)
        assert (tmp_path / CURRENT_PEM).read_bytes().startswith(renewed.client_cert_pem or b"-")
        csrs = {c.metadata.name: c for c in await cluster.client.list(CertificateSigningRequest)}
        assert asked[0] in csrs
        [renewal] = [c for name, c in csrs.items() if name != asked[0]]
        assert renewal.spec.username == "system:node:edge-r"
        assert [c.message for c in renewal.status.conditions] == [
            "Auto approving self kubelet client certificate after SubjectAccessReview."
        ]
        # Not reused: a certificate of another node, or of another cluster's CA.
        with pytest.raises(KubeActorsError, match="no valid client certificate"):
            await node_client_config(bare, "edge-other", tmp_path)
        _make_ca(tmp_path / "other.crt", tmp_path / "other.key")
        other_ca = ClientConfig(server=bare.server, ca_pem=(tmp_path / "other.crt").read_bytes())
        with pytest.raises(KubeActorsError, match="no valid client certificate"):
            await node_client_config(other_ca, "edge-r", tmp_path)


async def test_a_denied_request_is_an_error_quoting_its_reason(tmp_path: Path) -> None:
    async with served() as (cluster, bare):
        # Outside kubeadm's default group: nothing approves it; a person denies it.
        bootstrap = await _with_token(cluster, bare, extra_groups=())
        posted = anyio.Event()
        names: list[str] = []

        def announce(name: str) -> None:
            names.append(name)
            posted.set()

        async def deny() -> None:
            await posted.wait()
            csr = await cluster.client.get(CertificateSigningRequest, names[0])
            denied = CertificateSigningRequestCondition(
                type="Denied", status="True", reason="NotThisOne", message="ask again"
            )
            status = attrs.evolve(csr.status, conditions=(denied,))
            await cluster.client.update_status(attrs.evolve(csr, status=status))

        with anyio.fail_after(10):
            async with anyio.create_task_group() as group:
                group.start_soon(deny)
                with pytest.raises(KubeActorsError) as refused:
                    await node_client_config(bootstrap, "edge-d", tmp_path, announce=announce)
    assert str(refused.value) == (
        f'certificate signing request "{names[0]}" is denied, reason: NotThisOne, '
        "message: ask again"
    )
    assert not (tmp_path / CURRENT_PEM).exists()


def test_a_certificate_is_renewed_at_the_share_of_its_life_drawn(tmp_path: Path) -> None:
    _make_ca(tmp_path / "ca.crt", tmp_path / "ca.key")
    pem = (tmp_path / "ca.crt").read_bytes()
    cert = x509.load_pem_x509_certificate(pem)
    life = cert.not_valid_after_utc - cert.not_valid_before_utc
    for share in (0.7, 0.9):
        assert rotation_deadline(pem, share) == cert.not_valid_before_utc + life * share
    assert rotation_deadline(pem, 0.8) - cert.not_valid_before_utc > dt.timedelta(days=2900)
