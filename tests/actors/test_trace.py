from __future__ import annotations

import attrs
import pytest

from kube_actors.actors import (
    EXTERNAL,
    Actor,
    ActorRef,
    ActorSystem,
    TraceRecord,
    _cell,
    caused_by,
    current_cause,
    run,
)


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


class _Causes(Actor):
    """Says what ``current_cause`` reads while it handles a message, inside ``caused_by``
    too, and has a child it spawns say it as well."""

    async def receive(self, message: object) -> object:
        seen: list[int | None] = [current_cause()]
        with caused_by(12345 if message == "override" else None):
            seen.append(current_cause())
        return seen


async def _causes_seen(trace: bool, last: str = "override") -> list[object]:
    async with ActorSystem(trace=trace) as system:
        causes = await system.spawn(_Causes, name="causes")
        await causes.tell("told")
        seen: list[object] = [current_cause()]
        for message in ("asked", last):
            seen.append(await causes.ask(message))
        await system.settle()
        return seen


def test_an_untraced_process_gives_the_causes_the_lookup_gives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Until a system traces or code names a cause, ``current_cause`` answers None without
    # looking (``_cell``); ``caused_by`` naming one turns the lookup on.
    monkeypatch.setattr(_cell, "_causes_exist", False)
    shortcut = run(_causes_seen, False)
    assert _cell._causes_exist is True  # the override named one
    monkeypatch.setattr(_cell, "_causes_exist", True)  # the lookup all along
    assert shortcut == run(_causes_seen, False) == [None, [None, None], [None, 12345]]
    monkeypatch.setattr(_cell, "_causes_exist", False)
    assert run(_causes_seen, False, "told") == [None, [None, None], [None, None]]
    assert _cell._causes_exist is False  # nothing named a cause: the shortcut all along


def test_a_traced_system_turns_the_lookup_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_cell, "_causes_exist", False)
    seen = run(_causes_seen, True)
    assert _cell._causes_exist is True
    assert seen[0] is None  # outside any actor
    asked, override = seen[1], seen[2]
    assert isinstance(asked, list)
    assert isinstance(override, list)
    assert isinstance(asked[0], int)
    assert asked[1] == asked[0]
    assert isinstance(override[0], int)
    assert override[1] == 12345
