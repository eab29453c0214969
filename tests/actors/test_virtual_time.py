from __future__ import annotations

import asyncio
import contextvars
import socket
import threading
import time
from datetime import UTC, datetime, timedelta

import anyio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kube_actors.actors import (
    DEFAULT_EPOCH,
    Actor,
    ActorSystem,
    VirtualTimeEventLoop,
    is_virtual_time,
    monotonic,
    run,
    wall_clock,
    wall_clock_whole_seconds,
)


async def test_a_300_second_wait_takes_exactly_300_simulated_seconds() -> None:
    wall_start = time.perf_counter()
    start = monotonic()
    await asyncio.sleep(300)
    assert monotonic() - start == 300.0
    await anyio.sleep(0.25)
    assert monotonic() - start == 300.25
    # Proof that nothing waited on the wall clock: a real wait would take 300 s.
    assert time.perf_counter() - wall_start < 30


async def test_fail_after_and_move_on_after_follow_virtual_time() -> None:
    start = monotonic()
    with pytest.raises(TimeoutError):
        with anyio.fail_after(42):
            await asyncio.sleep(3600)
    assert monotonic() - start == 42.0
    with anyio.move_on_after(7):
        await anyio.Event().wait()
    assert monotonic() - start == 49.0


async def test_timers_fire_in_order_of_their_deadlines() -> None:
    fired: list[tuple[float, str]] = []
    loop = asyncio.get_running_loop()

    def fire(label: str) -> None:
        fired.append((loop.time(), label))

    for delay, label in [(30, "c"), (10, "a"), (20, "b"), (10, "a2")]:
        loop.call_later(delay, fire, label)
    await asyncio.sleep(31)
    assert fired == [(10.0, "a"), (10.0, "a2"), (20.0, "b"), (30.0, "c")]


async def test_the_simulated_wall_clock_starts_at_the_epoch() -> None:
    assert is_virtual_time()
    assert wall_clock() == DEFAULT_EPOCH
    await asyncio.sleep(90)
    assert wall_clock() == datetime(2026, 1, 1, 0, 1, 30, tzinfo=UTC)
    assert wall_clock() - DEFAULT_EPOCH == timedelta(seconds=90)


async def test_the_whole_second_wall_clock_drops_the_fraction_and_follows_the_clock() -> None:
    loop = asyncio.get_running_loop()
    await asyncio.sleep(10.75)
    assert wall_clock_whole_seconds() == datetime(2026, 1, 1, 0, 0, 10, tzinfo=UTC)
    assert wall_clock_whole_seconds() == wall_clock().replace(microsecond=0)
    await asyncio.sleep(0.5)  # into the next second
    assert wall_clock_whole_seconds() == datetime(2026, 1, 1, 0, 0, 11, tzinfo=UTC)
    assert isinstance(loop, VirtualTimeEventLoop)
    loop.epoch = datetime(2030, 1, 1, tzinfo=UTC)  # a new epoch is a new instant too
    assert wall_clock_whole_seconds() == datetime(2030, 1, 1, 0, 0, 11, tzinfo=UTC)


def test_the_whole_second_wall_clock_on_real_time_has_no_fraction() -> None:
    async def main() -> datetime:
        return wall_clock_whole_seconds()

    before = datetime.now(UTC).replace(microsecond=0)
    now = run(main, clock="real")
    assert now.microsecond == 0
    assert before <= now <= datetime.now(UTC)


async def test_work_in_a_thread_executor_is_waited_for_in_real_time() -> None:
    loop = asyncio.get_running_loop()
    start = monotonic()

    def slow() -> str:
        time.sleep(0.05)
        return "done"

    with anyio.fail_after(10):  # virtual: would fire at once if the clock jumped past it
        assert await loop.run_in_executor(None, slow) == "done"
    assert monotonic() == start


async def test_actor_timers_deliver_their_message_after_exactly_the_delay() -> None:
    received: list[tuple[float, object]] = []

    class Alarm(Actor):
        async def on_start(self) -> None:
            self.send_after(10, "first")
            self.send_after(2.5, "second")
            cancelled = self.send_after(5, "never")
            cancelled.cancel()

        async def receive(self, message: object) -> object:
            received.append((self.now, message))
            return None

    async with ActorSystem() as system:
        await system.spawn(Alarm, name="alarm")
        await system.settle(horizon=60)
    assert received == [(2.5, "second"), (10.0, "first")]


@pytest.mark.real_time
async def test_real_time_tests_run_on_an_ordinary_loop() -> None:
    assert not is_virtual_time()
    assert abs(wall_clock() - datetime.now(UTC)) < timedelta(seconds=5)


