"""NodeUnschedulable: a cordoned node (``spec.unschedulable``) takes only pods that
tolerate the ``node.kubernetes.io/unschedulable:NoSchedule`` taint."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from kube_actors.api import Taint

from ..framework import (
    SUCCESS,
    BatchFilterPlugin,
    CycleState,
    EnqueueExtensions,
    Handle,
    NodeInfo,
    PodInfo,
    Snapshot,
    Status,
)

__all__ = ["NodeUnschedulable"]

REASON = "node(s) were unschedulable"
UNSCHEDULABLE_TAINT = Taint(key="node.kubernetes.io/unschedulable", effect="NoSchedule")


class NodeUnschedulable(EnqueueExtensions, BatchFilterPlugin):
    name: ClassVar[str] = "NodeUnschedulable"

    @classmethod
    def new(cls, args: Any, handle: Handle) -> NodeUnschedulable:
        return cls()

    def events_to_register(self) -> frozenset[str]:
        return frozenset({"NodeAdd", "NodeUpdate"})

    def _tolerated(self, pod: PodInfo) -> bool:
        return any(t.tolerates(UNSCHEDULABLE_TAINT) for t in pod.pod.spec.tolerations)

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status:
        if node.unschedulable and not self._tolerated(pod):
            return Status.unresolvable(REASON)
        return SUCCESS

    def filter_nodes(
        self, state: CycleState, pod: PodInfo, snapshot: Snapshot
    ) -> npt.NDArray[np.bool_]:
        if self._tolerated(pod):
            return np.ones(len(snapshot), np.bool_)
        return ~snapshot.arrays.unschedulable
