"""``SyncCluster``: a ``Cluster`` driven from synchronous code, on a loop in a thread of its own.

Not a second implementation: anyio's blocking portal runs an event loop in a thread, the
cluster lives on it, and every method called here is the ``Cluster``'s own, run on that
loop (``portal.call``); the calling thread blocks until it returns. Objects that are live
parts of the cluster (its ``client``, ``faults``, a fault handle) come back wrapped the same
way, so ``cluster.client.list(Pod)`` blocks too and nothing of the loop is touched from
another thread.

With ``clock="virtual"`` the loop is a ``VirtualTimeEventLoop``, and virtual time runs only
while a call is in progress: between calls the loop has a job in its executor that waits for
the next call, and a virtual-time loop waits for executor jobs in real time rather than
jumping past them. So a script sees what a test sees: time passes inside ``wait_for`` and
``settle``, and stands still while the script thinks.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from types import TracebackType
from typing import TYPE_CHECKING, Any

from anyio.from_thread import BlockingPortal, start_blocking_portal

from ..actors import VirtualTimeEventLoop
from ..client import Client
from ._faults import Fault, Faults

if TYPE_CHECKING:
    from ._cluster import Cluster

__all__ = ["SyncCluster"]

# What a call may hand back that is part of the running cluster: wrapped, not exposed.
_LIVE = (Client, Faults, Fault)


class _TimeGate:
    """Holds virtual time still between calls (see the module docstring)."""

    def __init__(self) -> None:
        self._calls = 0
        self._release: threading.Event | None = None
        self._job: asyncio.Future[Any] | None = None

    def hold(self) -> None:
        """On the loop: park a job in the executor until ``release``."""
        if self._job is None:
            self._release = threading.Event()
            self._job = asyncio.get_running_loop().run_in_executor(None, self._release.wait)

    def release(self) -> None:
        """Let the parked job end, without waiting for it: time stays held until its thread
        has returned, so what the caller runs next starts at the very instant it was held
        at. (Awaiting the job cost every call the wake-up of that thread: 10-220 ms a call on
        a busy machine, most of the time of a state machine test's shrinking.)"""
        if self._release is not None:
            self._release.set()
        self._job = self._release = None

    async def run(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        self._calls += 1
        self.release()
        try:
            result = func(*args, **kwargs)
            if inspect.isawaitable(result):
                result = await result
            return result
        finally:
            self._calls -= 1
            if not self._calls:
                self.hold()


class _HeldOnEntry:
    """The cluster as an async context manager whose entry ends with time held: the gate is
    set in the same step of the loop that finishes starting the cluster, so no instant passes
    between the two (a ``hold`` sent afterwards from the calling thread let an idle loop jump
    on while the thread was scheduled: 0, 30, 80 s after start on a loaded machine)."""

    def __init__(self, cluster: Cluster, gate: _TimeGate | None) -> None:
        self._cluster = cluster
        self._gate = gate

    async def __aenter__(self) -> Cluster:
        await self._cluster.__aenter__()
        if self._gate is not None:
            self._gate.hold()
        return self._cluster

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        return await self._cluster.__aexit__(exc_type, exc, tb)


class _Blocking:
    """Calls the methods of ``target`` (async or not) on the portal's loop, blocking."""

    def __init__(self, target: Any, owner: SyncCluster) -> None:
        self._target = target
        self._owner = owner

    def __repr__(self) -> str:
        return f"<blocking {self._target!r}>"

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if callable(value) and not isinstance(value, type):
            return functools.partial(self._owner.call, value)
        return self._owner._wrap(value)

    def __enter__(self) -> Any:
        return self._owner._wrap(self._owner.call(self._target.__enter__))

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> Any:
        return self._owner.call(self._target.__exit__, exc_type, exc, tb)


class SyncCluster(_Blocking):
    """A ``Cluster`` for scripts and notebooks: ``with Cluster(...).sync() as cluster:``.

    ``cluster.apply(...)``, ``cluster.wait_for(...)``, ``cluster.client.get(...)``: each is
    the async method of the same name, called and waited for. ``call(fn, *args)`` runs any
    function or coroutine function on the cluster's loop (``cluster.call(my_check, c)``
    with ``async def my_check(c: Cluster)``); ``cluster.cluster`` is the ``Cluster`` itself.
    """

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster, self)
        self.cluster = cluster
        self._virtual = cluster.clock == "virtual"
        self._gate = _TimeGate()
        self._portal_cm: AbstractContextManager[BlockingPortal] | None = None
        self._portal: BlockingPortal | None = None
        self._cluster_cm: AbstractContextManager[Any] | None = None

    def __repr__(self) -> str:
        return f"<SyncCluster seed={self.cluster.seed} clock={self.cluster.clock!r}>"

    def __enter__(self) -> SyncCluster:
        if self._portal is not None:
            raise RuntimeError("this SyncCluster is running already")
        options = {"loop_factory": VirtualTimeEventLoop} if self._virtual else {}
        self._portal_cm = start_blocking_portal("asyncio", options)
        self._portal = self._portal_cm.__enter__()
        try:
            self._cluster_cm = self._portal.wrap_async_context_manager(
                _HeldOnEntry(self.cluster, self._gate if self._virtual else None)
            )
            self._cluster_cm.__enter__()
        except BaseException as error:
            self._close(type(error), error, error.__traceback__)
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._close(exc_type, exc, tb)

    def _close(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        portal, portal_cm, cluster_cm = self._portal, self._portal_cm, self._cluster_cm
        self._portal = self._portal_cm = self._cluster_cm = None
        if portal is None or portal_cm is None:
            return
        try:
            portal.call(self._gate.release)  # shutting down takes time too
            if cluster_cm is not None:
                cluster_cm.__exit__(exc_type, exc, tb)
        finally:
            portal_cm.__exit__(exc_type, exc, tb)

    def call(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run ``func(*args, **kwargs)`` on the cluster's loop (awaited if it is async) and
        return its result; live parts of the cluster come back wrapped like this one."""
        if self._portal is None:
            raise RuntimeError("the cluster is not running: use 'with Cluster(...).sync()'")
        result = self._portal.call(functools.partial(self._gate.run, func, *args, **kwargs))
        return self._wrap(result)

    def _wrap(self, value: Any) -> Any:
        return _Blocking(value, self) if isinstance(value, _LIVE) else value
