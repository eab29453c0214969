"""Watch fan-out and store throughput of ``kube_actors.etcd``.

Run with ``python -m benchmarks.watch_fanout``. Figures, each beside a baseline measured in
the same run:

- fan-out: one writer puts events under ``pods/`` in bursts (it yields to the loop after
  each burst, as the etcd actor yields after a batch of mail); 1, 100 and 1,000 watchers of
  the prefix ``pods/`` each receive every event. Events delivered per second, summed over
  the watchers, for the ``WatchHub`` (one log, a cursor per watcher) against a queue per
  watcher (the writer puts each event in every watcher's ``asyncio.Queue``). Target: at
  least 10x at 1,000 watchers.
- store: ``MemoryBackend`` puts, gets, prefix ranges and compare-and-swap transactions per
  second, beside a plain ``dict`` doing the nearest thing (no revisions, no history).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable

from rich.console import Console
from rich.table import Table

from kube_actors.etcd import Compare, KeyEvent, MemoryBackend, Put, Range, Txn, Watcher, WatchHub

from ._report import Figure, print_figures

PREFIX = "pods/"


# --------------------------------------------------------------------------- fan-out


async def _write(
    backend: MemoryBackend, events: int, burst: int, after: Callable[[], None]
) -> None:
    for i in range(events):
        backend.put(Put(key=f"{PREFIX}{i % 500}", value=i))
        after()
        if i % burst == burst - 1:
            await asyncio.sleep(0)


async def log_fanout(watchers: int, events: int, burst: int) -> float:
    """Events per second delivered through a ``WatchHub``, summed over the watchers."""
    backend = MemoryBackend()
    hub = WatchHub(backend, max_lag=10 * events)
    opened = [hub.watch(PREFIX, "pods0") for _ in range(watchers)]

    async def consume(watcher: Watcher) -> int:
        received = 0
        async for batch in watcher:
            received += len(batch)
            if received == events:
                break
        return received

    start = time.perf_counter()
    async with asyncio.TaskGroup() as tasks:
        counts = [tasks.create_task(consume(w)) for w in opened]
        tasks.create_task(_write(backend, events, burst, hub.notify))
    elapsed = time.perf_counter() - start
    assert all(c.result() == events for c in counts)
    return watchers * events / elapsed


async def queue_fanout(watchers: int, events: int, burst: int) -> float:
    """The same, with an ``asyncio.Queue`` per watcher fed by the writer event by event."""
    backend = MemoryBackend()
    queues: list[asyncio.Queue[KeyEvent]] = [asyncio.Queue() for _ in range(watchers)]
    seen = backend.revision

    def fan_out() -> None:
        nonlocal seen
        for event in backend.changes(seen + 1, backend.revision):
            if event.kv.key.startswith(PREFIX):
                for queue in queues:
                    queue.put_nowait(event)
        seen = backend.revision

    async def consume(queue: asyncio.Queue[KeyEvent]) -> int:
        received = 0
        while received < events:
            await queue.get()
            received += 1
        return received

    start = time.perf_counter()
    async with asyncio.TaskGroup() as tasks:
        counts = [tasks.create_task(consume(q)) for q in queues]
        tasks.create_task(_write(backend, events, burst, fan_out))
    elapsed = time.perf_counter() - start
    assert all(c.result() == events for c in counts)
    return watchers * events / elapsed


def best(repeats: int, measure: Callable[[], float]) -> float:
    return max(measure() for _ in range(repeats))


# ----------------------------------------------------------------------------- store


def _rate(n: int, work: Callable[[], None]) -> float:
    start = time.perf_counter()
    work()
    return n / (time.perf_counter() - start)


def store_figures(n: int) -> list[tuple[str, float, float]]:
    """(what, store ops/s, dict ops/s) for puts, gets, prefix ranges and CAS updates."""
    keys = [f"{PREFIX}default/pod-{i}" for i in range(n)]
    backend = MemoryBackend()
    plain: dict[str, object] = {}

    def puts() -> None:
        for key in keys:
            backend.put(Put(key=key, value=key))

    def dict_puts() -> None:
        for key in keys:
            plain[key] = key

    def gets() -> None:
        for key in keys:
            backend.range(Range(key=key))

    def dict_gets() -> None:
        for key in keys:
            plain.get(key)

    ranges = max(1, n // 1000)

    def prefix_ranges() -> None:
        for i in range(ranges):
            backend.range(Range.prefix(f"{PREFIX}default/pod-{i % 10}", limit=500))

    def dict_ranges() -> None:
        for i in range(ranges):
            p = f"{PREFIX}default/pod-{i % 10}"
            sorted(k for k in plain if k.startswith(p))[:500]

    def cas_updates() -> None:
        for key in keys:
            (kv,) = backend.range(Range(key=key)).kvs
            backend.txn(
                Txn(
                    compare=[Compare.mod_revision(key, "=", kv.mod_revision)],
                    success=[Put(key=key, value=key)],
                    failure=[Range(key=key)],
                )
            )

    def dict_updates() -> None:
        for key in keys:
            if plain[key] is not None:
                plain[key] = key

    return [
        ("put (new keys)", _rate(n, puts), _rate(n, dict_puts)),
        ("get (one key)", _rate(n, gets), _rate(n, dict_gets)),
        (
            "prefix range (~1/10 of the keys, limit 500)",
            _rate(ranges, prefix_ranges),
            _rate(ranges, dict_ranges),
        ),
        ("compare-and-swap update (get + txn)", _rate(n, cas_updates), _rate(n, dict_updates)),
    ]


def fanout_figures(deliveries: int, burst: int, repeats: int) -> list[Figure]:
    figures = []
    for watchers in (1, 100, 1_000):
        events = min(200_000, max(1_000, deliveries // watchers))

        def measure_log(w: int = watchers, n: int = events) -> float:
            return asyncio.run(log_fanout(w, n, burst))

        def measure_queue(w: int = watchers, n: int = events) -> float:
            return asyncio.run(queue_fanout(w, n, burst))

        figures.append(
            Figure(
                name=f"{watchers:,} watchers x {events:,} events",
                value=best(repeats, measure_log) / 1e6,
                unit="M ev/s",
                baseline_name="queue per watcher",
                baseline=best(repeats, measure_queue) / 1e6,
                target=">= 10x at 1,000" if watchers == 1_000 and burst > 1 else "",
            )
        )
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--deliveries", type=int, default=4_000_000, help="per measurement")
    parser.add_argument("--bursts", default="100,1", help="writes between yields, to compare")
    parser.add_argument("--keys", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    console = Console()

    for burst in (int(b) for b in args.bursts.split(",")):
        # A writer that yields after every write wakes every watcher for every event in
        # both designs: fewer deliveries keep that measurement short.
        deliveries = args.deliveries if burst > 1 else args.deliveries // 10
        print_figures(
            f"watch fan-out: events delivered per second, writes in bursts of {burst}",
            fanout_figures(deliveries, burst, args.repeats),
            console,
        )

    table = Table(title=f"MemoryBackend throughput ({args.keys:,} keys)")
    for column in ("operation", "store", "dict (no MVCC)", "store / dict"):
        table.add_column(column, justify="left" if column == "operation" else "right")
    for name, store, plain in store_figures(args.keys):
        table.add_row(
            name, f"{store / 1e3:,.1f} k/s", f"{plain / 1e3:,.1f} k/s", f"{store / plain:.2f}x"
        )
    console.print(table)


if __name__ == "__main__":
    main()
