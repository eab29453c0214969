"""Soak: create/delete cycles for simulated hours under random crashes and API faults.

Run with ``python -m benchmarks.soak`` (``--hours``, ``--replicas``, ``--nodes``).

Each 10-minute cycle (simulated) creates a Deployment, waits until it is Available, deletes
it and waits until its Pods are gone, while one random component may crash and the
controllers' writes and watches meet random conflicts and ``Gone``s
(``kube_actors.bench.soak``). After each cycle it samples the store's keys, the Events held
and the process's resident memory, and prints them; then the growth per simulated hour
during the first hour (Events accumulate until the first ones expire: the baseline) and
over the second half of the run (the target: flat), and whether the cluster converged
once the faults stopped.
"""

from __future__ import annotations

import argparse
import logging

import structlog
from rich.console import Console
from rich.table import Table

from kube_actors.actors import run
from kube_actors.bench import soak

from ._report import Figure, print_figures

_HOUR = 3600.0


def _growth(samples: list[soak.SoakSample], value: str) -> tuple[float, float]:
    """Per simulated hour: the slope within the first hour, and over the run's second half
    (by then the first Events have expired and the apiserver's watch cache, 10,000 events
    per kind, has filled: both are bounded, and what is left must be flat)."""
    end = samples[-1].at
    first = [(s.at / _HOUR, float(getattr(s, value))) for s in samples if s.at <= _HOUR]
    later = [(s.at / _HOUR, float(getattr(s, value))) for s in samples if s.at >= end / 2]
    return soak.slope(first), soak.slope(later)


def report(result: soak.SoakReport, console: Console) -> None:
    table = Table(title="soak samples")
    columns = ("cycle", "simulated h", "live keys", "keys+deleted", "history", "Events", "RSS MiB")
    for column in columns:
        table.add_column(column, justify="right")
    for s in result.samples:
        table.add_row(
            str(s.cycle),
            f"{s.at / _HOUR:.2f}",
            f"{s.live_keys:,}",
            f"{s.store_keys:,}",
            f"{s.store_history:,}",
            f"{s.events:,}",
            f"{s.rss_mib:,.1f}",
        )
    console.print(table)
    samples = list(result.samples)
    figures = []
    for value, unit in (
        ("live_keys", "keys/h"),
        ("store_keys", "keys/h"),
        ("events", "Events/h"),
        ("rss_mib", "MiB/h"),
    ):
        warm, steady = _growth(samples, value)
        figures.append(
            Figure(
                name=f"{value} growth, second half",
                value=steady,
                unit=unit,
                baseline_name="growth in the first hour",
                baseline=warm,
                target="flat (ratio near 0)",
                higher_is_better=False,
            )
        )
    print_figures("soak: growth per simulated hour", figures, console)
    verdict = "converged" if result.converged else "DID NOT CONVERGE: " + "; ".join(result.problems)
    console.print(
        f"{len(samples)} cycles, {result.crashes} crashes, {result.faults_fired} faults fired, "
        f"{result.wall_seconds:,.1f} s of wall time: {verdict}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hours", type=float, default=6.0)
    parser.add_argument("--replicas", type=int, default=50)
    parser.add_argument("--nodes", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    # Crashes are the point here: their log lines would drown the figures.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.CRITICAL))
    console = Console()
    cycles = max(1, round(args.hours * 6))
    with console.status(f"{cycles} cycles of {args.replicas} replicas on {args.nodes} nodes"):
        result = run(
            lambda: soak.run_soak(
                nodes=args.nodes, replicas=args.replicas, cycles=cycles, seed=args.seed
            )
        )
    report(result, console)


if __name__ == "__main__":
    main()
