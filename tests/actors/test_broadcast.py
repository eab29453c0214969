from __future__ import annotations

import anyio
import anyio.lowlevel
import pytest

from kube_actors.actors import Broadcast, Lagged


def test_every_reader_gets_every_item_once_in_order() -> None:
    log: Broadcast[int] = Broadcast()
    readers = [log.subscribe() for _ in range(3)]
    log.publish([1, 2])
    log.publish([3])
    for reader in readers:
        assert list(reader.poll()) == [1, 2, 3]
        assert list(reader.poll()) == []


async def test_a_waiting_reader_wakes_once_for_everything_published_meanwhile() -> None:
    log: Broadcast[str] = Broadcast()
    reader = log.subscribe()
    batches: list[list[str]] = []

    async def read() -> None:
        batches.append(list(await reader.next_batch()))

    async with anyio.create_task_group() as tg:
        tg.start_soon(read)
        await anyio.lowlevel.checkpoint()  # the reader is waiting now
        log.publish(["a"])
        log.publish(["b", "c"])
    assert batches == [["a", "b", "c"]]


def test_a_reader_can_start_from_a_retained_position() -> None:
    log: Broadcast[int] = Broadcast(retain=5)
    log.publish(list(range(10)))
    assert log.position_after(6, key=lambda item: item) == 7
    late = log.subscribe(log.position_after(6, key=lambda item: item))
    assert list(late.poll()) == [7, 8, 9]
    with pytest.raises(ValueError, match="not held"):
        log.subscribe(log.end + 1)


def test_a_reader_too_far_behind_is_dropped_with_lagged_and_the_log_trimmed() -> None:
    log: Broadcast[int] = Broadcast(max_lag=10)
    slow = log.subscribe()
    fast = log.subscribe()
    for i in range(2_000):
        log.publish([i])
        fast.poll()
    with pytest.raises(Lagged, match="more than 10 items behind"):
        slow.poll()
    assert slow.ended
    assert len(log.held()) < 1_100  # trimmed down to what the fast reader has not read
    assert list(fast.poll()) == []


async def test_a_closed_reader_reads_nothing_more_and_leaves_the_log() -> None:
    log: Broadcast[int] = Broadcast()
    reader = log.subscribe()
    log.publish([1])
    reader.close()
    assert list(reader.poll()) == []
    assert await reader.next_batch() == ()
    assert log.subscribers == 0


def test_trim_every_one_drops_what_every_reader_took_at_the_next_publish() -> None:
    log: Broadcast[int] = Broadcast(trim_every=1)
    fast, slow = log.subscribe(), log.subscribe()
    log.publish([1, 2])
    assert list(fast.poll()) == [1, 2]
    log.publish([3])
    assert log.start == 0  # the slow reader has not taken 1 and 2 yet
    assert list(slow.poll()) == [1, 2, 3]
    assert list(fast.poll()) == [3]
    log.publish([4])
    assert (log.start, list(log.held())) == (3, [4])
    defaults: Broadcast[int] = Broadcast()
    reader = defaults.subscribe()
    defaults.publish([1, 2])
    assert list(reader.poll()) == [1, 2]
    defaults.publish([3])
    assert defaults.start == 0  # by default, kept until a thousand more came


def test_a_trim_every_below_one_is_refused_naming_it() -> None:
    with pytest.raises(ValueError, match="trim_every must be positive, not 0"):
        Broadcast(trim_every=0)
