"""Issue #15's "done means": a highly available cluster of processes survives losing its
leading control plane and an etcd member in the middle of a rollout.

Three etcd members, three ``kube-actors up --leader-elect`` control planes over them, and
two ``kube-actors agent`` nodes, one on this machine and one in a network namespace of its
own (``HostNetwork``), with routable pod CIDRs. A Deployment rolls out behind a NodePort
Service; halfway, the leading control plane and one etcd member are killed with SIGKILL.
Then: the rollout completes, another control plane took the Leases within their bounds,
every write a server acknowledged is still there, and no two schedulers ever bound Pods at
the same time (the Scheduled Events' ``reportingInstance`` against the Lease's history).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import anyio
import anyio.abc
import pytest

from kube_actors.api import (
    ConfigMap,
    Deployment,
    Event,
    Lease,
    ObjectMeta,
    Pod,
    ReplicaSet,
    Service,
)
from kube_actors.client import Client
from kube_actors.errors import KubeActorsError
from kube_actors.kubectl import apply, wait_for
from kube_actors.proxy import served_by
from kube_actors.testing import EtcdServers, HostNetwork

from ..etcd.conftest import need_etcd

pytestmark = pytest.mark.real_time

MAIN = [sys.executable, "-c", "from kube_actors.cli import main; raise SystemExit(main())"]
#: Short Leases, so that a failover fits the test: client-go's ratios (15 s, 10 s, 2 s) cut.
LEASE, RENEW, RETRY = 4.0, 3.0, 0.5
ELECTION = [
    "--leader-elect",
    *("--leader-elect-lease-duration", f"{LEASE:g}s"),
    *("--leader-elect-renew-deadline", f"{RENEW:g}s"),
    *("--leader-elect-retry-period", f"{int(RETRY * 1000)}ms"),
]
REPLICAS = 4

WEB = f"""
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: default}}
spec:
  replicas: {REPLICAS}
  minReadySeconds: 1
  strategy: {{type: RollingUpdate, rollingUpdate: {{maxSurge: 1, maxUnavailable: 0}}}}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      topologySpreadConstraints:
      - {{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway,
         labelSelector: {{matchLabels: {{app: web}}}}}}
      containers:
      - name: web
        image: echoserver
        ports: [{{containerPort: 8080}}]
        env: [{{name: VERSION, value: "1"}}]
---
apiVersion: v1
kind: Service
metadata: {{name: web, namespace: default}}
spec:
  type: NodePort
  selector: {{app: web}}
  ports: [{{port: 80, targetPort: 8080}}]
