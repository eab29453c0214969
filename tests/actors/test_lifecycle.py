from __future__ import annotations

import anyio
import pytest

from kube_actors.actors import Actor, ActorSystem
from kube_actors.errors import ActorError, ActorNameTaken, ActorNotFound, ActorStopped

from ._actors import Add, Block, Counter, Get


async def test_stop_lets_the_message_in_hand_finish_and_fails_the_queued_askers() -> None:
    async with ActorSystem() as system:
        counter = await system.spawn(Counter, name="counter")
        release = anyio.Event()
        await counter.tell(Block(release))
        await system.settle()
        outcomes: list[object] = []

        async def ask_count() -> None:
            try:
                outcomes.append(await counter.ask(Get()))
            except ActorStopped as error:
                outcomes.append(error)

        async with anyio.create_task_group() as tg:
            tg.start_soon(ask_count)
            await system.settle()
            tg.start_soon(counter.stop)
            await system.settle()
            assert counter.statistics().state == "stopping"
            release.set()
        assert len(outcomes) == 1
        assert isinstance(outcomes[0], ActorStopped)
        assert "stopped before handling Get" in str(outcomes[0])
        assert "counter" not in system


async def test_actors_stop_in_reverse_order_of_their_start_children_first() -> None:
    stopped: list[str] = []

    class Recorder(Actor):
        async def on_start(self) -> None:
            if self.name == "parent":
                await self.spawn(Recorder, name="child-1")
                await self.spawn(Recorder, name="child-2")

        async def on_stop(self) -> None:
            stopped.append(self.name)

    async with ActorSystem() as system:
        for name in ("first", "parent", "last"):
            await system.spawn(Recorder, name=name)
        assert system.statistics()["parent"].children == ("child-1", "child-2")
    assert stopped == ["last", "child-2", "child-1", "parent", "first"]


async def test_names_are_unique_and_lookups_of_unknown_names_fail_clearly() -> None:
    async with ActorSystem() as system:
        await system.spawn(Counter, name="counter")
        with pytest.raises(ActorNameTaken, match="an actor named 'counter' already exists"):
            await system.spawn(Counter, name="counter")
        with pytest.raises(ActorNotFound, match="no actor named 'nobody'"):
            system.lookup("nobody")
        generated = await system.spawn(Counter)
        assert generated.name == "counter-1"


async def test_a_stopped_actors_name_can_be_reused() -> None:
    async with ActorSystem() as system:
        first = await system.spawn(Counter, name="counter")
        await first.tell(Add(3))
        await system.stop(first)
        second = await system.spawn(Counter, name="counter")
        assert await second.ask(Get()) == 0


async def test_statistics_report_depth_handled_and_restarts() -> None:
    async with ActorSystem(mailbox_capacity=8) as system:
        counter = await system.spawn(Counter, name="counter")
        release = anyio.Event()
        await counter.tell(Block(release))
        await counter.tell(Add())
        await counter.tell(Add())
        await system.settle()
        stats = system.statistics()["counter"]
        # Block is still in hand: handled counts finished messages.
        assert (stats.mailbox_depth, stats.mailbox_capacity, stats.handled) == (2, 8, 0)
        assert (stats.state, stats.component, stats.restarts) == ("running", "test", 0)
        release.set()
        await system.settle()
        assert system.statistics()["counter"].handled == 3


async def test_spawning_outside_a_running_system_is_an_error() -> None:
    system = ActorSystem()
    with pytest.raises(ActorError, match="not running"):
        await system.spawn(Counter)


async def test_an_actor_can_stop_itself() -> None:
    class Quitter(Actor):
        async def receive(self, message: object) -> object:
            self.stop()
            return "bye"

    async with ActorSystem() as system:
        quitter = await system.spawn(Quitter, name="quitter")
        assert await quitter.ask("quit") == "bye"
        await quitter.wait_stopped()
        assert not quitter.alive


async def test_a_spawn_cancelled_before_on_start_returns_takes_the_actor_along() -> None:
    started = anyio.Event()
    release = anyio.Event()

    class SlowStart(Actor):
        async def on_start(self) -> None:
            started.set()
            await release.wait()

        async def receive(self, message: object) -> object:
            return message

    async with ActorSystem() as system:
        async with anyio.create_task_group() as tg:
            tg.start_soon(lambda: system.spawn(SlowStart, name="slow"))
            await started.wait()
            tg.cancel_scope.cancel()
        await system.settle()
        assert "slow" not in system


async def test_waiting_for_a_stopped_actor_returns_at_once() -> None:
    async with ActorSystem() as system:
        counter = await system.spawn(Counter, name="counter")
        await counter.stop()
        with anyio.fail_after(1):
            await counter.wait_stopped()
        assert counter.statistics().state == "stopped"


async def test_a_started_idle_actor_keeps_few_objects_for_the_collector() -> None:
    # A pod worker is spawned with every Pod and a node starts several actors: what each keeps
    # (its cell, task, cancel scope, mailbox, waiting future) the collector scans. 37 before
    # one cancel scope an incarnation, shared callback contexts and lazy parts.
    import gc

    async with ActorSystem() as system:
        await system.spawn(Counter, name="warm-up")
        await system.settle()
        gc.collect()
        before = len(gc.get_objects())
        for i in range(200):
            await system.spawn(Counter, name=f"idle-{i}")
        await system.settle()
        gc.collect()
        per_actor = (len(gc.get_objects()) - before) / 200
        assert per_actor < 24


class _ManyTasks(Actor):
    """Starts ``count`` background tasks that note, as they are cancelled, which they were."""

    def __init__(self, count: int, cancelled: list[int]) -> None:
        self.count = count
        self.cancelled = cancelled

    async def on_start(self) -> None:
        for index in range(self.count):
            self.start_soon(self._wait, index)

    async def _wait(self, index: int) -> None:
        try:
            await anyio.sleep_forever()
        finally:
            self.cancelled.append(index)

    async def receive(self, message: object) -> object:
        return None


async def test_an_actors_tasks_are_cancelled_in_the_order_they_started() -> None:
    # What tasks do as they end (a pod's exit wait reports, a watch lets go) must happen in
    # the same order run after run: kept in a set, they were cancelled in the order of their
    # memory addresses.
    cancelled: list[int] = []
    async with ActorSystem() as system:
        many = await system.spawn(lambda: _ManyTasks(24, cancelled), name="many")
        await system.settle()
        await many.stop()
    assert cancelled == list(range(24))
