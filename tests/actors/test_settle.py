from __future__ import annotations

import attrs
import pytest

from kube_actors.actors import Actor, ActorRef, ActorSystem, monotonic
from kube_actors.errors import SettleTimeout

from ._actors import Counter, Get


@attrs.frozen
class Token:
    hops_left: int


class Relay(Actor):
    """Passes a token to the next relay until its hops run out."""

    next: ActorRef | None = None
    seen = 0

    async def receive(self, message: object) -> object:
        match message:
            case ActorRef() as next_relay:
                self.next = next_relay
            case Token(hops_left=hops) if hops > 0 and self.next is not None:
                Relay.seen += 1
                await self.next.tell(Token(hops - 1))
        return None


class Ticker(Actor):
    """Ticks every 10 s, forever."""

    def __init__(self) -> None:
        self.ticks = 0

    async def on_start(self) -> None:
        self.send_after(10, "tick")

    async def receive(self, message: object) -> object:
        if message == "ticks?":
            return self.ticks
        self.ticks += 1
        self.send_after(10, "tick")
        return None


async def _ring(system: ActorSystem, size: int) -> list[ActorRef]:
    relays = [await system.spawn(Relay, name=f"relay-{i}") for i in range(size)]
    for i, relay in enumerate(relays):
        await relay.tell(relays[(i + 1) % size])
    return relays


async def test_settle_on_an_idle_system_returns_at_once_without_moving_the_clock() -> None:
    async with ActorSystem() as system:
        await system.spawn(Counter, name="counter")
        start = monotonic()
        await system.settle()
        assert monotonic() == start
        assert system.busy_actors() == []


async def test_settle_returns_after_every_message_and_its_consequences_are_handled() -> None:
    Relay.seen = 0
    async with ActorSystem() as system:
        relays = await _ring(system, 5)
        await relays[0].tell(Token(hops_left=1_000))
        await system.settle()
        assert Relay.seen == 1_000
        assert all(s.mailbox_depth == 0 for s in system.statistics().values())


async def test_settle_runs_the_timers_within_its_horizon_and_stops_before_the_next() -> None:
    async with ActorSystem() as system:
        ticker = await system.spawn(Ticker, name="ticker")
        await system.settle(horizon=35)
        assert monotonic() == 30.0
        assert await ticker.ask("ticks?") == 3
        await system.settle()  # the next tick is 10 s away: quiet now
        assert monotonic() == 30.0
        assert system.busy_actors(horizon=10) == ["ticker"]
        assert system.busy_actors(horizon=9) == []


async def test_settle_names_the_busy_actors_when_the_system_never_goes_quiet() -> None:
    async with ActorSystem() as system:
        relays = await _ring(system, 2)
        await relays[0].tell(Token(hops_left=10**12))
        with pytest.raises(SettleTimeout) as raised:
            await system.settle(timeout=0.2)
        assert set(raised.value.busy) <= {"relay-0", "relay-1"}
        assert raised.value.busy
        assert "did not settle within 0.2 s; still busy: relay-" in str(raised.value)
        for relay in relays:
            await relay.stop()


@pytest.mark.real_time
async def test_settle_in_real_time_waits_for_messages_and_timers_within_the_horizon() -> None:
    Relay.seen = 0

    class Once(Actor):
        fired = False

        async def on_start(self) -> None:
            self.send_after(0.02, "fire")

        async def receive(self, message: object) -> object:
            Once.fired = True
            return None

    async with ActorSystem() as system:
        relays = await _ring(system, 3)
        await relays[0].tell(Token(hops_left=300))
        await system.spawn(Once, name="once")
        await system.settle(horizon=1.0, timeout=10)
        assert Relay.seen == 300
        assert Once.fired
        counter = await system.spawn(Counter, name="counter")
        assert await counter.ask(Get()) == 0
