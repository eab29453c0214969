from __future__ import annotations

import asyncio

import anyio
import pytest

from kube_actors.actors import ActorSystem
from kube_actors.errors import ActorError, ActorStopped, AskTimeout

from ._actors import Add, Block, Counter, Fail, Get


async def test_told_messages_are_handled_in_order_and_ask_returns_the_reply() -> None:
    async with ActorSystem() as system:
        counter = await system.spawn(Counter, name="counter")
        for amount in range(1, 11):
            await counter.tell(Add(amount))
        assert await counter.ask(Get()) == 55


async def test_ask_raises_the_handlers_error_in_the_caller_and_the_actor_carries_on() -> None:
    async with ActorSystem() as system:
        counter = await system.spawn(Counter, name="counter")
        await counter.tell(Add(2))
        with pytest.raises(RuntimeError, match="bad input"):
            await counter.ask(Fail("bad input"))
        assert await counter.ask(Get()) == 2
        assert counter.statistics().restarts == 0


async def test_ask_times_out_after_exactly_its_timeout_on_the_running_clock() -> None:
    async with ActorSystem() as system:
        counter = await system.spawn(Counter, name="counter")
        release = anyio.Event()
        await counter.tell(Block(release))
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(AskTimeout, match=r"'counter' did not answer Get within 5\.0 s"):
            await counter.ask(Get(), timeout=5.0)
        assert loop.time() - started == 5.0
        release.set()
        assert await counter.ask(Get(), timeout=5.0) == 0


async def test_an_unknown_message_is_an_error_naming_the_message_type() -> None:
    async with ActorSystem() as system:
        counter = await system.spawn(Counter, name="counter")
        with pytest.raises(TypeError, match="Counter cannot handle str"):
            await counter.ask("hello")


async def test_sending_to_a_stopped_actor_raises_actor_stopped() -> None:
    async with ActorSystem() as system:
        counter = await system.spawn(Counter, name="counter")
        await counter.stop()
        assert not counter.alive
        with pytest.raises(ActorStopped, match="'counter' stopped"):
            await counter.tell(Add())
        with pytest.raises(ActorStopped):
            counter.tell_nowait(Add())
        with pytest.raises(ActorStopped):
            await counter.ask(Get())


async def test_an_actor_that_asks_itself_is_told_instead_of_hanging() -> None:
    from kube_actors.actors import Actor

    class Narcissus(Actor):
        async def receive(self, message: object) -> object:
            if message == "look":
                return await self.ref.ask("mirror")
            return "me"

    async with ActorSystem() as system:
        narcissus = await system.spawn(Narcissus, name="narcissus")
        with pytest.raises(ActorError, match="asked itself"):
            await narcissus.ask("look")


async def test_refs_compare_by_name_and_are_found_in_the_registry() -> None:
    async with ActorSystem() as system:
        counter = await system.spawn(Counter, name="counter")
        assert system.lookup("counter") == counter
        assert hash(system.lookup("counter")) == hash(counter)
        assert "counter" in system
        assert repr(counter) == "ActorRef('counter')"
