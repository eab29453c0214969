"""A stop that runs out of time (``stop_timeout``) cancels what the actor does, as an anyio
cancel scope does: again at each wait until the actor is out of it, never inside a shielded
scope, the ``on_stop`` hook included but not the ending of its tasks and children."""

from __future__ import annotations

from typing import ClassVar

import anyio
import pytest

from kube_actors.actors import Actor, ActorSystem
from kube_actors.errors import ActorStopped

from ._actors import Add, Block, Counter, Get


class Recorder(Counter):
    """A counter that notes what happened to it in ``events``."""

    events: ClassVar[list[str]] = []

    async def on_stop(self) -> None:
        Recorder.events.append("on_stop")

    async def on_failure(self, error: BaseException) -> None:
        Recorder.events.append(f"on_failure {error}")


async def _seconds_to_stop_while_busy(factory: type[Actor]) -> float:
    """Spawn, give it a message to handle, and stop it with a 1 s timeout: how long it took."""
    async with ActorSystem(stop_timeout=1) as system:
        busy = await system.spawn(factory, name="busy")
        await busy.tell("work")
        await system.settle()
        began = anyio.current_time()
        await system.stop(busy)
        return anyio.current_time() - began


@pytest.fixture(autouse=True)
def _fresh_events() -> None:
    Recorder.events = []


async def test_a_handler_that_outlasts_the_stop_timeout_is_cancelled_and_on_stop_skipped() -> None:
    async with ActorSystem(stop_timeout=2) as system:
        recorder = await system.spawn(Recorder, name="recorder")
        await recorder.tell(Block(anyio.Event()))  # never released
        await recorder.tell(Add())
        asking = []

        async def ask() -> None:
            try:
                await recorder.ask(Get())
            except ActorStopped as error:
                asking.append(error)

        async with anyio.create_task_group() as tg:
            tg.start_soon(ask)
            await system.settle()
            began = anyio.current_time()
            await system.stop(recorder)
            assert anyio.current_time() - began == 2
        assert len(asking) == 1
        assert Recorder.events == []
        assert "recorder" not in system


async def test_a_handler_that_waits_again_after_the_cancellation_is_cancelled_again() -> None:
    waits: list[str] = []

    class Stubborn(Actor):
        async def receive(self, message: object) -> object:
            try:
                await anyio.sleep(100)
            except anyio.get_cancelled_exc_class():
                waits.append("first")
                try:
                    await anyio.sleep(100)
                except anyio.get_cancelled_exc_class():
                    waits.append("second")
                    raise
            return None

    assert await _seconds_to_stop_while_busy(Stubborn) == 1
    assert waits == ["first", "second"]


async def test_a_shielded_cleanup_in_a_handler_outlives_a_forced_stop() -> None:
    cleaned: list[float] = []

    class Careful(Actor):
        async def receive(self, message: object) -> object:
            try:
                await anyio.sleep(100)
            finally:
                with anyio.CancelScope(shield=True):
                    await anyio.sleep(5)
                    cleaned.append(anyio.current_time())
            return None

    assert await _seconds_to_stop_while_busy(Careful) == 6
    assert len(cleaned) == 1


async def test_an_on_stop_that_outlasts_the_stop_timeout_is_cancelled() -> None:
    class SlowStop(Actor):
        async def on_stop(self) -> None:
            try:
                await anyio.sleep(100)
            except anyio.get_cancelled_exc_class():
                Recorder.events.append("on_stop cancelled")
                raise

    async with ActorSystem(stop_timeout=3) as system:
        slow = await system.spawn(SlowStop, name="slow")
        began = anyio.current_time()
        await system.stop(slow)
        assert anyio.current_time() - began == 3
        assert Recorder.events == ["on_stop cancelled"]
        assert "slow" not in system


