"""The soak, short: create/delete cycles under random crashes and API faults converge."""

from __future__ import annotations

import pytest
import structlog

from kube_actors.bench import soak


@pytest.fixture(autouse=True)
def quiet_logs() -> object:
    with structlog.testing.capture_logs() as events:
        yield events


async def test_a_short_soak_with_crashes_and_faults_converges() -> None:
    report = await soak.run_soak(
        nodes=2,
        replicas=6,
        cycles=3,
        cycle_seconds=90.0,
        crash_probability=1.0,
        fault_probability=0.2,
        seed=7,
    )
    assert report.problems == ()
    assert report.converged
    assert report.crashes == 3
    assert report.faults_fired > 0
    assert [s.cycle for s in report.samples] == [0, 1, 2]
    assert [s.at for s in report.samples] == [90.0, 180.0, 270.0]
    # Events stay (for an hour): each cycle adds its own.
    events = [s.events for s in report.samples]
    assert events == sorted(events)
    assert events[0] > 0
    # Everything else the cycles created is gone again.
    assert len({s.live_keys - s.events for s in report.samples}) == 1


def test_slope_is_the_least_squares_slope() -> None:
    assert soak.slope([(0, 1.0), (1, 3.0), (2, 5.0)]) == pytest.approx(2.0)
    assert soak.slope([(0, 4.0), (1, 4.0)]) == 0.0
    assert soak.slope([(0, 4.0)]) == 0.0
