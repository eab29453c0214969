"""``kube-actors demo``: the actor system at work, as a person would watch it.

This first demo shows the runtime every component stands on: a ring of actors passing a
token, a crash and its supervised restart, an hour of virtual time passing in a blink, and
the message trace that explains it all. Later capabilities grow it into the concept doc's
minikube walkthrough.
"""

from __future__ import annotations

import time

import attrs
from rich.console import Console
from rich.table import Table

from ..actors import Actor, ActorRef, ActorSystem, Ask, Supervision, monotonic, run


@attrs.frozen
class Token:
    hops_left: int


@attrs.frozen
class Link:
    next: ActorRef


@attrs.frozen
class Crash:
    pass


@attrs.frozen
class Heartbeats(Ask[int]):
    pass


class Relay(Actor):
    """Passes a token to the next relay of the ring until its hops run out."""

    component = "demo"

    def __init__(self) -> None:
        self.next: ActorRef | None = None

    async def receive(self, message: object) -> object:
        match message:
            case Link(next=next_relay):
                self.next = next_relay
            case Token(hops_left=hops) if hops > 0 and self.next is not None:
                await self.next.tell(Token(hops - 1))
            case Crash():
                raise RuntimeError("injected crash")
        return None


class Heart(Actor):
    """Beats every 10 simulated seconds, as a kubelet renews its lease."""

    component = "demo"

    def __init__(self) -> None:
        self.beats = 0

    async def on_start(self) -> None:
        self.send_after(10, "beat")

    async def receive(self, message: object) -> object:
        if isinstance(message, Heartbeats):
            return self.beats
        self.beats += 1
        self.send_after(10, "beat")
        return None


async def _demo(console: Console) -> None:
    policy = Supervision(max_restarts=3, within=60, backoff_initial=1.0)
    async with ActorSystem(seed=1, trace=True, supervision=policy) as system:
        console.rule("[bold]a ring of 5 actors passes a token 10,000 times")
        relays = [await system.spawn(Relay, name=f"relay-{i}") for i in range(5)]
        for i, relay in enumerate(relays):
            await relay.tell(Link(relays[(i + 1) % len(relays)]))
        wall = time.perf_counter()
        await relays[0].tell(Token(10_000))
        await system.settle()
        console.print(f"settled after {time.perf_counter() - wall:.3f} s of wall time")

        console.rule("[bold]relay-2 crashes; its supervisor restarts it after a back-off")
        await relays[2].tell(Crash())
        await system.settle(horizon=5)
        console.print(f"relay-2 restarts: {relays[2].statistics().restarts}")

        console.rule("[bold]one simulated hour of heartbeats")
        heart = await system.spawn(Heart, name="heart")
        start, wall = monotonic(), time.perf_counter()
        await system.settle(horizon=3600)
        console.print(
            f"{await heart.ask(Heartbeats())} beats over {monotonic() - start:.0f} simulated s "
            f"in {time.perf_counter() - wall:.3f} wall s"
        )

        table = Table(title="system.statistics()")
        for column in ("actor", "component", "state", "handled", "restarts", "mailbox"):
            table.add_column(column)
        for name, stats in system.statistics().items():
            table.add_row(
                name,
                stats.component,
                stats.state,
                str(stats.handled),
                str(stats.restarts),
                f"{stats.mailbox_depth}/{stats.mailbox_capacity}",
            )
        console.print(table)

        assert system.trace is not None
        console.rule("[bold]the trace: the first messages and the causal chain of the last")
        for record in system.trace.records[:6]:
            console.print(str(record))
        last_token = max(r.id for r in system.trace.records if isinstance(r.message, Token))
        chain = system.trace.chain(last_token)
        console.print(f"... the last token hop is #{last_token}, {len(chain)} messages deep")


def demo(console: Console | None = None) -> None:
    """Run the demo on virtual time and print it."""
    run(_demo, console or Console())
