"""``whole_seconds_clock()``: the running loop's whole-second wall clock, looked up once,
reads what ``wall_clock_whole_seconds()`` reads, on virtual time (a new epoch too) and on
real time."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from kube_actors.actors import (
    VirtualTimeEventLoop,
    run,
    wall_clock_whole_seconds,
    whole_seconds_clock,
)


async def test_it_reads_what_wall_clock_whole_seconds_reads_as_virtual_time_moves() -> None:
    clock = whole_seconds_clock()
    loop = asyncio.get_running_loop()
    assert isinstance(loop, VirtualTimeEventLoop)
    for delay in (0.0, 10.75, 0.5, 3600.0):
        await asyncio.sleep(delay)
        assert clock() == wall_clock_whole_seconds()
    loop.epoch = datetime(2030, 1, 1, tzinfo=UTC)
    assert clock() == wall_clock_whole_seconds() == datetime(2030, 1, 1, 1, 0, 11, tzinfo=UTC)


def test_on_real_time_it_reads_the_wall_clock_without_a_fraction() -> None:
    async def main() -> datetime:
        return whole_seconds_clock()()

    before = datetime.now(UTC).replace(microsecond=0)
    now = run(main, clock="real")
    assert now.microsecond == 0
    assert before <= now <= datetime.now(UTC)


def test_on_real_time_each_read_gives_the_second_the_wall_clock_is_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The real clock's reads within one second give that second; the next second's, the
    # next one (the clock keeps no second beyond the one it is in).
    from kube_actors.actors import _clock

    async def main() -> list[datetime]:
        clock = whole_seconds_clock()
        reads = []
        for nanoseconds in (
            1_700_000_000_250_000_000,
            1_700_000_000_999_999_999,
            1_700_000_001_000_000_000,
            1_699_999_999_000_000_001,
        ):
            monkeypatch.setattr(_clock, "time_ns", lambda at=nanoseconds: at)
            reads.append(clock())
        return reads

    assert run(main, clock="real") == [
        datetime.fromtimestamp(1_700_000_000, UTC),
        datetime.fromtimestamp(1_700_000_000, UTC),
        datetime.fromtimestamp(1_700_000_001, UTC),
        datetime.fromtimestamp(1_699_999_999, UTC),
    ]
