"""``SharedInformer``: list, then watch, into an indexed cache, telling handlers each change.

It is client-go's reflector, store and shared informer in one small loop (``run``):

1. **List** the kind and reconcile the cache with the list: objects new to the cache are
   added, changed ones (another resourceVersion) updated, and the ones no longer listed
   deleted, each change told to the handlers. The first list makes the informer *synced*.
2. **Watch** from the list's resourceVersion and apply each event to the cache, then to the
   handlers. A stream that ends cleanly is watched again from the last resourceVersion seen.
   Once the first batch of a watch is in the cache, the informer is *watching*: a reader
   may take an object from the cache instead of asking the apiserver for it.
3. An ``ERROR`` event (the watcher fell too far behind, or its start was compacted) or a
   ``Gone`` when starting a watch means events were lost: go back to 1 and **re-list**.
4. Any other failure (the apiserver unreachable, a timeout) is retried after a back-off,
   800 ms doubling to 30 s as the reflector does, on the running clock.

Handlers run synchronously in the informer's task, one event at a time, in order: keep them
short (enqueue a request; never await). A handler that raises is logged and the others still
run. A handler added after the informer synced is first told every cached object as an add.

On delete, handlers get the object's last state: from the DELETED event, or, when a re-list
finds it gone, the last state the cache held (client-go's "final state unknown" case).

The informer is a plain object; an actor's background task runs it (``InformerFactory``
spawns one actor per informer). Its state outlives that task, so when the actor restarts the
new run re-lists into the same cache and the handlers see only what really changed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, Protocol, TypeVar

import anyio
import attrs
from structlog.typing import FilteringBoundLogger

from kube_actors.actors import caused_by
from kube_actors.api import WatchEvent, kind_info
from kube_actors.errors import ActorError, ApiError, Gone

from .._log import get_logger
from ._client import Client, LabelSelectorArg
from ._indexer import Indexer, IndexFunc, object_key

__all__ = [
    "EventHandlerFuncs",
    "HandlerRegistration",
    "InformerStatistics",
    "ResourceEventHandler",
    "SharedInformer",
    "hears_updates",
]

T = TypeVar("T")
T_contra = TypeVar("T_contra", contravariant=True)

_log = get_logger("kube_actors.client")

#: The reflector's back-off between failed list or watch calls (client-go: 800 ms to 30 s).
BACKOFF_INITIAL = 0.8
BACKOFF_MAX = 30.0


class ResourceEventHandler(Protocol[T_contra]):
    """What an informer tells: an object added, updated (old and new), or deleted.

    A handler with a true ``ignores_updates`` attribute is not told of updates at all
    (``hears_updates``): client-go's handler funcs without an ``UpdateFunc``."""

    def on_add(self, obj: T_contra) -> None: ...

    def on_update(self, old: T_contra, new: T_contra) -> None: ...

    def on_delete(self, obj: T_contra) -> None: ...


def _ignore(*_: Any) -> None:
    return None


def hears_updates(handler: object) -> bool:
    """Whether an informer tells ``handler`` of updates: unless its ``ignores_updates`` is
    true. An update reaches every handler of its informer, most of which have nothing to
    do with it (the namespace controller hears of every namespaced object for its deletes
    alone): one that says so up front costs nothing for them."""
    return not getattr(handler, "ignores_updates", False)


@attrs.frozen(kw_only=True)
class EventHandlerFuncs:
    """A handler from plain functions; leave out the events you do not need."""

    on_add: Callable[[Any], None] = _ignore
    on_update: Callable[[Any, Any], None] = _ignore
    on_delete: Callable[[Any], None] = _ignore

    @property
    def ignores_updates(self) -> bool:
        """Without an ``on_update`` of its own: not told of updates (``hears_updates``)."""
        return self.on_update is _ignore


@attrs.frozen(eq=False)
class HandlerRegistration:
    """What ``add_event_handler`` returns; pass it to ``remove_event_handler``."""

    handler: ResourceEventHandler[Any]


@attrs.frozen(kw_only=True)
class InformerStatistics:
    """A snapshot of an informer."""

    kind: str
    synced: bool
    objects: int
    handlers: int
    lists: int
    watches: int
    events: int
    resource_version: str


