"""The watch cache: per resource, the current objects and a window of recent changes.

Kubernetes' apiserver serves lists and watches from a cache fed by one etcd watch, so a
thousand watchers cost etcd one. Here too: the apiserver watches ``/registry/`` once and
applies every change to the cache of its resource. Each cache holds

- ``objects``: the current object under each storage key, with its resourceVersion set;
- ``log``: a ``Broadcast`` of ``CacheEvent``s, which every watch of the resource follows with
  its own cursor, and which keeps the last ``retain`` changes so that a watch may resume from
  a recent resourceVersion.

Objects are never copied: the object in the cache is the one every list and watch hands out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Final, Literal, TypeVar

import attrs

from kube_actors.actors import Broadcast
from kube_actors.api import KindInfo, WatchEvent, evolve, quick_init, quick_new
from kube_actors.etcd import EventType, KeyEvent, KeyValue

from ._keys import object_key

__all__ = ["CacheEvent", "KindCache", "with_resource_version"]

CacheEventType = Literal["ADDED", "MODIFIED", "DELETED", "BOOKMARK"]

R = TypeVar("R")


@quick_init
@attrs.frozen(kw_only=True)
class CacheEvent:
    """One change of one object (``prev`` is its state before), or a bookmark."""

    type: CacheEventType
    revision: int
    obj: Any = None
    prev: Any = None
    #: The trace id of the request that wrote it (tracing on, this apiserver's write).
    cause: int | None = None
    #: What a watcher of every object of the kind (no namespace, no selector: an informer,
    #: the scheduler's) is shown of it, built once for all of them; None when no watch
    #: followed the kind as it was applied (each watcher then makes its own).
    shown: WatchEvent | None = None


#: Every write's cache event, and its event shown to every watcher of the whole kind, is
#: built by ``KindCache.apply`` (``quick_new``, by field name).
_new_cache_event: Final = quick_new(CacheEvent)
_new_watch_event: Final = quick_new(WatchEvent)


def with_resource_version(obj: Any, revision: int) -> Any:
    """The object with ``metadata.resourceVersion`` set to ``revision``."""
    meta = obj.metadata
    version = str(revision)
    if meta.resource_version == version:
        return obj
    return evolve(obj, metadata=evolve(meta, resource_version=version))


def _revision(event: CacheEvent) -> int:
    return event.revision


#: Fields whose watchers get a log of their own per value, as Kubernetes' cacher indexes
#: pod watches by ``spec.nodeName`` and node watches by ``metadata.name``: each kubelet then
#: reads only its own node's pods, and its own Node, instead of filtering every pod and
#: every node's heartbeat of the cluster.
TRIGGERS: dict[str, tuple[str, Callable[[Any], str]]] = {
    "pods": ("spec.nodeName", lambda pod: pod.spec.node_name),
    "nodes": ("metadata.name", lambda node: node.metadata.name),
}


class KindCache:
    """The cached state of one resource."""

    def __init__(self, info: KindInfo, *, retain: int, max_lag: int) -> None:
        self.info = info
        self.objects: dict[str, Any] = {}
        #: namespace -> {key: object}, for namespaced kinds: a namespace's objects without a
        #: scan of the kind (admission reads them on every create: quota, limits, budgets)
        self._by_namespace: dict[str, dict[str, Any]] = {}
        self.log: Broadcast[CacheEvent] = Broadcast(max_lag=max_lag, retain=retain)
        #: Watches may resume from any resourceVersion at or after this one.
        self._complete_from = 0
        self._max_lag = max_lag
        trigger = TRIGGERS.get(info.plural) if not info.group else None
        self.trigger_field = trigger[0] if trigger else ""
        self._trigger = trigger[1] if trigger else None
        #: value -> (its log, the revision it is complete from)
        self._triggered: dict[str, tuple[Broadcast[CacheEvent], int]] = {}
        #: How many times ``objects`` changed (``load``, ``apply``): what ``derived`` keeps
        #: a value worked out from all of them against.
        self.changes = 0
        #: derive -> (``changes`` when it ran, what it gave), for ``derived``
        self._derived: dict[Callable[[Iterable[Any]], Any], tuple[int, Any]] = {}

    def load(self, kvs: Iterable[KeyValue], revision: int) -> None:
        """Fill the cache from a range read of the resource at ``revision``."""
        self.changes += 1
        self.objects = {kv.key: with_resource_version(kv.value, kv.mod_revision) for kv in kvs}
        self._by_namespace = {}
        if self.info.namespaced:
            for key, obj in self.objects.items():
                self._by_namespace.setdefault(obj.metadata.namespace, {})[key] = obj
        self._complete_from = revision

    def apply(self, event: KeyEvent, ready: Any = None, cause: int | None = None) -> CacheEvent:
        """Turn an etcd event of this resource into the cache's own and apply it. ``ready``:
        the put value with its resourceVersion already set, if the apiserver has it."""
        self.changes += 1
        key = event.kv.key
        revision = event.kv.mod_revision
        prev = self.objects.get(key)
        if event.type is EventType.DELETE:
            self.objects.pop(key, None)
            if prev is not None and self.info.namespaced:
                self._forget_in_namespace(prev.metadata.namespace, key)
            last = prev if prev is not None else event.prev_kv.value if event.prev_kv else None
            obj = with_resource_version(last, revision) if last is not None else None
            shown = None
            if obj is not None and self.log.subscribers:
                shown = _new_watch_event(
                    type="DELETED", obj=obj, resource_version=str(revision), cause=cause
                )
            return _new_cache_event(
                type="DELETED", revision=revision, obj=obj, prev=prev, cause=cause, shown=shown
            )
        obj = ready
        if obj is None:
            stored: Any = event.kv.value
            obj = stored
            # ``with_resource_version``'s test, without its call: the apiserver stores the
            # object it writes with the resourceVersion its write is foreseen to get.
            if obj.metadata.resource_version != str(revision):
                obj = with_resource_version(obj, revision)
        self.objects[key] = obj
        if self.info.namespaced:
            # Not ``setdefault(namespace, {})``: a dict built and dropped for every event.
            in_namespace = self._by_namespace.get(obj.metadata.namespace)
            if in_namespace is None:
                self._by_namespace[obj.metadata.namespace] = {key: obj}
            else:
                in_namespace[key] = obj
        change_type = "ADDED" if prev is None else "MODIFIED"
        shown = None
        if self.log.subscribers:
            # ``obj`` carries ``revision`` as its resourceVersion (set above, or by the
            # apiserver's write): its text is the event's, without a ``str`` of its own.
            shown = _new_watch_event(
                type=change_type,
                obj=obj,
                resource_version=obj.metadata.resource_version,
                cause=cause,
            )
        return _new_cache_event(
            type=change_type, revision=revision, obj=obj, prev=prev, cause=cause, shown=shown
        )

    def derived(self, derive: Callable[[Iterable[Any]], R]) -> R:
        """``derive`` of every cached object (in ``objects``' order), worked out again only
        once they changed: for a pure function of them, which admission asks on every create
        (a kind's default class) while the kind changes seldom."""
        kept = self._derived.get(derive)
        if kept is not None and kept[0] == self.changes:
            value: R = kept[1]
            return value
        value = derive(self.objects.values())
        self._derived[derive] = (self.changes, value)
        return value

    def oldest_resumable(self) -> int:
        """The oldest resourceVersion a watch can resume from without missing a change."""
        held = self.log.held()
        if self.log.start == 0 or not held:
            return self._complete_from
        # The log was trimmed: what it still holds is complete from its first revision on.
        return max(self._complete_from, held[0].revision)

    def triggered_log(self, value: str, revision: int) -> tuple[Broadcast[CacheEvent], int]:
        """The log of the changes whose object has ``value`` in the trigger field (before or
        after the change), created now if it has to be: complete from ``revision``."""
        entry = self._triggered.get(value)
        if entry is None or not entry[0].subscribers:
            entry = (Broadcast(max_lag=self._max_lag, retain=16), revision)
            self._triggered[value] = entry
        return entry

    def publish(self, events: list[CacheEvent]) -> None:
        """Hand ``events`` to the watchers: the main log, and the logs of their triggers."""
        self.log.publish(events)
        trigger = self._trigger
        if trigger is None or not self._triggered:
            return
        routed: dict[str, list[CacheEvent]] = {}
        for event in events:
            for obj in (event.obj, event.prev):
                if obj is not None:
                    value = trigger(obj)
                    if value in self._triggered:
                        batch = routed.setdefault(value, [])
                        if not batch or batch[-1] is not event:
                            batch.append(event)
        for value, batch in routed.items():
            self._triggered[value][0].publish(batch)

    def publish_bookmark(self, revision: int) -> None:
        bookmark = [CacheEvent(type="BOOKMARK", revision=revision)]
        if self.log.subscribers:
            self.log.publish(bookmark)
        for log, _ in self._triggered.values():
            if log.subscribers:
                log.publish(bookmark)

    def close(self, error: BaseException) -> None:
        self.log.close(error)
        for log, _ in self._triggered.values():
            log.close(error)

    def position_after(self, revision: int) -> int:
        return self.log.position_after(revision, key=_revision)

    def _forget_in_namespace(self, namespace: str, key: str) -> None:
        objects = self._by_namespace.get(namespace)
        if objects is not None:
            objects.pop(key, None)
            if not objects:
                del self._by_namespace[namespace]

    def in_namespace(self, namespace: str) -> Iterator[Any]:
        """The cached objects of ``namespace`` in key order (every object when ``namespace``
        is empty or the kind is cluster-scoped)."""
        if not namespace or not self.info.namespaced:
            yield from self.in_prefix("")
            return
        objects = self._by_namespace.get(namespace, {})
        for key in sorted(objects):
            yield objects[key]

    def selected(self, namespace: str, name: str | None) -> Iterable[Any]:
        """The cached objects a request of ``namespace`` may select, in key order: when its
        field selector pins ``name``, at most the one object under that key, looked up
        rather than found by a scan (Kubernetes' storage serves such a selector by key)."""
        if name is None:
            return self.in_namespace(namespace)
        if self.info.namespaced and not namespace:  # that name in every namespace
            return [obj for obj in self.in_namespace("") if obj.metadata.name == name]
        obj = self.objects.get(object_key(self.info, namespace, name))
        return () if obj is None else (obj,)

    def in_prefix(self, prefix: str) -> Iterator[Any]:
        """The cached objects whose key starts with ``prefix``, in key order."""
        for key in sorted(self.objects):
            if key.startswith(prefix):
                yield self.objects[key]
