"""The running actor behind an ``ActorRef``: its mailbox, its task, its supervision.

Users never see a ``_Cell``; they hold ``ActorRef``s. A cell lives as long as its name is
registered: across restarts the ref, the mailbox and the queued messages stay, while the
``Actor`` instance is built anew from its factory (Erlang's "restart with fresh state").

The mailbox is a ``deque`` that the actor drains in batches: a send appends and, only if the
actor is waiting for mail, wakes it; the actor then handles up to ``BATCH`` messages in one
turn of the event loop before it yields. That keeps a message's cost near a deque append plus
a coroutine call (the benchmarks compare it with a raw ``asyncio.Queue``), while a long batch
still lets other actors run.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections import deque
from collections.abc import Awaitable, Callable, Collection, Coroutine
from typing import TYPE_CHECKING, Any, Literal

import anyio
import anyio.abc

from .._log import get_logger
from ..errors import ActorError, ActorEscalated, ActorStopped, MailboxFull
from ._actor import Actor
from ._callbacks import NO_CONTEXT
from ._mail import Mail, ToldMail
from ._messages import Later
from ._supervision import RestartHistory, Supervision
from ._timers import Timer
from ._trace import EXTERNAL

if TYPE_CHECKING:
    from ._ref import ActorRef
    from ._system import ActorSystem

__all__ = ["BATCH", "Envelope", "cancel_all", "current_cell"]

#: Messages an actor handles in one turn of the event loop before it lets others run.
BATCH = 256


_future_init = asyncio.Future.__init__


class Envelope(asyncio.Future[Any], Mail):
    """A message that needs more than itself: an ask's reply future, or a trace id.

    A plain ``tell`` with tracing off puts the bare message in the mailbox, which saves an
    allocation on the hottest path; the actor tells the two apart by ``type(item) is
    Envelope`` (the class is private, so no user message can be one). An envelope is the
    ``Mail`` an actor that takes batches is handed, as it is, and an ask's envelope is its
    reply future too: one object an ask, not three. An ask lives as long as its actor takes
    to answer, which in a burst (a thousand kubelets renewing their Leases at one instant)
    is long enough for the collector to move what it is made of to its oldest generation.
    """

    __slots__ = ("_asked", "_cell", "answered", "error", "message", "trace_id")

    def __init__(
        self,
        cell: _Cell,
        message: object,
        asked: bool,
        trace_id: int | None,
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        _future_init(self, loop=loop)  # ``super().__init__``, without the ``super`` object
        self._asked = asked
        # ``Mail._address``'s fields, set here rather than through it: a call less an ask.
        self._cell = cell
        self.message = message
        self.trace_id = trace_id
        self.answered = False
        self.error = None

    @property
    def reply(self) -> asyncio.Future[Any] | None:
        """Itself for an ask; None for a told message (with a trace id)."""
        return self if self._asked else None


State = Literal["starting", "running", "restarting", "stopping", "stopped"]

_log = get_logger("kube_actors.actors")

#: The cell whose task is running: tells sent from it name it as their sender, and an
#: actor that asks itself, or waits on its own full mailbox, is told so instead of hanging.
current_cell: contextvars.ContextVar[_Cell | None] = contextvars.ContextVar(
    "kube_actors_current_cell", default=None
)


class _Cell:
    """One actor's mailbox, lifecycle and supervision state."""

    __slots__ = (
        "_backoff",
        "_callback_context",
        "_failed_task",
        "_forced",
        "_history",
        "_serving",
        "_started",
        "_stop_waiters",
        "_tasks",
        "busy",
        "capacity",
        "children",
        "component",
        "current_trace_id",
        "factory",
        "handled",
        "incarnation",
        "injected_failure",
        "instance",
        "interrupted",
        "last_error",
        "limit",
        "name",
        "parent",
        "pending_timers",
        "putters",
        "queue",
        "ref",
        "scope",
        "state",
        "stop_requested",
        "supervision",
        "system",
        "trace",
        "waiter",
    )

    def __init__(
        self,
        system: ActorSystem,
        name: str,
        factory: Callable[[], Actor],
        *,
        capacity: int,
        supervision: Supervision,
        parent: _Cell | None,
    ) -> None:
        from ._ref import ActorRef

        self.system = system
        self.name = name
        self.factory = factory
        self.capacity = capacity
        self.parent = parent
        self.supervision = supervision
        self.ref: ActorRef = ActorRef(self)
        self.queue: deque[object] = deque()
        self.waiter: asyncio.Future[None] | None = None
        #: The senders waiting for room (``wait_for_room``); made for the first of them, as
        #: most mailboxes never fill.
        self.putters: deque[asyncio.Future[None]] | None = None
        self.state: State = "starting"
        #: The queue length at which senders must wait: the capacity while the mailbox is
        #: open, -1 once it is closed, so that one comparison on the send path covers both.
        self.limit = capacity
        self.stop_requested = False
        self.injected_failure: BaseException | None = None
        #: Set when the serving loop must look up from its batch: a stop or a failure.
        self.interrupted = False
        self.trace = system._trace
        self.instance: Actor | None = None
        self.component = "actor"
        #: Its child actors, made for the first (most actors have none).
        self.children: list[_Cell] | None = None
        self.incarnation = 0
        self.pending_timers = 0
        self._history: RestartHistory | None = None
        #: The last crash's error as ``repr`` shows it, kept across restarts for health
        #: reports (not the exception: its traceback would keep the old incarnation alive).
        self.last_error: str | None = None
        self.handled = 0
        self.busy = True
        #: What the actor is handling; until its first message, what spawned it (so what
        #: ``on_start`` sends is traced to the spawner's message).
        self.current_trace_id: int | None = current_cause()
        #: The futures of those waiting for the stop (``wait_stopped``), made for the first:
        #: most actors are never waited for one by one (a pod worker goes with its Pod).
        self._stop_waiters: list[asyncio.Future[None]] | None = None
        #: The cancel scope a forced stop (``force_stop``) cancels: the incarnation's while it
        #: starts and serves, then its hook's (if the actor has one). None between them.
        self.scope: anyio.CancelScope | None = None
        #: Whether a stop ran out of time and cut the actor short (``force_stop``).
        self._forced = False
        #: The incarnation's background tasks (``start_soon``), plain asyncio tasks, from its
        #: first (None until then, and between incarnations). The first that fails ends the
        #: incarnation with its error.
        # Insertion-ordered (a dict, not a set): a set iterates in the order of the tasks'
        # addresses, so the order they are cancelled in (and so what they do as they end)
        # would change from run to run.
        self._tasks: dict[asyncio.Task[Any], None] | None = None
        self._failed_task: BaseException | None = None
        #: The context the actor's callbacks run in (``run_callback``): a copy of its task's
        #: as it began, which names the actor (``run``); no callback is armed before.
        self._callback_context = _BEFORE_RUN
        #: Whether the incarnation starts or serves, where a failed background task cancels it.
        self._serving = False
        self._backoff: asyncio.Future[None] | None = None
        self._started: asyncio.Future[None] | None = None

    # ------------------------------------------------------------------------- mailbox

    @property
    def history(self) -> RestartHistory:
        """Its recent failures, kept from its first (most actors never fail)."""
        if self._history is None:
            self._history = RestartHistory(self.supervision)
        return self._history

    @property
    def closed(self) -> bool:
        return self.limit < 0

    def close(self) -> None:
        self.limit = -1

    def enqueue(self, item: object) -> None:
        self.queue.append(item)
        if self.waiter is not None:
            self._wake()

    def _wake(self) -> None:
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
        if not self.busy:
            self.busy = True
            self.system._busy_changed(+1)

    async def wait_for_room(self, message: object) -> None:
        """Block a sender until the mailbox has room (the backpressure of a bounded mailbox)."""
        if self.closed:
            raise ActorStopped(self.name, message)
        if current_cell.get() is self:
            # The only one who could make room is the sender itself: waiting would hang.
            raise MailboxFull(self.name, self.capacity)
        loop = asyncio.get_running_loop()
        while len(self.queue) >= self.capacity and not self.closed:
            room: asyncio.Future[None] = loop.create_future()
            if self.putters is None:
                self.putters = deque()
            self.putters.append(room)
            try:
                await room
            except BaseException:
                if room in self.putters:
                    self.putters.remove(room)
                raise
        if self.closed:
            raise ActorStopped(self.name, message)

    def _wake_putters(self) -> None:
        putters = self.putters
        if not putters:
            return
        room = self.capacity - len(self.queue)
        while putters and (room > 0 or self.closed):
            putter = putters.popleft()
            if not putter.done():
                putter.set_result(None)
                room -= 1

    def send_after(self, delay: float, message: object) -> Timer:
        return self.system._timers.schedule(self, delay, message, current_cause())

    def call_after(self, delay: float, callback: Callable[[], None]) -> Timer:
        return self.system._timers.schedule(self, delay, callback, current_cause(), True)

    def when_done(
        self, future: asyncio.Future[Any], callback: Callable[[asyncio.Future[Any]], None]
    ) -> Callable[[asyncio.Future[Any]], None]:
        then = _new_object(_Continuation)  # ``_Continuation(...)``, set here: a class call less
        then._cell = self
        then._incarnation = self.incarnation
        then._callback = callback
        then._cause = current_cause()
        future.add_done_callback(then, context=NO_CONTEXT)
        return then

    def run_callback(self, cause: int | None, callback: Callable[..., None], *args: Any) -> None:
        """Run one of the actor's callbacks (``Actor.call_after``, ``Actor.when_done``)
        between its steps: what it sends is sent by this actor (a trace names it, an ask
        of its own mailbox is refused) and caused by ``cause``, and an exception it raises
        crashes the actor."""
        # The callback runs outside the actor's task, in a copy of the context that task
        # began with (``Context.run``: cheaper than setting the actor's variable and
        # resetting it around each of an idle cluster's two callbacks a heartbeat).
        try:
            if cause is None:
                self._callback_context.run(callback, *args)
            else:
                self._callback_context.run(_run_caused, cause, callback, args)
        except Exception as error:
            self.inject_failure(error)

    def deliver_timer(self, timer: Timer) -> None:
        system = self.system
        trace_id = None
        if system._trace is not None:
            trace_id = system._record(self.name, self.name, "timer", timer.message, timer.cause)
        if timer.call:
            callback: Any = timer.message
            self.run_callback(trace_id, callback)
            return
        # A timer holds one message, so delivering it past the capacity cannot grow the
        # mailbox without bound, and dropping it would lose a wake-up the actor relies on.
        self.enqueue(
            timer.message
            if trace_id is None
            else Envelope(self, timer.message, False, trace_id, asyncio.get_running_loop())
        )

    # ----------------------------------------------------------------------- lifecycle

    async def run(self, started: asyncio.Future[None]) -> None:
        """The actor's task: incarnations until it stops, escalates or is cancelled;
        ``started`` is resolved once the first ``on_start`` has run (or the task ended)."""
        current_cell.set(self)
        # The messages it handles say what caused what it sends, whatever the spawner's
        # context held (this task copied it).
        if _cause_override.get() is not None:
            _cause_override.set(None)
        self._callback_context = contextvars.copy_context()
        self._started = started
        del started  # the cell holds it until it is resolved, this frame for no longer
        try:
            while not self.stop_requested:
                error = await self._incarnation()
                if error is None:  # it stopped, or a forced stop cut it short
                    break
                self.last_error = repr(error)
                now = asyncio.get_running_loop().time()
                history = self.history
                delay = history.record_failure(now)
                if delay is None:
                    self._escalate(error)
                    break
                self.state = "restarting"
                looping = history.crash_looping(now)
                _log.warning(
                    "actor_crash_looping" if looping else "actor_restarting",
                    actor=self.name,
                    component=self.component,
                    restarts=history.restarts,
                    backoff=delay,
                    error=self.last_error,
                )
                self.system._restarting(self, error, delay)
                if not self._forced:  # a forced stop would cancel the back-off at once
                    await self._sleep_unless_stopped(delay)
        finally:
            self._announce_started()
            self._finish()

    async def _incarnation(self) -> BaseException | None:
        """Build a fresh instance, start it, serve its mailbox; the error if it crashed."""
        instance = self.factory()
        self.instance = instance
        self.component = instance.component
        instance._attach(self)
        error: BaseException | None = None
        self._failed_task = None
        try:
            # One cancel scope for the incarnation's start and service: a background task
            # that fails cancels it, as a task group would (``_task_done``), and its error is
            # then the incarnation's; a forced stop cancels it, and cuts the actor short.
            with anyio.CancelScope() as scope:
                self.scope = scope
                self._serving = True
                try:
                    await instance.on_start()
                except Exception as exc:
                    error = exc
                    self._log_crash(exc, None)
                self.state = "running"
                self._announce_started()
                if error is None:
                    if _takes_batches(instance):
                        error = await self._serve_batches(instance)
                    else:
                        error = await self._serve(instance)
        finally:
            # A forced stop before the scope's end cuts the incarnation short; one while its
            # tasks and children end (no scope of the actor's is active until the hook, so
            # nothing cancels that) cancels the hook instead.
            cut_short = scope.cancelled_caught and self._forced
            self._serving = False
            self.scope = None
            tasks, self._tasks = self._tasks, None
            failed = await cancel_all(tasks)
            await self._end_incarnation()
            self._failed_task = self._failed_task or failed
        if cut_short:
            self._failed_task = None
            return None  # cut short: no hook, no restart
        if error is None and self._failed_task is not None:
            error = self._failed_task
            self._log_crash(error, None)
        self._failed_task = None
        if error is None:
            cut_short = await self._run_hook(instance, "on_stop", instance.on_stop())
        else:
            cut_short = await self._run_hook(instance, "on_failure", instance.on_failure(error))
        return None if cut_short else error

    async def _serve(self, instance: Actor) -> BaseException | None:
        """Handle messages until asked to stop (None) or a told message fails (the error)."""
        queue = self.queue
        # The deque's popleft and the instance's receive are called, not kept in locals: a
        # bound method for each, kept as long as the actor lives, saves little per message.
        loop = asyncio.get_running_loop()
        while True:
            if self.interrupted:
                self.interrupted = False
                error, self.injected_failure = self.injected_failure, None
                return error  # None: a stop was asked for
            if not queue:
                # An idle actor's frame keeps no message, reply or result of the last: they
                # would live (and be promoted by the collector) until the next message.
                message = reply = result = None
                await self._wait_for_mail(loop)
                continue
            budget = BATCH
            while queue and budget:
                budget -= 1
                message = queue.popleft()
                reply = None
                if type(message) is Envelope:
                    reply = message if message._asked else None  # ``reply``, unwrapped
                    if message.trace_id is not None:
                        self.current_trace_id = message.trace_id
                    message = message.message
                if reply is None:
                    try:
                        await instance.receive(message)
                    except Exception as exc:
                        self.handled += BATCH - budget
                        self._log_crash(exc, message)
                        return exc
                else:
                    try:
                        result = await instance.receive(message)
                    except Exception as exc:
                        if not reply.done():
                            reply.set_exception(exc)
                    except BaseException:
                        # Cancelled: a background task failed, or the system stops. The
                        # asker is told the actor went away instead of waiting forever.
                        if not reply.done():
                            reply.set_exception(ActorStopped(self.name, message))
                        raise
                    else:
                        if type(result) is Later:
                            result.future.add_done_callback(
                                _Forward(reply, self.name), context=NO_CONTEXT
                            )
                        elif not reply.done():
                            reply.set_result(result)
                # (mypy narrows the field from the loop's top, as if the await could not set it)
                if self.interrupted:
                    break  # type: ignore[unreachable]
            self.handled += BATCH - budget
            if self.putters:
                self._wake_putters()
            if not budget:
                await asyncio.sleep(0)  # a long batch lets the other actors run

    async def _serve_batches(self, instance: Actor) -> BaseException | None:
        """``_serve`` for an actor that takes its mailbox a batch at a time (``_mail``)."""
        queue = self.queue
        loop = asyncio.get_running_loop()
        while True:
            if self.interrupted:
                self.interrupted = False
                error, self.injected_failure = self.injected_failure, None
                return error
            if not queue:
                await self._wait_for_mail(loop)
                continue
            batch = self._take_batch()
            try:
                await instance.receive_batch(batch)
            except Exception as exc:
                self._log_crash(exc, batch)
                _fail_unanswered(batch, exc)
                self.handled += len(batch)
                return exc
            except BaseException:
                _fail_unanswered(batch, ActorStopped(self.name))
                raise
            self.handled += len(batch)
            failed = _told_failure(batch)
            if failed is not None:  # a told message failed: the actor crashes
                error, message = failed
                _fail_unanswered(batch, error)
                self._log_crash(error, message)
                return error
            _fail_unanswered(batch, self._unanswered_error)
            if self.putters:
                self._wake_putters()
            full = len(batch) == BATCH
            # Handled: its mails (and their answers) are not kept while the actor waits
            # for the next (``_serve``).
            del batch
            if full:
                await asyncio.sleep(0)  # a long batch lets the other actors run

    def _take_batch(self) -> list[Mail]:
        """Up to ``BATCH`` messages of the mailbox, each as a ``Mail``."""
        queue = self.queue
        batch: list[Mail] = []
        while queue and len(batch) < BATCH:
            item = queue.popleft()
            batch.append(item if type(item) is Envelope else ToldMail(self, item))
        return batch

    def _wait_for_mail(self, loop: asyncio.AbstractEventLoop) -> asyncio.Future[None]:
        """Go idle: the future a send (or a stop) resolves to wake the actor. Awaited by
        the caller itself, not in a coroutine of its own: an idle actor, most of them, waits
        one coroutine less deep."""
        if self.putters:
            self._wake_putters()
        waiter = self.waiter = loop.create_future()
        if self.busy:
            self.busy = False
            self.system._busy_changed(-1)
        return waiter

    async def _end_incarnation(self) -> None:
        self._forget_timers()
        if self.children:
            for child in reversed(list(self.children)):
                await child.stop()

    def _forget_timers(self) -> None:
        # Timers carry the incarnation they were armed in; moving on makes them all stale.
        self.incarnation += 1
        self.pending_timers = 0

    async def _run_hook(self, instance: Actor, name: str, hook: Awaitable[None]) -> bool:
        """Run ``on_stop`` or ``on_failure``; whether a forced stop cut it short."""
        if getattr(type(instance), name) is getattr(Actor, name):
            # Actor's own hooks return without waiting: nothing for a stop to cancel.
            await hook
            return False
        scope = self.scope = anyio.CancelScope()
        if self._forced:  # the stop ran out of time while the incarnation ended
            scope.cancel()
        try:
            with scope:
                await hook
        except Exception as exc:
            _log.error("actor_hook_failed", actor=self.name, component=self.component, exc_info=exc)
        finally:
            self.scope = None
        return scope.cancelled_caught

    async def _sleep_unless_stopped(self, delay: float) -> None:
        loop = asyncio.get_running_loop()
        self._backoff = loop.create_future()
        handle = loop.call_later(delay, _resolve, self._backoff, context=NO_CONTEXT)
        try:
            await self._backoff
        finally:
            handle.cancel()
            self._backoff = None

    def _announce_started(self) -> None:
        if self._started is not None:
            started, self._started = self._started, None
            if not started.done():  # the spawner may have given up (cancelled)
                started.set_result(None)

    def _escalate(self, error: BaseException) -> None:
        policy = self.supervision
        escalated = ActorEscalated(self.name, policy.max_restarts, policy.within)
        escalated.__cause__ = error
        _log.error("actor_escalated", actor=self.name, component=self.component)
        if self.parent is not None and not self.parent.closed:
            self.parent.inject_failure(escalated)
        else:
            self.system._fail(escalated)

    def inject_failure(self, error: BaseException) -> None:
        """Make this actor fail as if its handler had raised ``error`` (a child escalated)."""
        self.injected_failure = error
        self.interrupted = True
        if self.waiter is not None:
            self._wake()

    def force_stop(self) -> None:
        """Cancel what the actor does now (its stop ran out of time): a handler or ``on_start``
        is cancelled and no hook runs; a hook is cancelled; the actor then stops."""
        self._forced = True
        if self.scope is not None:
            self.scope.cancel()
        if self._backoff is not None:
            _resolve(self._backoff)

    def request_stop(self) -> None:
        """Stop after the message in hand; refuse new messages from now on."""
        self.stop_requested = True
        self.interrupted = True
        self.close()
        if self.state != "stopped":
            self.state = "stopping"
        if self.waiter is not None:
            self._wake()
        if self._backoff is not None:
            _resolve(self._backoff)

    async def stop(self) -> None:
        self.request_stop()
        if current_cell.get() is not self:
            await self.wait_stopped()

    @property
    def has_stopped(self) -> bool:
        return self.state == "stopped"

    async def wait_stopped(self, timeout: float | None = None) -> bool:
        """Return once the actor has stopped (at once if it has), or once ``timeout``
        seconds have passed: whether it has stopped. (A timer, not an anyio ``move_on_after``
        around the wait: a stop is part of every pod worker's life, a cancel scope more.)"""
        if self.state == "stopped":
            return True
        loop = asyncio.get_running_loop()
        stopped: asyncio.Future[None] = loop.create_future()
        if self._stop_waiters is None:
            self._stop_waiters = []
        self._stop_waiters.append(stopped)
        expiry = None
        if timeout is not None:
            expiry = loop.call_later(timeout, _resolve, stopped, context=NO_CONTEXT)
        try:
            await stopped
        finally:
            if expiry is not None:
                expiry.cancel()
            waiters = self._stop_waiters
            if waiters is not None and stopped in waiters:  # timed out, or cancelled
                waiters.remove(stopped)
        return self.has_stopped

    def _finish(self) -> None:
        """Close the mailbox for good: fail the askers still queued, free the name."""
        self.close()
        self.state = "stopped"
        self._forget_timers()
        dropped = 0
        while self.queue:
            item = self.queue.popleft()
            if type(item) is not Envelope or item.reply is None:
                dropped += 1
            elif not item.reply.done():
                item.reply.set_exception(ActorStopped(self.name, item.message))
        if dropped:
            _log.debug("actor_dropped_messages", actor=self.name, count=dropped)
        self._wake_putters()
        if self.busy:
            self.busy = False
            self.system._busy_changed(-1)
        siblings = None if self.parent is None else self.parent.children
        if siblings is not None and self in siblings:
            siblings.remove(self)
        self.system._unregister(self)
        waiters, self._stop_waiters = self._stop_waiters, None
        for stopped in waiters or ():
            _resolve(stopped)

    def start_soon(
        self, func: Callable[..., Coroutine[Any, Any, Any]], *args: Any, name: str | None
    ) -> None:
        if not self._serving:
            raise ActorError(f"actor {self.name!r} is not running: it cannot start tasks")
        tasks = self._tasks
        if tasks is None:
            tasks = self._tasks = {}
        # The task copies this context: what it sends is traced to what the actor is
        # handling now, not to whatever it handles when the task gets round to it. A plain
        # asyncio task, which the incarnation keeps and cancels when it ends: an anyio task
        # group's would cost a handle, a cancel scope and events more, and every kubelet
        # runs its watches in such tasks.
        with caused_by(current_cause()):
            task = asyncio.get_running_loop().create_task(
                func(*args), name=name or f"{self.name}:task"
            )
        tasks[task] = None
        task.add_done_callback(self._task_done, context=NO_CONTEXT)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        tasks = self._tasks
        if tasks is None or task not in tasks:
            return  # the incarnation that started it has ended (and awaited it)
        del tasks[task]
        if task.cancelled() or (error := task.exception()) is None:
            return
        if self._failed_task is None:
            self._failed_task = error
            if self._serving and self.scope is not None:
                self.scope.cancel()

    def _unanswered_error(self) -> ActorError:
        return ActorError(f"actor {self.name!r} left an ask of its batch unanswered")

    def _log_crash(self, error: BaseException, message: object) -> None:
        _log.error(
            "actor_crashed",
            actor=self.name,
            component=self.component,
            message=repr(message) if message is not None else None,
            exc_info=error,
        )


