"""``kube-actors up --leader-elect``: control planes in processes of their own over one real
etcd, as an operator runs them; and the flag combinations ``up`` refuses."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import signal
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import anyio
import anyio.abc
import pytest

from kube_actors.api import Deployment, Endpoints, Event, Lease, Pod
from kube_actors.cli import main
from kube_actors.client import Client
from kube_actors.cluster import CONTROLLER_MANAGER_LEASE, SCHEDULER_LEASE
from kube_actors.kubectl import scale, wait_for
from kube_actors.testing import EtcdServers, deployment

from ..etcd.conftest import need_etcd
from ._processes import KUBE_ACTORS, killed_on_failure, read_until

#: Short elections, so that a takeover takes seconds: a Lease lasts 4 s unrenewed.
LEASE, RENEW, RETRY = 4.0, 3.0, 0.5
ELECTION = [
    "--leader-elect",
    f"--leader-elect-lease-duration={LEASE:g}s",
    f"--leader-elect-renew-deadline={RENEW:g}s",
    f"--leader-elect-retry-period={RETRY * 1000:g}ms",
]
LEASES = (SCHEDULER_LEASE, CONTROLLER_MANAGER_LEASE)
#: Real seconds a step may take on a busy machine (not a bound the test checks).
PATIENCE = 30


# ------------------------------------------------------------------ refused flags


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--leader-elect"], "--leader-elect: the control planes must share their store"),
        (
            ["--leader-elect-lease-duration", "10s", "--leader-elect-renew-deadline", "15s"],
            "--leader-elect-lease-duration (10s) must be greater than "
            "--leader-elect-renew-deadline (15s)",
        ),
        (
            ["--leader-elect-renew-deadline", "2s", "--leader-elect-retry-period", "2s"],
            "--leader-elect-renew-deadline (2s) must be greater than "
            "--leader-elect-retry-period (2s) times client-go's jitter factor 1.2",
        ),
        (
            ["--leader-elect", "--etcd-servers", "http://127.0.0.1:2379", "--nodes", "1"],
            "--node-name: each control plane of a highly available cluster names its nodes",
        ),
    ],
)
def test_up_refuses_leader_election_it_cannot_run(
    flags: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "state"
    assert main(["up", "--data-dir", str(data_dir), *flags]) == 2
    assert message in " ".join(capsys.readouterr().out.split())  # rich wraps long lines
    assert not data_dir.exists()  # nothing made


@pytest.mark.parametrize("duration", ["soon", "-1s", "0s"])
def test_up_refuses_a_leader_election_duration_that_is_no_positive_duration(
    duration: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["up", f"--leader-elect-lease-duration={duration}"])
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert "--leader-elect-lease-duration" in error
    assert f"invalid duration {duration!r}" in error


# ------------------------------------------------------------------ two processes


class ControlPlaneProcess:
    """One ``kube-actors up --leader-elect`` process, and its client over HTTPS."""

    def __init__(self, process: anyio.abc.Process, data_dir: Path, url: str) -> None:
        self.process = process
        self.client = Client.from_kubeconfig(data_dir / "kubeconfig")
        self.port = int(url.rsplit(":", 1)[1])


@contextlib.asynccontextmanager
async def control_plane(
    etcd: EtcdServers, cert_dir: Path, data_dir: Path, *flags: str
) -> AsyncIterator[ControlPlaneProcess]:
    command: Sequence[str] = [
        *KUBE_ACTORS, "up", *ELECTION, "--port", "0", "--runtime", "fake",
        "--etcd-servers", ",".join(etcd.client_urls),
        "--cert-dir", str(cert_dir), "--data-dir", str(data_dir), *flags,
    ]  # fmt: skip
    with (data_dir.parent / f"{data_dir.name}.log").open("wb") as log:
        async with await anyio.open_process(command, stderr=log) as process:
            with killed_on_failure(process):
                assert process.stdout is not None
                with anyio.fail_after(PATIENCE):
                    printed = (await read_until(process.stdout, b"Ctrl-C")).decode()
                found = re.search(r"running at (https://\S+)", printed)
                assert found is not None, printed
                plane = ControlPlaneProcess(process, data_dir, found[1])
                async with plane.client:
                    yield plane
                if process.returncode is None:
                    process.send_signal(signal.SIGTERM)
                    with anyio.fail_after(PATIENCE):
                        assert await process.wait() == 0


async def holder(client: Client, lease: str, *, other_than: str = "") -> Lease:
    """The Lease once someone (other than ``other_than``) holds it."""
    found: Lease = await wait_for(
        client,
        Lease,
        lease,
        namespace="kube-system",
        condition=lambda lease: lease.spec.holder_identity not in ("", None, other_than),
        timeout=PATIENCE,
    )
    return found


def api_ports(endpoints: Endpoints) -> set[int]:
    """The ports of the API servers the ``kubernetes`` Endpoints list (one subset each)."""
    return {port.port for subset in endpoints.subsets for port in subset.ports}


@pytest.mark.real_time
async def test_the_other_control_plane_takes_over_when_the_leading_process_is_killed(
    tmp_path: Path,
) -> None:
    need_etcd()
    cert_dir = tmp_path / "pki"
    with EtcdServers(1) as etcd:
        async with control_plane(etcd, cert_dir, tmp_path / "a", "--nodes", "0") as first:
            # Alone, the first process leads both Leases.
            leases = {name: await holder(first.client, name) for name in LEASES}
            leader = leases[SCHEDULER_LEASE].spec.holder_identity or ""
            assert leases[CONTROLLER_MANAGER_LEASE].spec.holder_identity == leader
            node_flags = ("--nodes", "1", "--node-name", "cp-b")
            async with control_plane(etcd, cert_dir, tmp_path / "b", *node_flags) as second:
                client = second.client
                await client.create(deployment("web", 2))
                web = await wait_for(client, Deployment, "web", condition="Available")
                assert web.status.available_replicas == 2
                both = await wait_for(
                    client,
                    Endpoints,
                    "kubernetes",
                    namespace="default",
                    condition=lambda e: api_ports(e) == {first.port, second.port},
                    timeout=PATIENCE,
                )
                assert {a.ip for s in both.subsets for a in s.addresses} == {"127.0.0.1"}

                first.process.kill()  # SIGKILL: no Lease is released
                killed = dt.datetime.now(dt.UTC)
                await first.process.wait()

                for name in LEASES:
                    lease = await holder(client, name, other_than=leader)
                    successor = lease.spec.holder_identity
                    before = leases[name].spec.lease_transitions or 0
                    assert lease.spec.lease_transitions == before + 1
                    # Taken once it expired, never while the killed leader could renew it.
                    assert lease.spec.acquire_time is not None
                    assert lease.spec.acquire_time >= killed
                await scale(client, Deployment, "web", 4, namespace="default")
                web = await wait_for(
                    client,
                    Deployment,
                    "web",
                    condition=lambda d: d.status.available_replicas == 4,
                    timeout=PATIENCE,
                )
                pods = await client.list(Pod, label_selector="app=web")
                assert sorted(p.spec.node_name for p in pods) == ["cp-b"] * 4
                # Two Pods bound by the killed leader's scheduler, two by its successor's.
                scheduled = [
                    e.reporting_instance
                    for e in await client.list(Event, namespace="default")
                    if e.reason == "Scheduled"
                ]
                assert sorted(scheduled) == sorted(
                    [f"default-scheduler-{leader}"] * 2 + [f"default-scheduler-{successor}"] * 2
                )
                kubernetes = await client.get(Endpoints, "kubernetes", namespace="default")
                assert second.port in api_ports(kubernetes)
