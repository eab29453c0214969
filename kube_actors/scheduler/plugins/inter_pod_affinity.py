"""InterPodAffinity: place pods near (affinity) or away from (anti-affinity) other pods,
per topology domain.

Filter: the pod's required affinity terms each need a matching pod in the node's domain (a
pod matching its own terms may start a group when nothing else matches); its required
anti-affinity terms forbid domains holding a matching pod; and existing pods' required
anti-affinity forbids their domains to pods they match. Score: preferred terms of the pod
(+weight, -weight for anti-affinity) for each matching existing pod in the domain, plus the
existing pods' preferred terms that match the pod, and their required affinity terms with
weight 1; normalised to 0..100 between the lowest and the highest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

import attrs
import numpy as np
import numpy.typing as npt

from ..framework import (
    MAX_NODE_SCORE,
    SUCCESS,
    AffinityTerm,
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

__all__ = ["InterPodAffinity"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

REASON_AFFINITY = "node(s) didn't match pod affinity rules"
REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules"
REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules"
HARD_POD_AFFINITY_WEIGHT = 1

Pair = tuple[str, str]


@attrs.define
class _FilterState:
    existing_anti: dict[Pair, int]
    affinity: dict[Pair, int]
    anti: dict[Pair, int]


_FILTER: StateKey[_FilterState] = StateKey("PreFilterInterPodAffinity")
_SCORE: StateKey[dict[str, dict[str, int]]] = StateKey("PreScoreInterPodAffinity")


def _matches_all(terms: Iterable[AffinityTerm], pod: PodInfo) -> bool:
    return all(t.matches(pod) for t in terms)


def _domain_sum(snapshot: Snapshot, key: str, per_node: IntArray) -> IntArray:
    """Per node, the sum of ``per_node`` over its domain of ``key`` (0 without the label)."""
    column = snapshot.label_column(key)
    codes = column.codes
    has = codes != 0
    per_domain = np.bincount(codes[has], weights=per_node[has], minlength=len(column.values) + 1)
    per_domain[0] = 0
    result: IntArray = per_domain.astype(np.int64)[codes]
    return result


class InterPodAffinity(
    EnqueueExtensions,
    PreFilterPlugin,
    BatchFilterPlugin,
    PreScorePlugin,
    BatchScorePlugin,
    NormalizeScorePlugin,
):
    name: ClassVar[str] = "InterPodAffinity"

    def __init__(self, handle: Handle) -> None:
        self.handle = handle

    @classmethod
    def new(cls, args: Any, handle: Handle) -> InterPodAffinity:
        return cls(handle)

    def events_to_register(self) -> frozenset[str]:
        return frozenset({"NodeAdd", "NodeUpdate", "AssignedPodAdd", "AssignedPodDelete"})

    def _existing(self, kind: str) -> list[tuple[AffinityTerm, int, IntArray]]:
        return [
            (term, weight, counts)
            for (k, term, weight), counts in self.handle.snapshot.term_counts().items()
            if k == kind and counts.any()
        ]

    # ------------------------------------------------------------------ filter

    def pre_filter(self, state: CycleState, pod: PodInfo, snapshot: Snapshot) -> Status:
        if pod.required_affinity or pod.required_anti_affinity:
            return SUCCESS
        return SUCCESS if self._existing("required_anti") else Status.skip()

    def _filter_state(self, state: CycleState, pod: PodInfo) -> _FilterState:
        s = state.get(_FILTER)
        if s is not None:
            return s
        s = _FilterState({}, {}, {})
        for node in self.handle.snapshot.nodes:
            labels = node.labels
            for existing in node.pods_with_required_anti_affinity.values():
                for term in existing.required_anti_affinity:
                    value = labels.get(term.topology_key)
                    if value is not None and term.matches(pod):
                        pair = (term.topology_key, value)
                        s.existing_anti[pair] = s.existing_anti.get(pair, 0) + 1
            for existing in node.pods.values():
                if pod.required_affinity and _matches_all(pod.required_affinity, existing):
                    for term in pod.required_affinity:
                        value = labels.get(term.topology_key)
                        if value is not None:
                            pair = (term.topology_key, value)
                            s.affinity[pair] = s.affinity.get(pair, 0) + 1
                for term in pod.required_anti_affinity:
                    value = labels.get(term.topology_key)
                    if value is not None and term.matches(existing):
                        pair = (term.topology_key, value)
                        s.anti[pair] = s.anti.get(pair, 0) + 1
        state.write(_FILTER, s)
        return s

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status:
        s = self._filter_state(state, pod)
        labels = node.labels
        if pod.required_affinity:
            exist = True
            for term in pod.required_affinity:
                value = labels.get(term.topology_key)
                if value is None:
                    return Status.unresolvable(REASON_AFFINITY)
                if s.affinity.get((term.topology_key, value), 0) <= 0:
                    exist = False
            if not exist and not (not s.affinity and _matches_all(pod.required_affinity, pod)):
                return Status.unresolvable(REASON_AFFINITY)
        for term in pod.required_anti_affinity:
            value = labels.get(term.topology_key)
            if value is not None and s.anti.get((term.topology_key, value), 0) > 0:
                return Status.unschedulable(REASON_ANTI_AFFINITY)
        for key, value in labels.items():
            if s.existing_anti.get((key, value), 0) > 0:
                return Status.unschedulable(REASON_EXISTING_ANTI_AFFINITY)
        return SUCCESS

    def filter_nodes(self, state: CycleState, pod: PodInfo, snapshot: Snapshot) -> BoolArray:
        n = len(snapshot)
        passed = np.ones(n, np.bool_)
        terms = pod.required_affinity
        if terms:
            matching = snapshot.pod_counts(
                ("affinity-all", terms), lambda p: _matches_all(terms, p)
            )
            has_all = np.ones(n, np.bool_)
            exists = np.ones(n, np.bool_)
            any_pair = False
            for term in terms:
                column = snapshot.label_column(term.topology_key)
                has = column.codes != 0
                has_all &= has
                in_domain = _domain_sum(snapshot, term.topology_key, matching)
                any_pair = any_pair or bool((in_domain[has] > 0).any())
                exists &= in_domain > 0
            if not any_pair and _matches_all(terms, pod):
                passed &= has_all
            else:
                passed &= has_all & exists
        for term in pod.required_anti_affinity:
            matching = snapshot.pod_counts(("affinity-one", term), term.matches)
            passed &= _domain_sum(snapshot, term.topology_key, matching) == 0
        for term, _, counts in self._existing("required_anti"):
            if term.matches(pod):
                passed &= _domain_sum(snapshot, term.topology_key, counts) == 0
        return passed

    # ------------------------------------------------------------------- score

    def pre_score(self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]) -> Status:
        if pod.preferred_affinity or pod.preferred_anti_affinity:
            return SUCCESS
        return SUCCESS if self.handle.snapshot.term_counts() else Status.skip()

    def _topology_score(self, state: CycleState, pod: PodInfo) -> dict[str, dict[str, int]]:
        """The reference: every existing pod, node by node, as Kubernetes' PreScore."""
        scores = state.get(_SCORE)
        if scores is not None:
            return scores
        scores = {}
        constrained = bool(pod.preferred_affinity or pod.preferred_anti_affinity)

        def add(term: AffinityTerm, weight: int, target: PodInfo, node: NodeInfo) -> None:
            value = node.labels.get(term.topology_key)
            if value is not None and term.matches(target):
                domain = scores.setdefault(term.topology_key, {})
                domain[value] = domain.get(value, 0) + weight

        for node in self.handle.snapshot.nodes:
            if not node.labels:
                continue
            pods = node.pods if constrained else node.pods_with_affinity
            for existing in pods.values():
                for w in pod.preferred_affinity:
                    add(w.term, w.weight, existing, node)
                for w in pod.preferred_anti_affinity:
                    add(w.term, -w.weight, existing, node)
                for term in existing.required_affinity:
                    add(term, HARD_POD_AFFINITY_WEIGHT, pod, node)
                for w in existing.preferred_affinity:
                    add(w.term, w.weight, pod, node)
                for w in existing.preferred_anti_affinity:
                    add(w.term, -w.weight, pod, node)
        state.write(_SCORE, scores)
        return scores

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        total = 0
        for key, domains in self._topology_score(state, pod).items():
            value = node.labels.get(key)
            if value is not None:
                total += domains.get(value, 0)
        return total

    def score_nodes(
        self, state: CycleState, pod: PodInfo, snapshot: Snapshot, nodes: IntArray
    ) -> IntArray:
        total = np.zeros(len(snapshot), np.int64)
        for w in pod.preferred_affinity:
            matching = snapshot.pod_counts(("affinity-one", w.term), w.term.matches)
            total += _domain_sum(snapshot, w.term.topology_key, matching * w.weight)
        for w in pod.preferred_anti_affinity:
            matching = snapshot.pod_counts(("affinity-one", w.term), w.term.matches)
            total -= _domain_sum(snapshot, w.term.topology_key, matching * w.weight)
        for (kind, term, weight), counts in snapshot.term_counts().items():
            if kind == "required_anti" or not counts.any() or not term.matches(pod):
                continue
            if kind == "required_affinity":
                total += _domain_sum(snapshot, term.topology_key, counts * HARD_POD_AFFINITY_WEIGHT)
            elif kind == "preferred_affinity":
                total += _domain_sum(snapshot, term.topology_key, counts * weight)
            else:
                total -= _domain_sum(snapshot, term.topology_key, counts * weight)
        return total[nodes]

    def normalize_scores(self, state: CycleState, pod: PodInfo, scores: IntArray) -> IntArray:
        if len(scores) == 0:
            return scores
        low, high = int(scores.min()), int(scores.max())
        spread = high - low
        if spread <= 0:
            return np.zeros(len(scores), np.int64)
        shares = (scores - low).astype(np.float64) / float(spread)
        result: IntArray = (float(MAX_NODE_SCORE) * shares).astype(np.int64)
        return result
