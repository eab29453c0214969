"""Crash benchmark: kill -9 the process that holds the SQLite store, many times, and check.

Run with ``python -m benchmarks.crash``. Two kinds of cycles, as the test suite runs fewer of:

- ``--embedded`` cycles of an embedding program (``tests/cluster/crash_writer.py``): four
  in-process clients write, it is killed with SIGKILL after a random number of their
  writes were acknowledged;
- ``--http`` cycles of ``kube-actors up`` (``tests/cluster/crash_http.py``): four HTTPS
  clients write through the Kubernetes API, the server is killed.

After each kill the store file is checked against the log of every request
(``tests/cluster/crash_check.py``): every acknowledged write there, nothing unacknowledged
half there, resourceVersions never going back; each restart must converge (the Deployment
Available with its Pods). Printed: cycles, acknowledged writes, problems found, and the
time from a start to a converged cluster, beside the whole cycle's.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import anyio
import attrs
from rich.console import Console

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.cluster.crash_check import check  # noqa: E402 (the tests' own checker)
from tests.cluster.crash_http import converge_seconds, cycle  # noqa: E402
from tests.cluster.crash_writer import crash_after, said  # noqa: E402
from tests.cluster.crash_writer import start as start_writer  # noqa: E402


@attrs.frozen
class Outcome:
    cycles: int
    acks: int
    problems: list[str]
    seconds: float
    #: Start to converged, per cycle.
    ready: list[float]


def embedded_cycles(directory: Path, cycles: int, seed: int) -> Outcome:
    store, log = directory / "embedded.db", directory / "embedded.log"
    rng = random.Random(seed)
    problems: list[str] = []
    ready: list[float] = []
    start = time.perf_counter()
    for number in range(cycles):
        began = time.perf_counter()
        process = start_writer(store, log, number, subprocess.DEVNULL)
        if not said(process, "converged"):
            problems.append(f"cycle {number}: the writer did not converge")
        ready.append(time.perf_counter() - began)
        crash_after(process, rng.randrange(4, 80), offset=rng.uniform(0, 0.05))
        problems += [f"cycle {number}: {p}" for p in check(store, log).problems]
    took = time.perf_counter() - start
    return Outcome(cycles, check(store, log).acks, problems, took, ready)


def http_cycles(directory: Path, cycles: int, seed: int) -> Outcome:
    data_dir, log = directory / "up", directory / "http.log"
    rng = random.Random(seed)
    problems: list[str] = []
    ready: list[float] = []
    start = time.perf_counter()
    for number in range(cycles):
        anyio.run(cycle, data_dir, log, number, rng.randrange(10, 120), rng.uniform(0, 0.05))
        ready.append(converge_seconds())
        problems += [f"cycle {number}: {p}" for p in check(data_dir / "store.db", log).problems]
    took = time.perf_counter() - start
    return Outcome(cycles, check(data_dir / "store.db", log).acks, problems, took, ready)


def _report(console: Console, what: str, outcome: Outcome) -> None:
    console.print(
        f"{what}: {outcome.cycles} SIGKILL cycles, {outcome.acks:,} acknowledged writes, "
        f"{len(outcome.problems)} problems; start to converged "
        f"{statistics.median(outcome.ready):.2f} s median, {max(outcome.ready):.2f} s max "
        f"(whole cycle {outcome.seconds / outcome.cycles:.2f} s on average)"
    )
    for problem in outcome.problems[:20]:
        console.print(f"  {problem}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--embedded", type=int, default=50, help="cycles of the program")
    parser.add_argument("--http", type=int, default=30, help="cycles of kube-actors up")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    console = Console()
    with tempfile.TemporaryDirectory(prefix="kube-actors-crash-") as tmp:
        directory = Path(tmp)
        if args.embedded:
            with console.status(f"{args.embedded} cycles of an embedding program"):
                _report(
                    console,
                    "embedding program",
                    embedded_cycles(directory, args.embedded, args.seed),
                )
        if args.http:
            with console.status(f"{args.http} cycles of kube-actors up"):
                _report(
                    console,
                    "kube-actors up over HTTP",
                    http_cycles(directory, args.http, args.seed),
                )


if __name__ == "__main__":
    main()
