"""Small actors and messages the actor runtime tests share."""

from __future__ import annotations

import anyio
import attrs

from kube_actors.actors import Actor, Ask


@attrs.frozen
class Add:
    amount: int = 1


@attrs.frozen
class Get(Ask[int]):
    pass


@attrs.frozen
class Fail:
    reason: str = "boom"


@attrs.frozen
class Block:
    """Hold the actor in its handler until the event is set."""

    release: anyio.Event = attrs.field(eq=False)


class Counter(Actor):
    """Counts ``Add`` messages; crashes on ``Fail``; ``Get`` answers the count."""

    component = "test"
    instances = 0

    def __init__(self) -> None:
        Counter.instances += 1
        self.count = 0

    async def receive(self, message: object) -> object:
        match message:
            case Add(amount=amount):
                self.count += amount
            case Get():
                return self.count
            case Fail(reason=reason):
                raise RuntimeError(reason)
            case Block(release=release):
                await release.wait()
            case _:
                return await super().receive(message)
        return None
