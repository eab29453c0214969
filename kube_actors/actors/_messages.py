"""Message conventions shared by every actor."""

from __future__ import annotations

from typing import Generic, TypeVar

__all__ = ["Ask"]

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
