"""Kill -9 an embedding program at random moments while it writes; nothing acknowledged is
lost, nothing unacknowledged is half there, resourceVersions never go back, and the cluster
it restarts on the same store converges. ``benchmarks/store.py`` runs more cycles."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .crash_check import check

WRITER = Path(__file__).with_name("crash_writer.py")
#: Each cycle starts a cluster in a process of its own (~5 s); benchmarks/store.py runs more.
CYCLES = 12


def run_until_converged(store: Path, log: Path, seed: int, errors: Path) -> subprocess.Popen[str]:
    """Start the writer and wait (bounded) until it says its cluster converged."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    with errors.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, str(WRITER), str(store), str(log), str(seed)],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env=env,
        )
    assert process.stdout is not None
    line = process.stdout.readline()  # bounded: the process ends or says it converged
    if line.strip() != "converged":
        process.kill()
        process.wait(timeout=30)
        process.stdout.close()
        pytest.fail(f"the writer did not converge (seed {seed}): {errors.read_text()[-3000:]}")
    return process


@pytest.mark.real_time
def test_sigkill_at_random_moments_loses_no_acknowledged_write(tmp_path: Path) -> None:
    store, log = tmp_path / "store.db", tmp_path / "writes.log"
    rng = random.Random(14)
    acks_per_cycle = []
    for cycle in range(CYCLES):
        process = run_until_converged(store, log, cycle, tmp_path / "errors.txt")
        # The crash moment: somewhere in the next half second of writing.
        time.sleep(rng.uniform(0.05, 0.5))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        assert process.stdout is not None
        process.stdout.close()
        verdict = check(store, log)
        assert verdict.problems == [], f"cycle {cycle}: {verdict.problems[:10]}"
        assert verdict.cycles_converged == cycle + 1
        acks_per_cycle.append(verdict.acks)
    # The writers wrote hundreds of times, and across the cycles.
    assert acks_per_cycle[-1] >= 120  # (a loaded 2-core machine managed 266 in 20 cycles)
    assert len(set(acks_per_cycle)) >= CYCLES // 2
