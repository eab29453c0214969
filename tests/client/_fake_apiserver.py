"""A small in-test apiserver actor answering the messages of ``kube_actors.api``.

It keeps objects in a dict, numbers every write with a revision, and serves watches from an
event log, so the client and informer tests do not depend on the real apiserver. Two test
controls fake the failures an informer must survive: ``Compact`` (old resourceVersions are
Gone) and ``BreakWatches`` (every open watch gets an ERROR event and ends, as a watcher that
fell too far behind does).
"""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

import attrs

from kube_actors.actors import Actor
from kube_actors.api import (
    Create,
    Delete,
    Get,
    List,
    ObjectList,
    Patch,
    Update,
    UpdateStatus,
    Watch,
    WatchEvent,
    compile_selector,
    from_dict,
    kind_info,
    to_dict,
)
from kube_actors.errors import AlreadyExists, Conflict, Gone, NotFound


@attrs.frozen
class Compact:
    """Forget the event log: watching from any earlier resourceVersion is Gone."""


@attrs.frozen
class BreakWatches:
    """End every open watch with an ERROR (410 Gone) event."""


@attrs.frozen
class FailNext:
    """Make the next ``count`` requests of type ``verb`` raise ``error``."""

    verb: type[Any]
    error: Exception = attrs.field(eq=False)
    count: int = 1


@attrs.frozen
class Requests:
    """Answers the requests handled so far, by type name."""


class FakeStream:
    """A ``WatchStream``: events pushed by the fake, taken in batches."""

    def __init__(self, kind: type[Any], namespace: str, selector: Any) -> None:
        self.kind = kind
        self.namespace = namespace
        self.selector = selector
        self.closed = False
        self._events: deque[WatchEvent] = deque()
        self._waiter: asyncio.Future[None] | None = None

    def wants(self, obj: Any) -> bool:
        meta = obj.metadata
        if type(obj) is not self.kind or (self.namespace and meta.namespace != self.namespace):
            return False
        return bool(self.selector.matches(meta.labels))

    def push(self, event: WatchEvent) -> None:
        if self.closed:
            return
        self._events.append(event)
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def close(self) -> None:
        self.closed = True
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    async def next_batch(self) -> Sequence[WatchEvent]:
        while not self._events:
            if self.closed:
                return ()
            self._waiter = asyncio.get_running_loop().create_future()
            await self._waiter
        batch = list(self._events)
        self._events.clear()
        if batch[-1].type == "ERROR":
            self.closed = True
        return batch

    def __aiter__(self) -> AsyncIterator[WatchEvent]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[WatchEvent]:
        while batch := await self.next_batch():
            for event in batch:
                yield event


