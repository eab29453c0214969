"""Scheduler benchmark: scheduler_perf's workloads, the framework alone and end to end.

Run with ``python -m benchmarks.scheduler --mode both`` (or ``kube-actors bench scheduler``);
the workloads, the measuring and the report live in ``kube_actors.bench.scheduler``, which
documents the modes and the figures.
"""

from __future__ import annotations

from collections.abc import Sequence

from kube_actors.bench import scheduler
from kube_actors.cli._logging import configure_logging


def main(argv: Sequence[str] | None = None) -> int:
    args = scheduler.parser("benchmarks.scheduler").parse_args(argv)
    configure_logging()  # warnings only: a debug line per pod would be the benchmark
    return scheduler.main(args)


if __name__ == "__main__":
    raise SystemExit(main())
