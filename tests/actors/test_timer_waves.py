"""Messages due at one virtual instant are delivered in waves of at most ``WAVE``, each once
the work of the wave before is done, at the same virtual time and in the same order; and the
loop's ``call_when_quiet`` that this rests on."""

from __future__ import annotations

import asyncio

import pytest

from kube_actors.actors import Actor, ActorRef, ActorSystem, VirtualTimeEventLoop
from kube_actors.actors._timers import WAVE


async def test_a_callback_put_off_until_quiet_runs_after_the_instants_work_before_time_moves() -> (
    None
):
    loop = asyncio.get_running_loop()
    assert isinstance(loop, VirtualTimeEventLoop)
    seen: list[tuple[str, float]] = []

    async def busy() -> None:
        for step in range(3):  # three turns of the loop at this instant
            seen.append((f"busy {step}", loop.time()))
            await asyncio.sleep(0)

    loop.call_when_quiet(lambda: seen.append(("quiet", loop.time())))
    loop.call_later(0, lambda: seen.append(("timer now", loop.time())))
    loop.call_later(1, lambda: seen.append(("timer later", loop.time())))
    task = asyncio.ensure_future(busy())
    await asyncio.sleep(2)
    await task
    assert seen == [
        ("busy 0", 0.0),
        ("timer now", 0.0),
        ("busy 1", 0.0),
        ("busy 2", 0.0),
        ("quiet", 0.0),
        ("timer later", 1.0),
    ]


async def test_the_loop_is_not_quiet_to_a_waiter_while_a_put_off_callback_is_left() -> None:
    loop = asyncio.get_running_loop()
    assert isinstance(loop, VirtualTimeEventLoop)
    ran: list[str] = []
    loop.call_when_quiet(ran.append, "first")
    loop.call_when_quiet(ran.append, "second")
    cancelled = loop.call_when_quiet(ran.append, "never")
    cancelled.cancel()
    assert await loop.wait_idle(deadline=loop.time())
    assert ran == ["first", "second"]
    assert loop.time() == 0.0


class _Relay(Actor):
    """Asks ``sink`` when its timer fires, so a delivered message keeps it busy a while."""

    def __init__(self, sink: ActorRef, log: list[tuple[str, float]], busy: list[int]) -> None:
        self.sink = sink
        self.beats = log
        self.busy = busy

    async def on_start(self) -> None:
        self.send_after(10, "beat")

    async def receive(self, message: object) -> object:
        self.beats.append((self.name, self.now))
        self.busy.append(1)
        self.busy[0] = max(self.busy[0], len(self.busy) - 1)
        try:
            await self.sink.ask("work")
        finally:
            self.busy.pop()
        return None


class _Sink(Actor):
    async def receive(self, message: object) -> object:
        await asyncio.sleep(0)
        return message


@pytest.mark.parametrize("actors", [WAVE - 1, 2 * WAVE + 7])
async def test_an_instants_timers_are_delivered_in_waves_in_order_at_that_instant(
    actors: int,
) -> None:
    log: list[tuple[str, float]] = []
    busy = [0]  # [most actors handling their message at once, then one entry per busy one]
    async with ActorSystem(mailbox_capacity=4 * actors) as system:
        sink = await system.spawn(_Sink, name="sink")
        names = [f"relay-{n:05}" for n in range(actors)]
        for name in names:
            await system.spawn(lambda: _Relay(sink, log, busy), name=name)
        await system.settle(horizon=20)
    assert log == [(name, 10.0) for name in names]  # every one, in order, at 10 s
    assert busy[0] == min(actors, WAVE)
