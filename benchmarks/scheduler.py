"""Scheduler benchmark: scheduler_perf's workloads, the framework alone and end to end.

Run with ``python -m benchmarks.scheduler --mode both`` (or ``kube-actors bench scheduler``);
the workloads, the measuring and the report live in ``kube_actors.scheduler._perf``, which
documents the modes and the figures.
"""

from __future__ import annotations

from collections.abc import Sequence

from kube_actors import Cluster
from kube_actors.cli._logging import configure_logging
from kube_actors.scheduler import SchedulerSettings
from kube_actors.scheduler._perf import main as run_benchmark
from kube_actors.scheduler._perf import parser


def make_cluster(settings: SchedulerSettings) -> Cluster:
    """A control plane and the scheduler: no controllers, no kubelets."""
    return Cluster(scheduler=settings, controllers=())


def main(argv: Sequence[str] | None = None) -> int:
    args = parser("benchmarks.scheduler").parse_args(argv)
    configure_logging()  # warnings only: a debug line per pod would be the benchmark
    return run_benchmark(args, make_cluster)


if __name__ == "__main__":
    raise SystemExit(main())
