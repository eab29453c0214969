from __future__ import annotations

import anyio
import pytest

from kube_actors.actors import Actor, ActorSystem
from kube_actors.errors import MailboxFull

from ._actors import Add, Block, Counter, Get


async def test_a_full_mailbox_makes_senders_wait_until_the_actor_makes_room() -> None:
    async with ActorSystem(mailbox_capacity=3) as system:
        counter = await system.spawn(Counter, name="counter")
        release = anyio.Event()
        await counter.tell(Block(release))
        await system.settle()  # the actor now holds Block in hand; its mailbox is empty
        for _ in range(3):
            await counter.tell(Add())
        assert counter.statistics().mailbox_depth == 3

        sent = []

        async def sender() -> None:
            await counter.tell(Add(10))
            sent.append("sent")

        async with anyio.create_task_group() as tg:
            tg.start_soon(sender)
            await system.settle()
            assert sent == []  # still waiting for room
            assert counter.statistics().waiting_senders == 1
            release.set()
        assert sent == ["sent"]
        assert await counter.ask(Get()) == 13


async def test_tell_nowait_on_a_full_mailbox_raises_mailbox_full() -> None:
    async with ActorSystem(mailbox_capacity=1) as system:
        counter = await system.spawn(Counter, name="counter")
        release = anyio.Event()
        await counter.tell(Block(release))
        await system.settle()
        counter.tell_nowait(Add())
        with pytest.raises(MailboxFull, match=r"mailbox of actor 'counter' is full \(1 messages\)"):
            counter.tell_nowait(Add())
        release.set()
        assert await counter.ask(Get()) == 1


async def test_an_actor_telling_itself_on_a_full_mailbox_fails_instead_of_hanging() -> None:
    class Echoer(Actor):
        async def receive(self, message: object) -> object:
            for _ in range(3):
                await self.ref.tell("again")
            return None

    async with ActorSystem(mailbox_capacity=2) as system:
        echoer = await system.spawn(Echoer, name="echoer")
        with pytest.raises(MailboxFull):
            await echoer.ask("start")


async def test_a_long_batch_lets_other_actors_run() -> None:
    order: list[str] = []

    class Recorder(Actor):
        async def receive(self, message: object) -> object:
            order.append(self.name)
            return None

    async with ActorSystem(mailbox_capacity=10_000) as system:
        first = await system.spawn(Recorder, name="first")
        second = await system.spawn(Recorder, name="second")
        for _ in range(2_000):
            first.tell_nowait("x")
        for _ in range(2_000):
            second.tell_nowait("x")
        await system.settle()
    assert len(order) == 4_000
    # Neither actor ran its whole mailbox before the other got a turn.
    assert order.index("second") < order.count("first")
    assert order[-1] == "second"
    assert "first" in order[order.index("second") :]
