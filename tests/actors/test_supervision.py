from __future__ import annotations

import asyncio

import anyio
import pytest
from structlog.testing import capture_logs

from kube_actors.actors import Actor, ActorRef, ActorSystem, Supervision
from kube_actors.errors import ActorEscalated, ActorStopped

from ._actors import Add, Block, Counter, Fail, Get


async def test_a_crashed_actor_restarts_with_fresh_state_and_keeps_its_mailbox() -> None:
    async with ActorSystem() as system:
        counter = await system.spawn(Counter, name="counter")
        await counter.tell(Add(5))
        await counter.tell(Fail())
        await counter.tell(Add(1))  # queued behind the crash: survives it
        assert await counter.ask(Get()) == 1
        assert counter.statistics().restarts == 1


async def test_restarts_back_off_exponentially_on_the_running_clock() -> None:
    restarted_at: list[float] = []

    class Fragile(Counter):
        async def on_start(self) -> None:
            restarted_at.append(asyncio.get_running_loop().time())

    policy = Supervision(max_restarts=3, within=60.0, backoff_initial=1.0, backoff_max=10.0)
    async with ActorSystem(supervision=policy) as system:
        fragile = await system.spawn(Fragile, name="fragile")
        for _ in range(3):
            await fragile.tell(Fail())
            await system.settle(horizon=60)
        assert restarted_at == [0.0, 1.0, 3.0, 7.0]


async def test_a_crash_is_logged_with_the_message_that_caused_it() -> None:
    async with ActorSystem() as system:
        counter = await system.spawn(Counter, name="counter")
        with capture_logs() as logs:
            await counter.tell(Fail("disk on fire"))
            await system.settle(horizon=1)
    crash = next(entry for entry in logs if entry["event"] == "actor_crashed")
    assert crash["actor"] == "counter"
    assert crash["component"] == "test"
    assert crash["message"] == "Fail(reason='disk on fire')"
    assert str(crash["exc_info"]) == "disk on fire"
    assert any(entry["event"] == "actor_restarting" for entry in logs)


async def test_on_failure_sees_the_error_before_the_restart() -> None:
    seen: list[str] = []

    class Watcher(Counter):
        async def on_failure(self, error: BaseException) -> None:
            seen.append(str(error))

    async with ActorSystem() as system:
        watcher = await system.spawn(Watcher, name="watcher")
        await watcher.tell(Fail("first"))
        await system.settle(horizon=1)
    assert seen == ["first"]


async def test_a_failing_background_task_crashes_its_actor() -> None:
    class Worker(Counter):
        async def on_start(self) -> None:
            if Counter.instances == 1:
                self.start_soon(self.fail_later)

        async def fail_later(self) -> None:
            await asyncio.sleep(5)
            raise RuntimeError("background failure")

    Counter.instances = 0
    async with ActorSystem() as system:
        worker = await system.spawn(Worker, name="worker")
        await system.settle(horizon=10)
        assert worker.statistics().restarts == 1
        assert await worker.ask(Get()) == 0


async def test_too_many_restarts_escalate_to_the_parent_which_restarts_its_children() -> None:
    parent_starts: list[float] = []
    child_policy = Supervision(max_restarts=2, within=100.0, backoff_initial=0.0)

    class Parent(Actor):
        child: ActorRef

        async def on_start(self) -> None:
            parent_starts.append(asyncio.get_running_loop().time())
            self.child = await self.spawn(Counter, name="child", supervision=child_policy)

        async def receive(self, message: object) -> object:
            return self.child

    async with ActorSystem() as system:
        parent = await system.spawn(Parent, name="parent")
        child = await parent.ask("child?")
        for _ in range(3):  # the third failure is one more than max_restarts allows
            await child.tell(Fail())
            await system.settle(horizon=5)
        assert len(parent_starts) == 2
        assert parent.statistics().restarts == 1
        new_child = await parent.ask("child?")
        assert new_child.alive
        assert new_child.statistics().restarts == 0
        assert await new_child.ask(Get()) == 0


async def test_failures_older_than_the_window_do_not_count() -> None:
    policy = Supervision(max_restarts=1, within=10.0, backoff_initial=0.0)
    async with ActorSystem(supervision=policy) as system:
        counter = await system.spawn(Counter, name="counter")
        for _ in range(3):
            await counter.tell(Fail())
            await system.settle()
            await asyncio.sleep(11)
        assert counter.statistics().restarts == 3


