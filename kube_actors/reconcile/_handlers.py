"""Event handlers: which requests an informer's event puts on a controller's queue.

controller-runtime's ``pkg/handler``, with the same names:

- ``EnqueueRequestForObject``: the object itself (a controller's ``for_`` kind).
- ``EnqueueRequestForOwner``: the object's owner of a given kind, by default only the owner
  marked ``controller: true`` (a Deployment hears about its ReplicaSets this way).
- ``EnqueueRequestsFromMapFunc``: whatever a function maps the object to (a Node event that
  concerns every DaemonSet, say).

On an update, the owner and map handlers enqueue for the old and the new object both (an
owner reference may have moved); the queue's dedup absorbs the repeats.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol

from kube_actors.api import kind_info

from ._contract import Request
from ._queue import WorkQueue

__all__ = [
    "EnqueueRequestForObject",
    "EnqueueRequestForOwner",
    "EnqueueRequestsFromMapFunc",
    "EventHandler",
    "MapFunc",
]

#: ``map(obj) -> requests``: the requests an object's change should cause.
MapFunc = Callable[[Any], Iterable[Request]]


class EventHandler(Protocol):
    """Turns an informer event into requests on a controller's queue."""

    def on_add(self, obj: Any, queue: WorkQueue[Request]) -> None: ...

    def on_update(self, old: Any, new: Any, queue: WorkQueue[Request]) -> None: ...

    def on_delete(self, obj: Any, queue: WorkQueue[Request]) -> None: ...


class EnqueueRequestForObject:
    """Enqueue the request naming the object that changed."""

    __slots__ = ()

    def on_add(self, obj: Any, queue: WorkQueue[Request]) -> None:
        meta = obj.metadata
        queue.add(Request(meta.namespace, meta.name))

    def on_update(self, old: Any, new: Any, queue: WorkQueue[Request]) -> None:
        meta = new.metadata
        queue.add(Request(meta.namespace, meta.name))

    def on_delete(self, obj: Any, queue: WorkQueue[Request]) -> None:
        meta = obj.metadata
        queue.add(Request(meta.namespace, meta.name))

    def __repr__(self) -> str:
        return "EnqueueRequestForObject()"


class EnqueueRequestForOwner:
    """Enqueue the owner of kind ``owner`` named in the object's owner references.

    With ``only_controller`` (the default) only the reference marked ``controller: true``
    counts, as for ``ControllerSpec.owns``.
    """

    __slots__ = ("_api_group", "_kind", "_namespaced", "only_controller", "owner")

    def __init__(self, owner: type[Any], *, only_controller: bool = True) -> None:
        info = kind_info(owner)
        self.owner = owner
        self.only_controller = only_controller
        self._kind = info.kind
        self._api_group = info.group
        self._namespaced = info.namespaced

    def _enqueue_owners(self, obj: Any, queue: WorkQueue[Request]) -> None:
        meta = obj.metadata
        for ref in meta.owner_references:
            if ref.kind != self._kind or (self.only_controller and not ref.controller):
                continue
            if ref.api_version.rpartition("/")[0] != self._api_group:
                continue  # the same kind name in another API group
            queue.add(Request(meta.namespace if self._namespaced else "", ref.name))

    def on_add(self, obj: Any, queue: WorkQueue[Request]) -> None:
        self._enqueue_owners(obj, queue)

    def on_update(self, old: Any, new: Any, queue: WorkQueue[Request]) -> None:
        self._enqueue_owners(old, queue)
        self._enqueue_owners(new, queue)

    def on_delete(self, obj: Any, queue: WorkQueue[Request]) -> None:
        self._enqueue_owners(obj, queue)

    def __repr__(self) -> str:
        return f"EnqueueRequestForOwner({self.owner.__name__})"


class EnqueueRequestsFromMapFunc:
    """Enqueue the requests ``map_func`` returns for the object."""

    __slots__ = ("map_func",)

    def __init__(self, map_func: MapFunc) -> None:
        self.map_func = map_func

    def on_add(self, obj: Any, queue: WorkQueue[Request]) -> None:
        for request in self.map_func(obj):
            queue.add(request)

    def on_update(self, old: Any, new: Any, queue: WorkQueue[Request]) -> None:
        for request in self.map_func(old):
            queue.add(request)
        for request in self.map_func(new):
            queue.add(request)

    def on_delete(self, obj: Any, queue: WorkQueue[Request]) -> None:
        for request in self.map_func(obj):
            queue.add(request)

    def __repr__(self) -> str:
        return f"EnqueueRequestsFromMapFunc({self.map_func!r})"
