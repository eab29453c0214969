from __future__ import annotations

import attrs

from kube_actors.actors import EXTERNAL, Actor, ActorRef, ActorSystem, TraceRecord, run


@attrs.frozen
class Hop:
    left: int


class Gossip(Actor):
    """Passes a hop to a random peer after a random delay: randomness and time both shape
    the trace, so equal traces mean the seed alone decided them."""

    peers: tuple[ActorRef, ...] = ()

    async def receive(self, message: object) -> object:
        match message:
            case tuple() as peers:
                self.peers = peers
            case Hop(left=left) if left > 0:
                delay = self.random.uniform(0, 5)
                if self.random.random() < 0.5:
                    self.send_after(delay, Hop(left - 1))
                else:
                    await self.random.choice(self.peers).tell(Hop(left - 1))
        return None


async def _gossip(seed: int) -> tuple[TraceRecord, ...]:
    async with ActorSystem(seed=seed, trace=True) as system:
        peers = tuple([await system.spawn(Gossip, name=f"peer-{i}") for i in range(6)])
        for peer in peers:
            await peer.tell(peers)
        for peer in peers[:3]:
            await peer.tell(Hop(40))
        await system.settle(horizon=10_000)
        assert system.trace is not None
        return system.trace.records


def test_the_same_seed_gives_the_same_trace_run_after_run() -> None:
    first = run(_gossip, 7)
    second = run(_gossip, 7)
    assert len(first) > 100
    assert first == second
    assert run(_gossip, 8) != first


async def test_a_trace_reads_back_as_a_causal_chain() -> None:
    class Forward(Actor):
        target: ActorRef | None = None

        async def receive(self, message: object) -> object:
            if isinstance(message, ActorRef):
                self.target = message
            elif self.target is not None:
                await self.target.tell(f"{message}>{self.name}")
            return None

    async with ActorSystem(trace=True) as system:
        a, b, c = [await system.spawn(Forward, name=n) for n in "abc"]
        await a.tell(b)
        await b.tell(c)
        await a.tell("go")
        await system.settle()
        trace = system.trace
        assert trace is not None
        last = trace.records[-1]
        chain = trace.chain(last.id)
        assert [(r.sender, r.receiver, r.message) for r in chain] == [
            (EXTERNAL, "a", "go"),
            ("a", "b", "go>a"),
            ("b", "c", "go>a>b"),
        ]
        assert trace.effects(chain[0].id) == (chain[1],)
        assert str(chain[1]) == f"#{chain[1].id} t=0.000 a -> b tell str (caused by #{chain[0].id})"


async def test_tracing_is_off_unless_asked_for() -> None:
    async with ActorSystem() as system:
        assert system.trace is None
