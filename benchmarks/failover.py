"""Failover benchmark: how long until a new leader acts after the leader is killed (issue #15),
in simulated seconds inside one process and in real seconds across processes.

Run with ``python -m benchmarks.failover`` (``--trials`` virtual-time kills, 20 by default;
``--process-trials`` process kills, 3 by default, 0 for none; ``--lease-duration``,
``--renew-deadline``, ``--retry-period``: the election's timings, client-go's 15 s, 10 s
and 2 s by default).

- Virtual time: two candidates elect a leader on ``kube-system/kube-scheduler`` through one
  cluster's apiserver; the leader is killed without releasing the Lease at a random moment;
  the time until the other one leads is measured.
- Processes (needs an ``etcd`` binary, as the tests do): two ``kube-actors up --leader-elect``
  processes over one real etcd, each with a node of its own; the leading process is killed
  with SIGKILL, a Pod is created through the survivor, and two times are measured: until the
  survivor holds the kube-scheduler Lease, and until its scheduler has bound the Pod (the
  new leader acting). The killed process is started again as the next standby.

Each figure is printed against the bound client-go's semantics give (lease duration + retry
period): the survivor judges the Lease expired lease duration after it last saw it renewed,
and polls every retry period.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import re
import signal
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import anyio.abc
import attrs

from kube_actors import Cluster
from kube_actors.actors import monotonic, run
from kube_actors.api import Lease, Pod
from kube_actors.cli._logging import configure_logging
from kube_actors.client import Client, LeaderElector
from kube_actors.cluster import SCHEDULER_LEASE, ElectionTimings
from kube_actors.kubectl import wait_for
from kube_actors.testing import EtcdServers, etcd_binary, pod

from ._report import Figure, print_figures

KUBE_ACTORS = [sys.executable, "-c", "from kube_actors.cli import main; raise SystemExit(main())"]
#: Real seconds a process may take to start or a takeover to happen before the run fails.
PATIENCE = 120.0


# ------------------------------------------------------------------ virtual time


async def _takeover(kill_after: float, timings: ElectionTimings) -> float:
    """Simulated seconds from killing the leader to the other candidate leading."""
    async with Cluster(controllers=(), scheduler=False, clock="virtual") as cluster:
        taken = anyio.Event()
        killed_at = 0.0

        async def lead_forever() -> None:
            await anyio.sleep_forever()

        async def lead_second() -> None:
            taken.set()
            await anyio.sleep_forever()

        first, second = (_elector(cluster.client, name, timings) for name in ("cp-1", "cp-2"))
        async with anyio.create_task_group() as tg:
            scope = anyio.CancelScope()

            async def run_first() -> None:
                with scope:
                    await first.run(lead_forever)

            tg.start_soon(run_first)
            await anyio.sleep(0.5)
            tg.start_soon(second.run, lead_second)
            await anyio.sleep(kill_after)
            scope.cancel()
            killed_at = monotonic()
            await taken.wait()
            took = monotonic() - killed_at
            tg.cancel_scope.cancel()
        return took


def _elector(client: Client, identity: str, timings: ElectionTimings) -> LeaderElector:
    return LeaderElector(
        client,
        SCHEDULER_LEASE,
        identity,
        lease_duration=timings.lease_duration,
        renew_deadline=timings.renew_deadline,
        retry_period=timings.retry_period,
    )


# ------------------------------------------------------------------ processes


@attrs.frozen
class _Process:
    process: anyio.abc.Process
    client: Client


@attrs.frozen
class _Failover:
    lease: float  # real seconds from SIGKILL until the survivor holds the Lease
    acting: float  # ... until the survivor's scheduler bound a Pod created after the kill


def _up_command(etcd: EtcdServers, root: Path, name: str, timings: ElectionTimings) -> list[str]:
    return [
        *KUBE_ACTORS, "up", "--leader-elect", "--port", "0", "--runtime", "fake",
        f"--leader-elect-lease-duration={timings.lease_duration:g}s",
        f"--leader-elect-renew-deadline={timings.renew_deadline:g}s",
        f"--leader-elect-retry-period={timings.retry_period:g}s",
        "--etcd-servers", ",".join(etcd.client_urls), "--cert-dir", str(root / "pki"),
        "--data-dir", str(root / name), "--nodes", "1", "--node-name", name,
    ]  # fmt: skip


@contextlib.asynccontextmanager
async def _control_plane(
    etcd: EtcdServers, root: Path, name: str, timings: ElectionTimings
) -> AsyncIterator[_Process]:
    """An ``up --leader-elect`` process, serving; SIGTERM at the end if it still runs."""
    command = _up_command(etcd, root, name, timings)
    async with await anyio.open_process(command, stderr=None) as process:
        try:
            assert process.stdout is not None
            seen = b""
            with anyio.fail_after(PATIENCE):
                while b"Ctrl-C" not in seen:
                    seen += await process.stdout.receive()
            if re.search(rb"running at https://", seen) is None:
                raise RuntimeError(f"{name} did not start: {seen.decode()}")
            async with Client.from_kubeconfig(root / name / "kubeconfig") as client:
                yield _Process(process, client)
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
                with anyio.fail_after(PATIENCE):
                    await process.wait()


async def _holder(client: Client, *, other_than: str = "") -> str:
    lease: Lease = await wait_for(
        client,
        Lease,
        SCHEDULER_LEASE,
        namespace="kube-system",
        condition=lambda lease: lease.spec.holder_identity not in ("", None, other_than),
        timeout=PATIENCE,
    )
    return lease.spec.holder_identity or ""


async def _kill_leader(leader: _Process, survivor: _Process, identity: str, n: int) -> _Failover:
    leader.process.send_signal(signal.SIGKILL)
    killed = time.perf_counter()
    await leader.process.wait()
    await survivor.client.create(pod(f"after-kill-{n}", image="nginx"))
    await _holder(survivor.client, other_than=identity)
    lease = time.perf_counter() - killed
    await wait_for(
        survivor.client,
        Pod,
        f"after-kill-{n}",
        namespace="default",
        condition=lambda p: bool(p.spec.node_name),
        timeout=PATIENCE,
    )
    return _Failover(lease=lease, acting=time.perf_counter() - killed)


async def _process_failovers(trials: int, timings: ElectionTimings) -> list[_Failover]:
    """Kill the leading process ``trials`` times; the killed one comes back as a standby."""
    measured: list[_Failover] = []
    with EtcdServers(1) as etcd, tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        async with contextlib.AsyncExitStack() as stack:
            leader = await stack.enter_async_context(_control_plane(etcd, root, "cp-0", timings))
            identity = await _holder(leader.client)  # alone, it leads
            for n in range(trials):
                # Each standby has a name of its own: the killed ones' nodes stay behind.
                standby = await stack.enter_async_context(
                    _control_plane(etcd, root, f"cp-{n + 1}", timings)
                )
                measured.append(await _kill_leader(leader, standby, identity, n))
                leader, identity = standby, await _holder(standby.client)
    return measured


# ------------------------------------------------------------------ report


def _figures(name: str, times: list[float], unit: str, bound: float) -> list[Figure]:
    return [
        Figure(
            name=f"mean {name}",
            value=sum(times) / len(times),
            unit=unit,
            baseline_name="lease + retry",
            baseline=bound,
            target="<= 1.00x",
            higher_is_better=False,
        ),
        Figure(
            name=f"worst {name}",
            value=max(times),
            unit=unit,
            baseline_name="lease + retry",
            baseline=bound,
            target="<= 1.00x" if unit.endswith("(simulated)") else "~1.00x",
            higher_is_better=False,
        ),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=20, help="kills in virtual time")
    parser.add_argument("--process-trials", type=int, default=3, help="kills of processes")
    parser.add_argument("--lease-duration", type=float, default=15.0, help="seconds")
    parser.add_argument("--renew-deadline", type=float, default=10.0, help="seconds")
    parser.add_argument("--retry-period", type=float, default=2.0, help="seconds")
    args = parser.parse_args(argv)
    timings = ElectionTimings(
        lease_duration=args.lease_duration,
        renew_deadline=args.renew_deadline,
        retry_period=args.retry_period,
    )
    bound = timings.lease_duration + timings.retry_period
    configure_logging()
    rng = random.Random(15)
    times: list[float] = []
    wall = time.perf_counter()
    for _ in range(args.trials):
        times.append(run(_takeover, rng.uniform(20.0, 40.0), timings))
    wall = (time.perf_counter() - wall) / args.trials
    figures = _figures("takeover, virtual time", times, "s (simulated)", bound)
    figures.append(
        Figure(
            name="wall time per virtual trial",
            value=wall * 1000,
            unit="ms",
            baseline_name="simulated takeover",
            baseline=sum(times) / len(times) * 1000,
            target="-",
            higher_is_better=False,
        )
    )
    title = f"kube_actors leader failover ({args.trials} virtual kills"
    if args.process_trials and etcd_binary() is None:
        print("no etcd binary (apt-get install etcd-server): the process part is left out")
    elif args.process_trials:
        failovers = anyio.run(_process_failovers, args.process_trials, timings)
        figures += _figures(
            "Lease taken, processes", [f.lease for f in failovers], "s (real)", bound
        )
        figures += _figures(
            "new leader binds a Pod, processes", [f.acting for f in failovers], "s (real)", bound
        )
        title += f", {args.process_trials} SIGKILLs of up --leader-elect over real etcd"
    print_figures(title + ")", figures)


if __name__ == "__main__":
    main()
