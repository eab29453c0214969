"""Virtual time: an asyncio event loop whose clock jumps to the next timer when all is blocked.

The loop is asyncio's own selector loop with two changes. ``time()`` reads a virtual clock that
starts at 0.0. And when the loop is about to block in ``select()`` (nothing is ready to run and
no I/O is ready) it does not wait: it moves the clock straight to the next timer. So
``asyncio.sleep``, ``anyio.sleep``, ``anyio.fail_after``, ``loop.call_later`` and everything
built on them run unchanged, and an hour of simulated time passes as fast as the code between
the timers runs.

The moment the loop would have blocked is also the moment the program is *quiet*; the loop
exposes it through ``wait_idle()``, which ``ActorSystem.settle()`` uses instead of polling.

Real I/O still works (sockets, pipes, threads waking the loop), but the clock does not wait for
it: virtual time is meant for in-process code and the fake container runtime. Work handed to
``loop.run_in_executor`` is the exception: while such a job runs, the loop waits for it in real
time rather than jumping past it. ``hold_real_time()`` is the other: while held (a served
cluster holds it), the clock moves no faster than the wall clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import math
import selectors
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from contextvars import Context, copy_context
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar, TypeVarTuple

if TYPE_CHECKING:
    from _typeshed import FileDescriptorLike

__all__ = ["DEFAULT_EPOCH", "VirtualTimeEventLoop"]

_T = TypeVar("_T")
_Ts = TypeVarTuple("_Ts")

#: Where the wall clock of a virtual-time run stands at virtual time 0.0; fixed so that
#: timestamps (creationTimestamp, Events) are the same run after run.
DEFAULT_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)

# asyncio never asks select() to wait longer than this (base_events.MAXIMUM_SELECT_TIMEOUT);
# a timeout this long means "no timer sooner", not "the next timer is exactly this far".
_MAX_SELECT_TIMEOUT = 24 * 3600


class _SequencedTimer(asyncio.TimerHandle):
    """A timer ordered by its deadline and then by when it was scheduled.

    asyncio's timers compare by deadline alone, so the heap hands timers due at one instant to
    the loop in an order that depends on the heap's shape, that is on every other timer
    pending. On virtual time many timers fall due at one instant (a thousand kubelets'
    heartbeats, two replicas' lease retries), and which runs first decides outcomes (which
    replica takes a lease): an unrelated timer elsewhere must not change them. With the
    sequence as a tie-break, timers due together run in the order they were scheduled, as a
    FIFO queue would run them.
    """

    __slots__ = ("_sequence",)

    def __init__(
        self,
        when: float,
        sequence: int,
        callback: Callable[..., object],
        args: tuple[Any, ...],
        loop: asyncio.AbstractEventLoop,
        context: Context | None,
    ) -> None:
        super().__init__(when, callback, args, loop, context)
        self._sequence = sequence

    def __lt__(self, other: asyncio.TimerHandle) -> bool:
        if isinstance(other, _SequencedTimer):
            return (self._when, self._sequence) < (other._when, other._sequence)  # type: ignore[attr-defined]
        return super().__lt__(other)


class _ReadyHandle(asyncio.Handle):
    """asyncio's ``Handle``, its fields set by ``VirtualTimeEventLoop.call_soon`` itself
    (the loop is not debugging: no traceback to take)."""

    __slots__ = ()


_new = object.__new__

#: ``call_soon`` sets a ``Handle``'s fields itself only while they are the ones it knows: a
#: Python whose ``Handle`` has others takes asyncio's own way.
_HANDLE_FIELDS_KNOWN: bool = set(asyncio.Handle.__slots__) == {
    "_callback",
    "_args",
    "_cancelled",
    "_loop",
    "_source_traceback",
    "_repr",
    "__weakref__",
    "_context",
}


class _IdleWaiter:
    """One ``wait_idle`` call: resolved when the loop is quiet until past ``deadline``."""

    __slots__ = ("deadline", "future", "wall_deadline")

    def __init__(self, future: asyncio.Future[bool], deadline: float, wall_deadline: float):
        self.future = future
        self.deadline = deadline
        self.wall_deadline = wall_deadline


class _VirtualSelector(selectors.BaseSelector):
    """Wraps the real selector; where the loop would block, advances the virtual clock."""

    def __init__(self, loop: VirtualTimeEventLoop) -> None:
        self._inner = selectors.DefaultSelector()
        self._loop = loop
        #: File objects registered: the loop's own wake-up socket and any I/O of the program.
        self._registered = 0

    def register(
        self, fileobj: FileDescriptorLike, events: int, data: Any = None
    ) -> selectors.SelectorKey:
        key = self._inner.register(fileobj, events, data)
        self._registered += 1
        return key

    def unregister(self, fileobj: FileDescriptorLike) -> selectors.SelectorKey:
        key = self._inner.unregister(fileobj)
        self._registered -= 1
        return key

    def modify(
        self, fileobj: FileDescriptorLike, events: int, data: Any = None
    ) -> selectors.SelectorKey:
        return self._inner.modify(fileobj, events, data)

    def get_map(self) -> Mapping[FileDescriptorLike, selectors.SelectorKey]:
        return self._inner.get_map()

    def close(self) -> None:
        self._inner.close()

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        loop = self._loop
        if loop._idle_waiters:
            loop._check_wall_budgets()
        if timeout is not None and timeout <= 0:
            # Callbacks are ready: just poll I/O, if there is any to poll. With nothing but
            # the loop's own wake-up socket registered (an in-process cluster) a poll finds
            # nothing a ready callback does not already carry (a thread's call_soon_threadsafe
            # queued its callback before it wrote there): a system call a loop turn saved.
            # The socket is drained once the loop is quiet, where it always polls.
            internal_only = self._registered <= loop._internal_fds  # type: ignore[attr-defined]
            if internal_only and not getattr(loop, "_signal_handlers", None):
                return []
            return self._inner.select(0)
        events = self._inner.select(0)
        if events:
            return events
        if loop._when_quiet:
            # Nothing else is ready at this instant: the work put off until then runs now,
            # before the clock moves on or anyone is told the program is quiet.
            loop._ready.append(loop._when_quiet.popleft())  # type: ignore[attr-defined]
            return []
        # Nothing is ready and no I/O is pending: the program is quiet right now.
        if loop._notify_idle(timeout):
            return []
        if loop._executor_jobs or timeout is None:
            # Only something outside the loop (a thread, a process, a socket) can wake it now.
            return self._inner.select(timeout)
        if loop._real_time_holds:
            # Held to the wall clock: wait for I/O as a real loop would, and let the clock
            # move by the time that really passed (to the timer, if it came first).
            started = time.monotonic()
            events = self._inner.select(timeout)
            waited = time.monotonic() - started
            if events and waited < timeout:
                loop._now += waited
            else:
                loop._advance(timeout)
            return events
        loop._advance(timeout)
        return []


class VirtualTimeEventLoop(asyncio.SelectorEventLoop):
    """An asyncio event loop on virtual time; pass it as a loop factory.

    ``anyio.run(main, backend_options={"loop_factory": VirtualTimeEventLoop})``,
    ``asyncio.Runner(loop_factory=VirtualTimeEventLoop)``, or ``kube_actors.actors.run``.
    """

    def __init__(self, *, start: float = 0.0, epoch: datetime = DEFAULT_EPOCH) -> None:
        self._now = float(start)
        self._idle_waiters: list[_IdleWaiter] = []
        self._executor_jobs = 0
        self._real_time_holds = 0
        self._when_quiet: deque[asyncio.Handle] = deque()
        self._timer_sequence = itertools.count()
        #: The wall-clock instant at virtual time 0.0.
        self.epoch = epoch
        self._wall_key: tuple[float, datetime] | None = None
        self._wall = epoch
        #: The instant and epoch ``_whole_wall`` was built for (none yet: NaN equals nothing).
        self._whole_wall_now = math.nan
        self._whole_wall_epoch: datetime | None = None
        self._whole_wall = epoch
        super().__init__(_VirtualSelector(self))

    # ------------------------------------------------------------------------------ clock

    def time(self) -> float:
        return self._now

    def wall_time(self) -> datetime:
        """The simulated wall clock: ``epoch`` plus the virtual time elapsed."""
        # Built once per virtual instant: a thousand kubelets' heartbeats land on the same
        # instant and each write reads the clock several times.
        key = (self._now, self.epoch)
        if key != self._wall_key:
            self._wall_key, self._wall = key, self.epoch + timedelta(seconds=self._now)
        return self._wall

    def wall_time_whole_seconds(self) -> datetime:
        """``wall_time()`` without its fraction of a second, as Kubernetes writes timestamps.

        Built once per virtual instant too: every Lease renewal and status write of a
        heartbeat reads it, on the kubelet's side and the apiserver's (the instant and the
        epoch compared one by one: no key tuple to build and compare a read)."""
        if self._now != self._whole_wall_now or self.epoch is not self._whole_wall_epoch:
            whole = self.wall_time().replace(microsecond=0)
            self._whole_wall_now, self._whole_wall_epoch = self._now, self.epoch
            self._whole_wall = whole
        return self._whole_wall

    def _advance(self, timeout: float) -> None:
        # Land exactly on the next timer's deadline rather than on now + timeout, so that
        # a 300 s sleep started at t ends at t + 300 with no floating-point drift. The
        # loop has already dropped cancelled timers from the head of its heap.
        scheduled: list[asyncio.TimerHandle] = self._scheduled  # type: ignore[attr-defined]
        if scheduled and timeout < _MAX_SELECT_TIMEOUT:
            self._now = max(self._now, scheduled[0].when())
        else:
            self._now += timeout

    def call_soon(
        self,
        callback: Callable[[*_Ts], object],
        *args: *_Ts,
        context: Context | None = None,
    ) -> asyncio.Handle:
        """asyncio's ``call_soon`` with its checks made once: every future resolved (a
        reply, a wake-up) schedules its callbacks through it, and asyncio's own spends two
        calls more on each (``_check_closed``, ``_call_soon``). A closed or debugging loop
        takes asyncio's way, with its errors and checks."""
        if self._closed or self._debug or not _HANDLE_FIELDS_KNOWN:  # type: ignore[attr-defined]
            return super().call_soon(callback, *args, context=context)
        # ``Handle.__init__``'s fields, set here: its frame and its debug check (a method
        # call) less, two handles a heartbeat (a reply, a wake-up).
        handle: Any = _new(_ReadyHandle)
        handle._context = copy_context() if context is None else context
        handle._loop = self
        handle._callback = callback
        handle._args = args
        handle._cancelled = False
        handle._repr = None
        handle._source_traceback = None
        self._ready.append(handle)  # type: ignore[attr-defined]
        result: asyncio.Handle = handle
        return result

    def call_at(
        self,
        when: float,
        callback: Callable[[*_Ts], object],
        *args: *_Ts,
        context: Context | None = None,
    ) -> asyncio.TimerHandle:
        """asyncio's ``call_at`` (``call_later`` and every sleep go through it) with a timer
        that ties break by schedule order: timers due at one instant run in the order they
        were scheduled, whatever else is pending (``_SequencedTimer``)."""
        if when is None:
            raise TypeError("when cannot be None")
        self._check_closed()  # type: ignore[attr-defined]
        if self._debug:  # type: ignore[attr-defined]
            self._check_thread()  # type: ignore[attr-defined]
            self._check_callback(callback, "call_at")  # type: ignore[attr-defined]
        timer = _SequencedTimer(when, next(self._timer_sequence), callback, args, self, context)
        if timer._source_traceback:  # type: ignore[attr-defined]
            del timer._source_traceback[-1]  # type: ignore[attr-defined]
        heapq.heappush(self._scheduled, timer)  # type: ignore[attr-defined]
        timer._scheduled = True  # type: ignore[attr-defined]
        return timer

    def call_when_quiet(
        self, callback: Callable[..., object], *args: Any, context: Context | None = None
    ) -> asyncio.Handle:
        """Run ``callback(*args)`` at this virtual instant, once nothing else can run: before
        the clock moves on and before ``wait_idle`` sees the program quiet. Callbacks put off
        this way run one at a time, in the order they were given, each when the loop is
        quiet again after the one before."""
        handle = asyncio.Handle(callback, args, self, context)
        self._when_quiet.append(handle)
        return handle

    # -------------------------------------------------------------------------- idleness

    async def wait_idle(self, deadline: float, wall_budget: float = math.inf) -> bool:
        """Wait until nothing can run and no timer is due at or before ``deadline``.

        Returns True then, or False if ``wall_budget`` seconds of real time pass first (the
        program never went quiet: something keeps running without letting time move).
        """
        future: asyncio.Future[bool] = self.create_future()
        # The budget is real time on purpose: virtual time stands still while code runs.
        waiter = _IdleWaiter(future, deadline, time.monotonic() + wall_budget)
        self._idle_waiters.append(waiter)
        try:
            return await future
        finally:
            if waiter in self._idle_waiters:
                self._idle_waiters.remove(waiter)

    def _notify_idle(self, timeout: float | None) -> bool:
        if not self._idle_waiters or self._executor_jobs:
            return False
        next_due = math.inf if timeout is None else self._now + timeout
        woken = False
        for waiter in list(self._idle_waiters):
            if next_due > waiter.deadline:
                self._resolve(waiter, True)
                woken = True
        return woken

    def _check_wall_budgets(self) -> None:
        now = time.monotonic()
        for waiter in list(self._idle_waiters):
            if now > waiter.wall_deadline:
                self._resolve(waiter, False)

    def _resolve(self, waiter: _IdleWaiter, quiet: bool) -> None:
        self._idle_waiters.remove(waiter)
        if not waiter.future.done():
            waiter.future.set_result(quiet)

    @contextlib.contextmanager
    def hold_real_time(self) -> Iterator[None]:
        """While held, a quiet loop waits for I/O in real time instead of jumping to the next
        timer, and its clock moves as the wall clock does: what an HTTP server on this loop
        needs, so that a client's next request arrives before the timers it would race.
        ``settle()`` still returns when the program is quiet. Holds nest."""
        self._real_time_holds += 1
        try:
            yield
        finally:
            self._real_time_holds -= 1

    # ------------------------------------------------------------------------- executors

    def run_in_executor(  # type: ignore[override]
        self, executor: Any, func: Callable[..., _T], *args: Any
    ) -> asyncio.Future[_T]:
        future = super().run_in_executor(executor, func, *args)
        self._executor_jobs += 1
        future.add_done_callback(self._executor_job_done)
        return future

    def _executor_job_done(self, _: asyncio.Future[Any]) -> None:
        self._executor_jobs -= 1

    def wait_outside(self, future: asyncio.Future[Any]) -> None:
        """Until ``future`` is done, treat the loop as waiting for an executor job: it waits
        for I/O in real time and is not quiet. For a reply another process owes the program
        (a real etcd's answer, or the watch event of a write it acknowledged), which virtual
        time must not jump past nor ``settle()`` return before."""
        if future.done():
            return
        self._executor_jobs += 1
        future.add_done_callback(self._executor_job_done)
