"""Kill -9 an embedding program at random moments while it writes; nothing acknowledged is
lost, nothing unacknowledged is half there, resourceVersions never go back, and the cluster
it restarts on the same store converges. ``benchmarks/store.py`` runs more cycles."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from .crash_check import check
from .crash_writer import crash_after, kill, said, start

#: Each cycle starts a cluster in a process of its own (~5 s); benchmarks/store.py runs more.
CYCLES = 12


@pytest.mark.real_time
def test_sigkill_at_random_moments_loses_no_acknowledged_write(tmp_path: Path) -> None:
    store, log = tmp_path / "store.db", tmp_path / "writes.log"
    errors = tmp_path / "errors.txt"
    rng = random.Random(14)
    wanted = 0
    for cycle in range(CYCLES):
        with errors.open("w") as stderr:
            process = start(store, log, cycle, stderr)
        if not said(process, "converged"):
            kill(process)
            pytest.fail(f"the writer did not converge (seed {cycle}): {errors.read_text()[-3000:]}")
        # The crash moment: after some acknowledged writes, inside the requests in flight.
        acks = rng.randrange(4, 24)
        assert crash_after(process, acks, offset=rng.uniform(0, 0.05)) == acks, errors.read_text()
        wanted += acks
        verdict = check(store, log)
        assert verdict.problems == [], f"cycle {cycle}: {verdict.problems[:10]}"
        assert verdict.cycles_converged == cycle + 1
        # Every write the writer said was acknowledged is in its log.
        assert verdict.acks >= wanted
