"""NodeAffinity: ``nodeSelector`` and required node affinity filter nodes (operators In,
NotIn, Exists, DoesNotExist, Gt, Lt; terms ORed, requirements ANDed); each preferred term a
node matches adds its weight to the node's score (normalised so the best scores 100)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from kube_actors.api import PreferredSchedulingTerm

from ..framework import (
    SUCCESS,
    BatchFilterPlugin,
    BatchScorePlugin,
    CycleState,
    EnqueueExtensions,
    Handle,
    NodeInfo,
    NormalizeScorePlugin,
    PodInfo,
    PreFilterPlugin,
    PreScorePlugin,
    Snapshot,
    StateKey,
    Status,
)
from ._helpers import RequiredNodeAffinity, _term_matches, default_normalize, match_term_nodes

__all__ = ["NodeAffinity"]

IntArray = npt.NDArray[np.int64]
REASON = "node(s) didn't match Pod's node affinity/selector"
_REQUIRED: StateKey[RequiredNodeAffinity] = StateKey("PreFilterNodeAffinity")


def _preferred(pod: PodInfo) -> tuple[PreferredSchedulingTerm, ...]:
    affinity = pod.pod.spec.affinity
    if affinity is None or affinity.node_affinity is None:
        return ()
    return affinity.node_affinity.preferred_during_scheduling_ignored_during_execution


class NodeAffinity(
    EnqueueExtensions,
    PreFilterPlugin,
    BatchFilterPlugin,
    PreScorePlugin,
    BatchScorePlugin,
    NormalizeScorePlugin,
):
    name: ClassVar[str] = "NodeAffinity"

    @classmethod
    def new(cls, args: Any, handle: Handle) -> NodeAffinity:
        return cls()

    def events_to_register(self) -> frozenset[str]:
        return frozenset({"NodeAdd", "NodeUpdate"})

    def pre_filter(self, state: CycleState, pod: PodInfo, snapshot: Snapshot) -> Status:
        required = RequiredNodeAffinity(pod.pod)
        if required.is_empty:
            return Status.skip()
        state.write(_REQUIRED, required)
        return SUCCESS

    def _required(self, state: CycleState, pod: PodInfo) -> RequiredNodeAffinity:
        return state.get(_REQUIRED) or RequiredNodeAffinity(pod.pod)

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status:
        if self._required(state, pod).matches(node):
            return SUCCESS
        return Status.unresolvable(REASON)

    def filter_nodes(
        self, state: CycleState, pod: PodInfo, snapshot: Snapshot
    ) -> npt.NDArray[np.bool_]:
        return self._required(state, pod).match_nodes(snapshot)

    def pre_score(self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]) -> Status:
        return SUCCESS if _preferred(pod) else Status.skip()

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        return sum(
            term.weight
            for term in _preferred(pod)
            if term.weight and _term_matches(term.preference, node)
        )

    def score_nodes(
        self, state: CycleState, pod: PodInfo, snapshot: Snapshot, nodes: IntArray
    ) -> IntArray:
        total = np.zeros(len(snapshot), np.int64)
        for term in _preferred(pod):
            if term.weight:
                total += match_term_nodes(term.preference, snapshot) * term.weight
        return total[nodes]

    def normalize_scores(self, state: CycleState, pod: PodInfo, scores: IntArray) -> IntArray:
        return default_normalize(scores)
