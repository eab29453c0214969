"""Testing-kit benchmark: how fast a test gets a cluster, and how many state-machine steps
the kit runs per second.

Run with ``python -m benchmarks.testing_kit``.

- Start and stop: ``Cluster(nodes=3)`` on virtual time (fake runtime, every built-in
  controller), entered, settled, left; the median of ``--runs`` runs (20), against a bare
  ``ActorSystem`` entered and left in the same run. Target: under 50 ms.
- Steps per second: ``ClusterStateMachine``'s Deployment scenario (create, scale, re-image,
  delete; node and Pod faults), each step settled on virtual time, derandomized; against
  the starts per second of the first figure (a step costs less than a fresh cluster).
- Shrinking a planted bug (``benchmarks/_planted.py``: a controller that never removes a
  stale label): the wall time from the start of the run to the minimal failing sequence,
  and that sequence's length, with the kit's defaults (10 steps per example, eviction after
  20 + 30 simulated seconds) against hypothesis' and Kubernetes' defaults measured in the
  same run (50 steps, 50 + 300 seconds: the kit's behaviour before #21). Target: under a
  minute. ``--no-shrink-baseline`` skips the baseline, which takes minutes.
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

from ._planted import StaleLabelMachine
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


class _KubernetesTimings(StaleLabelMachine):
    """The baseline: hypothesis' default step count and Kubernetes' eviction timings."""

    max_steps = 50
    node_monitor_grace_period = 50.0
    toleration_seconds = 300
    fault_seconds = 400.0


def _shrink(machine: type[ClusterStateMachine], examples: int) -> tuple[float, int]:
    """Seconds to a minimal failing sequence of ``machine``, and its number of steps."""
    printed = io.StringIO()
    started = time.perf_counter()
    found: AssertionError | None = None
    with contextlib.redirect_stdout(printed):
        try:
            run_state_machine_as_test(
                machine,
                settings=settings(
                    machine.TestCase.settings,
                    max_examples=examples,
                    derandomize=True,
                    database=None,
                    report_multiple_bugs=False,
                    phases=[Phase.generate, Phase.shrink],
                ),
            )
        except AssertionError as error:
            found = error
    elapsed = time.perf_counter() - started
    if found is None:
        raise SystemExit(f"{machine.__name__}: the planted bug was not found")
    ignored = ("state.invariants_hold()", "state.teardown()", "state.start_cluster(")
    steps = [
        line
        for line in getattr(found, "__notes__", [])
        if "state." in line and not line.startswith("state =")
        if not any(line.startswith(prefix) for prefix in ignored)
    ]
    return elapsed, len(steps)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--examples", type=int, default=20)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--shrink-examples", type=int, default=100)
    parser.add_argument("--no-shrink-baseline", action="store_true")
    args = parser.parse_args()
    console = Console()
    with capture_cluster_logs():  # logs as data, as in a test: nothing rendered
        run(_start_and_stop)  # imports and first-use caches out of the measure
        cluster_ms = _median_ms(_start_and_stop, args.runs)
        bare_ms = _median_ms(_bare_system, args.runs)
        rate, steps = _steps_per_second(args.examples, args.steps)
        shrink_seconds, shrunk_steps = _shrink(StaleLabelMachine, args.shrink_examples)
        if args.no_shrink_baseline:
            baseline_seconds, baseline_steps = float("nan"), 0
        else:
            baseline_seconds, baseline_steps = _shrink(_KubernetesTimings, args.shrink_examples)
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
            Figure(
                name=f"planted bug to a minimal sequence ({shrunk_steps} steps)",
                value=shrink_seconds,
                unit="s",
                baseline_name=f"50 steps, Kubernetes' timings ({baseline_steps} steps)",
                baseline=baseline_seconds,
                target="< 60 s",
                higher_is_better=False,
            ),
        ],
        console,
    )
    if args.profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
