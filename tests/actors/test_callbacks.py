"""An actor's callbacks: ``call_after``, ``when_done`` over ``ask_nowait``."""

from __future__ import annotations

import asyncio
from typing import ClassVar

import anyio
import pytest

from kube_actors.actors import Actor, ActorRef, ActorSystem, monotonic

from ._actors import Add, Block, Counter, Fail, Get


class Beater(Counter):
    """Beats every 10 s through ``call_after``, from its start."""

    beats: ClassVar[list[float]] = []

    async def on_start(self) -> None:
        self.call_after(10, self._beat)

    def _beat(self) -> None:
        Beater.beats.append(monotonic())
        self.call_after(10, self._beat)


async def test_call_after_calls_back_on_the_running_clock_without_handling_a_message() -> None:
    Beater.beats = []
    async with ActorSystem() as system:
        beater = await system.spawn(Beater, name="beater")
        await system.settle(horizon=35)
        assert Beater.beats == [10.0, 20.0, 30.0]
        assert beater.statistics().handled == 0
        assert beater.statistics().timers == 1


async def test_a_call_after_of_an_incarnation_that_crashed_is_not_called() -> None:
    Beater.beats = []
    async with ActorSystem() as system:
        beater = await system.spawn(Beater, name="beater")
        await system.settle(horizon=15)  # one beat, the next armed for 20 s (settle is
        # quiet at 10 s: the horizons count from there)
        # Restarted 0.1 s later (its back-off): the new incarnation beats from 20.1 s on,
        # and the beat the crashed one armed for 20 s is not called.
        await beater.tell(Fail())
        await system.settle(horizon=25)
        assert Beater.beats == pytest.approx([10.0, 20.1, 30.1])


async def test_a_callback_that_raises_crashes_the_actor() -> None:
    class Faulty(Counter):
        armed = False

        async def on_start(self) -> None:
            if not Faulty.armed:  # the first incarnation only
                Faulty.armed = True
                self.call_after(1, self._explode)

        def _explode(self) -> None:
            raise RuntimeError("exploded in a callback")

    async with ActorSystem() as system:
        faulty = await system.spawn(Faulty, name="faulty")
        await system.settle(horizon=5)
        statistics = faulty.statistics()
        assert (statistics.restarts, statistics.handled) == (1, 0)
        assert "exploded in a callback" in (statistics.last_error or "")


class Asker(Actor):
    """Asks the counter it is told of without waiting; ``when_done`` records the answer."""

    def __init__(self) -> None:
        self.answers: list[int] = []
        self.counter: ActorRef | None = None

    async def receive(self, message: object) -> object:
        match message:
            case ActorRef() as counter:
                self.counter = counter
                reply = counter.ask_nowait(Get())
                assert reply is not None
                self.when_done(reply, self._answered)
            case "answers?":
                return self.answers
        return None

    def _answered(self, reply: asyncio.Future[int]) -> None:
        self.answers.append(reply.result())


async def test_when_done_takes_an_answer_while_the_actor_handles_other_messages() -> None:
    async with ActorSystem() as system:
        counter = await system.spawn(Counter, name="counter")
        asker = await system.spawn(Asker, name="asker")
        release = anyio.Event()
        await counter.tell(Add(2))
        await counter.tell(Block(release))  # the counter answers the ask once released
        await asker.tell(counter)
        await system.settle()
        assert await asker.ask("answers?") == []  # the asker is not held by its ask
        release.set()
        await system.settle()
        assert await asker.ask("answers?") == [2]


async def test_ask_nowait_declines_a_full_mailbox_and_a_stopped_actor() -> None:
    async with ActorSystem() as system:
        counter = await system.spawn(Counter, name="counter", mailbox_capacity=1)
        release = anyio.Event()
        await counter.tell(Block(release))
        await system.settle()  # the counter holds the Block: its mailbox is empty
        await counter.tell(Add(1))  # now full
        assert counter.ask_nowait(Get()) is None
        release.set()
        await system.settle()
        reply = counter.ask_nowait(Get())
        assert reply is not None
        assert await reply == 1
        await counter.stop()
        assert counter.ask_nowait(Get()) is None


class TimedAsker(Actor):
    """Asks the counter it is told of from a ``call_after`` callback, and again from the
    ``when_done`` callback of that ask."""

    def __init__(self) -> None:
        self.counter: ActorRef | None = None

    async def receive(self, message: object) -> object:
        if isinstance(message, ActorRef):
            self.counter = message
            self.call_after(1, self._ask)
        return None

    def _ask(self) -> None:
        assert self.counter is not None
        reply = self.counter.ask_nowait(Get())
        assert reply is not None
        self.when_done(reply, self._answered)

    def _answered(self, reply: asyncio.Future[int]) -> None:
        assert self.counter is not None
        self.counter.ask_nowait(Get())


async def test_what_a_callback_sends_is_traced_as_the_actors_and_caused_by_its_timer() -> None:
    async with ActorSystem(trace=True) as system:
        counter = await system.spawn(Counter, name="counter")
        asker = await system.spawn(TimedAsker, name="asker")
        await asker.tell(counter)
        await system.settle(horizon=5)
        assert system.trace is not None
        records = system.trace.records
        timer = next(r for r in records if r.kind == "timer")
        asks = [r for r in records if r.kind == "ask" and isinstance(r.message, Get)]
        assert [(r.sender, r.receiver) for r in asks] == [("asker", "counter")] * 2
        assert timer.sender == "asker"
        assert asks[0].cause == timer.id
