"""``Controller``: the actor that runs a ``ControllerSpec``.

controller-runtime's ``internal/controller``, as an actor:

- ``on_start`` builds the work queue, registers one handler per watched kind with the shared
  informers (which feed the queue from their own actors), starts any informer not yet
  running, and starts a background task that waits for those informers to sync and then
  runs ``workers`` worker tasks.
- A worker takes a request from the queue, calls ``reconcile``, and acts on the outcome as
  ``_contract`` tabulates, then marks the request done. The queue guarantees no two workers
  hold the same request.
- Each reconcile logs through a logger bound with ``controller=`` and ``request=``;
  ``reconcile_log()`` hands that logger to the reconciler.
- On stop or crash the handlers are removed and the queue shut down; a restart starts over
  with a fresh queue, and the re-registered handlers are told every cached object, so
  every object is reconciled again (nothing queued is lost for good).

Start it with the informer factory the process shares (``spawn_controller`` does this)::

    await system.spawn(lambda: Controller(spec, informers), name=f"controller/{spec.name}")
"""

from __future__ import annotations

import contextvars
import functools
import inspect
from collections.abc import Callable
from typing import Any

import anyio
import attrs
import structlog

from kube_actors.actors import Actor, ActorRef, Ask, caused_by
from kube_actors.client import (
    HandlerRegistration,
    InformerFactory,
    SharedInformer,
    Spawner,
    hears_updates,
)
from kube_actors.errors import ApiError, Conflict

from .._log import get_logger
from ._contract import Request, Result, TerminalError
from ._handlers import EventHandler
from ._queue import QueueStatistics, WorkQueue
from ._spec import ControllerSpec

__all__ = [
    "Controller",
    "ControllerStatistics",
    "Enqueue",
    "GetControllerStatistics",
    "reconcile_log",
    "spawn_controller",
]

_log = get_logger("kube_actors.reconcile")
_reconcile_log: contextvars.ContextVar[structlog.typing.FilteringBoundLogger | None] = (
    contextvars.ContextVar("kube_actors_reconcile_log", default=None)
)


def reconcile_log() -> structlog.typing.FilteringBoundLogger:
    """The logger of the reconcile in progress, bound with ``controller=`` and ``request=``
    (outside a reconcile, the package's logger)."""
    log = _reconcile_log.get()
    return log if log is not None else _log


@attrs.frozen
class Enqueue:
    """Tell it to a controller to reconcile ``request`` (as if an event had named it)."""

    request: Request


@attrs.frozen(kw_only=True)
class ControllerStatistics:
    """A snapshot of a controller: its queue and what its reconciles came to."""

    name: str
    workers: int
    started: bool
    reconciles: int
    errors: int
    terminal_errors: int
    queue: QueueStatistics


@attrs.frozen
class GetControllerStatistics(Ask[ControllerStatistics]):
    """Ask it of a controller: its ``ControllerStatistics``."""


class _Enqueuer:
    """Binds an ``EventHandler`` to one queue: what the informer calls."""

    __slots__ = ("handler", "ignores_updates", "on_add", "on_delete", "on_update", "queue")

    def __init__(self, handler: EventHandler, queue: WorkQueue[Request]) -> None:
        self.handler = handler
        self.queue = queue
        #: As its handler (``hears_updates``): not told of updates if the handler ignores them.
        self.ignores_updates = not hears_updates(handler)
        #: ``handler.on_add(obj, queue)`` for the informer's ``on_add(obj)``, and so on.
        self.on_add: Callable[[Any], None] = _queue_bound(handler.on_add, queue, 1)
        self.on_update: Callable[[Any, Any], None] = _queue_bound(handler.on_update, queue, 2)
        self.on_delete: Callable[[Any], None] = _queue_bound(handler.on_delete, queue, 1)


def _queue_bound(
    method: Callable[..., None], queue: WorkQueue[Request], at: int
) -> Callable[..., None]:
    """``method`` with ``queue`` as its argument at position ``at``, after the objects: a
    ``partial`` that passes it by its name, ``queue``, when the handler's parameter has
    that name (every handler here: the protocol's name), which calls the handler with no
    Python frame of its own between (every change of a watched kind, a Lease renewal, a
    new Pod, reaches several controllers); a plain function that passes it last for a
    handler that named it otherwise."""
    try:
        parameters = list(inspect.signature(method).parameters.values())
    except (TypeError, ValueError):  # no signature to read: passed last
        parameters = []
    if (
        len(parameters) > at
        and parameters[at].name == "queue"
        and parameters[at].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    ):
        return functools.partial(method, queue=queue)

    def last(*objects: Any) -> None:
        method(*objects, queue)

    return last


