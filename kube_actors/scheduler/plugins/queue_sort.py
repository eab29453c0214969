"""PrioritySort: the active queue pops the highest priority first, then the oldest."""

from __future__ import annotations

from typing import Any, ClassVar

from ..framework import Handle, QueuedPodInfo, QueueSortPlugin

__all__ = ["PrioritySort"]


class PrioritySort(QueueSortPlugin):
    name: ClassVar[str] = "PrioritySort"

    @classmethod
    def new(cls, args: Any, handle: Handle) -> PrioritySort:
        return cls()

    def less(self, a: QueuedPodInfo, b: QueuedPodInfo) -> bool:
        return bool(self.sort_key(a) < self.sort_key(b))

    def sort_key(self, pod: QueuedPodInfo) -> tuple[int, float, int]:
        return (-pod.pod_info.priority, pod.timestamp, pod.seq)