def test_run_drives_a_coroutine_on_virtual_or_real_time() -> None:
    async def elapsed_after_an_hour() -> float:
        start = monotonic()
        await anyio.sleep(3600)
        return monotonic() - start

    assert run(elapsed_after_an_hour) == 3600.0

    async def virtual() -> bool:
        return is_virtual_time()

    assert run(virtual, clock="real") is False


def _callbacks_as_run(loop: asyncio.AbstractEventLoop) -> list[tuple[str, object]]:
    """What ``call_soon`` makes of callbacks given in a row: their order, arguments and the
    context each runs in, one cancelled on the way."""
    marker: contextvars.ContextVar[str] = contextvars.ContextVar("marker", default="none")
    ran: list[tuple[str, object]] = []
    context = contextvars.copy_context()
    context.run(marker.set, "given")

    def note(label: str, *rest: object) -> None:
        ran.append((label, (rest, marker.get())))

    async def main() -> None:
        loop.call_soon(note, "first", 1, 2)
        dropped = loop.call_soon(note, "cancelled")
        loop.call_soon(note, "with context", context=context)
        loop.call_soon(note, "last")
        dropped.cancel()
        await asyncio.sleep(0)
        await asyncio.sleep(0)

    loop.run_until_complete(main())
    loop.close()
    with pytest.raises(RuntimeError, match="closed"):
        loop.call_soon(note, "after close")
    return ran


def test_call_soon_runs_callbacks_as_asyncio_s_own_loop_does() -> None:
    # The virtual loop's ``call_soon`` skips asyncio's per-call checks; the outcome is the same.
    virtual = _callbacks_as_run(VirtualTimeEventLoop())
    assert virtual == _callbacks_as_run(asyncio.SelectorEventLoop())
    assert [label for label, _ in virtual] == ["first", "with context", "last"]


def test_call_soon_in_debug_mode_keeps_asyncio_s_checks() -> None:
    loop = VirtualTimeEventLoop()
    loop.set_debug(True)
    try:

        async def not_a_callback() -> None: ...

        with pytest.raises(TypeError, match="coroutines cannot be used with call_soon"):
            loop.call_soon(not_a_callback)
    finally:
        loop.close()


async def _spin_until(done: asyncio.Event, most: int = 1_000) -> int:
    """Keep a callback ready on every turn of the loop until ``done`` (or ``most`` turns
    passed): the turns it took."""
    turns = 0
    while not done.is_set() and turns < most:
        turns += 1
        await asyncio.sleep(0)
    return turns


async def test_a_busy_loop_still_serves_a_socket_that_is_ready() -> None:
    # A turn with callbacks ready polls I/O once a socket is registered (the loop skips the
    # poll only when nothing but its own wake-up socket is).
    loop = asyncio.get_running_loop()
    left, right = socket.socketpair()
    left.setblocking(False)
    done = asyncio.Event()
    try:
        loop.add_reader(left.fileno(), done.set)
        right.send(b"x")
        turns = await _spin_until(done)
    finally:
        loop.remove_reader(left.fileno())
        left.close()
        right.close()
    assert turns < 10


async def test_a_busy_loop_runs_what_another_thread_hands_it() -> None:
    # With nothing registered but the loop's own wake-up socket, a thread's callback still
    # runs while the loop is busy: it is queued, the socket only wakes a quiet loop.
    loop = asyncio.get_running_loop()
    done = asyncio.Event()
    thread = threading.Thread(target=loop.call_soon_threadsafe, args=(done.set,))
    thread.start()
    thread.join()  # its callback is queued, and the socket written
    turns = await _spin_until(done)
    assert done.is_set()
    assert turns < 10


@settings(max_examples=50, deadline=None)
@given(
    deadlines=st.lists(st.sampled_from([1.0, 2.0, 3.0, 5.0]), min_size=2, max_size=40),
    cancelled=st.sets(st.integers(0, 39)),
)
def test_timers_due_at_one_instant_fire_in_the_order_they_were_scheduled(
    deadlines: list[float], cancelled: set[int]
) -> None:
    # asyncio's heap breaks ties between equal deadlines by its shape, which every other
    # pending timer changes; on virtual time many timers fall due together and their order
    # decides outcomes, so ties go to the timer scheduled first.
    fired: list[int] = []

    async def main() -> None:
        loop = asyncio.get_running_loop()
        timers = [loop.call_at(when, fired.append, i) for i, when in enumerate(deadlines)]
        for i in cancelled & set(range(len(timers))):
            timers[i].cancel()
        await asyncio.sleep(max(deadlines) + 1)

    run(main)
    expected = sorted(
        (i for i in range(len(deadlines)) if i not in cancelled), key=lambda i: deadlines[i]
    )
    assert fired == expected
