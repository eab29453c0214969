"""Helpers for tests that run ``kube-actors`` commands as processes of their own."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

import anyio
import anyio.abc

#: ``kube-actors`` as a command line, without depending on the entry point being installed.
KUBE_ACTORS = [sys.executable, "-c", "from kube_actors.cli import main; raise SystemExit(main())"]


@contextlib.contextmanager
def killed_on_failure(process: anyio.abc.Process) -> Iterator[None]:
    """Kill ``process`` if the block fails: leaving its ``async with`` would wait for it."""
    try:
        yield
    except BaseException:
        if process.returncode is None:
            process.kill()
        raise


async def read_until(stream: anyio.abc.ByteReceiveStream, marker: bytes) -> bytes:
    """What ``stream`` says up to and including ``marker`` (and whatever came with it)."""
    seen = b""
    while marker not in seen:
        seen += await stream.receive()
    return seen
