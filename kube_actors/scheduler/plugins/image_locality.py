"""ImageLocality: prefer nodes that already hold the pod's images, weighing each image by its
size and by how widely it is spread (an image on every node says little)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from ..framework import (
    MAX_NODE_SCORE,
    SUCCESS,
    BatchScorePlugin,
    CycleState,
    Handle,
    NodeInfo,
    PodInfo,
    PreScorePlugin,
    Snapshot,
    Status,
)

__all__ = ["ImageLocality"]

IntArray = npt.NDArray[np.int64]
_MB = 1024 * 1024
MIN_THRESHOLD = 23 * _MB
MAX_CONTAINER_THRESHOLD = 1000 * _MB


def _priority(total: IntArray, containers: int) -> IntArray:
    top = MAX_CONTAINER_THRESHOLD * containers
    clipped = np.clip(total, MIN_THRESHOLD, top)
    return MAX_NODE_SCORE * (clipped - MIN_THRESHOLD) // (top - MIN_THRESHOLD)


class ImageLocality(PreScorePlugin, BatchScorePlugin):
    name: ClassVar[str] = "ImageLocality"

    def __init__(self, handle: Handle) -> None:
        self.handle = handle

    @classmethod
    def new(cls, args: Any, handle: Handle) -> ImageLocality:
        return cls(handle)

    def pre_score(self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]) -> Status:
        return SUCCESS

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        snapshot = self.handle.snapshot
        total_nodes = len(snapshot)
        total = 0
        for image in pod.images:
            size = node.images.get(image)
            if size is not None:
                holders = sum(1 for n in snapshot.nodes if image in n.images)
                total += int(float(size) * (float(holders) / float(total_nodes)))
        if not pod.images:
            return 0
        return int(_priority(np.array([total], np.int64), len(pod.images))[0])

    def score_nodes(
        self, state: CycleState, pod: PodInfo, snapshot: Snapshot, nodes: IntArray
    ) -> IntArray:
        total = np.zeros(len(nodes), np.int64)
        held_somewhere = False
        spread_over = float(len(snapshot))
        for image in pod.images:
            held = snapshot.image_sizes(image)
            if held is None:
                continue
            held_somewhere = True
            sizes, holders = held
            ratio = float(holders) / spread_over
            total += (sizes[nodes].astype(np.float64) * ratio).astype(np.int64)
        # No node holds any of its images (a pod without images too): every total is 0,
        # which ``_priority`` clips to the threshold and scores 0.
        return _priority(total, len(pod.images)) if held_somewhere else total
