"""A watch as the apiserver serves it: a cursor on a resource's watch cache, filtered.

Each stream follows its resource's ``Broadcast`` and turns the cache's changes into what this
watcher may see: only its namespace, only objects its label and field selectors match, and an
object that stops (or starts) matching arrives as DELETED (or ADDED), as Kubernetes' cacher
does. A watcher that falls too far behind gets one ERROR event (410 Gone) and its stream
ends: it must re-list, never buffering without bound.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any, Final

import attrs

from kube_actors.actors import Lagged, Subscription
from kube_actors.api import WatchEvent, quick_new
from kube_actors.errors import ApiError, Gone

from ._cache import CacheEvent, with_resource_version

__all__ = ["ApiWatchStream", "Matcher"]

Matcher = Callable[[Any], bool]

#: A watch's events are built without the class call (``quick_new``, by field name).
_new_watch_event: Final = quick_new(WatchEvent)


class ApiWatchStream:
    """Answers a ``Watch``: events after ``after_revision``, each exactly once, in order."""

    def __init__(
        self,
        subscription: Subscription[CacheEvent],
        *,
        matches: Matcher | None,
        after_revision: int,
        initial: Sequence[WatchEvent] = (),
        backlog: Sequence[CacheEvent] = (),
        allow_bookmarks: bool = True,
    ) -> None:
        self._subscription = subscription
        #: Which objects this watcher may see; None: all of them (no namespace, no
        #: selectors: a controller's informer, which every change of its kind reaches).
        self._matches = matches
        self._after = after_revision
        self._bookmarks = allow_bookmarks
        self._done = False
        #: ``backlog``: changes the subscription's log does not hold, which come first.
        #: (Nothing waiting is the empty tuple, which the collector does not track.)
        self._pending: Sequence[WatchEvent] = [*initial, *self._convert(backlog)] or ()
        #: How each event's object is shown (another served version of a CRD's kind).
        self.view: Callable[[Any], Any] | None = None

    @property
    def closed(self) -> bool:
        return self._done

    def close(self) -> None:
        self._done = True
        self._subscription.close()

    async def next_batch(self) -> Sequence[WatchEvent]:
        # One coroutine from the reader down to the broadcast's future (it polls the
        # subscription itself): every node's kubelet waits in two watches all the time, and
        # each frame of the wait is an object the collector scans.
        if self._pending:
            pending, self._pending = self._pending, ()
            return self._shown(pending)
        subscription = self._subscription
        while not self._done:
            try:
                changes = subscription.poll()
            except Lagged as lagged:
                self.close()
                error = Gone(
                    f"watch closed: the watcher fell more than {lagged.max_lag} events "
                    "behind; re-list and watch again"
                )
                return [WatchEvent(type="ERROR", error=error)]
            except ApiError as closed:  # the apiserver closed its watches
                self.close()
                return [WatchEvent(type="ERROR", error=closed)]
            if not changes:
                if subscription.ended:
                    self._done = True
                    return ()
                await subscription.wait()
                continue
            events = self._convert(changes)
            if events:
                return self._shown(events)
        return ()

    def _shown(self, events: Sequence[WatchEvent]) -> Sequence[WatchEvent]:
        """The events as this watch shows their objects (``view``)."""
        view = self.view
        if view is None:
            return events
        return [e if e.obj is None else attrs.evolve(e, obj=view(e.obj)) for e in events]

    def _convert(self, changes: Sequence[CacheEvent]) -> list[WatchEvent]:
        after = self._after
        matches = self._matches
        events: list[WatchEvent] = []
        for change in changes:
            revision = change.revision
            if revision <= after:
                continue
            if matches is None and change.shown is not None:
                events.append(change.shown)  # the one event every such watcher is shown
                continue
            if change.type == "BOOKMARK":
                if self._bookmarks:
                    events.append(WatchEvent(type="BOOKMARK", resource_version=str(revision)))
                continue
            version = str(revision)
            obj, prev, cause = change.obj, change.prev, change.cause
            now = obj is not None and change.type != "DELETED" and (matches is None or matches(obj))
            before = prev is not None and (matches is None or matches(prev))
            if change.type == "DELETED":
                if before or (
                    prev is None and obj is not None and (matches is None or matches(obj))
                ):
                    events.append(
                        _new_watch_event(
                            type="DELETED", obj=obj, resource_version=version, cause=cause
                        )
                    )
            elif now and before:  # every heartbeat's: the Lease renewed
                event = _new_watch_event(
                    type="MODIFIED", obj=obj, resource_version=version, cause=cause
                )
                events.append(event)
            elif now:
                events.append(
                    _new_watch_event(type="ADDED", obj=obj, resource_version=version, cause=cause)
                )
            elif before:
                gone = with_resource_version(prev, revision)
                events.append(
                    _new_watch_event(
                        type="DELETED", obj=gone, resource_version=version, cause=cause
                    )
                )
        if events:
            self._after = changes[-1].revision
        return events

    def __aiter__(self) -> AsyncIterator[WatchEvent]:
        return self._events()

    async def _events(self) -> AsyncIterator[WatchEvent]:
        while True:
            batch = await self.next_batch()
            if not batch:
                return
            for event in batch:
                yield event
                if event.type == "ERROR":
                    return