def sender_name() -> str:
    cell = current_cell.get()
    return EXTERNAL if cell is None else cell.name


#: The trace id of the change being handled outside any message: an informer dispatching a
#: watch event sets it to the write that made the event, so what its handlers send (and
#: what a work queue's worker later does for them) is traced back to that write.
_cause_override: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "kube_actors_cause", default=None
)


#: Whether a cause may exist in this process: a system traces its messages (``ActorSystem(
#: trace=True)``) or code named one (``caused_by``). Until then every cause is None (a trace
#: id comes from a trace), and ``current_cause`` says so without its two context-variable
#: lookups: it runs for every timer armed and every write an apiserver makes. Never reset: a
#: process that traced once takes the long way.
_causes_exist = False


def causes_exist() -> None:
    """From now on, ``current_cause`` looks causes up (a cause may have been given)."""
    global _causes_exist
    _causes_exist = True


def current_cause() -> int | None:
    """The trace id of what the running code is handling (None when not tracing)."""
    if not _causes_exist:
        return None
    override = _cause_override.get()
    if override is not None:
        return override
    cell = current_cell.get()
    return None if cell is None else cell.current_trace_id


def _run_caused(cause: int, callback: Callable[..., None], args: tuple[Any, ...]) -> None:
    with caused_by(cause):
        callback(*args)