class Controller(Actor):
    """Runs one controller: informers feed its queue, its workers reconcile."""

    component = "controller"

    def __init__(self, spec: ControllerSpec, informers: InformerFactory) -> None:
        self.spec = spec
        self.informers = informers
        self.queue: WorkQueue[Request] = WorkQueue(spec.rate_limiter(), name=spec.name)
        self._registrations: list[tuple[SharedInformer[Any], HandlerRegistration]] = []
        self._started = False
        self._reconciles = 0
        self._errors = 0
        self._terminal_errors = 0

    async def on_start(self) -> None:
        self.log = self.log.bind(controller=self.spec.name)
        for kind, handler in self.spec.sources():
            informer = self.informers.informer(kind)
            registration = informer.add_event_handler(_Enqueuer(handler, self.queue))
            self._registrations.append((informer, registration))
        await self.informers.start(self.system)
        self.start_soon(self._run, name=f"{self.name}:workers")

    async def _run(self) -> None:
        async with anyio.create_task_group() as tg:
            for informer, _ in self._registrations:
                tg.start_soon(informer.wait_synced)
        self._started = True
        self.log.info("controller_started", workers=self.spec.workers)
        async with anyio.create_task_group() as tg:
            for worker in range(self.spec.workers):
                tg.start_soon(self._work, name=f"{self.name}:worker-{worker}")

    async def _work(self) -> None:
        queue = self.queue
        async for request in queue:
            try:
                await self._reconcile(request)
            finally:
                queue.done(request)

    async def _reconcile(self, request: Request) -> None:
        log = self.log.bind(request=str(request))
        token = _reconcile_log.set(log)
        self._reconciles += 1
        try:
            with caused_by(self.queue.cause_of(request)):
                result = await self.spec.reconciler.reconcile(request)
        except TerminalError as error:
            self._terminal_errors += 1
            log.error("reconcile_terminal_error", exc_info=error)
            self.queue.forget(request)
        except Conflict as error:
            # Optimistic concurrency at work (a stale cache, a concurrent writer): expected,
            # retried with back-off, and not worth a traceback each time.
            self._errors += 1
            log.info(
                "reconcile_conflict", error=str(error), retries=self.queue.num_requeues(request)
            )
            self.queue.add_rate_limited(request)
        except Exception as error:
            self._errors += 1
            log.error(
                "reconcile_failed",
                error=repr(error),
                retries=self.queue.num_requeues(request),
                # The apiserver's answers say all there is; a traceback is for our bugs.
                exc_info=None if isinstance(error, ApiError) else error,
            )
            self.queue.add_rate_limited(request)
        else:
            self._requeue(request, result)
        finally:
            _reconcile_log.reset(token)

    def _requeue(self, request: Request, result: Result) -> None:
        queue = self.queue
        if result.requeue_after:
            queue.forget(request)
            queue.add_after(request, result.requeue_after)
        elif result.requeue:
            queue.add_rate_limited(request)
        else:
            queue.forget(request)

    async def receive(self, message: object) -> object:
        match message:
            case Enqueue(request=request):
                self.queue.add(request)
            case GetControllerStatistics():
                return self.statistics()
            case _:
                return await super().receive(message)
        return None

    def statistics(self) -> ControllerStatistics:
        return ControllerStatistics(
            name=self.spec.name,
            workers=self.spec.workers,
            started=self._started,
            reconciles=self._reconciles,
            errors=self._errors,
            terminal_errors=self._terminal_errors,
            queue=self.queue.statistics(),
        )

    async def on_stop(self) -> None:
        self._shut_down()

    async def on_failure(self, error: BaseException) -> None:
        self._shut_down()

    def _shut_down(self) -> None:
        for informer, registration in self._registrations:
            informer.remove_event_handler(registration)
        self._registrations.clear()
        self.queue.shutdown()


async def spawn_controller(
    spawner: Spawner, spec: ControllerSpec, informers: InformerFactory
) -> ActorRef:
    """Start a ``Controller`` running ``spec``, as the actor ``controller/<spec.name>``."""
    return await spawner.spawn(lambda: Controller(spec, informers), name=f"controller/{spec.name}")