class FakeApiServer(Actor):
    """Answers Create, Get, List, Watch, Update, UpdateStatus, Patch (merge), Delete."""

    component = "apiserver"

    def __init__(self) -> None:
        self.objects: dict[tuple[type[Any], str, str], Any] = {}
        self.revision = 0
        self.events: list[tuple[int, WatchEvent]] = []
        self.compacted = 0
        self.streams: list[FakeStream] = []
        self.requests: dict[str, int] = {}
        self._names = itertools.count(1)
        self.failures: dict[type[Any], tuple[Exception, int]] = {}

    async def receive(self, message: Any) -> Any:
        name = type(message).__name__
        self.requests[name] = self.requests.get(name, 0) + 1
        failure = self.failures.get(type(message))
        if failure is not None:
            error, count = failure
            if count > 1:
                self.failures[type(message)] = (error, count - 1)
            else:
                del self.failures[type(message)]
            raise error
        match message:
            case Create(obj=obj):
                return self._create(obj)
            case Get(kind=kind, name=obj_name, namespace=namespace):
                return self._existing(kind, namespace, obj_name)
            case List():
                return self._list(message)
            case Watch():
                return self._watch(message)
            case Update(obj=obj):
                old = self._current(obj)
                return self._write("MODIFIED", attrs.evolve(obj, status=old.status))
            case UpdateStatus(obj=obj):
                old = self._current(obj)
                return self._write("MODIFIED", attrs.evolve(old, status=obj.status))
            case Patch(kind=kind, name=obj_name, namespace=namespace, patch=patch):
                old = self._existing(kind, namespace, obj_name)
                patched = from_dict(_merge(to_dict(old), patch))
                return self._write("MODIFIED", patched)
            case Delete(kind=kind, name=obj_name, namespace=namespace):
                old = self._existing(kind, namespace, obj_name)
                del self.objects[(kind, namespace, obj_name)]
                return self._write("DELETED", old, store=False)
            case Compact():
                self.compacted = self.revision
                self.events.clear()
            case BreakWatches():
                for stream in self.streams:
                    stream.push(WatchEvent(type="ERROR", error=Gone("too slow")))
                self.streams.clear()
            case FailNext(verb=verb, error=error, count=count):
                self.failures[verb] = (error, count)
            case Requests():
                return dict(self.requests)
            case _:
                return await super().receive(message)
        return None

    def _existing(self, kind: type[Any], namespace: str, name: str) -> Any:
        try:
            return self.objects[(kind, namespace, name)]
        except KeyError:
            raise NotFound.for_object(kind_info(kind).plural, name, kind=kind.kind) from None

    def _current(self, obj: Any) -> Any:
        meta = obj.metadata
        old = self._existing(type(obj), meta.namespace, meta.name)
        if meta.resource_version and meta.resource_version != old.metadata.resource_version:
            raise Conflict(f"the object {meta.name!r} has been modified")
        return old

    def _create(self, obj: Any) -> Any:
        meta = obj.metadata
        name = meta.name or f"{meta.generate_name}{next(self._names)}"
        if (type(obj), meta.namespace, name) in self.objects:
            raise AlreadyExists.for_object(kind_info(type(obj)).plural, name, kind=obj.kind)
        uid = f"uid-{self.revision + 1}"
        return self._write(
            "ADDED", attrs.evolve(obj, metadata=attrs.evolve(meta, name=name, uid=uid))
        )

    def _write(self, type_: Any, obj: Any, *, store: bool = True) -> Any:
        self.revision += 1
        version = str(self.revision)
        obj = attrs.evolve(obj, metadata=attrs.evolve(obj.metadata, resource_version=version))
        meta = obj.metadata
        if store:
            self.objects[(type(obj), meta.namespace, meta.name)] = obj
        event = WatchEvent(type=type_, obj=obj, resource_version=version)
        self.events.append((self.revision, event))
        for stream in self.streams:
            if stream.wants(obj):
                stream.push(event)
        self.streams = [s for s in self.streams if not s.closed]
        return obj

    def _matching(self, kind: type[Any], namespace: str, selector: Any) -> list[Any]:
        return [
            obj
            for (k, ns, _), obj in sorted(self.objects.items(), key=lambda kv: kv[0][1:])
            if k is kind and (not namespace or ns == namespace)
            if selector.matches(obj.metadata.labels)
        ]

    def _list(self, request: List) -> ObjectList:
        selector = compile_selector(request.label_selector or "")
        items = self._matching(request.kind, request.namespace, selector)
        start = int(request.continue_token or 0)
        end = start + request.limit if request.limit else len(items)
        more = str(end) if end < len(items) else ""
        return ObjectList(
            items=tuple(items[start:end]),
            resource_version=str(self.revision),
            continue_token=more,
        )

    def _watch(self, request: Watch) -> FakeStream:
        kind_info(request.kind)
        selector = compile_selector(request.label_selector or "")
        stream = FakeStream(request.kind, request.namespace, selector)
        if request.resource_version in ("", "0"):
            for obj in self._matching(request.kind, request.namespace, selector):
                stream.push(WatchEvent(type="ADDED", obj=obj, resource_version=str(self.revision)))
        else:
            after = int(request.resource_version)
            if after < self.compacted:
                raise Gone(f"too old resource version: {after} ({self.compacted})")
            for revision, event in self.events:
                if revision > after and stream.wants(event.obj):
                    stream.push(event)
        self.streams.append(stream)
        return stream


def _merge(target: dict[str, Any], patch: Mapping[str, Any] | Sequence[Any]) -> dict[str, Any]:
    assert isinstance(patch, Mapping), "the fake knows only merge patches"
    merged = dict(target)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged
