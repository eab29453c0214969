"""The scheduling queue: activeQ, a back-off queue, and the unschedulable pool.

* **activeQ** pops by the profile's QueueSort (PrioritySort: priority, then age).
* A pod that failed waits in the **back-off queue**: 1 s after its first attempt, doubling to
  10 s per pod.
* A pod no node fits goes to the **unschedulable pool** until a cluster event that could
  help (a node added or changed, an assigned pod deleted: whatever the plugins that rejected it
  registered) moves it back (to back-off if its back-off has not run out), or, at the latest,
  after 5 minutes.
* Before a pod enters activeQ (when added, updated, or moved back from back-off or the pool),
  the profile's **PreEnqueue** plugins run, as Kubernetes' ``moveToActiveQ`` does: a pod one
  of them rejects is *gated*: it waits in the unschedulable pool, charged to that plugin, so
  only an update of the pod or an event the plugin registered brings it back to be asked
  again (a gated pod is never attempted, so it never backs off).
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Mapping
from typing import Any

from .framework import PodInfo, QueuedPodInfo, Status

__all__ = ["SchedulingQueue"]


class SchedulingQueue:
    def __init__(
        self,
        sort_key: Callable[[QueuedPodInfo], Any],
        *,
        initial_backoff: float = 1.0,
        max_backoff: float = 10.0,
        max_unschedulable: float = 300.0,
        plugin_events: Mapping[str, frozenset[str]] | None = None,
        pre_enqueue: Callable[[PodInfo], Status] | None = None,
    ) -> None:
        self._sort_key = sort_key
        self.initial_backoff = initial_backoff
        self.max_backoff = max_backoff
        self.max_unschedulable = max_unschedulable
        self._plugin_events = dict(plugin_events or {})
        self._pre_enqueue = pre_enqueue
        self._active: list[tuple[Any, int, QueuedPodInfo]] = []
        self._backoff: list[tuple[float, int, QueuedPodInfo]] = []
        self._unschedulable: dict[str, tuple[QueuedPodInfo, float]] = {}
        self._where: dict[str, QueuedPodInfo] = {}  # pods in active or back-off
        self._seq = itertools.count()
        #: Bumped by every move: a pod that failed while one happened goes to back-off.
        self.move_cycle = 0

    def __len__(self) -> int:
        return len(self._where) + len(self._unschedulable)

    def counts(self) -> tuple[int, int, int]:
        """Pods in activeQ, in back-off, unschedulable."""
        return len(self._active), len(self._backoff), len(self._unschedulable)

    # ------------------------------------------------------------------- adding

    def add(self, pod: PodInfo, now: float) -> None:
        """A new pending pod (or an update of one already queued)."""
        key = pod.key
        queued = self._where.get(key)
        if queued is not None:
            queued.pod_info = pod
            return
        parked = self._unschedulable.pop(key, None)
        if parked is not None:  # an update may make it schedulable: try again
            parked[0].pod_info = pod
            self._push_active(parked[0], now)
            return
        self._push_active(QueuedPodInfo(pod, now, seq=next(self._seq)), now)

    def delete(self, key: str) -> None:
        self._where.pop(key, None)  # stale heap entries are skipped on pop
        self._unschedulable.pop(key, None)

    def _push_active(self, queued: QueuedPodInfo, now: float) -> None:
        """Into activeQ if the PreEnqueue plugins let it, else gated in the pool."""
        if self._pre_enqueue is not None:
            status = self._pre_enqueue(queued.pod_info)
            if not status.is_success:
                queued.unschedulable_plugins = frozenset({status.plugin})
                self._unschedulable[queued.pod_info.key] = (queued, now)
                return
        self._where[queued.pod_info.key] = queued
        heapq.heappush(self._active, (self._sort_key(queued), next(self._seq), queued))

    def pop(self) -> QueuedPodInfo | None:
        while self._active:
            _, _, queued = heapq.heappop(self._active)
            if self._where.get(queued.pod_info.key) is queued:
                del self._where[queued.pod_info.key]
                queued.attempts += 1
                return queued
        return None

    # ------------------------------------------------------------------ failing

    def backoff_duration(self, queued: QueuedPodInfo) -> float:
        duration = self.initial_backoff * float(2 ** max(queued.attempts - 1, 0))
        return min(duration, self.max_backoff)

    def requeue_failed(
        self, queued: QueuedPodInfo, now: float, *, unschedulable: bool, cycle: int
    ) -> None:
        """After a failed attempt: unschedulable pool, or back-off (errors, or a move
        happened during the attempt)."""
        key = queued.pod_info.key
        if key in self._where or key in self._unschedulable:
            return
        queued.timestamp = now
        if unschedulable and cycle == self.move_cycle:
            self._unschedulable[key] = (queued, now)
            return
        self._push_backoff(queued, now)

    def _push_backoff(self, queued: QueuedPodInfo, now: float) -> None:
        self._where[queued.pod_info.key] = queued
        expiry = queued.timestamp + self.backoff_duration(queued)
        heapq.heappush(self._backoff, (expiry, next(self._seq), queued))

    # ------------------------------------------------------------------- moving

    def move_all(self, event: str, now: float) -> int:
        """A cluster event: move the unschedulable pods it may help."""
        self.move_cycle += 1
        moved = 0
        for key, (queued, _) in list(self._unschedulable.items()):
            plugins = queued.unschedulable_plugins
            if plugins and not any(event in self._plugin_events.get(p, ()) for p in plugins):
                continue
            del self._unschedulable[key]
            self._reactivate(queued, now)
            moved += 1
        return moved

    def _reactivate(self, queued: QueuedPodInfo, now: float) -> None:
        # A gated pod was never attempted: it has no back-off to sit out.
        if queued.attempts and queued.timestamp + self.backoff_duration(queued) > now:
            self._push_backoff(queued, now)
        else:
            self._push_active(queued, now)

    def flush(self, now: float) -> None:
        """Back-offs that ran out to activeQ; pods unschedulable too long back in play."""
        while self._backoff and self._backoff[0][0] <= now:
            _, _, queued = heapq.heappop(self._backoff)
            if self._where.get(queued.pod_info.key) is queued:
                del self._where[queued.pod_info.key]
                self._push_active(queued, now)
        for key, (queued, since) in list(self._unschedulable.items()):
            if now - since >= self.max_unschedulable:
                del self._unschedulable[key]
                self._reactivate(queued, now)

    def next_due(self) -> float | None:
        """When ``flush`` next has something to do."""
        times = [self._backoff[0][0]] if self._backoff else []
        times.extend(since + self.max_unschedulable for _, since in self._unschedulable.values())
        return min(times) if times else None