class SharedInformer(Generic[T]):
    """A cache of one kind kept current by list and watch, shared by many handlers."""

    # Slots: no instance dict for the collector to scan, two informers on every node.
    __slots__ = (
        "__weakref__",
        "_events",
        "_lists",
        "_registrations",
        "_resource_version",
        "_synced",
        "_synced_event",
        "_update_handlers",
        "_watches",
        "_watching",
        "client",
        "field_selector",
        "indexer",
        "kind",
        "label_selector",
        "namespace",
    )

    def __init__(
        self,
        client: Client,
        kind: type[T],
        *,
        namespace: str = "",
        label_selector: LabelSelectorArg = None,
        field_selector: str | None = None,
        indexers: Mapping[str, IndexFunc] | None = None,
    ) -> None:
        self.client = client
        self.kind = kind
        self.namespace = namespace
        self.label_selector = label_selector
        self.field_selector = field_selector
        #: The cache; read it freely, only the informer writes it.
        self.indexer: Indexer[T] = Indexer(indexers)
        # Copy-on-write: dispatch iterates a snapshot, so a handler may add or remove handlers.
        self._registrations: tuple[HandlerRegistration, ...] = ()
        #: The ``on_update`` of each registered handler that hears updates, in order.
        self._update_handlers: tuple[Callable[[Any, Any], None], ...] = ()
        self._synced = False
        #: Made for the first ``wait_synced`` that has to wait (a kubelet's informers have
        #: no such reader: an Event and its waiters' deque less for each).
        self._synced_event: asyncio.Event | None = None
        self._resource_version = ""
        self._watching = False
        self._lists = 0
        self._watches = 0
        self._events = 0

    def __repr__(self) -> str:
        return f"<SharedInformer {_kind_name(self.kind)} objects={len(self.indexer)}>"

    @property
    def _log(self) -> FilteringBoundLogger:
        # Bound when something is logged, not kept: informers log rarely, and thousands of
        # kubelets hold two each.
        return _log.bind(component="informer", kind=_kind_name(self.kind))

    # ----------------------------------------------------------------------- handlers

    def add_event_handler(self, handler: ResourceEventHandler[T]) -> HandlerRegistration:
        """Tell ``handler`` every change from now on; if synced, every cached object first."""
        registration = HandlerRegistration(handler)
        self._set_registrations((*self._registrations, registration))
        if self.has_synced:
            for obj in self.indexer:
                self._call(handler.on_add, obj)
        return registration

    def remove_event_handler(self, registration: HandlerRegistration) -> None:
        """Stop telling that handler; removing it twice is harmless."""
        self._set_registrations(tuple(r for r in self._registrations if r is not registration))

    def _set_registrations(self, registrations: tuple[HandlerRegistration, ...]) -> None:
        self._registrations = registrations
        self._update_handlers = tuple(
            r.handler.on_update for r in registrations if hears_updates(r.handler)
        )

    # ------------------------------------------------------------------------- synced

    @property
    def has_synced(self) -> bool:
        """Whether the first list is in the cache (and was told to the handlers)."""
        return self._synced

    async def wait_synced(self) -> None:
        """Wait until ``has_synced`` (bound it with ``anyio.fail_after``)."""
        if self._synced:
            return
        if self._synced_event is None:
            self._synced_event = asyncio.Event()
        await self._synced_event.wait()

    @property
    def resource_version(self) -> str:
        """The last resourceVersion the cache caught up with."""
        return self._resource_version

    @property
    def watching(self) -> bool:
        """Whether the cache follows an open watch that has delivered its first batch (the
        changes it resumed from come first): its objects are then as current as the watch
        and may stand in for a GET. False while listing, re-watching or failing."""
        return self._watching

    def watched(self, key: str) -> T | None:
        """The object of ``key`` as the open watch has it (``watching``); None while there
        is no such watch, or no such object: one call for what a kubelet's every heartbeat
        asks of its own Node."""
        return self.indexer.get_by_key(key) if self._watching else None

    def statistics(self) -> InformerStatistics:
        return InformerStatistics(
            kind=_kind_name(self.kind),
            synced=self.has_synced,
            objects=len(self.indexer),
            handlers=len(self._registrations),
            lists=self._lists,
            watches=self._watches,
            events=self._events,
            resource_version=self._resource_version,
        )

    # ---------------------------------------------------------------------------- run

    async def run(self) -> None:
        """List and watch until cancelled."""
        backoff = BACKOFF_INITIAL
        while True:
            try:
                await self._list()
                backoff = BACKOFF_INITIAL
                await self._watch()
            except (ApiError, ActorError) as error:
                self._log.warning("informer_list_watch_failed", error=repr(error), retry=backoff)
                await anyio.sleep(backoff)
                backoff = min(backoff * 2, BACKOFF_MAX)

    async def _list(self) -> None:
        page = await self.client.list_page(
            self.kind,
            namespace=self.namespace,
            label_selector=self.label_selector,
            field_selector=self.field_selector,
        )
        self._lists += 1
        self._replace(page.items)
        self._resource_version = page.resource_version
        if not self._synced:
            self._synced = True
            if self._synced_event is not None:
                self._synced_event.set()
            self._log.debug("informer_synced", objects=len(self.indexer))

    async def _watch(self) -> None:
        """Watch until the events can no longer be trusted (return: re-list)."""
        while True:
            try:
                stream = await self.client.watch(
                    self.kind,
                    namespace=self.namespace,
                    label_selector=self.label_selector,
                    field_selector=self.field_selector,
                    resource_version=self._resource_version,
                )
            except Gone:
                self._log.info("informer_relist", reason="watch_gone")
                return
            self._watches += 1
            try:
                while batch := await stream.next_batch():
                    if not self._apply(batch):
                        return
                    self._watching = True
            finally:
                self._watching = False
                stream.close()

    # ------------------------------------------------------------------ cache changes

    def _apply(self, batch: Sequence[WatchEvent]) -> bool:
        """Apply a batch of watch events; False if an ERROR says to re-list."""
        indexer = self.indexer
        for event in batch:
            kind = event.type
            if kind == "ERROR":
                self._log.info("informer_relist", reason="watch_error", error=repr(event.error))
                return False
            self._events += 1
            if kind != "BOOKMARK":
                if event.cause is None:
                    self._take(kind, event.obj, indexer)
                else:
                    with caused_by(event.cause):  # what the handlers send follows the write
                        self._take(kind, event.obj, indexer)
            if event.resource_version:
                self._resource_version = event.resource_version
        return True

    def _take(self, kind: str, obj: Any, indexer: Indexer[T]) -> None:
        """Put one ADDED, MODIFIED or DELETED object in the cache and tell the handlers."""
        # ``object_key`` spelled out: every informer takes it for every event it hears.
        meta = obj.metadata
        key = f"{meta.namespace}/{meta.name}" if meta.namespace else meta.name
        if kind == "DELETED":
            if indexer.remove(key) is not None:
                self._dispatch_delete(obj)
        else:
            old = indexer.put(key, obj)
            if old is None:
                self._dispatch_add(obj)
            else:
                self._dispatch_update(old, obj)

    def _replace(self, items: Sequence[T]) -> None:
        """Make the cache hold exactly ``items``, telling the handlers what changed."""
        indexer = self.indexer
        listed: set[str] = set()
        for obj in items:
            key = object_key(obj)
            listed.add(key)
            old = indexer.put(key, obj)
            if old is None:
                self._dispatch_add(obj)
            elif _version(old) != _version(obj):
                self._dispatch_update(old, obj)
        for key in indexer.list_keys():
            if key not in listed:
                gone = indexer.remove(key)
                if gone is not None:
                    self._dispatch_delete(gone)

    # Each event goes to every handler, most of which have nothing to do with it (a Lease
    # renewal reaches the node lifecycle controller, the garbage collector's graph and the
    # namespace controller): the loops call the handlers themselves, one call per handler.

    def _dispatch_add(self, obj: T) -> None:
        for registration in self._registrations:
            try:
                registration.handler.on_add(obj)
            except Exception as error:
                self._failed(registration.handler.on_add, error)

    def _dispatch_update(self, old: T, new: T) -> None:
        for on_update in self._update_handlers:
            try:
                on_update(old, new)
            except Exception as error:
                self._failed(on_update, error)

    def _dispatch_delete(self, obj: T) -> None:
        for registration in self._registrations:
            try:
                registration.handler.on_delete(obj)
            except Exception as error:
                self._failed(registration.handler.on_delete, error)

    def _call(self, method: Callable[..., None], *args: Any) -> None:
        try:
            method(*args)
        except Exception as error:
            self._failed(method, error)

    def _failed(self, method: Callable[..., None], error: Exception) -> None:
        self._log.error("informer_handler_failed", handler=repr(method), exc_info=error)


def _version(obj: Any) -> str:
    return str(obj.metadata.resource_version)


def _kind_name(kind: type[Any]) -> str:
    try:
        info = kind_info(kind)
    except KeyError:
        return kind.__name__
    return f"{info.plural}.{info.group}" if info.group else info.plural
