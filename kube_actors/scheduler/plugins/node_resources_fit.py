"""NodeResourcesFit: a pod fits where every resource it requests is still free (and the node
has room for one more pod); scores by a strategy over CPU and memory:

* ``LeastAllocated`` (the default): prefer the emptiest nodes, ``(free * 100) / allocatable``;
* ``MostAllocated``: prefer the fullest (bin packing), ``requested * 100 / allocatable``;
* ``RequestedToCapacityRatio``: a piecewise-linear ``shape`` of utilisation to score.

Scoring counts a container without a CPU or memory request as 100m and 200Mi (so many empty
pods do not pile onto one node); filtering counts requests as written.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any, ClassVar, Literal

import attrs
import numpy as np
import numpy.typing as npt

from ..framework import (
    MAX_NODE_SCORE,
    SUCCESS,
    BatchFilterPlugin,
    BatchScorePlugin,
    Code,
    CycleState,
    EnqueueExtensions,
    Handle,
    NodeInfo,
    PodInfo,
    PreScorePlugin,
    Snapshot,
    Status,
)

__all__ = ["NodeResourcesFit", "NodeResourcesFitArgs", "ResourceSpec", "fit_reasons"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Strategy = Literal["LeastAllocated", "MostAllocated", "RequestedToCapacityRatio"]

TOO_MANY_PODS = "Too many pods"


@attrs.frozen
class ResourceSpec:
    name: str
    weight: int = 1


def _shape(value: Any) -> tuple[tuple[int, int], ...]:
    return tuple((int(u), int(s)) for u, s in value)


@attrs.frozen(kw_only=True)
class NodeResourcesFitArgs:
    """The scoring strategy, its resources and weights, and (RequestedToCapacityRatio) the
    shape as (utilisation %, score 0..10) points."""

    strategy: Strategy = "LeastAllocated"
    resources: tuple[ResourceSpec, ...] = (ResourceSpec("cpu"), ResourceSpec("memory"))
    shape: tuple[tuple[int, int], ...] = attrs.field(default=((0, 0), (100, 10)), converter=_shape)


def fit_reasons(pod: PodInfo, node: NodeInfo) -> tuple[list[str], bool]:
    """The Insufficient reasons for ``pod`` on ``node``, and whether one can never be met."""
    reasons: list[str] = []
    unresolvable = False
    if len(node.pods) + 1 > node.alloc_pods:
        reasons.append(TOO_MANY_PODS)
    if not (pod.milli_cpu or pod.memory or pod.ephemeral_storage or pod.scalars):
        return reasons, unresolvable
    checks = (
        ("cpu", pod.milli_cpu, node.alloc_cpu, node.req_cpu),
        ("memory", pod.memory, node.alloc_memory, node.req_memory),
        ("ephemeral-storage", pod.ephemeral_storage, node.alloc_storage, node.req_storage),
    )
    for name, want, allocatable, requested in checks:
        if want > 0 and want > allocatable - requested:
            reasons.append(f"Insufficient {name}")
            unresolvable = unresolvable or want > allocatable
    for name, want in pod.scalars.items():
        allocatable = node.alloc_scalars.get(name, 0)
        if want > allocatable - node.req_scalars.get(name, 0):
            reasons.append(f"Insufficient {name}")
            unresolvable = unresolvable or want > allocatable
    return reasons, unresolvable


class NodeResourcesFit(EnqueueExtensions, BatchFilterPlugin, PreScorePlugin, BatchScorePlugin):
    name: ClassVar[str] = "NodeResourcesFit"

    def __init__(self, args: NodeResourcesFitArgs) -> None:
        self.args = args
        points = args.shape
        self._shape = tuple((u, s * (MAX_NODE_SCORE // 10)) for u, s in points)

    @classmethod
    def new(cls, args: Any, handle: Handle) -> NodeResourcesFit:
        return cls(args if args is not None else NodeResourcesFitArgs())

    def events_to_register(self) -> frozenset[str]:
        return frozenset({"NodeAdd", "NodeUpdate", "AssignedPodDelete"})

    # ------------------------------------------------------------------ filter

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status:
        reasons, unresolvable = fit_reasons(pod, node)
        if not reasons:
            return SUCCESS
        code = Code.UNSCHEDULABLE_AND_UNRESOLVABLE if unresolvable else Code.UNSCHEDULABLE
        return Status(code, tuple(reasons))

    def filter_nodes(self, state: CycleState, pod: PodInfo, snapshot: Snapshot) -> BoolArray:
        a = snapshot.arrays
        mask: BoolArray = a.pod_count + 1 <= a.alloc_pods
        if pod.milli_cpu > 0:
            mask &= a.alloc_cpu - a.req_cpu >= pod.milli_cpu
        if pod.memory > 0:
            mask &= a.alloc_memory - a.req_memory >= pod.memory
        if pod.ephemeral_storage > 0:
            mask &= a.alloc_storage - a.req_storage >= pod.ephemeral_storage
        if pod.scalars:
            mask &= np.fromiter(
                (
                    all(
                        want <= n.alloc_scalars.get(name, 0) - n.req_scalars.get(name, 0)
                        for name, want in pod.scalars.items()
                    )
                    for n in snapshot.nodes
                ),
                np.bool_,
                len(snapshot),
            )
        return mask

    # ------------------------------------------------------------------- score

    def pre_score(self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]) -> Status:
        return SUCCESS

    def _resource_columns(
        self, pod: PodInfo, snapshot: Snapshot, nodes: IntArray
    ) -> list[tuple[IntArray, IntArray, int]]:
        a = snapshot.arrays
        columns = []
        for spec in self.args.resources:
            if spec.name == "cpu":
                columns.append((a.non0_cpu[nodes] + pod.non0_cpu, a.alloc_cpu[nodes], spec.weight))
            elif spec.name == "memory":
                requested = a.non0_memory[nodes] + pod.non0_memory
                columns.append((requested, a.alloc_memory[nodes], spec.weight))
            else:
                infos = [snapshot.nodes[i] for i in nodes.tolist()]
                requested = np.array([_requested(n, spec.name, pod) for n in infos], np.int64)
                allocatable = np.array([_allocatable(n, spec.name) for n in infos], np.int64)
                columns.append((requested, allocatable, spec.weight))
        return columns

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        total = weights = 0
        for spec in self.args.resources:
            allocatable = _allocatable(node, spec.name)
            if allocatable == 0:
                continue
            requested = _requested(node, spec.name, pod)
            total += self._resource_score(requested, allocatable) * spec.weight
            weights += spec.weight
        return total // weights if weights else 0

    def _resource_score(self, requested: int, capacity: int) -> int:
        strategy = self.args.strategy
        if strategy == "LeastAllocated":
            return 0 if requested > capacity else (capacity - requested) * 100 // capacity
        if strategy == "MostAllocated":
            return min(requested, capacity) * 100 // capacity
        utilization = 100 if requested > capacity else requested * 100 // capacity
        return _interpolate(self._shape, utilization)

    def score_nodes(
        self, state: CycleState, pod: PodInfo, snapshot: Snapshot, nodes: IntArray
    ) -> IntArray:
        total = np.zeros(len(nodes), np.int64)
        weights = np.zeros(len(nodes), np.int64)
        strategy = self.args.strategy
        for requested, capacity, weight in self._resource_columns(pod, snapshot, nodes):
            present = capacity != 0
            safe = np.where(present, capacity, 1)
            if strategy == "LeastAllocated":
                score = np.where(requested > capacity, 0, (capacity - requested) * 100 // safe)
            elif strategy == "MostAllocated":
                score = np.minimum(requested, capacity) * 100 // safe
            else:
                utilization = np.where(requested > capacity, 100, requested * 100 // safe)
                score = _interpolate_array(self._shape, utilization)
            total += np.where(present, score * weight, 0)
            weights += np.where(present, weight, 0)
        return np.where(weights > 0, total // np.maximum(weights, 1), 0)


def _allocatable(node: NodeInfo, name: str) -> int:
    if name == "cpu":
        return node.alloc_cpu
    if name == "memory":
        return node.alloc_memory
    if name == "ephemeral-storage":
        return node.alloc_storage
    return node.alloc_scalars.get(name, 0)


def _requested(node: NodeInfo, name: str, pod: PodInfo) -> int:
    if name == "cpu":
        return node.non0_cpu + pod.non0_cpu
    if name == "memory":
        return node.non0_memory + pod.non0_memory
    if name == "ephemeral-storage":
        return node.req_storage + pod.ephemeral_storage
    return node.req_scalars.get(name, 0) + pod.scalars.get(name, 0)


def _interpolate(shape: tuple[tuple[int, int], ...], p: int) -> int:
    if p <= shape[0][0]:
        return shape[0][1]
    for (u0, s0), (u1, s1) in itertools.pairwise(shape):
        if p <= u1:
            return s0 + _go_div((s1 - s0) * (p - u0), u1 - u0)
    return shape[-1][1]


def _interpolate_array(shape: tuple[tuple[int, int], ...], p: IntArray) -> IntArray:
    return np.array([_interpolate(shape, int(v)) for v in p.tolist()], np.int64)


def _go_div(a: int, b: int) -> int:
    """Integer division truncating toward zero, as Go's."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q
