"""A scripted exec session for the fake runtime: the script's output, then its exit code.

What is written to its stdin is read and dropped (a scripted command does not read), so a
client feeding stdin is never blocked.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from ._attach import Discard, IteratorStream
from ._exec_session import ExecSession
from ._script import ExecReply

__all__ = ["scripted_session"]


async def _once(text: str) -> AsyncIterator[str]:
    if text:
        yield text


def scripted_session(reply: ExecReply, *, stdin: bool, tty: bool) -> ExecSession:
    """``reply`` as a session; with a TTY its stderr comes on the one output stream."""
    stdout = IteratorStream(_once(reply.stdout + reply.stderr if tty else reply.stdout))
    stderr = None if tty else IteratorStream(_once(reply.stderr))

    async def wait() -> int:
        return reply.exit_code

    async def close() -> None:
        await stdout.aclose()

    return ExecSession(
        stdin=Discard() if stdin else None,
        stdout=stdout,
        stderr=stderr,
        wait=wait,
        close=close,
        tty=tty,
    )