#: ``_Cell._callback_context`` until the actor's task runs (an empty context).
_BEFORE_RUN = contextvars.Context()
_new_object = object.__new__


class _Continuation:
    """``Actor.when_done``'s callback: runs the actor's own while its incarnation lasts."""

    __slots__ = ("_callback", "_cause", "_cell", "_incarnation")

    def __init__(
        self, cell: _Cell, callback: Callable[[asyncio.Future[Any]], None], cause: int | None
    ) -> None:
        self._cell = cell
        self._incarnation = cell.incarnation
        self._callback = callback
        self._cause = cause

    def __call__(self, future: asyncio.Future[Any]) -> None:
        cell = self._cell
        if cell.incarnation != self._incarnation or cell.limit < 0:  # (``cell.closed``)
            return  # restarted or stopped meanwhile: what it would do is not wanted now
        cell.run_callback(self._cause, self._callback, future)


class caused_by:
    """Within the block, messages sent are traced as caused by ``cause`` (None: no change)."""

    __slots__ = ("_cause", "_token")

    def __init__(self, cause: int | None) -> None:
        self._cause = cause
        self._token: contextvars.Token[int | None] | None = None

    def __enter__(self) -> None:
        if self._cause is not None:
            if not _causes_exist:
                causes_exist()
            self._token = _cause_override.set(self._cause)

    def __exit__(self, *exc: object) -> None:
        if self._token is not None:
            _cause_override.reset(self._token)
            self._token = None


