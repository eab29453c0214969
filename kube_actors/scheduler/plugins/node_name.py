"""NodeName: a pod that names its node (``spec.nodeName``) fits only there."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from ..framework import (
    SUCCESS,
    BatchFilterPlugin,
    CycleState,
    EnqueueExtensions,
    Handle,
    NodeInfo,
    PodInfo,
    PreFilterPlugin,
    Snapshot,
    Status,
)

__all__ = ["NodeName"]

REASON = "node(s) didn't match the requested node name"


class NodeName(EnqueueExtensions, PreFilterPlugin, BatchFilterPlugin):
    name: ClassVar[str] = "NodeName"

    @classmethod
    def new(cls, args: Any, handle: Handle) -> NodeName:
        return cls()

    def events_to_register(self) -> frozenset[str]:
        return frozenset({"NodeAdd"})

    def pre_filter(self, state: CycleState, pod: PodInfo, snapshot: Snapshot) -> Status:
        return SUCCESS if pod.pod.spec.node_name else Status.skip()

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status:
        wanted = pod.pod.spec.node_name
        if wanted and wanted != node.name:
            return Status.unresolvable(REASON)
        return SUCCESS

    def filter_nodes(
        self, state: CycleState, pod: PodInfo, snapshot: Snapshot
    ) -> npt.NDArray[np.bool_]:
        mask = np.zeros(len(snapshot), np.bool_)
        node = snapshot.get(pod.pod.spec.node_name)
        if node is not None:
            mask[node.index] = True
        return mask