async def test_a_stop_running_out_while_the_children_stop_cancels_on_stop_once_they_have() -> None:
    release = anyio.Event()

    class Parent(Actor):
        async def on_start(self) -> None:
            child = await self.spawn(Counter, name="child")
            await child.tell(Block(release))

        async def on_stop(self) -> None:
            Recorder.events.append("on_stop began")
            try:
                await anyio.sleep(1)
            except anyio.get_cancelled_exc_class():
                Recorder.events.append("on_stop cancelled")
                raise
            Recorder.events.append("on_stop ended")

    async with ActorSystem(stop_timeout=1) as system:
        parent = await system.spawn(Parent, name="parent")
        await system.settle()
        began = anyio.current_time()
        async with anyio.create_task_group() as tg:
            tg.start_soon(system.stop, parent)
            await anyio.sleep(5)  # the child's handler holds it (and its parent) meanwhile
            assert "parent" in system
            release.set()
        assert anyio.current_time() - began == 5
        assert Recorder.events == ["on_stop began", "on_stop cancelled"]
        assert "parent" not in system
        assert "child" not in system


async def test_an_actor_stopping_itself_through_the_system_is_cut_short_at_once() -> None:
    class Quitter(Recorder):
        async def receive(self, message: object) -> object:
            await self.system.stop(self.ref)
            Recorder.events.append("after the stop")
            return "bye"

    async with ActorSystem() as system:
        quitter = await system.spawn(Quitter, name="quitter")
        with pytest.raises(ActorStopped):
            await quitter.ask("quit")
        await quitter.wait_stopped()
        assert Recorder.events == []


async def test_a_failed_background_task_cancels_the_handler_again_at_each_wait() -> None:
    class Worker(Recorder):
        async def on_start(self) -> None:
            self.start_soon(self.fail_soon)

        async def fail_soon(self) -> None:
            await anyio.sleep(1)
            raise RuntimeError("background")

        async def receive(self, message: object) -> object:
            try:
                await anyio.sleep(100)
            except anyio.get_cancelled_exc_class():
                Recorder.events.append("cancelled")
                await anyio.sleep(100)  # cancelled again
            return None

    async with ActorSystem() as system:
        worker = await system.spawn(Worker, name="worker")
        await worker.tell("work")
        await anyio.sleep(2)
        assert Recorder.events == ["cancelled", "on_failure background"]
        assert worker.statistics().restarts == 1


async def test_a_stop_running_out_after_a_background_failure_still_sees_the_crash() -> None:
    # The failure's cancellation has ended the service when the stop runs out (while a child
    # stops): the crash is the incarnation's, its on_failure runs and is what the stop
    # cancels, which ends the actor there (no restart).
    release = anyio.Event()

    class Worker(Actor):
        async def on_start(self) -> None:
            child = await self.spawn(Counter, name="child")
            await child.tell(Block(release))
            self.start_soon(self.fail_soon)

        async def fail_soon(self) -> None:
            await anyio.sleep(1)
            raise RuntimeError("background")

        async def receive(self, message: object) -> object:
            await anyio.sleep(100)
            return None

        async def on_failure(self, error: BaseException) -> None:
            Recorder.events.append(f"on_failure {error}")
            try:
                await anyio.sleep(1)
            except anyio.get_cancelled_exc_class():
                Recorder.events.append("on_failure cancelled")
                raise

    restarts: list[str] = []
    async with ActorSystem(stop_timeout=1) as system:
        system.add_restart_listener(lambda stats, error, delay: restarts.append(str(error)))
        worker = await system.spawn(Worker, name="worker")
        await worker.tell("work")
        await anyio.sleep(1.5)  # the task failed at 1: the handler is cancelled, the child holds
        async with anyio.create_task_group() as tg:
            tg.start_soon(system.stop, worker)
            await anyio.sleep(3)  # the stop runs out at 2.5
            release.set()
        assert Recorder.events == ["on_failure background", "on_failure cancelled"]
        assert restarts == []
        assert "worker" not in system
