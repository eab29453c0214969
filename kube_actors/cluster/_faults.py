"""Faults between the components and the apiserver: forced Conflicts, Gone, lost, repeated or
slow messages, each seeded and scoped to a component.

Every component of a ``Cluster`` reaches the apiserver through a client of its own, named
after it (``deployment-controller``, ``kube-controller-manager`` for the controllers' shared
informers, ``kube-scheduler``, ``kubelet/node-1``, ``kube-proxy``,
``event-broadcaster``, ``<name>-controller`` for a user controller, ``user`` for
``cluster.client``). ``Faults`` holds the faults in force; each intercepted client consults
it on every request and every watch batch::

    with cluster.faults.conflicts(component="deployment-controller", probability=0.3):
        await cluster.scale(Deployment, "web", 5)
        await cluster.settle()

=====================  ==============================================================
fault                  what the component sees
=====================  ==============================================================
``conflicts``          an update, status update or patch fails with ``Conflict``
                       (409) before it reaches the apiserver: nothing is written
``gone``               a watch from a resourceVersion fails with ``Gone`` (410), or
                       an open watch ends with an ``ERROR`` 410 event instead of its
                       next batch (the two ways an apiserver says it): an informer
                       re-lists
``drop_events``        watch events vanish (a lagging watcher: the cache goes stale).
                       When the fault ends, each watch that lost events ends with
                       ``ERROR`` 410, as the apiserver tells a watcher that fell
                       behind, and its informer re-lists
``duplicate_events``   watch events arrive twice
``latency``            each request waits ``seconds`` (on the running clock) first
=====================  ==============================================================

``component`` is a glob (``kubelet/*``); None means every component but ``user``.
``probability`` is per request or per event, ``count`` caps how often the fault fires, and
``kind`` limits it to one API kind. Each fault draws from a random source seeded from the
cluster's seed and the order the faults were made in, so a run replays exactly under
virtual time. A fault is a handle: ``remove()`` it, or use it as a context manager.

Faults live here, with the wiring, rather than in the client or the testing kit: only the
cluster makes each component's client (``client_for``) and owns the seed, and tests and
applications alike reach them as ``cluster.faults``; the client knows nothing of them.
"""

from __future__ import annotations

import asyncio
import fnmatch
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from types import TracebackType
from typing import Any, Literal, TypeVar

import anyio

from ..actors import ActorRef
from ..api import Patch, Update, UpdateStatus, Watch, WatchEvent, WatchStream, kind_info
from ..client import Client, Transport
from ..errors import ActorStopped, Conflict, Gone

__all__ = ["USER", "Fault", "FaultKind", "Faults", "InterceptedClient"]

T = TypeVar("T")

#: The component name of ``cluster.client``, which ``component=None`` leaves alone.
USER = "user"

FaultKind = Literal["conflicts", "gone", "drop_events", "duplicate_events", "latency"]

_WRITES = (Update, UpdateStatus, Patch)


class Fault:
    """One fault in force; see the module docstring. Remove it, or leave its ``with``."""

    def __init__(
        self,
        faults: Faults,
        what: FaultKind,
        *,
        component: str | None,
        probability: float,
        count: int | None,
        kind: type[Any] | None,
        seconds: float = 0.0,
        rng: random.Random,
    ) -> None:
        if not 0.0 <= probability <= 1.0:
            raise ValueError(f"probability must be between 0 and 1, not {probability}")
        if count is not None and count < 0:
            raise ValueError(f"count must be 0 or more, not {count}")
        if seconds < 0:
            raise ValueError(f"seconds must not be negative, not {seconds}")
        if kind is not None:
            kind_info(kind)  # a KeyError now rather than a fault that never fires
        self._faults = faults
        self.what = what
        self.component = component
        self.probability = probability
        self.count = count
        self.kind = kind
        self.seconds = seconds
        self._rng = rng
        #: How often it fired so far.
        self.fired = 0
        self.active = True
        # Watches this fault took events from: told to re-list when it ends.
        self._lossy: list[_FaultyStream] = []

    def __repr__(self) -> str:
        scope = self.component or "*"
        return f"<Fault {self.what} component={scope!r} p={self.probability} fired={self.fired}>"

    def applies(self, component: str, kind: type[Any] | None) -> bool:
        if not self.active or (self.kind is not None and kind is not self.kind):
            return False
        if self.component is None:
            return component != USER
        return fnmatch.fnmatchcase(component, self.component)

    def fires(self) -> bool:
        """Draw: whether it strikes this time (and count it if so)."""
        if self.count is not None and self.fired >= self.count:
            return False
        if self._rng.random() >= self.probability:
            return False
        self.fired += 1
        return True

    def remove(self) -> None:
        """End the fault; watches it took events from end with ``Gone`` and re-list."""
        if not self.active:
            return
        self.active = False
        self._faults._forget(self)
        lossy, self._lossy = self._lossy, []
        for stream in lossy:
            stream.expire()

    def __enter__(self) -> Fault:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.remove()


