"""``Mail``: one message of a batch that an actor takes from its mailbox at once.

An actor that defines ``receive_batch`` (``Actor``'s opt-in hook) is handed every message
waiting in its mailbox (up to ``BATCH``) in one call, each as a ``Mail``: the message, and a
way to answer its sender alone. The etcd actor batches raft proposals the same way; the
apiserver uses it to commit the writes waiting in its mailbox as one store request (group
commit) while each caller still gets its own answer or its own error.

The runtime checks the contract after the call: an ask left unanswered is failed with an
``ActorError`` (the actor forgot it; the asker must not hang), and a told message that was
failed makes the actor crash, as a told message that raises in ``receive`` does.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from ._callbacks import NO_CONTEXT
from ._messages import Later

if TYPE_CHECKING:
    from ._cell import _Cell

__all__ = ["Mail", "ToldMail"]


class Mail:
    """A message of a batch, with its sender's reply (``None`` for a ``tell``).

    Its fields are its subclasses' (it has none of its own, so that an ask's envelope can be
    its reply future too: ``_cell.Envelope``): a told message's is ``ToldMail``. (No
    ``__slots__`` of its own: its methods set the fields its subclasses declare.)
    """

    _cell: _Cell
    message: object
    trace_id: int | None
    #: Whether ``answer`` or ``fail`` was called.
    answered: bool
    #: The error a told message failed with (the actor crashes with it after the batch).
    error: Exception | None

    @property
    def reply(self) -> asyncio.Future[Any] | None:
        """The future its sender waits on (None for a ``tell``)."""
        raise NotImplementedError

    def _address(self, cell: _Cell, message: object, trace_id: int | None) -> None:
        """Set its fields, not yet answered (each subclass's ``__init__``)."""
        self._cell = cell
        self.message = message
        self.trace_id = trace_id
        self.answered = False
        self.error = None

    def enter(self) -> None:
        """From now on, what the actor sends is caused by this message (in the trace), as
        while ``receive`` handles it. Call it before working on this message."""
        if self.trace_id is not None:
            self._cell.current_trace_id = self.trace_id

    def answer(self, result: object) -> None:
        """Answer the ask with ``result`` (a ``Later``: once its future is done)."""
        self.answered = True
        reply = self.reply
        if reply is None:
            return
        if type(result) is Later:
            from ._cell import _Forward

            result.future.add_done_callback(_Forward(reply, self._cell.name), context=NO_CONTEXT)
        elif not reply.done():
            reply.set_result(result)

    def fail(self, error: Exception) -> None:
        """The ask raises ``error`` in its caller; a told message crashes the actor with it
        once the batch is handled."""
        self.answered = True
        reply = self.reply
        if reply is None:
            if self.error is None:
                self.error = error
        elif not reply.done():
            reply.set_exception(error)

    def __repr__(self) -> str:
        return f"Mail({self.message!r})"


class ToldMail(Mail):
    """A told message of a batch (no trace id): nobody waits for an answer."""

    __slots__ = ("_cell", "answered", "error", "message", "trace_id")

    def __init__(self, cell: _Cell, message: object) -> None:
        self._address(cell, message, None)

    @property
    def reply(self) -> None:
        return None
