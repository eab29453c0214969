"""``CreateEach``: several creates in one message, each handled as a ``Create`` of its own.

The apiserver takes a ``CreateEach`` of its mailbox batch as if each of its objects had come
in a message of its own, where the message was, in order: each a ``Create`` with its own
admission, validation, resourceVersion, write and watch event, which group commit sends to
the store with the rest of the batch (``_group_commit``). Nothing of a create's handling is
shared; the message is, so that a writer of many small objects (the Events recorder) pays one
round trip for them, and the apiserver one mail.

The message is answered once every create is: one outcome each, in order, the stored object
or the ``ApiError`` its create raised. A create whose answer waits for its commit
(``_pipeline``) holds the whole answer until then. An error that is no API error (a bug, a
store out of reach) fails the message as it would have failed that create.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Sequence
from typing import Any, Final

from kube_actors.actors import Later, Mail
from kube_actors.api import Create, CreateEach, quick_new
from kube_actors.errors import ApiError

__all__ = ["each_create"]

#: Each create's message is built without the class call (``quick_new``, by field name): an
#: Events recorder's batch is a dozen of them.
_new_create: Final = quick_new(Create)


def each_create(batch: Sequence[Mail]) -> list[Mail]:
    """``batch`` with each ``CreateEach`` replaced by a mail of its own for each create."""
    expanded: list[Mail] = []
    for mail in batch:
        message = mail.message
        if type(message) is not CreateEach:
            expanded.append(mail)
            continue
        objs = message.objs
        if not objs:
            mail.answer([])
            continue
        outcomes = _Outcomes(mail, len(objs))
        manager = message.field_manager
        for index, obj in enumerate(objs):
            create = _new_create(obj=obj, field_manager=manager)
            expanded.append(_EachMail(mail, outcomes, index, create))
    return expanded


class _EachMail(Mail):
    """One create of a ``CreateEach``: answered into its message's outcomes."""

    __slots__ = ("_index", "_outcomes", "_parent", "answered", "error", "message", "trace_id")

    def __init__(self, parent: Mail, outcomes: _Outcomes, index: int, message: Create) -> None:
        self._parent = parent
        self._outcomes = outcomes
        self._index = index
        self.message = message
        self.trace_id = parent.trace_id
        self.answered = False
        self.error = None

    @property
    def reply(self) -> None:
        return None  # its message's mail has the reply

    def enter(self) -> None:
        self._parent.enter()

    def answer(self, result: object) -> None:
        self.answered = True
        self._outcomes.set(self._index, result)

    def fail(self, error: Exception) -> None:
        self.answered = True
        self._outcomes.set(self._index, error)


class _Outcomes:
    """The outcomes of one ``CreateEach``'s creates; answers its mail with the last."""

    __slots__ = ("_later", "_left", "_mail", "_outcomes")

    def __init__(self, mail: Mail, count: int) -> None:
        self._mail = mail
        self._outcomes: list[Any] = [None] * count
        self._left = count
        #: (index, future) of each create answered once its commit is done.
        self._later: list[tuple[int, asyncio.Future[Any]]] = []

    def set(self, index: int, outcome: object) -> None:
        if type(outcome) is Later:
            self._later.append((index, outcome.future))
        else:
            self._outcomes[index] = outcome
        self._left -= 1
        if not self._left:
            self._answer()

    def _answer(self) -> None:
        later = self._later
        if not later:
            self._mail_answer(self._outcomes)
            return
        answer: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        left = [len(later)]

        def done(index: int, future: asyncio.Future[Any]) -> None:
            if answer.done():
                return
            if future.cancelled():
                answer.cancel()
                return
            error = future.exception()
            self._outcomes[index] = future.result() if error is None else error
            left[0] -= 1
            if not left[0]:
                failure = _failure(self._outcomes)
                if failure is not None:
                    answer.set_exception(failure)
                else:
                    answer.set_result(self._outcomes)

        for index, future in later:
            future.add_done_callback(functools.partial(done, index))
        self._mail.answer(Later(answer))

    def _mail_answer(self, outcomes: list[Any]) -> None:
        failure = _failure(outcomes)
        if failure is not None:
            self._mail.fail(failure)
        else:
            self._mail.answer(outcomes)


def _failure(outcomes: list[Any]) -> Exception | None:
    """The first error among ``outcomes`` that is no API error: it fails the message."""
    for outcome in outcomes:
        if isinstance(outcome, Exception) and not isinstance(outcome, ApiError):
            return outcome
    return None
