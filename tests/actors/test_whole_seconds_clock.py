"""``whole_seconds_clock()``: the running loop's whole-second wall clock, looked up once,
reads what ``wall_clock_whole_seconds()`` reads, on virtual time (a new epoch too) and on
real time."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

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
