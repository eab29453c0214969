"""The running clock: every component reads time here, never from ``time`` directly.

Under ``VirtualTimeEventLoop`` these read virtual time; on any other asyncio loop, the loop's
own monotonic clock and the real wall clock. Code that sleeps uses ``anyio.sleep`` or
``asyncio.sleep``, which follow the loop's clock either way.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from time import time_ns
from typing import Any, Literal, TypeVar, TypeVarTuple

import anyio

from ._virtual_loop import VirtualTimeEventLoop

__all__ = [
    "ClockKind",
    "is_virtual_time",
    "monotonic",
    "run",
    "wall_clock",
    "wall_clock_whole_seconds",
    "whole_seconds_clock",
]

_T = TypeVar("_T")
_Ts = TypeVarTuple("_Ts")

ClockKind = Literal["real", "virtual"]


def monotonic() -> float:
    """Seconds on the running loop's clock (virtual seconds under virtual time)."""
    return asyncio.get_running_loop().time()


def wall_clock() -> datetime:
    """The current wall-clock time, in UTC: simulated under virtual time."""
    loop = asyncio.get_running_loop()
    if isinstance(loop, VirtualTimeEventLoop):
        return loop.wall_time()
    return datetime.now(UTC)


def wall_clock_whole_seconds() -> datetime:
    """``wall_clock()`` to the whole second: what Kubernetes' timestamps hold (a Lease's
    ``renewTime``, a condition's heartbeat, a managedFields entry's time)."""
    loop = asyncio.get_running_loop()
    if isinstance(loop, VirtualTimeEventLoop):
        return loop.wall_time_whole_seconds()
    return _real_whole_seconds()


def whole_seconds_clock() -> Callable[[], datetime]:
    """``wall_clock_whole_seconds`` of the running loop, as a function to call again: an
    actor that reads it on every message (a kubelet's renewals, the apiserver's writes) looks
    up its loop once instead of on every read. The same times as ``wall_clock_whole_seconds``
    on that loop, for as long as it runs."""
    loop = asyncio.get_running_loop()
    if isinstance(loop, VirtualTimeEventLoop):
        return loop.wall_time_whole_seconds
    return _real_whole_seconds


def _real_whole_seconds() -> datetime:
    # Read on every write the apiserver takes (a create's timestamps): the second as an
    # integer, and its datetime built once a second rather than ``now().replace(...)``'s
    # two datetimes a read (seven times the cost). The same floor of the same clock.
    global _last_second
    second = time_ns() // 1_000_000_000
    last = _last_second  # one tuple: a reader in another thread sees a matching pair
    if last[0] == second:
        return last[1]
    at = datetime.fromtimestamp(second, UTC)
    _last_second = (second, at)
    return at


#: The last whole second ``_real_whole_seconds`` read, as its integer and its datetime.
_last_second: tuple[int, datetime] = (0, datetime.fromtimestamp(0, UTC))


def is_virtual_time() -> bool:
    """Whether the running loop keeps virtual time."""
    return isinstance(asyncio.get_running_loop(), VirtualTimeEventLoop)


def run(
    main: Callable[[*_Ts], Coroutine[Any, Any, _T]],
    *args: *_Ts,
    clock: ClockKind = "virtual",
) -> _T:
    """Run ``main(*args)`` on asyncio through anyio, on virtual or real time."""
    options = {"loop_factory": VirtualTimeEventLoop} if clock == "virtual" else {}
    return anyio.run(main, *args, backend="asyncio", backend_options=options)
