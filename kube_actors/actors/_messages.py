"""Message conventions shared by every actor."""

from __future__ import annotations

import asyncio
from typing import Any, Generic, TypeVar

__all__ = ["Ask", "Later"]

R_co = TypeVar("R_co", covariant=True)


class Ask(Generic[R_co]):
    """Base for messages that expect a reply of type ``R_co`` through ``ask``.

    (Named ``Request`` before: that name is ``reconcile.Request``'s, what a controller
    reconciles, and the HTTP API's requests are ``api``'s ``Create``, ``Get``... messages.)

    It carries no data and changes nothing at run time; it lets ``ActorRef.ask`` return a
    typed reply::

        @attrs.frozen
        class GetCount(Ask[int]): ...

        count = await counter.ask(GetCount())   # mypy knows: int
    """

    __slots__ = ()


class Later:
    """What ``receive`` returns to answer an ``ask`` later, without holding up its mailbox.

    The ask is answered with the future's result (or raises its exception) once it is
    done, while the actor goes on with its next message. The etcd actor answers a write so:
    only once it is on disk, while the writes behind it join the next group commit::

        return Later(self.flushed_future)
    """

    __slots__ = ("future",)

    def __init__(self, future: asyncio.Future[Any]) -> None:
        self.future = future
