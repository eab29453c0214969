"""Actor runtime benchmark: tell throughput, ask round trip, virtual time speed.

Run with ``python -m benchmarks.actors``. Each figure is printed beside a baseline measured in
the same run on the same machine:

- tell: one sender, one actor with a trivial handler, against a raw ``asyncio.Queue``
  producer/consumer pair (target: at least 1.5x);
- ask: sequential round trips, against a raw future-based request/response server
  (target: at most 1.3x its time per round trip);
- virtual time: 1,000 actors each waking every 10 simulated seconds for one simulated hour,
  in simulated seconds per wall second, against bare sleeping tasks on the same virtual loop
  (target: at least 1,000x real time).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import anyio

from kube_actors.actors import Actor, ActorSystem, Ask, VirtualTimeEventLoop, run

from ._report import Figure, print_figures


class _Done(Ask[int]):
    pass


class _Sink(Actor):
    def __init__(self) -> None:
        self.count = 0

    async def receive(self, message: object) -> object:
        if isinstance(message, _Done):
            return self.count
        self.count += 1
        return None


class _Echo(Actor):
    async def receive(self, message: object) -> object:
        return message


class _Ticker(Actor):
    def __init__(self) -> None:
        self.ticks = 0

    async def on_start(self) -> None:
        self.send_after(10.0, "tick")

    async def receive(self, message: object) -> object:
        self.ticks += 1
        self.send_after(10.0, "tick")
        return None


async def raw_queue_throughput(n: int) -> float:
    queue: asyncio.Queue[int | None] = asyncio.Queue()

    async def consume() -> None:
        while await queue.get() is not None:
            pass

    start = time.perf_counter()
    consumer = asyncio.ensure_future(consume())
    for i in range(n):
        await queue.put(i)
    await queue.put(None)
    await consumer
    return n / (time.perf_counter() - start)


async def tell_throughput(n: int) -> float:
    done = _Done()
    async with ActorSystem() as system:
        sink = await system.spawn(_Sink)
        start = time.perf_counter()
        for i in range(n):
            await sink.tell(i)
        handled = await sink.ask(done)
        elapsed = time.perf_counter() - start
    assert handled == n
    return n / elapsed


async def raw_future_round_trip(n: int) -> float:
    loop = asyncio.get_running_loop()
    requests: asyncio.Queue[tuple[object, asyncio.Future[object]] | None] = asyncio.Queue()

    async def serve() -> None:
        while (item := await requests.get()) is not None:
            message, reply = item
            reply.set_result(message)

    server = asyncio.ensure_future(serve())
    start = time.perf_counter()
    for i in range(n):
        reply: asyncio.Future[object] = loop.create_future()
        requests.put_nowait((i, reply))
        await reply
    elapsed = time.perf_counter() - start
    await requests.put(None)
    await server
    return elapsed / n * 1e6


async def ask_round_trip(n: int) -> float:
    async with ActorSystem() as system:
        echo = await system.spawn(_Echo)
        start = time.perf_counter()
        for i in range(n):
            await echo.ask(i)
        elapsed = time.perf_counter() - start
    return elapsed / n * 1e6


async def _bare_sleepers(actors: int, hours: float) -> None:
    async def sleeper() -> None:
        for _ in range(int(hours * 3600 / 10)):
            await asyncio.sleep(10.0)

    async with anyio.create_task_group() as tg:
        for _ in range(actors):
            tg.start_soon(sleeper)


async def _ticking_actors(actors: int, hours: float) -> None:
    async with ActorSystem() as system:
        for i in range(actors):
            await system.spawn(_Ticker, name=f"ticker-{i}")
        await system.settle(horizon=hours * 3600 - 1)


def virtual_speed(
    main: Callable[[int, float], Coroutine[Any, Any, None]], actors: int, hours: float
) -> float:
    start = time.perf_counter()
    run(main, actors, hours, clock="virtual")
    return hours * 3600 / (time.perf_counter() - start)


def best_of(repeats: int, measure: Callable[[], float], *, higher_is_better: bool = True) -> float:
    samples = [measure() for _ in range(repeats)]
    return max(samples) if higher_is_better else min(samples)


def _on_loop(coro_fn: Callable[[int], Awaitable[float]], n: int) -> Callable[[], float]:
    def measure() -> float:
        result: Any = anyio.run(coro_fn, n, backend="asyncio")
        return float(result)

    return measure


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--asks", type=int, default=50_000)
    parser.add_argument("--actors", type=int, default=1_000)
    parser.add_argument("--hours", type=float, default=1.0)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    r = args.repeats

    raw_tell = best_of(r, _on_loop(raw_queue_throughput, args.messages))
    tell = best_of(r, _on_loop(tell_throughput, args.messages))
    raw_ask = best_of(r, _on_loop(raw_future_round_trip, args.asks), higher_is_better=False)
    ask = best_of(r, _on_loop(ask_round_trip, args.asks), higher_is_better=False)
    bare = statistics.median(
        virtual_speed(_bare_sleepers, args.actors, args.hours) for _ in range(3)
    )
    actors = statistics.median(
        virtual_speed(_ticking_actors, args.actors, args.hours) for _ in range(3)
    )
    print_figures(
        "kube_actors.actors",
        [
            Figure(
                name="tell throughput",
                value=tell / 1e3,
                unit="k msg/s",
                baseline_name="asyncio.Queue",
                baseline=raw_tell / 1e3,
                target=">= 1.5x",
            ),
            Figure(
                name="ask round trip",
                value=ask,
                unit="µs",
                baseline_name="raw future",
                baseline=raw_ask,
                target="<= 1.3x",
                higher_is_better=False,
            ),
            Figure(
                name=f"virtual time, {args.actors} actors ticking every 10 s",
                value=actors,
                unit="sim s / wall s",
                baseline_name="bare sleeping tasks",
                baseline=bare,
                target=">= 1,000 sim s / wall s",
            ),
        ],
    )
    _ = VirtualTimeEventLoop  # the loop both virtual-time figures run on


if __name__ == "__main__":
    main()
