"""Container log benchmark: what reading a big log costs, in memory and time.

Run with ``python -m benchmarks.logs``. A container's log of ``--megabytes`` MiB is written
through the runtime's ``LogFile`` (CRI records, rotated at 10 MiB, 5 files kept: the
kubelet's defaults), then read three ways, each measured for its peak of Python allocations
(tracemalloc) and its time:

- whole, as ``kubectl logs`` without options (the baseline: what ``logs()`` always did);
- ``tail_lines=100``, which reads blocks from the end;
- ``limit_bytes=64 KiB``, which stops after that much.

The log on disk stays within 5 x 10 MiB however much is written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from kube_actors.runtime import LogOptions
from kube_actors.runtime._log_files import LogFile
from kube_actors.runtime._log_reader import read_log

from ._report import Figure, print_figures

_MAX_SIZE = 10 * 1024 * 1024
_MAX_FILES = 5


def _write(path: Path, megabytes: int) -> int:
    log = LogFile(str(path), max_size=_MAX_SIZE, max_files=_MAX_FILES)
    line = b"x" * 99 + b"\n"
    block = line * 10_000  # about 1 MiB of output per write
    now = dt.datetime.now(dt.UTC)
    for _ in range(megabytes):
        log.write(block, now=now)
    log.close()
    return sum(p.stat().st_size for p in path.parent.iterdir())


def _measure(read: Callable[[], str]) -> tuple[float, float]:
    """(peak MiB allocated, seconds) of one read."""
    tracemalloc.start()
    begin = time.perf_counter()
    try:
        read()
        elapsed = time.perf_counter() - begin
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20, elapsed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--megabytes", type=int, default=100)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "c.log"
        on_disk = _write(path, args.megabytes)

        def read(options: LogOptions) -> Callable[[], str]:
            return lambda: read_log(str(path), _MAX_FILES, options)

        whole_mem, whole_time = _measure(read(LogOptions()))
        tail_mem, tail_time = _measure(read(LogOptions(tail_lines=100)))
        limit_mem, limit_time = _measure(read(LogOptions(limit_bytes=64 * 1024)))
    title = (
        f"container logs: {args.megabytes} MiB written, "
        f"{on_disk / 2**20:.1f} MiB kept on disk (rotated at 10 MiB, 5 files)"
    )
    figures = [
        Figure(
            name="tail_lines=100: peak memory",
            value=tail_mem,
            unit="MiB",
            baseline_name="whole log",
            baseline=whole_mem,
            target="<= 0.05x",
            higher_is_better=False,
        ),
        Figure(
            name="tail_lines=100: time",
            value=tail_time * 1000,
            unit="ms",
            baseline_name="whole log",
            baseline=whole_time * 1000,
            target="<= 0.05x",
            higher_is_better=False,
        ),
        Figure(
            name="limit_bytes=64KiB: peak memory",
            value=limit_mem,
            unit="MiB",
            baseline_name="whole log",
            baseline=whole_mem,
            target="<= 0.05x",
            higher_is_better=False,
        ),
        Figure(
            name="limit_bytes=64KiB: time",
            value=limit_time * 1000,
            unit="ms",
            baseline_name="whole log",
            baseline=whole_time * 1000,
            target="<= 0.05x",
            higher_is_better=False,
        ),
    ]
    print_figures(title, figures)


if __name__ == "__main__":
    main()
