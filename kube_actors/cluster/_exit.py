"""What leaves ``async with Cluster(...)``: one exception, as a plain ``with`` would let it go.

A cluster's actors and tasks live in an anyio task group, and anyio wraps whatever leaves a
task group in an ``ExceptionGroup``, even a single exception raised by the body of the
block. A user who writes ``except TimeoutError:`` around ``cluster.wait_for(...)`` inside
the block would then catch nothing. So the group is taken apart here: cancellations (the
echo of the failure that cancelled the rest) are dropped, and when one exception is left it
goes on alone: the body's own, or a component's failure (``ActorEscalated``,
``ComponentFailed``, which name the component and chain the cause). A group stays a group
only when several things truly failed at once.
"""

from __future__ import annotations

import asyncio

import anyio

__all__ = ["leaving_error"]


def _leaves(error: BaseException) -> list[BaseException]:
    if isinstance(error, BaseExceptionGroup):
        return [leaf for inner in error.exceptions for leaf in _leaves(inner)]
    return [error]


def _is_cancellation(error: BaseException) -> bool:
    return isinstance(error, asyncio.CancelledError | anyio.get_cancelled_exc_class())


def leaving_error(
    group: BaseExceptionGroup[BaseException], body: BaseException | None
) -> BaseException:
    """The exception to raise instead of ``group``: the one failure in it, ``body`` itself
    (the exception that left the block's body) when that is all, or ``group`` when several
    things failed."""
    failures = [leaf for leaf in _leaves(group) if not _is_cancellation(leaf)]
    if len(failures) == 1:
        return failures[0]
    return group