class Faults:
    """The faults in force in one cluster: ``cluster.faults``."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self._made = 0
        self._faults: tuple[Fault, ...] = ()

    @property
    def active(self) -> list[Fault]:
        return list(self._faults)

    @property
    def active_count(self) -> int:
        return len(self._faults)

    def clear(self) -> None:
        """Remove every fault."""
        for fault in self._faults:
            fault.remove()

    def conflicts(
        self,
        *,
        component: str | None = None,
        probability: float = 1.0,
        count: int | None = None,
        kind: type[Any] | None = None,
    ) -> Fault:
        """Updates, status updates and patches fail with ``Conflict``, writing nothing."""
        return self._add("conflicts", component, probability, count, kind)

    def gone(
        self,
        *,
        component: str | None = None,
        probability: float = 1.0,
        count: int | None = None,
        kind: type[Any] | None = None,
    ) -> Fault:
        """Watches from a resourceVersion fail with ``Gone``, and open watches end with an
        ``ERROR`` 410 instead of their next batch, so informers re-list."""
        return self._add("gone", component, probability, count, kind)

    def drop_events(
        self,
        *,
        component: str | None = None,
        probability: float = 1.0,
        count: int | None = None,
        kind: type[Any] | None = None,
    ) -> Fault:
        """Watch events are lost until the fault ends; then the watches that lost some end
        with ``Gone`` and their informers re-list."""
        return self._add("drop_events", component, probability, count, kind)

    def duplicate_events(
        self,
        *,
        component: str | None = None,
        probability: float = 1.0,
        count: int | None = None,
        kind: type[Any] | None = None,
    ) -> Fault:
        """Watch events are delivered twice."""
        return self._add("duplicate_events", component, probability, count, kind)

    def latency(
        self,
        seconds: float,
        *,
        component: str | None = None,
        probability: float = 1.0,
        count: int | None = None,
        kind: type[Any] | None = None,
    ) -> Fault:
        """Requests wait ``seconds`` on the running clock before they are sent."""
        return self._add("latency", component, probability, count, kind, seconds=seconds)

    def _add(
        self,
        what: FaultKind,
        component: str | None,
        probability: float,
        count: int | None,
        kind: type[Any] | None,
        *,
        seconds: float = 0.0,
    ) -> Fault:
        # A source per fault, seeded from the cluster's seed and the fault's rank, so one
        # fault's draws do not shift another's.
        rng = random.Random(f"kube_actors.faults/{self.seed}/{self._made}")
        fault = Fault(
            self,
            what,
            component=component,
            probability=probability,
            count=count,
            kind=kind,
            seconds=seconds,
            rng=rng,
        )
        self._made += 1
        self._faults = (*self._faults, fault)
        return fault

    def _forget(self, fault: Fault) -> None:
        self._faults = tuple(f for f in self._faults if f is not fault)

    # ---------------------------------------------------------------- interception

    def _matching(self, what: FaultKind, component: str, kind: type[Any] | None) -> list[Fault]:
        return [f for f in self._faults if f.what == what and f.applies(component, kind)]

    async def intercept(
        self, component: str, request: object, send: Callable[[object], Awaitable[Any]]
    ) -> Any:
        """Send ``request`` through the faults in force for ``component``."""
        kind = _kind_of(request)
        for fault in self._matching("latency", component, kind):
            if fault.fires():
                await anyio.sleep(fault.seconds)
        if isinstance(request, _WRITES):
            for fault in self._matching("conflicts", component, kind):
                if fault.fires():
                    raise _conflict(request, kind)
        if isinstance(request, Watch) and request.resource_version not in ("", "0"):
            for fault in self._matching("gone", component, kind):
                if fault.fires():
                    raise Gone(f"too old resource version: {request.resource_version} (injected)")
        return await send(request)

    def _filter(self, stream: _FaultyStream, batch: Sequence[WatchEvent]) -> Sequence[WatchEvent]:
        if not self._faults:
            return batch  # the usual case: nothing injected, nothing to look at
        for fault in self._matching("gone", stream.component, stream.kind):
            if fault.fires():
                stream.expire()
                return ()  # the watch ends here: the reader is told to list again
        drops = self._matching("drop_events", stream.component, stream.kind)
        copies = self._matching("duplicate_events", stream.component, stream.kind)
        if not drops and not copies:
            return batch
        kept: list[WatchEvent] = []
        for event in batch:
            if event.type in ("ERROR", "BOOKMARK"):
                kept.append(event)
                continue
            dropper = next((f for f in drops if f.fires()), None)
            if dropper is not None:
                if stream not in dropper._lossy:
                    dropper._lossy.append(stream)
                continue
            kept.append(event)
            if any(f.fires() for f in copies):
                kept.append(event)
        return kept


def field_manager_of(component: str) -> str:
    """The manager a component's writes are recorded under, as Kubernetes names its
    components' (the user agent's program name): every controller is
    ``kube-controller-manager``, a node's kubelet ``kubelet``."""
    if component == USER:
        return "kube-actors"
    if component.endswith("-controller"):
        return "kube-controller-manager"
    return component.split("/", 1)[0]


