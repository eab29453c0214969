"""``kube-actors agent``: a node in a process of its own, joining a served cluster over HTTP."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import ipaddress
import signal
import subprocess
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import anyio
import anyio.abc
import pytest
from cryptography import x509

from kube_actors import Cluster
from kube_actors.api import (
    CertificateSigningRequest,
    Container,
    EnvFromSource,
    Lease,
    LeaseSpec,
    Node,
    ObjectMeta,
    Pod,
    PodSpec,
    Secret,
    SecretEnvSource,
    SelfSubjectReview,
)
from kube_actors.cli import main
from kube_actors.client import Client, ClientConfig
from kube_actors.errors import Forbidden
from kube_actors.kubectl import wait_for
from kube_actors.server import Served
from kube_actors.server._bootstrap_tokens import (
    BOOTSTRAP_TOKEN_PATTERN,
    bootstrap_token_secret,
    new_bootstrap_token,
)

from ._processes import KUBE_ACTORS, read_until

pytestmark = pytest.mark.real_time

AGENT = [*KUBE_ACTORS, "agent"]


def agent_command(served: Served, token: str, name: str, *extra: str) -> list[str]:
    """The agent of node ``name``, its data directory in the server's (a test's own)."""
    assert served.ca_cert is not None
    data_dir = agent_data_dir(served, name)
    return [
        *AGENT, "--server", served.url, "--token", token, "--name", name,
        "--certificate-authority", str(served.ca_cert), "--runtime", "fake",
        "--data-dir", str(data_dir), *extra,
    ]  # fmt: skip


@contextlib.asynccontextmanager
async def running(
    command: Sequence[str], *, capture: bool = False
) -> AsyncIterator[anyio.abc.Process]:
    """The agent, stopped by SIGTERM at the end (killed if the test failed); ``capture``:
    its output is read through ``process.stdout``."""
    stdout = subprocess.PIPE if capture else None
    async with await anyio.open_process(command, stdout=stdout, stderr=None) as process:
        try:
            yield process
        except BaseException:
            if process.returncode is None:
                process.kill()
            raise
        process.send_signal(signal.SIGTERM)
        with anyio.fail_after(20):
            assert await process.wait() == 0


def agent_data_dir(served: Served, name: str) -> Path:
    return served.kubeconfig_path.parent / "agents" / name


@contextlib.asynccontextmanager
async def joined(command: Sequence[str]) -> AsyncIterator[str]:
    """The agent, once it says it joined: what it printed until then. Stopped by SIGTERM."""
    async with running(command, capture=True) as process:
        assert process.stdout is not None
        printed = ""
        # A bound, not a wait: the interpreter's start alone has taken 20 s on a loaded machine.
        with anyio.fail_after(90):
            async for chunk in process.stdout:
                printed += chunk.decode()
                if " joined " in printed or "error:" in printed:
                    break
        assert " joined " in printed, printed
        yield " ".join(printed.split())


def served_cluster() -> Cluster:
    return Cluster(nodes=0, runtime="fake", clock="real")


async def test_an_agent_registers_its_node_runs_a_pod_bound_to_it_and_stops_on_sigterm() -> None:
    async with (
        served_cluster() as cluster,
        cluster.serve() as served,
        running(agent_command(served, served.token, "edge-1")),
    ):
        # A bound, not a wait: the agent's interpreter starts and imports first, which on a
        # loaded 2-core machine has taken over 20 s.
        node = await cluster.wait_for(Node, "edge-1", condition="Ready", timeout=90)
        cidr = ipaddress.ip_network(node.spec.pod_cidr)  # the agent's own range
        lease = await cluster.wait_for(
            Lease,
            "edge-1",
            namespace="kube-node-lease",
            condition=lambda lease: lease.spec.renew_time is not None,
            timeout=20,
        )
        assert lease.spec.holder_identity == "edge-1"
        await cluster.client.create(
            Pod(
                metadata=ObjectMeta(name="web", namespace="default"),
                spec=PodSpec(containers=(Container(name="web", image="nginx"),)),
            )
        )
        pod = await cluster.wait_for(Pod, "web", condition="Ready", timeout=20)
        assert pod.spec.node_name == "edge-1"  # scheduled to the agent's node
        assert pod.status.phase == "Running"
        assert ipaddress.ip_address(pod.status.pod_ip) in cidr
        # Leaving stops the agent by SIGTERM: the kubelet stops its containers first,
        # and the process exits with status 0.


async def test_an_agent_with_a_wrong_token_says_so_and_exits_1() -> None:
    async with served_cluster() as cluster, cluster.serve() as served:
        result = await anyio.run_process(
            agent_command(served, "not-a-token", "edge-2"), check=False
        )
    assert result.returncode == 1
    out = result.stdout.decode()
    assert f"error: {served.url} refused the token" in " ".join(out.split())
    assert "Unauthorized" in out


async def test_a_bootstrap_token_authenticates_over_https_but_may_only_ask_for_a_certificate() -> (
    None
):
    async with served_cluster() as cluster, cluster.serve() as served:
        token = new_bootstrap_token()
        await cluster.client.create(bootstrap_token_secret(token))
        assert served.ca_cert is not None
        config = ClientConfig(server=served.url, ca_pem=served.ca_cert.read_bytes(), token=token)
        async with Client.from_config(config) as client:
            with pytest.raises(Forbidden) as refused:
                await client.list(Node)
    assert f'User "system:bootstrap:{token.split(".")[0]}" cannot list resource "nodes"' in str(
        refused.value
    )


def _pod(name: str, node: str, secret: str) -> Pod:
    container = Container(
        name="c", image="nginx", env_from=(EnvFromSource(secret_ref=SecretEnvSource(name=secret)),)
    )
    return Pod(
        metadata=ObjectMeta(name=name, namespace="default"),
        spec=PodSpec(node_name=node, containers=(container,)),
    )


async def _objects_of_two_nodes(admin: Client) -> None:
    """Node edge-b, and for each of edge-a and edge-b a Pod that reads a Secret."""
    await admin.create(Node(metadata=ObjectMeta(name="edge-b")))
    for owner, node in (("ours", "edge-a"), ("theirs", "edge-b")):
        meta = ObjectMeta(name=owner, namespace="default")
        await admin.create(Secret(metadata=meta, string_data={"k": "v"}))
        await admin.create(_pod(f"{owner}-pod", node, owner))


async def _assert_may_write_only_its_own(node: Client) -> None:
    me = await node.create(SelfSubjectReview())
    assert me.status.user_info.username == "system:node:edge-a"
    assert me.status.user_info.groups == ("system:nodes", "system:authenticated")
    labels = {"metadata": {"labels": {"checked": "yes"}}}
    await node.patch_status(Node, "edge-a", labels)  # its own
    await node.get(Secret, "ours", namespace="default")  # its pod's
    refusals = {
        'nodes "edge-b" is forbidden: node "edge-a" is not allowed to modify node "edge-b"': (
            node.patch_status(Node, "edge-b", labels)
        ),
        'pods "theirs-pod" is forbidden: node "edge-a" can only update pod status for pods '
        "with spec.nodeName set to itself": node.patch_status(
            Pod, "theirs-pod", {"status": {"message": "x"}}, namespace="default"
        ),
        'leases.coordination.k8s.io "edge-b" is forbidden: can only access node lease with the '
        "same name as the requesting node": node.create(
            Lease(
                metadata=ObjectMeta(name="edge-b", namespace="kube-node-lease"),
                spec=LeaseSpec(holder_identity="edge-b"),
            )
        ),
        'secrets "theirs" is forbidden: User "system:node:edge-a" cannot get resource '
        '"secrets" in API group "" in the namespace "default": no relationship found between '
        "node 'edge-a' and this object": node.get(Secret, "theirs", namespace="default"),
    }
    for message, attempt in refusals.items():
        with pytest.raises(Forbidden) as refused:
            await attempt
        assert str(refused.value) == message


async def _token_create(data_dir: Path, capsys: pytest.CaptureFixture[str], *flags: str) -> str:
    """``kube-actors token create`` (in a thread of this process: a process costs seconds)."""
    capsys.readouterr()
    create = ["token", "create", "--data-dir", str(data_dir), *flags]
    assert await anyio.to_thread.run_sync(main, create) == 0
    return capsys.readouterr().out.strip()


async def _assert_kubeadm_secret(admin: Client, token: str) -> None:
    match = BOOTSTRAP_TOKEN_PATTERN.match(token)
    assert match is not None, token
    secret = await admin.get(Secret, f"bootstrap-token-{match[1]}", namespace="kube-system")
    data = {k: base64.b64decode(v).decode() for k, v in secret.data.items()}
    expires = dt.datetime.fromisoformat(data.pop("expiration"))
    left = expires - dt.datetime.now(dt.UTC)
    assert dt.timedelta(minutes=59) < left <= dt.timedelta(hours=1)
    assert data == {
        "token-id": match[1],
        "token-secret": match[2],
        "description": "edge",
        "usage-bootstrap-authentication": "true",
        "usage-bootstrap-signing": "true",
        "auth-extra-groups": "system:bootstrappers:kubeadm:default-node-token",
    }


async def _assert_issued(admin: Client, token: str) -> None:
    [csr] = await admin.list(CertificateSigningRequest)
    assert csr.spec.username == f"system:bootstrap:{token.split('.')[0]}"
    assert [(c.type, c.status, c.reason) for c in csr.status.conditions] == [
        ("Approved", "True", "AutoApproved")
    ]
    cert = x509.load_pem_x509_certificate(base64.b64decode(csr.status.certificate))
    assert cert.subject.rfc4514_string() == "CN=system:node:edge-a,O=system:nodes"


async def test_a_node_joined_by_up_token_create_and_agent_is_system_node_writing_only_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir, node_dir = tmp_path / "cluster", tmp_path / "edge-a"
    up = [
        *KUBE_ACTORS, "up", "--nodes", "0", "--port", "0", "--runtime", "fake",
        "--store", "memory", "--data-dir", str(data_dir),
    ]  # fmt: skip
    async with running(up, capture=True) as control_plane:
        assert control_plane.stdout is not None
        with anyio.fail_after(90):
            printed = (await read_until(control_plane.stdout, b"Ctrl-C")).decode()
        url = printed.split("running at ")[1].split()[0]
        token = await _token_create(data_dir, capsys, "--ttl", "1h", "--description", "edge")
        join = await _token_create(data_dir, capsys, "--print-join-command")
        ca = data_dir / "pki" / "ca.crt"
        assert join.startswith(f"kube-actors agent --server {url} --token ")
        assert join.endswith(f" --certificate-authority {ca}")
        agent = [
            *AGENT, "--server", url, "--token", token, "--name", "edge-a",
            "--certificate-authority", str(data_dir / "pki" / "ca.crt"), "--runtime", "fake",
            "--data-dir", str(node_dir),
        ]  # fmt: skip
        async with Client.from_kubeconfig(data_dir / "kubeconfig") as admin:
            await _assert_kubeadm_secret(admin, token)
            await _objects_of_two_nodes(admin)
            async with joined(agent) as said:
                assert "waiting for certificate signing request node-csr-" in said
                assert "as system:node:edge-a" in said
                await wait_for(admin, Node, "edge-a", condition="Ready", timeout=60)
                # Its pod runs: the kubelet read the pod's Secret as the node.
                await wait_for(admin, Pod, "ours-pod", namespace="default", timeout=60)
            await _assert_issued(admin, token)
            # The node's kubeconfig authenticates as the node, with the rights of one node.
            async with Client.from_kubeconfig(node_dir / "kubelet.conf") as node:
                await _assert_may_write_only_its_own(node)
            # A restart reuses the certificate: no token, no new request.
            async with joined(
                [*agent[: agent.index("--token")], *agent[agent.index("--name") :]]
            ) as said:
                assert "waiting" not in said
            assert len(await admin.list(CertificateSigningRequest)) == 1


def test_token_create_refuses_a_bad_ttl_or_group_naming_the_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "kubeconfig").write_text("{}")
    base = ["token", "create", "--data-dir", str(tmp_path)]
    assert main([*base, "--ttl", "soon"]) == 2
    assert main([*base, "--groups", "admins"]) == 2
    assert main(["token", "create", "--data-dir", str(tmp_path / "none")]) == 1
    out = " ".join(capsys.readouterr().out.split())
    assert "error: --ttl: invalid duration 'soon'" in out
    assert "error: --groups: 'admins' must match" in out
    assert "no kubeconfig at" in out
    assert "run `kube-actors up` first" in out
