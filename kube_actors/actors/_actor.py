"""``Actor``: the base class of every component.

An actor handles one message at a time in ``receive``; whatever it returns is the reply to an
``ask``. It never shares its state: others hold its ``ActorRef`` and send it messages. The
runtime builds a fresh instance from the actor's factory at each (re)start, attaches it, then
calls ``on_start``; ``on_stop`` runs when it stops, ``on_failure`` when it crashed.

An actor may instead take every message waiting in its mailbox at once: it overrides
``receive_batch`` (``_mail``), and the runtime calls that in place of ``receive``.
"""

from __future__ import annotations

import asyncio
import functools
import random
from collections.abc import Callable, Coroutine, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import structlog

from .._log import get_logger
from ._clock import monotonic

if TYPE_CHECKING:
    from ._cell import _Cell
    from ._mail import Mail
    from ._ref import ActorRef
    from ._supervision import Supervision
    from ._system import ActorSystem
    from ._timers import Timer

__all__ = ["Actor"]

R = TypeVar("R")


class Actor:
    """Subclass it and implement ``receive``::

    class Counter(Actor):
        component = "example"

        def __init__(self) -> None:
            self.count = 0

        async def receive(self, message: object) -> object:
            match message:
                case Increment(by=by):
                    self.count += by
                case GetCount():
                    return self.count
            return None
    """

    #: Names the component in logs and statistics ("scheduler", "kubelet", ...).
    component: ClassVar[str] = "actor"

    _cell: _Cell

    def _attach(self, cell: _Cell) -> None:
        self._cell = cell

    @functools.cached_property
    def log(self) -> structlog.typing.FilteringBoundLogger:
        """A structlog logger bound with this actor's ``component`` and ``actor`` name, made
        when first used (most actors, a pod worker each Pod, log nothing while all is well)."""
        return get_logger(f"kube_actors.{self.component}").bind(
            component=self.component, actor=self._cell.name
        )

    # ---------------------------------------------------------------------- identity

    @property
    def name(self) -> str:
        return self._cell.name

    @property
    def ref(self) -> ActorRef:
        return self._cell.ref

    @property
    def system(self) -> ActorSystem:
        return self._cell.system

    @property
    def random(self) -> random.Random:
        """The system's one seeded source of randomness."""
        return self._cell.system.random

    @property
    def now(self) -> float:
        """Seconds on the running clock."""
        return monotonic()

    # ----------------------------------------------------------------------- hooks

    async def on_start(self) -> None:
        """Called before the first message of each (re)start."""

    async def receive(self, message: Any) -> Any:
        """Handle one message; the return value answers an ``ask``."""
        raise TypeError(f"{type(self).__name__} cannot handle {type(message).__name__}")

    async def receive_batch(self, batch: Sequence[Mail]) -> None:
        """Opt-in: handle every message waiting in the mailbox (up to ``BATCH``) at once.

        Not called unless a subclass overrides it; then the runtime calls it instead of
        ``receive``, with the messages in mailbox order. Answer each ask with
        ``mail.answer(result)`` or ``mail.fail(error)``, and ``mail.enter()`` before
        working on a message (the trace then follows it). An exception that leaves this
        method crashes the actor and fails every ask left unanswered with it.
        """
        raise NotImplementedError

    async def on_stop(self) -> None:
        """Called after the actor stopped normally."""

    async def on_failure(self, error: BaseException) -> None:
        """Called after the actor crashed with ``error``, before supervision acts."""

    # --------------------------------------------------------------------- helpers

    def send_after(self, delay: float, message: object) -> Timer:
        """Send ``message`` to this actor ``delay`` seconds from now (on the running clock).

        Timers belong to this incarnation: a restart or a stop cancels them.
        """
        return self._cell.send_after(delay, message)

    def call_after(self, delay: float, callback: Callable[[], None]) -> Timer:
        """Call ``callback()`` ``delay`` seconds from now (on the running clock), as
        ``send_after`` would send a message, but without one: no mailbox, and no wake-up
        of the actor's task for a callback that has nothing to await (a heartbeat that
        only sends). It runs between the actor's steps, as ``when_done``'s does, under the
        same rules; its timer belongs to this incarnation, as ``send_after``'s."""
        return self._cell.call_after(delay, callback)

    def when_done(
        self, future: asyncio.Future[R], callback: Callable[[asyncio.Future[R]], None]
    ) -> Callable[[asyncio.Future[R]], None]:
        """Call ``callback(future)`` once ``future`` is done (an ask sent with
        ``ActorRef.ask_nowait``), with no handler waiting for it: the actor handles its
        next messages meanwhile, and is spared a resumption of the handler's coroutines.

        The callback runs between the actor's steps, maybe while a handler awaits, so it
        must leave alone what a waiting handler relies on. It belongs to this incarnation
        (dropped if the actor restarts or stops first); what it sends is caused by the
        message in hand now (in the trace); an exception it raises crashes the actor, as
        one a handler raises does.

        Returns what it added to ``future``'s callbacks, for ``future.remove_done_callback``
        when the actor no longer wants to hear of it (a future it does not own).
        """
        return self._cell.when_done(future, callback)

    def start_soon(
        self, func: Callable[..., Coroutine[Any, Any, Any]], *args: Any, name: str | None = None
    ) -> None:
        """Run a background task that lives as long as this incarnation of the actor.

        If it raises, the actor crashes (and is supervised like any crash).
        """
        self._cell.start_soon(func, *args, name=name)

    async def spawn(
        self,
        factory: Callable[[], Actor],
        *,
        name: str | None = None,
        mailbox_capacity: int | None = None,
        supervision: Supervision | None = None,
    ) -> ActorRef:
        """Start a child actor: it stops when this actor stops or restarts, and its
        failures escalate to this actor."""
        return await self._cell.system.spawn(
            factory,
            name=name,
            mailbox_capacity=mailbox_capacity,
            supervision=supervision,
            _parent=self._cell,
        )

    def stop(self) -> None:
        """Stop this actor once the message in hand is handled."""
        self._cell.request_stop()
