"""Message conventions shared by every actor."""

from __future__ import annotations

from typing import Generic, TypeVar

__all__ = ["Request"]

R_co = TypeVar("R_co", covariant=True)


class Request(Generic[R_co]):
    """Base for messages that expect a reply of type ``R_co`` through ``ask``.

    It carries no data and changes nothing at run time; it lets ``ActorRef.ask`` return a
    typed reply::

        @attrs.frozen
        class GetCount(Request[int]): ...

        count = await counter.ask(GetCount())   # mypy knows: int
    """

    __slots__ = ()
