from __future__ import annotations

import asyncio
import gc
import weakref
from typing import Any

import anyio
import pytest

from kube_actors.actors import Actor, ActorSystem, Later
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


class _Refusal(Exception):
    """An error a weak reference can follow (built-in exceptions take none)."""


class _Refuses(Actor):
    async def receive(self, message: Any) -> Any:
        if message == "refuse":
            raise _Refusal(message)
        return message


@pytest.mark.parametrize("timeout", [None, 5.0])
async def test_an_asks_error_is_freed_once_dropped_not_left_to_the_collector(
    timeout: float | None,
) -> None:
    # The asking frame let go of the reply: the error's traceback keeps that frame, and the
    # future it kept kept the error, a cycle for each failed ask (a kubelet's first read of
    # its Lease is a NotFound) which only a full collection freed.
    async with ActorSystem() as system:
        refuses = await system.spawn(_Refuses, name="refuses")
        gc.collect()
        gc.disable()
        try:
            try:
                await refuses.ask("refuse", timeout=timeout)
            except _Refusal as error:
                dropped = weakref.ref(error)
            assert await refuses.ask("next", timeout=timeout) == "next"  # its handler's too
            assert dropped() is None
        finally:
            gc.enable()


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


class _Deferring(Actor):
    """Answers ``("hold", n)`` only when told ``("release", n)``; answers ``"now"`` at once."""

    def __init__(self) -> None:
        self.held: dict[int, asyncio.Future[Any]] = {}

    async def receive(self, message: Any) -> Any:
        match message:
            case ("hold", n):
                self.held[n] = asyncio.get_running_loop().create_future()
                return Later(self.held[n])
            case ("release", n, value):
                self.held.pop(n).set_result(value)
            case ("fail", n):
                self.held.pop(n).set_exception(ValueError(f"failed {n}"))
            case "now":
                return "now"
        return None


async def test_a_later_reply_answers_when_its_future_is_done_and_the_mailbox_goes_on() -> None:
    async with ActorSystem() as system:
        actor = await system.spawn(_Deferring, name="deferring")
        async with anyio.create_task_group() as tg:
            answers: list[object] = []

            async def ask_held(n: int) -> None:
                answers.append(await actor.ask(("hold", n)))

            tg.start_soon(ask_held, 1)
            await system.settle()
            # The held ask does not block the next message.
            assert await actor.ask("now") == "now"
            assert answers == []
            await actor.tell(("release", 1, "one"))
        assert answers == ["one"]


async def test_a_later_reply_raises_the_futures_error_in_the_asker() -> None:
    async with ActorSystem() as system:
        actor = await system.spawn(_Deferring, name="deferring")
        errors: list[BaseException] = []

        async def ask_held() -> None:
            try:
                await actor.ask(("hold", 7))
            except ValueError as error:
                errors.append(error)

        async with anyio.create_task_group() as tg:
            tg.start_soon(ask_held)
            await system.settle()
            await actor.tell(("fail", 7))
        assert [str(e) for e in errors] == ["failed 7"]
