"""``kube-actors agent``: a node in a process of its own, joining a served cluster over HTTP."""

from __future__ import annotations

import contextlib
import ipaddress
import signal
import sys
from collections.abc import AsyncIterator, Sequence

import anyio
import anyio.abc
import pytest

from kube_actors import Cluster
from kube_actors.api import Container, Lease, Node, ObjectMeta, Pod, PodSpec
from kube_actors.client import Client, ClientConfig
from kube_actors.errors import Forbidden
from kube_actors.server import Served
from kube_actors.server._bootstrap_tokens import bootstrap_token_secret, new_bootstrap_token

pytestmark = pytest.mark.real_time

MAIN = "from kube_actors.cli import main; raise SystemExit(main())"
AGENT = [sys.executable, "-c", MAIN, "agent"]


def agent_command(served: Served, token: str, name: str, *extra: str) -> list[str]:
    assert served.ca_cert is not None
    return [
        *AGENT, "--server", served.url, "--token", token, "--name", name,
        "--certificate-authority", str(served.ca_cert), "--runtime", "fake", *extra,
    ]  # fmt: skip


@contextlib.asynccontextmanager
async def running(command: Sequence[str]) -> AsyncIterator[anyio.abc.Process]:
    """The agent, stopped by SIGTERM at the end (killed if the test failed)."""
    async with await anyio.open_process(command, stdout=None, stderr=None) as process:
        try:
            yield process
        except BaseException:
            if process.returncode is None:
                process.kill()
            raise
        process.send_signal(signal.SIGTERM)
        with anyio.fail_after(20):
            assert await process.wait() == 0


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
