"""``ActorSystem``: starts actors in a task group, names them, stops them, knows when all is quiet.

Use it as an async context manager. Actors start in the system's task group (``spawn`` returns
once the actor's ``on_start`` has run); on exit they stop in the reverse order of their start.
A failure that escalates past the top of the supervision tree stops the system: the body of
the ``async with`` is cancelled and ``ActorEscalated`` is raised from it.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Coroutine
from types import TracebackType
from typing import TYPE_CHECKING, Any

import anyio
import anyio.abc

from .._log import get_logger
from ..errors import ActorError, ActorNameTaken, ActorNotFound, SettleTimeout
from ._callbacks import NO_CONTEXT
from ._cell import _Cell, cancel_all, causes_exist, current_cell
from ._statistics import ActorStatistics, statistics_of
from ._supervision import Supervision
from ._timers import TimerQueue
from ._trace import DeliveryKind, Trace
from ._virtual_loop import VirtualTimeEventLoop

if TYPE_CHECKING:
    from ._actor import Actor
    from ._ref import ActorRef

__all__ = ["ActorSystem", "RestartListener"]

#: Told of each restart: the actor as it is now (state "restarting"), the error it failed
#: with, and the back-off in seconds before it starts again.
RestartListener = Callable[[ActorStatistics, BaseException, float], None]

_log = get_logger("kube_actors.actors")


class ActorSystem:
    """A set of actors sharing one event loop, one clock and one seeded random source."""

    def __init__(
        self,
        *,
        seed: int = 0,
        trace: bool = False,
        mailbox_capacity: int = 1024,
        supervision: Supervision | None = None,
        stop_timeout: float = 10.0,
    ) -> None:
        if mailbox_capacity < 1:
            raise ValueError("mailbox_capacity must be at least 1")
        self.seed = seed
        #: The one source of randomness for everything in this system.
        self.random = random.Random(seed)
        self.mailbox_capacity = mailbox_capacity
        self.supervision = supervision or Supervision()
        self.stop_timeout = stop_timeout
        self._trace: Trace | None = None
        if trace:
            self._trace = Trace()
            causes_exist()
        self._cells: dict[str, _Cell] = {}
        # In start order; a stopped actor leaves it (an ordered dict: removal is O(1)), so
        # a system that spawns and stops actors for ever (pod workers) does not grow.
        self._started: dict[_Cell, None] = {}
        self._names: dict[str, int] = {}
        self._task_group: anyio.abc.TaskGroup | None = None
        #: The actors' tasks (``spawn``); each leaves the set when it ends.
        self._actor_tasks: dict[asyncio.Task[None], None] = {}  # in start order
        #: One bound method for every actor task's done callback (not one an actor).
        self._on_actor_task_done = self._actor_task_done
        self._loop: asyncio.AbstractEventLoop | None = None
        self._timers: TimerQueue
        self._busy = 0
        self._quiet = asyncio.Event()
        self._fatal: BaseException | None = None
        self._restart_listeners: list[RestartListener] = []

    # ------------------------------------------------------------------- context manager

    async def __aenter__(self) -> ActorSystem:
        self._loop = asyncio.get_running_loop()
        self._timers = TimerQueue(self._loop)
        self._quiet = asyncio.Event()
        self._quiet.set()
        self._task_group = anyio.create_task_group()
        await self._task_group.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        assert self._task_group is not None
        try:
            with anyio.CancelScope(shield=True):
                await self._stop_all()
        finally:
            with anyio.CancelScope(shield=True):
                # The actors' tasks still running (a stop that failed: a stopped actor's
                # task has returned), cancelled and awaited as the task group did.
                await cancel_all(list(self._actor_tasks))
            suppressed = await self._task_group.__aexit__(exc_type, exc, tb)
            self._task_group = None
            self._timers.close()
        if self._fatal is not None:
            raise self._fatal
        return suppressed

    async def _stop_all(self) -> None:
        for cell in reversed(list(self._started)):
            if cell.parent is None:
                await self._stop_cell(cell)
        for cell in reversed(list(self._started)):  # orphans of a parent that failed to stop them
            await self._stop_cell(cell)

    async def _stop_cell(self, cell: _Cell) -> None:
        if cell.state == "stopped":
            return
        cell.request_stop()
        if current_cell.get() is not cell and await cell.wait_stopped(self.stop_timeout):
            return
        if not cell.has_stopped and cell.instance is not None:  # its task has begun
            cell.force_stop()  # its handler did not return within the timeout
            await cell.wait_stopped()

    # ---------------------------------------------------------------------- actors

    async def spawn(
        self,
        factory: Callable[[], Actor],
        *,
        name: str | None = None,
        mailbox_capacity: int | None = None,
        supervision: Supervision | None = None,
        _parent: _Cell | None = None,
    ) -> ActorRef:
        """Start an actor built by ``factory`` (a class or any zero-argument callable).

        Returns once its ``on_start`` has run. The factory is called again at each restart.
        """
        if self._task_group is None:
            raise ActorError("the actor system is not running: use 'async with ActorSystem()'")
        name = name or self._generate_name(factory)
        if name in self._cells:
            raise ActorNameTaken(name)
        capacity = mailbox_capacity or self.mailbox_capacity
        if capacity < 1:
            raise ValueError("mailbox_capacity must be at least 1")
        cell = _Cell(
            self,
            name,
            factory,
            capacity=capacity,
            supervision=supervision or self.supervision,
            parent=_parent,
        )
        self._cells[name] = cell
        self._started[cell] = None
        self._busy_changed(+1)  # busy until it first waits for mail
        if _parent is not None:
            if _parent.children is None:
                _parent.children = []
            _parent.children.append(cell)
        # The actor's task is a plain asyncio task the system keeps (``_actor_tasks``), not
        # one of its anyio task group: a pod worker starts with every Pod, and anyio's
        # ``TaskGroup.start`` costs several times a task (a handle, a cancel scope, events).
        loop = asyncio.get_running_loop()
        started: asyncio.Future[None] = loop.create_future()
        task = loop.create_task(cell.run(started), name=f"actor:{name}")
        self._actor_tasks[task] = None
        task.add_done_callback(self._on_actor_task_done, context=NO_CONTEXT)
        try:
            await started
        except BaseException:
            task.cancel()  # as TaskGroup.start: a spawner cancelled mid-start takes it along
            raise
        return cell.ref

    def _actor_task_done(self, task: asyncio.Task[None]) -> None:
        self._actor_tasks.pop(task, None)
        if not task.cancelled() and (error := task.exception()) is not None:
            self._fail(error)  # cells catch their actors' errors: this is a bug of ours

    async def start_task(
        self, func: Callable[..., Coroutine[Any, Any, Any]], *args: Any, name: str | None = None
    ) -> Any:
        """Run ``func(*args, task_status=...)`` in the system's task group, as anyio's
        ``TaskGroup.start`` does: returns what it passes to ``task_status.started()``. For what
        must live in a task of its own, such as a resource entered and left in one task."""
        if self._task_group is None:
            raise ActorError("the actor system is not running: use 'async with ActorSystem()'")
        return await self._task_group.start(func, *args, name=name)

    def _generate_name(self, factory: Callable[[], Actor]) -> str:
        base = getattr(factory, "__name__", type(factory).__name__).lower()
        while True:
            self._names[base] = self._names.get(base, 0) + 1
            name = f"{base}-{self._names[base]}"
            if name not in self._cells:
                return name

    def lookup(self, name: str) -> ActorRef:
        """The running actor registered under ``name``."""
        try:
            return self._cells[name].ref
        except KeyError:
            raise ActorNotFound(name) from None

    def __contains__(self, name: object) -> bool:
        return name in self._cells

    async def stop(self, ref: ActorRef) -> None:
        """Stop an actor (and its children) after the message in hand."""
        cell = self._cells.get(ref.name)
        if cell is not None:
            await self._stop_cell(cell)

    def statistics(self) -> dict[str, ActorStatistics]:
        """Per running actor: mailbox depth, messages handled, restarts, ..."""
        return {name: statistics_of(cell) for name, cell in self._cells.items()}

    def add_restart_listener(self, listener: RestartListener) -> None:
        """Call ``listener`` at each restart of any actor, before its back-off: a crash
        loop is reported from here (the cluster records an Event). It must not block."""
        self._restart_listeners.append(listener)

    @property
    def trace(self) -> Trace | None:
        """The message trace, when the system was created with ``trace=True``."""
        return self._trace

    # ------------------------------------------------------------------- quiescence

    async def settle(self, horizon: float = 0.0, *, timeout: float = 60.0) -> None:
        """Return once no actor has a message queued or in hand and no timer is due within
        ``horizon`` seconds from now.

        Under virtual time, "quiet" means the whole program is blocked (not only the
        actors), and timers within the horizon fire on the way (the clock jumps to them).
        Raises ``SettleTimeout``, naming the busy actors, if the system is not quiet within
        ``timeout`` seconds (real seconds under virtual time, where the clock stands still
        while code runs).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + horizon
        if isinstance(loop, VirtualTimeEventLoop):
            quiet = await loop.wait_idle(deadline, wall_budget=timeout)
        else:
            quiet = await self._settle_real_time(deadline, timeout)
        if not quiet:
            raise SettleTimeout(timeout, self.busy_actors(horizon))

    async def _settle_real_time(self, deadline: float, timeout: float) -> bool:
        with anyio.move_on_after(timeout):
            while True:
                await self._quiet.wait()
                await asyncio.sleep(0)  # let what the last handler woke take its turn
                if self._busy:
                    continue
                due = self._next_timer_due()
                if due > deadline:
                    return True
                await anyio.sleep(max(0.0, due - anyio.current_time()))
        return False

    def _next_timer_due(self) -> float:
        return self._timers.next_due()

    def busy_actors(self, horizon: float = 0.0) -> list[str]:
        """Names of the actors with messages queued or in hand, or a timer within ``horizon``."""
        deadline = asyncio.get_running_loop().time() + horizon
        timed = {t._cell.name for t in self._timers.pending() if t.when <= deadline}
        return [
            name for name, cell in self._cells.items() if cell.busy or cell.queue or name in timed
        ]

    # --------------------------------------------------------------- cells call these

    def _busy_changed(self, delta: int) -> None:
        self._busy += delta
        if self._busy == 0:
            self._quiet.set()
        elif delta > 0 and self._busy == 1:
            self._quiet.clear()

    def _record(
        self, sender: str, receiver: str, kind: DeliveryKind, message: object, cause: int | None
    ) -> int:
        assert self._trace is not None
        assert self._loop is not None
        return self._trace.record(self._loop.time(), sender, receiver, kind, message, cause)

    def _now(self) -> float:
        return 0.0 if self._loop is None else self._loop.time()

    def _restarting(self, cell: _Cell, error: BaseException, delay: float) -> None:
        if not self._restart_listeners:
            return
        snapshot = statistics_of(cell)
        for listener in self._restart_listeners:
            try:
                listener(snapshot, error, delay)
            except Exception as exc:  # a report must not turn into another failure
                _log.error("restart_listener_failed", actor=cell.name, exc_info=exc)

    def _unregister(self, cell: _Cell) -> None:
        self._started.pop(cell, None)
        if self._cells.get(cell.name) is cell:
            del self._cells[cell.name]

    def _fail(self, error: BaseException) -> None:
        """A failure escalated past the root: stop everything and raise it from ``async with``."""
        if self._fatal is None:
            self._fatal = error
        if self._task_group is not None:
            self._task_group.cancel_scope.cancel()

    def __repr__(self) -> str:
        return f"<ActorSystem seed={self.seed} actors={len(self._cells)}>"
