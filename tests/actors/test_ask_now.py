"""``ActorRef.ask_now``: an idle actor's answer given at once, in the asker's task."""

from __future__ import annotations

import asyncio
from typing import Any

import anyio
import pytest

from kube_actors.actors import EXTERNAL, NOT_NOW, Actor, ActorSystem
from kube_actors.actors._cell import current_cell

from ._actors import Add, Block, Counter, Fail, Get


class _AtOnce(Counter):
    """A ``Counter`` that answers ``Add``, ``Get`` and ``Fail`` at once too, as ``receive``
    does; and ``"who"`` with the actor its code runs as."""

    def receive_now(self, message: Any) -> Any:
        match message:
            case Add(amount=amount):
                self.count += amount
                return None
            case Get():
                return self.count
            case Fail(reason=reason):
                raise RuntimeError(reason)
            case "who":
                cell = current_cell.get()
                return None if cell is None else cell.name
        return NOT_NOW


async def _turns(ask: Any) -> tuple[Any, int]:
    """What ``ask()`` gives, and how many turns of the event loop it took."""
    turns = 0
    done = False

    async def count() -> None:
        nonlocal turns
        while not done:
            turns += 1
            await asyncio.sleep(0)

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(count)
        await asyncio.sleep(0)
        turns = 0
        answer = await ask()
        done = True
    return answer, turns


async def test_an_idle_actor_answers_at_once_what_ask_would() -> None:
    async with ActorSystem() as system:
        asked = await system.spawn(_AtOnce, name="asked")
        now = await system.spawn(_AtOnce, name="now")
        await asyncio.sleep(0)  # both idle, waiting for mail
        for amount in (1, 2, 3):
            assert await asked.ask(Add(amount)) is None
            assert now.ask_now(Add(amount)) is None
        assert now.ask_now(Get()) == await asked.ask(Get()) == 6
        assert now.statistics().handled == asked.statistics().handled == 4

        async def at_once() -> Any:
            return now.ask_now(Get())

        assert await _turns(at_once) == (6, 0)
        _, turns = await _turns(lambda: asked.ask(Get()))
        assert turns > 0


async def test_the_actors_code_runs_as_the_actor_and_its_error_raises_in_the_asker() -> None:
    async with ActorSystem() as system:
        now = await system.spawn(_AtOnce, name="now")
        await asyncio.sleep(0)
        assert now.ask_now("who") == "now"
        assert current_cell.get() is None  # the asker's own again
        with pytest.raises(RuntimeError, match="bad input"):
            now.ask_now(Fail("bad input"))
        assert now.ask_now(Get()) == 0  # it carries on, not restarted
        assert now.statistics().restarts == 0


async def test_not_now_when_mail_waits_or_the_actor_is_busy_or_declines() -> None:
    async with ActorSystem() as system:
        now = await system.spawn(_AtOnce, name="now")
        await asyncio.sleep(0)
        await now.tell(Add(5))  # waiting in the mailbox: it goes first
        assert now.ask_now(Get()) is NOT_NOW
        assert await now.ask(Get()) == 5
        release = anyio.Event()
        await now.tell(Block(release))
        await asyncio.sleep(0)  # in its handler now, the mailbox empty
        assert now.ask_now(Get()) is NOT_NOW
        release.set()
        await asyncio.sleep(0)
        assert now.ask_now(Get()) == 5
        assert now.ask_now("unknown") is NOT_NOW  # receive_now declines it
        assert now.statistics().handled == 4  # Add, Get, Block, Get; not the declined one


async def test_not_now_for_an_actor_without_receive_now_or_a_stopped_one() -> None:
    async with ActorSystem() as system:
        plain = await system.spawn(Counter, name="plain")
        await asyncio.sleep(0)
        assert plain.ask_now(Get()) is NOT_NOW
        now = await system.spawn(_AtOnce, name="now")
        await now.stop()
        assert now.ask_now(Get()) is NOT_NOW


class _Forwards(_AtOnce):
    """Answers ``("forward", ref)`` at once, telling ``ref`` an ``Add`` meanwhile."""

    def receive_now(self, message: Any) -> Any:
        if isinstance(message, tuple):
            message[1].tell_nowait(Add(1))
            return "forwarded"
        return super().receive_now(message)


async def test_traced_the_ask_is_recorded_and_what_the_actor_sends_is_caused_by_it() -> None:
    async with ActorSystem(trace=True) as system:
        counter = await system.spawn(Counter, name="counter")
        traced = await system.spawn(_Forwards, name="traced")
        await asyncio.sleep(0)
        assert traced.ask_now(("forward", counter)) == "forwarded"
        assert system.trace is not None
        ask, tell = system.trace.records[-2:]
        assert (ask.sender, ask.receiver, ask.kind) == (EXTERNAL, "traced", "ask")
        assert (tell.sender, tell.receiver, tell.kind, tell.cause) == (
            "traced",
            "counter",
            "tell",
            ask.id,
        )
        assert await counter.ask(Get()) == 1


class _Declines(Actor):
    async def receive(self, message: Any) -> Any:
        return message


async def test_the_default_receive_now_declines() -> None:
    async with ActorSystem() as system:
        ref = await system.spawn(_Declines, name="declines")
        await asyncio.sleep(0)
        assert ref.ask_now("x") is NOT_NOW
        assert await ref.ask("x") == "x"
