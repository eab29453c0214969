"""Kill -9 ``kube-actors up`` at random moments while clients write over the HTTP API; nothing
acknowledged is lost, nothing unacknowledged is half there, resourceVersions never go back,
and the cluster converges on the same data directory after each restart. With the embedding
program's cycles (``test_crash.py``) the suite kills a store-holding process 24 times;
``benchmarks/crash.py`` runs more cycles."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from .crash_check import check
from .crash_http import cycle

CYCLES = 4

pytestmark = pytest.mark.real_time


async def test_sigkill_of_up_while_http_clients_write_loses_no_acknowledged_write(
    tmp_path: Path,
) -> None:
    data_dir, log = tmp_path / "state", tmp_path / "writes.log"
    rng = random.Random(14)
    for number in range(CYCLES):
        wanted = rng.randrange(10, 40)  # the crash moment: after as many answers
        acks = await cycle(data_dir, log, number, acks=wanted, offset=rng.uniform(0, 0.05))
        assert acks >= wanted
        verdict = check(data_dir / "store.db", log)
        assert verdict.problems == [], f"cycle {number}: {verdict.problems[:10]}"
        assert verdict.cycles_converged == number + 1