class InterceptedClient(Client):
    """A component's ``Client``: every request and watch batch passes the cluster's faults."""

    def __init__(
        self,
        apiserver: ActorRef | Transport,
        *,
        component: str,
        faults: Faults,
        timeout: float | None = None,
    ) -> None:
        super().__init__(apiserver, timeout=timeout, field_manager=field_manager_of(component))
        self.component = component
        self.faults = faults
        #: Whether a fault of this client's own is on (``_admit`` then decides on every
        #: request): off, as it mostly is, a request costs no call of the hook.
        self._refusing = False

    def __repr__(self) -> str:
        return f"Client({self.apiserver!r}, component={self.component!r})"

    async def _ask(self, request: object) -> Any:
        if self._refusing:
            self._admit(request)
        if self.faults._faults:  # as ``active_count``, without a property's call on every ask
            result = await self.faults.intercept(self.component, request, super()._ask)
        else:  # the usual case: no fault in force, straight to the apiserver (Client._ask)
            try:
                result = await self.apiserver.ask(request, timeout=self.timeout)
            except ActorStopped as stopped:
                raise self._unavailable() from stopped
        if isinstance(request, Watch):
            return self._opened(_FaultyStream(result, self.faults, self.component, request.kind))
        return result

    def create_nowait(self, obj: T, *, field_manager: str = "") -> asyncio.Future[T] | None:
        # As ``update_nowait``: a request a fault decides on is awaited in ``_ask``.
        if self._refusing or self.faults._faults:
            return None
        return super().create_nowait(obj, field_manager=field_manager)

    def update_nowait(self, obj: T, *, field_manager: str = "") -> asyncio.Future[T] | None:
        # A fault in force (the cluster's, or this client's own) decides on each request
        # in ``_ask``: such a request is awaited there.
        if self._refusing or self.faults._faults:
            return None
        return super().update_nowait(obj, field_manager=field_manager)

    # Hooks for a client that adds a fault of its own (a node's link, which can be cut):
    # plain calls, so that every request still costs one coroutine here, not one per layer.

    def _admit(self, request: object) -> None:
        """Raise to refuse ``request`` before it is sent (asked while ``_refusing``)."""

    def _opened(self, stream: _FaultyStream) -> WatchStream:
        """The stream to hand out for a watch just opened."""
        return stream


class _FaultyStream:
    """A watch stream whose batches pass the faults; ``expire`` ends it with ``Gone``."""

    def __init__(self, inner: WatchStream, faults: Faults, component: str, kind: type[Any]) -> None:
        self._inner = inner
        self._faults = faults
        self.component = component
        self.kind = kind
        self._expired = False
        self._ended = False

    def expire(self) -> None:
        """Tell the reader it lost events: its next batch is an ``ERROR`` 410."""
        if not self._ended:
            self._expired = True
            self._inner.close()  # wakes a reader waiting for the next batch

    @property
    def closed(self) -> bool:
        """Whether it has ended (closed, or its ``ERROR`` handed out)."""
        return self._ended

    def close(self) -> None:
        self._ended = True
        self._inner.close()

    async def next_batch(self) -> Sequence[WatchEvent]:
        while True:
            if self._expired:
                self._expired, self._ended = False, True
                error = Gone("watch events were lost (injected): list again")
                return [WatchEvent(type="ERROR", error=error)]
            if self._ended:
                return ()
            batch = await self._inner.next_batch()
            if batch:
                batch = self._faults._filter(self, batch)
                if batch:
                    return batch
            elif not self._expiring():
                return batch  # closed: the end

    def _expiring(self) -> bool:
        # A method, not the attribute: it changes while next_batch waits.
        return self._expired

    def __aiter__(self) -> AsyncIterator[WatchEvent]:
        return self._events()

    async def _events(self) -> AsyncIterator[WatchEvent]:
        while batch := await self.next_batch():
            for event in batch:
                yield event
                if event.type == "ERROR":
                    return


def _kind_of(request: object) -> type[Any] | None:
    kind = getattr(request, "kind", None)
    if isinstance(kind, type):
        return kind
    obj = getattr(request, "obj", None)
    if obj is None:  # a CreateEach: the kind of its objects (the recorder's Events)
        objs = getattr(request, "objs", ())
        obj = objs[0] if objs else None
    return type(obj) if obj is not None else None


def _conflict(request: object, kind: type[Any] | None) -> Conflict:
    obj = getattr(request, "obj", None)
    name = obj.metadata.name if obj is not None else getattr(request, "name", "")
    resource = _resource(kind) if kind is not None else "objects"
    return Conflict(
        f'Operation cannot be fulfilled on {resource} "{name}": the object has been '
        "modified; please apply your changes to the latest version and try again (injected)",
        name=name,
    )


def _resource(kind: type[Any]) -> str:
    info = kind_info(kind)
    return f"{info.plural}.{info.group}" if info.group else info.plural