"""


@pytest.fixture
def etcd() -> EtcdServers:
    need_etcd()
    return EtcdServers(3)


class Running:
    """A ``kube-actors`` process started by the test: stopped by SIGTERM at the end (or
    already killed), its log in a file for when the test fails."""

    def __init__(self, name: str, process: anyio.abc.Process, log: Path) -> None:
        self.name, self.process, self.log = name, process, log
        self.printed = ""

    async def ready(self, marker: str, timeout: float = 30) -> str:
        assert self.process.stdout is not None
        with anyio.move_on_after(timeout):
            while marker not in self.printed:
                try:
                    self.printed += (await self.process.stdout.receive()).decode()
                except anyio.EndOfStream:
                    with anyio.move_on_after(5):
                        await self.process.wait()
                    status = f"exit status {self.process.returncode}"
                    ended = f"ended before it was ready ({status})"
                    raise AssertionError(self.not_ready(ended)) from None
            return self.printed
        raise AssertionError(self.not_ready(f"was not ready within {timeout:g} s"))

    def not_ready(self, what: str) -> str:
        """Everything a process that did not get ready said: its whole stdout (where the
        command line prints its errors) and its whole log."""
        log = self.log.read_text(errors="replace")
        return (
            f"{self.name} {what}\n--- stdout ---\n{self.printed}\n--- log ({self.log}) ---\n{log}"
        )

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            with anyio.move_on_after(20):
                await self.process.wait()
            if self.process.returncode is None:
                self.process.kill()
        await self.process.aclose()


@contextlib.asynccontextmanager
async def processes() -> AsyncIterator[list[Running]]:
    """Whatever the test starts in here is stopped on the way out, in reverse order."""
    started: list[Running] = []

    async def stop_all() -> None:
        with anyio.CancelScope(shield=True):
            for running in reversed(started):
                await running.stop()

    try:
        yield started
    finally:
        await stop_all()


async def start(started: list[Running], logs: Path, name: str, argv: Sequence[str]) -> Running:
    log = logs / f"{name}.log"
    with log.open("wb") as stderr:  # the child has its own copy
        process = await anyio.open_process(list(argv), stdout=subprocess.PIPE, stderr=stderr)
    running = Running(name, process, log)
    started.append(running)
    return running


def up(name: str, root: str, etcd: EtcdServers, tmp: Path) -> list[str]:
    return [
        *MAIN, "up", "--nodes", "0", "--runtime", "fake", "--port", "0", "--address", root,
        "--data-dir", str(tmp / name), "--cert-dir", str(tmp / "pki"), "--node-name", name,
        "--etcd-servers", ",".join(etcd.client_urls), *ELECTION,
    ]  # fmt: skip


def agent(name: str, server: str, tmp: Path, node_ip: str, pod_cidr: str) -> list[str]:
    token = (tmp / "pki" / "admin.token").read_text().strip()
    return [
        *MAIN, "agent", "--server", server, "--token", token, "--name", name,
        "--certificate-authority", str(tmp / "pki" / "ca.crt"), "--runtime", "subprocess",
        "--node-ip", node_ip, "--pod-cidr", pod_cidr,
    ]  # fmt: skip


def url_of(printed: str) -> str:
    found = re.search(r"running at (https://\S+)", printed)
    assert found is not None, printed
    return found.group(1)


async def holder(client: Client, lease: str) -> Lease:
    """The Lease ``lease`` of kube-system, once someone holds it."""
    found: Lease = await wait_for(
        client,
        Lease,
        lease,
        namespace="kube-system",
        condition=lambda lease: bool(lease.spec.holder_identity),
        timeout=30,
    )
    return found


class Writes:
    """ConfigMaps created one after another through one server: the names it acknowledged."""

    def __init__(self, client: Client, prefix: str) -> None:
        self.client, self.prefix = client, prefix
        self.acknowledged: list[str] = []

    async def run(self) -> None:
        for n in itertools.count():
            name = f"{self.prefix}-{n}"
            try:
                await self.client.create(
                    ConfigMap(metadata=ObjectMeta(name=name, namespace="default"))
                )
            except KubeActorsError:  # the server died, or the store was failing over
                await anyio.sleep(0.05)
                continue
            self.acknowledged.append(name)
            await anyio.sleep(0.02)


class LeaseHistory:
    """Every change of a Lease a watch saw: (holder, acquireTime, renewTime, transitions),
    and when the watch saw it (``seen_at``, the wall clock on arrival)."""

    def __init__(self, client: Client, name: str) -> None:
        self.client, self.name = client, name
        self.seen: list[tuple[str, dt.datetime | None, dt.datetime | None, int]] = []
        self.seen_at: list[dt.datetime] = []

    async def run(self) -> None:
        while True:
            with contextlib.suppress(KubeActorsError):  # cut by the failover: watch again
                stream = await self.client.watch(
                    Lease, namespace="kube-system", field_selector=f"metadata.name={self.name}"
                )
                try:
                    async for event in stream:
                        spec = event.obj.spec if event.obj is not None else None
                        if spec is not None:
                            self.seen.append(
                                (
                                    spec.holder_identity or "",
                                    spec.acquire_time,
                                    spec.renew_time,
                                    spec.lease_transitions or 0,
                                )
                            )
                            self.seen_at.append(dt.datetime.now(dt.UTC))
                finally:
                    stream.close()
            await anyio.sleep(0.1)


async def served_by_new_version(address: str, port: int, replica_set: str) -> list[str]:
    """Who answers four requests to ``address:port``, once all are ``replica_set``'s Pods
    (or after 15 s). Right after a rollout, the proxies may still send a request to an old
    Pod whose process has exited, or to a new one not yet listening (no readiness probe:
    Ready once started), before the EndpointSlices they watch catch up, as in Kubernetes:
    such a request gets no answer (an empty name), and the next look is a moment later."""
    answered: list[str] = []
    with anyio.move_on_after(15):
        while True:
            answered = await served_by(address, port, 4)
            if all(name.startswith(f"{replica_set}-") for name in answered):
                break
            await anyio.sleep(0.5)
    return answered


def rolled_out(deployment: Deployment) -> bool:
    status = deployment.status
    return (
        status.observed_generation == deployment.metadata.generation
        and status.updated_replicas == REPLICAS
        and status.replicas == REPLICAS
        and status.available_replicas == REPLICAS
    )


def assert_one_scheduler_at_a_time(
    events: Sequence[Event], leader: str, new: Lease, killed_at: dt.datetime
) -> None:
    """Scheduled Events name their scheduler (``reportingInstance``: ``<profile>-<identity>``):
    the old leader's all come before it was killed, the new leader's all after it took the
    Lease (Events' times are whole seconds)."""
    by_instance: dict[str, list[dt.datetime]] = {}
    for event in events:
        if event.reason == "Scheduled":
            assert event.last_timestamp is not None
            by_instance.setdefault(event.reporting_instance, []).append(event.last_timestamp)
    successor = new.spec.holder_identity or ""
    assert set(by_instance) <= {f"default-scheduler-{leader}", f"default-scheduler-{successor}"}
    assert all(t <= killed_at for t in by_instance.get(f"default-scheduler-{leader}", []))
    later = by_instance.get(f"default-scheduler-{successor}", [])
    assert later, "the new leader bound the rest of the rollout"
    assert new.spec.acquire_time is not None
    assert all(t >= new.spec.acquire_time.replace(microsecond=0) for t in later)


async def test_a_rollout_completes_after_the_leader_and_an_etcd_member_are_killed(
    etcd: EtcdServers, host_network: HostNetwork, tmp_path: Path
) -> None:
    root, edge = host_network.root, host_network.add_host("edge")
    with etcd:
        async with processes() as started, contextlib.AsyncExitStack() as clients:

            async def control_planes(*names: str) -> list[tuple[Running, Client]]:
                planes = [
                    await start(started, tmp_path, name, up(name, root.address, etcd, tmp_path))
                    for name in names
                ]
                for plane in planes:
                    await plane.ready("Ctrl-C stops the cluster.")
                return [
                    (plane, await clients.enter_async_context(Client.from_kubeconfig(
                        str(tmp_path / plane.name / "kubeconfig")
                    )))
                    for plane in planes
                ]  # fmt: skip

            # The first control plane alone: it takes both Leases, and is the one killed.
            [(first, client_a)] = await control_planes("cp-a")
            leader = (await holder(client_a, "kube-scheduler")).spec.holder_identity or ""
            manager = await holder(client_a, "kube-controller-manager")
            assert manager.spec.holder_identity == leader
            [(second, client_b), (_, client_c)] = await control_planes("cp-b", "cp-c")
            # Two nodes, joined through a control plane that stays.
            server = url_of(second.printed)
            for name, host in (("root", root), ("edge", edge)):
                argv = agent(name, server, tmp_path, host.address, host.pod_cidr)
                node = await start(started, tmp_path, f"node-{name}", host.command(argv))
                await node.ready("Ctrl-C stops the node.")
            await apply(client_b, WEB)
            web = await wait_for(client_c, Deployment, "web", namespace="default",
                                 condition=rolled_out, timeout=30)  # fmt: skip

            leases = LeaseHistory(client_c, "kube-scheduler")
            writes = [Writes(client_a, "via-a"), Writes(client_b, "via-b")]
            async with anyio.create_task_group() as tg:
                tg.start_soon(leases.run)
                for writer in writes:
                    tg.start_soon(writer.run)
                # A new version; halfway through its rollout, the leader and an etcd member die.
                await apply(client_b, WEB.replace('value: "1"', 'value: "2"'))
                await wait_for(
                    client_c, Deployment, "web", namespace="default", timeout=30,
                    condition=lambda d: d.metadata.generation > web.metadata.generation
                    and 0 < d.status.updated_replicas < REPLICAS,
                )  # fmt: skip
                killed_at = dt.datetime.now(dt.UTC)
                first.kill()
                etcd.kill(0)
                await wait_for(client_c, Deployment, "web", namespace="default",
                               condition=rolled_out, timeout=40)  # fmt: skip
                new = await holder(client_c, "kube-scheduler")
                manager = await holder(client_c, "kube-controller-manager")
                tg.cancel_scope.cancel()

            # Another control plane leads, within the Lease's bounds.
            assert new.spec.holder_identity not in ("", leader)
            assert manager.spec.holder_identity not in ("", leader)
            assert new.spec.acquire_time is not None
            taken = (new.spec.acquire_time - killed_at).total_seconds()
            # Its last renewal was before the kill; a candidate looks every retry period.
            assert taken <= LEASE + 2 * RETRY + 3, taken
            renewed = [renew for who, _, renew, _ in leases.seen if who == leader and renew]
            assert renewed  # the watch saw the old leader renew
            # Not before the Lease expired: the successor's write came at least a Lease's
            # length after the last renewal. Judged by when the watch saw the successor
            # (after its write), not by its acquireTime: a candidate stamps that before it
            # reads the Lease, as client-go does, and that read may take seconds while an
            # etcd member is down.
            successor_seen = [
                at
                for (who, *_), at in zip(leases.seen, leases.seen_at, strict=True)
                if who == new.spec.holder_identity
            ]
            assert successor_seen  # the watch saw the successor hold it
            assert (min(successor_seen) - max(renewed)).total_seconds() >= LEASE - 0.5
            assert (new.spec.lease_transitions or 0) >= 1

            # No acknowledged write is lost.
            stored = {
                cm.metadata.name for cm in await client_c.list(ConfigMap, namespace="default")
            }
            acknowledged = [name for writer in writes for name in writer.acknowledged]
            assert acknowledged
            assert [name for name in acknowledged if name not in stored] == []

            # Never two schedulers binding.
            events = await client_c.list(Event, namespace="default")
            assert_one_scheduler_at_a_time(events, leader, new, killed_at)

            # The NodePort on each node's address reaches the new version's pods on both hosts.
            pods = await client_c.list(Pod, namespace="default", label_selector="app=web")
            assert {pod.spec.node_name for pod in pods} == {"root", "edge"}
            sets = await client_c.list(ReplicaSet, namespace="default")
            [current] = [rs.metadata.name for rs in sets if rs.spec.replicas]
            service = await client_c.get(Service, "web", namespace="default")
            node_port = service.spec.ports[0].node_port
            assert node_port is not None
            for address in (root.address, edge.address):
                answered = await served_by_new_version(address, node_port, current)
                assert all(name.startswith(f"{current}-") for name in answered), answered
