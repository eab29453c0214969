"""Failover benchmark: how long, in simulated seconds, until a new leader holds the Lease after
the leader is killed (issue #15).

Run with ``python -m benchmarks.failover`` (``--trials``, 20 by default).

Each trial, on virtual time: two candidates elect a leader on ``kube-system/kube-scheduler``
through one cluster's apiserver with client-go's durations (lease 15 s, renew deadline 10 s,
retry 2 s); the leader is killed without releasing the lease at a random moment; the time
until the other one leads is measured. Printed: the mean and worst takeover time against the
bound client-go's semantics give (lease duration + retry period = 17 s), and the wall time a
trial takes.
"""

from __future__ import annotations

import argparse
import random
import time

import anyio

from kube_actors import Cluster
from kube_actors.actors import monotonic, run
from kube_actors.cli._logging import configure_logging
from kube_actors.client import LeaderElector

from ._report import Figure, print_figures

BOUND = 15.0 + 2.0


async def _takeover(kill_after: float) -> float:
    """Simulated seconds from killing the leader to the other candidate leading."""
    async with Cluster(controllers=(), scheduler=False, clock="virtual") as cluster:
        taken = anyio.Event()
        killed_at = 0.0

        async def lead_forever() -> None:
            await anyio.sleep_forever()

        async def lead_second() -> None:
            taken.set()
            await anyio.sleep_forever()

        first = LeaderElector(cluster.client, "kube-scheduler", "cp-1")
        second = LeaderElector(cluster.client, "kube-scheduler", "cp-2")
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=20, help="how many kills")
    args = parser.parse_args(argv)
    configure_logging()
    rng = random.Random(15)
    times: list[float] = []
    wall = time.perf_counter()
    for _ in range(args.trials):
        times.append(run(_takeover, rng.uniform(20.0, 40.0)))
    wall = (time.perf_counter() - wall) / args.trials
    figures = [
        Figure(
            name="mean takeover after the leader is killed",
            value=sum(times) / len(times),
            unit="s (simulated)",
            baseline_name="lease + retry",
            baseline=BOUND,
            target="<= 1.00x",
            higher_is_better=False,
        ),
        Figure(
            name="worst takeover",
            value=max(times),
            unit="s (simulated)",
            baseline_name="lease + retry",
            baseline=BOUND,
            target="<= 1.00x",
            higher_is_better=False,
        ),
        Figure(
            name="wall time per trial",
            value=wall * 1000,
            unit="ms",
            baseline_name="simulated takeover",
            baseline=sum(times) / len(times) * 1000,
            target="-",
            higher_is_better=False,
        ),
    ]
    print_figures(f"kube_actors leader failover ({args.trials} kills)", figures)


if __name__ == "__main__":
    main()
