"""An actor that overrides ``receive_batch`` takes every waiting message at once, and each
sender still gets its own answer or its own error."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import anyio
import anyio.lowlevel
import pytest

from kube_actors.actors import Actor, ActorSystem, Later, Mail
from kube_actors.errors import ActorError

from ._actors import Add, Counter, Fail, Get


class Summing(Actor):
    """Adds up each batch's ``Add``s at once, answers each sender with the running total
    after its own message; a ``Fail`` fails its sender alone."""

    def __init__(self, batches: list[int]) -> None:
        self.total = 0
        self.batches = batches

    async def receive_batch(self, batch: Sequence[Mail]) -> None:
        self.batches.append(len(batch))
        for mail in batch:
            mail.enter()
            match mail.message:
                case Add(amount=amount):
                    self.total += amount
                    mail.answer(self.total)
                case Get():
                    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
                    future.set_result(self.total)
                    mail.answer(Later(future))
                case Fail(reason=reason):
                    mail.fail(RuntimeError(reason))
                case "forget":
                    pass  # an ask left unanswered


async def test_waiting_messages_come_as_one_batch_and_each_ask_gets_its_own_answer() -> None:
    batches: list[int] = []
    async with ActorSystem() as system:
        summing = await system.spawn(lambda: Summing(batches), name="summing")
        answers: dict[int, object] = {}

        async def add(amount: int) -> None:
            try:
                answers[amount] = await summing.ask(Add(amount))
            except RuntimeError as error:
                answers[amount] = error

        async def fail() -> None:
            with pytest.raises(RuntimeError, match="only mine"):
                await summing.ask(Fail("only mine"))

        async with anyio.create_task_group() as tasks:
            for amount in range(1, 11):
                tasks.start_soon(add, amount)
            tasks.start_soon(fail)
        # All eleven were waiting when the actor woke: one batch, in mailbox order.
        assert batches == [11]
        assert answers == {n: n * (n + 1) // 2 for n in range(1, 11)}
        assert await summing.ask(Get()) == 55  # answered through a Later
        assert summing.statistics().handled == 12
        assert summing.statistics().restarts == 0


async def test_an_ask_the_batch_leaves_unanswered_fails_instead_of_hanging() -> None:
    async with ActorSystem() as system:
        summing = await system.spawn(lambda: Summing([]), name="summing")
        with pytest.raises(ActorError, match="left an ask of its batch unanswered"):
            await summing.ask("forget")
        assert await summing.ask(Add(2)) == 2


async def test_a_told_message_that_fails_in_a_batch_crashes_the_actor() -> None:
    async with ActorSystem() as system:
        summing = await system.spawn(lambda: Summing([]), name="summing")
        await summing.tell(Add(5))
        await summing.tell(Fail())
        await system.settle()
        assert summing.statistics().restarts == 1
        assert await summing.ask(Get()) == 0  # a fresh incarnation


async def test_actors_without_the_hook_still_get_one_message_at_a_time() -> None:
    async with ActorSystem() as system:
        counter = await system.spawn(Counter, name="counter")
        async with anyio.create_task_group() as tasks:
            for _ in range(20):
                tasks.start_soon(counter.tell, Add())
        assert await counter.ask(Get()) == 20


async def test_an_ask_is_handed_to_the_batch_as_the_object_its_mailbox_held() -> None:
    # The apiserver takes its mailbox in batches: its Mail for an ask is the envelope the
    # ask queued, not a copy made when the batch is taken (one object an ask in flight).
    handed: list[Mail] = []

    class Noting(Actor):
        async def receive_batch(self, batch: Sequence[Mail]) -> None:
            for mail in batch:
                handed.append(mail)
                mail.answer(None)

    async with ActorSystem() as system:
        noting = await system.spawn(Noting, name="noting")
        cell = noting._cell
        async with anyio.create_task_group() as tasks:
            for _ in range(3):
                tasks.start_soon(noting.ask, "note")
            await anyio.lowlevel.checkpoint()
            queued = list(cell.queue)
        assert len(handed) == 3
        assert all(mail is item for mail, item in zip(handed, queued, strict=True))


class Keeping(Actor):
    """Keeps every mail it is handed, answers asks with their message."""

    def __init__(self, kept: list[Mail]) -> None:
        self.kept = kept

    async def receive_batch(self, batch: Sequence[Mail]) -> None:
        for mail in batch:
            self.kept.append(mail)
            mail.answer(mail.message)


async def test_an_asks_mail_is_its_reply_and_a_told_message_has_none() -> None:
    """One object an ask: the mail a batching actor is handed is the future its sender
    waits on (an ask lives as long as the actor takes to answer, in a burst long enough for
    the collector to keep what it is made of)."""
    kept: list[Mail] = []
    async with ActorSystem() as system:
        keeping = await system.spawn(lambda: Keeping(kept), name="keeping")
        assert await keeping.ask("asked") == "asked"
        await keeping.tell("told")
        await system.settle()
    asked, told = kept
    assert isinstance(asked, asyncio.Future)
    assert asked.reply is asked
    assert asked.reply.result() == "asked"
    assert told.reply is None
    assert told.message == "told"
