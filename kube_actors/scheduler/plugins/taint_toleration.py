"""TaintToleration: NoSchedule and NoExecute taints keep out pods that do not tolerate them;
PreferNoSchedule taints make a node less attractive, one point per untolerated taint
(normalised in reverse: the fewest such taints scores 100)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from kube_actors.api import Taint, Toleration

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
    PreScorePlugin,
    Snapshot,
    Status,
)
from ._helpers import default_normalize, untolerated_taint

__all__ = ["TaintToleration"]

IntArray = npt.NDArray[np.int64]
_HARD = frozenset({"NoSchedule", "NoExecute"})


def _reason(taint: Taint) -> str:
    return f"node(s) had untolerated taint {{{taint.key}: {taint.value}}}"


def _prefer_tolerations(pod: PodInfo) -> tuple[Toleration, ...]:
    return tuple(t for t in pod.pod.spec.tolerations if t.effect in ("", "PreferNoSchedule"))


def _intolerable(taints: Sequence[Taint], tolerations: tuple[Toleration, ...]) -> int:
    return sum(
        1
        for taint in taints
        if taint.effect == "PreferNoSchedule" and not any(t.tolerates(taint) for t in tolerations)
    )


class TaintToleration(
    EnqueueExtensions, BatchFilterPlugin, PreScorePlugin, BatchScorePlugin, NormalizeScorePlugin
):
    name: ClassVar[str] = "TaintToleration"

    @classmethod
    def new(cls, args: Any, handle: Handle) -> TaintToleration:
        return cls()

    def events_to_register(self) -> frozenset[str]:
        return frozenset({"NodeAdd", "NodeUpdate"})

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status:
        taint = untolerated_taint(node.taints, pod.pod.spec.tolerations, _HARD)
        return SUCCESS if taint is None else Status.unresolvable(_reason(taint))

    def filter_nodes(
        self, state: CycleState, pod: PodInfo, snapshot: Snapshot
    ) -> npt.NDArray[np.bool_]:
        groups, taint_sets = snapshot.taint_groups()
        tolerations = pod.pod.spec.tolerations
        table = np.array(
            [untolerated_taint(taints, tolerations, _HARD) is None for taints in taint_sets],
            np.bool_,
        )
        return table[groups]

    def pre_score(self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]) -> Status:
        return SUCCESS

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        return _intolerable(node.taints, _prefer_tolerations(pod))

    def score_nodes(
        self, state: CycleState, pod: PodInfo, snapshot: Snapshot, nodes: IntArray
    ) -> IntArray:
        groups, taint_sets = snapshot.taint_groups()
        tolerations = _prefer_tolerations(pod)
        table = np.array([_intolerable(t, tolerations) for t in taint_sets], np.int64)
        return table[groups[nodes]]

    def normalize_scores(self, state: CycleState, pod: PodInfo, scores: IntArray) -> IntArray:
        return default_normalize(scores, reverse=True)
