"""NodeResourcesBalancedAllocation: prefer nodes whose CPU and memory would be used in equal
shares, ``(1 - std(fractions)) * 100``, counting requests as written."""

from __future__ import annotations

import math
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

__all__ = ["BalancedAllocation"]

IntArray = npt.NDArray[np.int64]


class BalancedAllocation(PreScorePlugin, BatchScorePlugin):
    name: ClassVar[str] = "NodeResourcesBalancedAllocation"

    @classmethod
    def new(cls, args: Any, handle: Handle) -> BalancedAllocation:
        return cls()

    def pre_score(self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]) -> Status:
        # A best-effort pod (no CPU or memory request) changes no balance.
        return SUCCESS if pod.milli_cpu or pod.memory else Status.skip()

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        fractions = []
        for requested, allocatable in (
            (node.req_cpu + pod.milli_cpu, node.alloc_cpu),
            (node.req_memory + pod.memory, node.alloc_memory),
        ):
            if allocatable == 0:
                continue
            fractions.append(min(float(requested) / float(allocatable), 1.0))
        if len(fractions) == 2:
            std = abs((fractions[0] - fractions[1]) / 2)
        elif fractions:
            mean = sum(fractions) / len(fractions)
            std = math.sqrt(sum((f - mean) ** 2 for f in fractions) / len(fractions))
        else:
            std = 0.0
        return int((1 - std) * MAX_NODE_SCORE)

    def score_nodes(
        self, state: CycleState, pod: PodInfo, snapshot: Snapshot, nodes: IntArray
    ) -> IntArray:
        a = snapshot.arrays
        cpu_alloc, mem_alloc = a.alloc_cpu[nodes], a.alloc_memory[nodes]
        cpu = np.minimum((a.req_cpu[nodes] + pod.milli_cpu) / np.maximum(cpu_alloc, 1), 1.0)
        mem = np.minimum((a.req_memory[nodes] + pod.memory) / np.maximum(mem_alloc, 1), 1.0)
        both = (cpu_alloc != 0) & (mem_alloc != 0)
        std = np.where(both, np.abs((cpu - mem) / 2), 0.0)
        scores: IntArray = ((1 - std) * MAX_NODE_SCORE).astype(np.int64)
        return scores