def _takes_batches(instance: Actor) -> bool:
    return type(instance).receive_batch is not Actor.receive_batch


def _told_failure(batch: list[Mail]) -> tuple[Exception, object] | None:
    """The error and message of the first told message of ``batch`` that failed."""
    for mail in batch:
        if mail.error is not None:
            return mail.error, mail.message
    return None


def _fail_unanswered(batch: list[Mail], error: Exception | Callable[[], Exception]) -> None:
    """Fail the asks of ``batch`` still waiting for an answer with ``error``, or with what
    ``error`` makes, made only if one is waiting (most batches answer every ask)."""
    for mail in batch:
        if not mail.answered and (reply := mail.reply) is not None and not reply.done():
            if not isinstance(error, Exception):
                error = error()
            reply.set_exception(error)


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


async def cancel_all(tasks: Collection[asyncio.Task[Any]] | None) -> BaseException | None:
    """Cancel ``tasks`` (an incarnation's background tasks, the system's actors left over)
    and wait until they have ended, cancelling them in their order (insertion order, for a
    run that repeats itself); the error the first of them failed with, if one failed instead
    of ending cancelled."""
    if not tasks:
        return None
    for task in tasks:
        task.cancel()
    await asyncio.wait(tasks)
    failed = None
    for task in tasks:
        if not task.cancelled() and (error := task.exception()) is not None:
            failed = failed or error
    return failed


class _Forward:
    """Answers an ask with the outcome of the ``Later`` future its handler returned."""

    __slots__ = ("actor", "reply")

    def __init__(self, reply: asyncio.Future[Any], actor: str) -> None:
        self.reply = reply
        self.actor = actor

    def __call__(self, future: asyncio.Future[Any]) -> None:
        reply = self.reply
        if reply.done():
            return  # the asker gave up (a timeout)
        if future.cancelled():
            reply.set_exception(ActorStopped(self.actor))
        elif (error := future.exception()) is not None:
            reply.set_exception(error)
        else:
            reply.set_result(future.result())
