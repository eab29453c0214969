"""The work queue: client-go's guarantees, and its delays on virtual time."""

from __future__ import annotations

import asyncio

import anyio
import anyio.lowlevel
import pytest

from kube_actors.actors import monotonic
from kube_actors.reconcile import (
    ItemExponentialFailureRateLimiter,
    QueueShutDown,
    WorkQueue,
)


def _queue() -> WorkQueue[str]:
    return WorkQueue(ItemExponentialFailureRateLimiter(), name="test")


def test_an_item_added_twice_is_queued_once() -> None:
    queue = _queue()
    for item in ["a", "b", "a", "a"]:
        queue.add(item)
    assert len(queue) == 2
    assert [queue.get_nowait(), queue.get_nowait()] == ["a", "b"]
    assert queue.statistics().adds == 4


async def test_items_come_out_in_the_order_they_were_first_added() -> None:
    queue = _queue()
    for item in "cab":
        queue.add(item)
    assert [await queue.get() for _ in range(3)] == ["c", "a", "b"]


async def test_an_item_re_added_while_processing_waits_until_done() -> None:
    queue = _queue()
    queue.add("a")
    item = await queue.get()
    queue.add("a")
    queue.add("a")
    assert len(queue) == 0, "a worker holds it: it must not be handed to another"
    assert queue.statistics().processing == 1
    queue.done(item)
    assert len(queue) == 1
    assert await queue.get() == "a"
    queue.done("a")
    assert queue.statistics().processing == 0
    assert len(queue) == 0


async def test_done_without_a_re_add_does_not_queue_the_item_again() -> None:
    queue = _queue()
    queue.add("a")
    queue.done(await queue.get())
    assert len(queue) == 0


async def test_two_workers_never_hold_the_same_item_at_once() -> None:
    queue = _queue()
    holding: set[str] = set()
    handled: list[str] = []

    async def worker() -> None:
        async for item in queue:
            assert item not in holding
            holding.add(item)
            await anyio.sleep(1)
            queue.add(item if len(handled) < 6 else "other")  # a change while processing
            holding.discard(item)
            handled.append(item)
            queue.done(item)

    async with anyio.create_task_group() as tg:
        for _ in range(3):
            tg.start_soon(worker)
        queue.add("a")
        await anyio.sleep(20)
        queue.shutdown()
    assert handled[:6] == ["a"] * 6
    assert monotonic() == 20.0


async def test_a_waiting_worker_gets_the_item_added_later() -> None:
    queue = _queue()
    asyncio.get_running_loop().call_later(7, queue.add, "late")
    assert await queue.get() == "late"
    assert monotonic() == 7.0


async def test_a_cancelled_worker_passes_its_wake_up_to_the_next() -> None:
    queue = _queue()
    got: list[str] = []

    async def take() -> None:
        got.append(await queue.get())

    async with anyio.create_task_group() as tg:
        first = asyncio.ensure_future(take())
        tg.start_soon(take)
        await anyio.lowlevel.checkpoint()
        queue.add("x")  # wakes the first getter...
        first.cancel()  # ...which is cancelled before it can take the item
        await anyio.sleep(1)
    assert got == ["x"]
    assert first.cancelled()


async def test_add_after_queues_the_item_exactly_when_the_delay_is_over() -> None:
    queue = _queue()
    start = monotonic()
    queue.add_after("a", 2.5)
    assert len(queue) == 0
    assert queue.statistics().waiting == 1
    assert await queue.get() == "a"
    assert monotonic() == start + 2.5


def test_add_after_with_no_delay_queues_at_once() -> None:
    queue = _queue()
    queue.add_after("a", 0)
    queue.add_after("b", -1)
    assert len(queue) == 2


async def test_an_item_waiting_twice_keeps_the_earlier_deadline() -> None:
    queue = _queue()
    queue.add_after("a", 10)
    queue.add_after("a", 3)
    queue.add_after("a", 20)
    assert queue.statistics().waiting == 1
    assert await queue.get() == "a"
    assert monotonic() == 3.0
    queue.done("a")
    await anyio.sleep(30)
    assert len(queue) == 0, "the superseded deadlines must not add it again"


async def test_delayed_items_come_out_in_deadline_order() -> None:
    queue = _queue()
    for item, delay in [("c", 3.0), ("a", 1.0), ("b", 2.0)]:
        queue.add_after(item, delay)
    out = []
    for _ in range(3):
        out.append((await queue.get(), monotonic()))
    assert out == [("a", 1.0), ("b", 2.0), ("c", 3.0)]


async def test_rate_limited_retries_back_off_5_10_20_40_ms_exactly() -> None:
    queue = _queue()
    queue.add("a")
    for delay in [0.005, 0.01, 0.02, 0.04, 0.08, 0.16]:
        item = await queue.get()
        queue.done(item)
        start = monotonic()
        queue.add_rate_limited(item)  # it failed
        assert len(queue) == 0
        assert await queue.get() == "a"
        assert monotonic() == start + delay
        queue.done(item)
        queue.add(item)
    assert queue.num_requeues("a") == 6
    assert queue.statistics().retries == 6


async def test_forget_resets_the_back_off_to_5_ms() -> None:
    queue = _queue()
    for _ in range(4):
        queue.add_rate_limited("a")
        queue.done(await queue.get())
    queue.forget("a")
    assert queue.num_requeues("a") == 0
    start = monotonic()
    queue.add_rate_limited("a")
    await queue.get()
    assert monotonic() == start + 0.005


async def test_shutdown_hands_out_what_is_queued_then_ends_iteration() -> None:
    queue = _queue()
    queue.add("a")
    queue.add("b")
    queue.add_after("later", 5)
    queue.shutdown()
    queue.add("c")
    queue.add_rate_limited("d")
    seen = [item async for item in queue]
    assert seen == ["a", "b"]
    with pytest.raises(QueueShutDown):
        await queue.get()
    with pytest.raises(QueueShutDown):
        queue.get_nowait()
    stats = queue.statistics()
    assert stats.shutting_down
    assert stats.waiting == 0


async def test_shutdown_releases_idle_workers() -> None:
    queue = _queue()
    ended: list[int] = []

    async def worker(n: int) -> None:
        async for _ in queue:
            pass
        ended.append(n)

    async with anyio.create_task_group() as tg:
        for n in range(3):
            tg.start_soon(worker, n)
        await anyio.sleep(1)
        assert queue.statistics().idle_workers == 3
        queue.shutdown()
    assert sorted(ended) == [0, 1, 2]
    assert monotonic() == 1.0


def test_get_nowait_on_an_empty_queue_raises_lookup_error() -> None:
    with pytest.raises(LookupError, match="empty"):
        _queue().get_nowait()


async def test_statistics_report_depth_processing_waiting_and_retries() -> None:
    queue = _queue()
    queue.add("a")
    queue.add("b")
    await queue.get()
    queue.add_after("c", 1)
    queue.add_rate_limited("d")
    stats = queue.statistics()
    assert (stats.depth, stats.processing, stats.waiting, stats.retries) == (1, 1, 2, 1)
    assert "depth=1 processing=1 waiting=2" in repr(queue)