async def test_escalation_past_the_root_stops_the_system_and_raises_from_async_with() -> None:
    policy = Supervision(max_restarts=0, within=10.0)
    reached_the_end = False

    async def scenario() -> None:
        nonlocal reached_the_end
        async with ActorSystem(supervision=policy) as system:
            counter = await system.spawn(Counter, name="counter")
            await counter.tell(Fail("fatal"))
            await asyncio.sleep(3600)
            reached_the_end = True

    with pytest.raises(ActorEscalated, match="'counter' failed more than 0 times") as raised:
        await scenario()
    assert str(raised.value.__cause__) == "fatal"
    assert not reached_the_end  # the body was cancelled


async def test_without_escalation_a_crash_loop_restarts_forever_with_a_doubling_back_off() -> None:
    restarted_at: list[float] = []
    reports: list[tuple[str, bool, float]] = []

    class Looping(Counter):
        async def on_start(self) -> None:
            restarted_at.append(asyncio.get_running_loop().time())

    policy = Supervision(
        max_restarts=2, within=10.0, backoff_initial=1.0, backoff_max=8.0, escalate=False
    )
    async with ActorSystem(supervision=policy) as system:
        system.add_restart_listener(
            lambda stats, error, delay: reports.append((str(error), stats.crash_looping, delay))
        )
        looping = await system.spawn(Looping, name="looping")
        for _ in range(6):  # twice the intensity: this once escalated
            await looping.tell(Fail("again"))
            await system.settle(horizon=60)
        stats = looping.statistics()
        assert (stats.restarts, stats.state) == (6, "running")
        assert (stats.crash_looping, stats.last_error) == (True, "RuntimeError('again')")
        assert restarted_at == [0.0, 1.0, 3.0, 7.0, 15.0, 23.0, 31.0]  # capped at 8 s
        assert [r[2] for r in reports] == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
        assert [r[1] for r in reports] == [False, False, True, True, True, True]
        # Once it has run twice the longest back-off without failing, it is healthy again
        # and its back-off starts over.
        await asyncio.sleep(16)
        assert not looping.statistics().crash_looping
        await looping.tell(Fail())
        await system.settle(horizon=60)
        assert reports[-1] == ("boom", False, 1.0)


async def test_an_ask_in_hand_when_a_background_task_crashes_its_actor_fails_not_hangs() -> None:
    class Worker(Counter):
        async def on_start(self) -> None:
            self.start_soon(self.fail_later)

        async def fail_later(self) -> None:
            await asyncio.sleep(1)
            raise RuntimeError("background failure")

    async with ActorSystem() as system:
        worker = await system.spawn(Worker, name="worker")
        with pytest.raises(ActorStopped):
            await worker.ask(Block(anyio.Event()))


async def test_an_actors_background_tasks_end_with_its_incarnation() -> None:
    ended: list[str] = []

    class Watcher(Counter):
        async def on_start(self) -> None:
            self.start_soon(self.watch, name="watch")

        async def watch(self) -> None:
            try:
                await asyncio.get_running_loop().create_future()  # until cancelled
            finally:
                ended.append(f"watch {Counter.instances}")

    Counter.instances = 0
    async with ActorSystem() as system:
        watcher = await system.spawn(Watcher, name="watcher")
        await watcher.tell(Fail())
        await system.settle(horizon=5)
        assert ended == ["watch 1"]  # the crashed incarnation's; the new one's runs
        await watcher.stop()
        assert ended == ["watch 1", "watch 2"]


async def test_a_background_task_that_fails_while_cancelled_is_its_actors_crash() -> None:
    class Stubborn(Counter):
        async def on_start(self) -> None:
            self.start_soon(self.refuse)

        async def refuse(self) -> None:
            try:
                await asyncio.get_running_loop().create_future()
            finally:
                raise RuntimeError("failed while cancelled")

    async with ActorSystem() as system:
        stubborn = await system.spawn(Stubborn, name="stubborn")
        with capture_logs() as logs:
            await stubborn.stop()
    crashes = [log for log in logs if log["event"] == "actor_crashed"]
    assert [str(log["exc_info"]) for log in crashes] == ["failed while cancelled"]


async def test_a_background_task_costs_its_actor_about_what_a_plain_task_costs() -> None:
    # Every kubelet watches in such tasks: an anyio task group's task carries a handle, a
    # cancel scope and events, about three times the objects the collector must scan.
    import gc

    class Idle(Counter):
        async def on_start(self) -> None:
            for _ in range(100):
                self.start_soon(self.wait)

        async def wait(self) -> None:
            await asyncio.get_running_loop().create_future()

    async with ActorSystem() as system:
        await system.spawn(Counter, name="warm-up")
        await system.settle()
        gc.collect()
        before = len(gc.get_objects())
        await system.spawn(Idle, name="idle")
        await system.settle()
        gc.collect()
        per_task = (len(gc.get_objects()) - before) / 100
        assert per_task < 12
