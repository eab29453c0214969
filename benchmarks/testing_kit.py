"""Testing-kit benchmark: how fast a test gets a cluster, and how many state-machine steps
the kit runs per second.

Run with ``python -m benchmarks.testing_kit``.

- Start and stop: ``Cluster(nodes=3)`` on virtual time (fake runtime, every built-in
  controller), entered, settled, left; the median of ``--runs`` runs (20), against a bare
  ``ActorSystem`` entered and left in the same run. Target: under 50 ms.
- Steps per second: ``ClusterStateMachine``'s Deployment scenario (create, scale, re-image,
  delete; node and Pod faults), each step settled on virtual time, derandomized; against
  the starts per second of the first figure (a step costs less than a fresh cluster).
  ``--profile`` prints where start and stop spend their time (cProfile, top 25).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import pstats
import statistics
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from hypothesis import Phase, settings
from hypothesis.stateful import run_state_machine_as_test
from rich.console import Console

from kube_actors import Cluster
from kube_actors.actors import ActorSystem, run
from kube_actors.testing import ClusterStateMachine, capture_cluster_logs

from ._report import Figure, print_figures


async def _start_and_stop() -> None:
    async with Cluster(nodes=3, seed=1) as cluster:
        await cluster.settle()


async def _bare_system() -> None:
    async with ActorSystem(seed=1):
        pass


def _median_ms(main: Callable[[], Coroutine[Any, Any, None]], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run(main)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


class _Counted(ClusterStateMachine):
    steps = 0

    def step(self, change: Callable[[], Awaitable[Any]], horizon: float | None = None) -> None:
        type(self).steps += 1
        super().step(change, horizon)


def _steps_per_second(examples: int, steps: int) -> tuple[float, int]:
    _Counted.steps = 0
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):  # each example prints its seed
        run_state_machine_as_test(
            _Counted,
            settings=settings(
                max_examples=examples,
                stateful_step_count=steps,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.generate],
            ),
        )
    elapsed = time.perf_counter() - started
    return _Counted.steps / elapsed, _Counted.steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--examples", type=int, default=20)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    console = Console()
    with capture_cluster_logs():  # logs as data, as in a test: nothing rendered
        run(_start_and_stop)  # imports and first-use caches out of the measure
        cluster_ms = _median_ms(_start_and_stop, args.runs)
        bare_ms = _median_ms(_bare_system, args.runs)
        rate, steps = _steps_per_second(args.examples, args.steps)
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.runs):
                run(_start_and_stop)
            profile.disable()
    print_figures(
        "testing kit",
        [
            Figure(
                name="Cluster(nodes=3) start + settle + stop (median)",
                value=cluster_ms,
                unit="ms",
                baseline_name="bare ActorSystem",
                baseline=bare_ms,
                target="< 50 ms",
                higher_is_better=False,
            ),
            Figure(
                name=f"state-machine steps/s ({steps} steps)",
                value=rate,
                unit="steps/s",
                baseline_name="cluster starts/s",
                baseline=1000 / cluster_ms,
                target="-",
            ),
        ],
        console,
    )
    if args.profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
