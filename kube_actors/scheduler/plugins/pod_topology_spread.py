"""PodTopologySpread: keep matching pods spread evenly over topology domains.

``DoNotSchedule`` constraints filter: on a node in domain D, ``matching pods in D + 1 (if the
pod matches its own selector) - the fewest in any domain`` must not exceed ``maxSkew``; with
``minDomains`` and fewer domains than that, the fewest counts as 0. ``ScheduleAnyway``
constraints (and, for pods without constraints, the system defaults: zone with skew 5, hostname
with skew 3, over the pods of the same owners) score: fewer matching pods, higher score.

Domains count only nodes that pass the pod's node affinity (``nodeAffinityPolicy: Honor``, the
default) and, with ``nodeTaintsPolicy: Honor``, whose taints the pod tolerates.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, ClassVar

import attrs
import numpy as np
import numpy.typing as npt

from kube_actors.api import Selector, compile_selector

from ..framework import (
    MAX_NODE_SCORE,
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
from ._helpers import RequiredNodeAffinity, untolerated_taint

__all__ = ["PodTopologySpread"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

HOSTNAME = "kubernetes.io/hostname"
ZONE = "topology.kubernetes.io/zone"
REASON_SKEW = "node(s) didn't match pod topology spread constraints"
REASON_LABEL = "node(s) didn't match pod topology spread constraints (missing required label)"
_NO_DOMAIN = 2**31 - 1
_HARD = frozenset({"NoSchedule", "NoExecute"})


@attrs.frozen
class Constraint:
    max_skew: int
    topology_key: str
    selector: Selector
    min_domains: int | None = None
    honor_affinity: bool = True
    honor_taints: bool = False


@attrs.define
class _State:
    constraints: list[Constraint]
    required: RequiredNodeAffinity
    # Filter, computed on first use: per constraint, matches per domain and the fewest.
    counts: list[dict[str, int]] | None = None
    minimum: list[int] | None = None
    # Score: require all keys, ignored positions, weights, domain counts.
    require_all: bool = True
    ignored: BoolArray | None = None
    ignored_names: set[str] = attrs.field(factory=set)
    weights: list[float] = attrs.field(factory=list)
    score_counts: list[dict[str, int]] | None = None


_FILTER: StateKey[_State] = StateKey("PreFilterPodTopologySpread")
_SCORE: StateKey[_State] = StateKey("PreScorePodTopologySpread")


def _count_on(node: NodeInfo, selector: Selector, namespace: str) -> int:
    return sum(
        1
        for p in node.pods.values()
        if not p.terminating and p.namespace == namespace and selector.matches(p.labels)
    )


class PodTopologySpread(
    EnqueueExtensions,
    PreFilterPlugin,
    BatchFilterPlugin,
    PreScorePlugin,
    BatchScorePlugin,
    NormalizeScorePlugin,
):
    name: ClassVar[str] = "PodTopologySpread"

    def __init__(self, handle: Handle) -> None:
        self.handle = handle

    @classmethod
    def new(cls, args: Any, handle: Handle) -> PodTopologySpread:
        return cls(handle)

    def events_to_register(self) -> frozenset[str]:
        return frozenset({"NodeAdd", "NodeUpdate", "AssignedPodAdd", "AssignedPodDelete"})

    # ------------------------------------------------------------- constraints

    def _constraints(self, pod: PodInfo, when: str) -> list[Constraint]:
        spec = pod.pod.spec
        if spec.topology_spread_constraints:
            result = []
            for c in spec.topology_spread_constraints:
                if c.when_unsatisfiable != when:
                    continue
                selector = compile_selector(c.label_selector)
                keys = [k for k in c.match_label_keys if k in pod.labels]
                if keys:
                    extra = ",".join(f"{k}={pod.labels[k]}" for k in keys)
                    base = str(selector)
                    selector = compile_selector(f"{base},{extra}" if base else extra)
                result.append(
                    Constraint(
                        c.max_skew,
                        c.topology_key,
                        selector,
                        c.min_domains,
                        c.node_affinity_policy != "Ignore",
                        c.node_taints_policy == "Honor",
                    )
                )
            return result
        if when != "ScheduleAnyway":
            return []
        default = self.handle.default_spread_selector(pod)
        if default is None or default.is_everything():
            return []
        return [Constraint(5, ZONE, default), Constraint(3, HOSTNAME, default)]

    def _included(self, c: Constraint, pod: PodInfo, node: NodeInfo, state: _State) -> bool:
        if c.honor_affinity and not state.required.matches(node):
            return False
        return not (
            c.honor_taints
            and untolerated_taint(node.taints, pod.pod.spec.tolerations, _HARD) is not None
        )

    def _included_mask(
        self, c: Constraint, pod: PodInfo, snapshot: Snapshot, state: _State
    ) -> BoolArray:
        mask = np.ones(len(snapshot), np.bool_)
        if c.honor_affinity and not state.required.is_empty:
            mask &= state.required.match_nodes(snapshot)
        if c.honor_taints:
            groups, taint_sets = snapshot.taint_groups()
            tolerations = pod.pod.spec.tolerations
            table = np.array(
                [untolerated_taint(t, tolerations, _HARD) is None for t in taint_sets], np.bool_
            )
            mask &= table[groups]
        return mask

    def _pod_counts(self, snapshot: Snapshot, c: Constraint, namespace: str) -> IntArray:
        selector = c.selector

        def matches(p: PodInfo) -> bool:
            return not p.terminating and p.namespace == namespace and selector.matches(p.labels)

        return snapshot.pod_counts(("spread", namespace, selector), matches)

    # ------------------------------------------------------------------ filter

    def pre_filter(self, state: CycleState, pod: PodInfo, snapshot: Snapshot) -> Status:
        constraints = self._constraints(pod, "DoNotSchedule")
        if not constraints:
            return Status.skip()
        state.write(_FILTER, _State(constraints, RequiredNodeAffinity(pod.pod)))
        return SUCCESS

    def _filter_state(self, state: CycleState, pod: PodInfo) -> _State:
        s = state.read(_FILTER)
        if s.counts is not None:
            return s
        counts: list[dict[str, int]] = [{} for _ in s.constraints]
        for node in self.handle.snapshot.nodes:
            if not all(c.topology_key in node.labels for c in s.constraints):
                continue
            for i, c in enumerate(s.constraints):
                if not self._included(c, pod, node, s):
                    continue
                value = node.labels[c.topology_key]
                counts[i][value] = counts[i].get(value, 0) + _count_on(
                    node, c.selector, pod.namespace
                )
        s.counts = counts
        s.minimum = [
            _minimum(list(domain.values()), c.min_domains)
            for domain, c in zip(counts, s.constraints, strict=True)
        ]
        return s

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status:
        s = self._filter_state(state, pod)
        assert s.counts is not None
        assert s.minimum is not None
        for i, c in enumerate(s.constraints):
            value = node.labels.get(c.topology_key)
            if value is None:
                return Status.unresolvable(REASON_LABEL)
            self_match = 1 if c.selector.matches(pod.labels) else 0
            skew = s.counts[i].get(value, 0) + self_match - s.minimum[i]
            if skew > c.max_skew:
                return Status.unschedulable(REASON_SKEW)
        return SUCCESS

    def filter_nodes(self, state: CycleState, pod: PodInfo, snapshot: Snapshot) -> BoolArray:
        s = state.read(_FILTER)
        columns = [snapshot.label_column(c.topology_key) for c in s.constraints]
        has_all = np.ones(len(snapshot), np.bool_)
        for column in columns:
            has_all &= column.codes != 0
        passed = has_all.copy()
        for c, column in zip(s.constraints, columns, strict=True):
            codes = column.codes
            included = has_all & self._included_mask(c, pod, snapshot, s)
            counts = self._pod_counts(snapshot, c, pod.namespace)
            size = len(column.values) + 1
            per_domain = np.bincount(codes[included], weights=counts[included], minlength=size)
            present = np.bincount(codes[included], minlength=size) > 0
            domains = per_domain[present].astype(np.int64)
            minimum = _minimum(domains.tolist(), c.min_domains)
            self_match = 1 if c.selector.matches(pod.labels) else 0
            skew = per_domain.astype(np.int64)[codes] + self_match - minimum
            passed &= skew <= c.max_skew
        return passed

    # ------------------------------------------------------------------- score

    def pre_score(self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]) -> Status:
        if len(self.handle.snapshot) == 0:
            return Status.skip()
        constraints = self._constraints(pod, "ScheduleAnyway")
        if not constraints:
            return Status.skip()
        s = _State(constraints, RequiredNodeAffinity(pod.pod))
        s.require_all = bool(pod.pod.spec.topology_spread_constraints)
        state.write(_SCORE, s)
        if not self.handle.vectorized:
            self._score_state(state, pod, nodes)
        return SUCCESS

    def _score_state(self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]) -> _State:
        """The reference computation, over NodeInfos (done once per cycle)."""
        s = state.read(_SCORE)
        if s.score_counts is not None:
            return s
        counts: list[dict[str, int]] = [{} for _ in s.constraints]
        sizes = [0] * len(s.constraints)
        for node in nodes:
            if s.require_all and not all(c.topology_key in node.labels for c in s.constraints):
                s.ignored_names.add(node.name)
                continue
            for i, c in enumerate(s.constraints):
                if c.topology_key == HOSTNAME:
                    continue
                value = node.labels.get(c.topology_key, "")
                if value not in counts[i]:
                    counts[i][value] = 0
                    sizes[i] += 1
        for i, c in enumerate(s.constraints):
            size = len(nodes) - len(s.ignored_names) if c.topology_key == HOSTNAME else sizes[i]
            s.weights.append(math.log(size + 2))
        for node in self.handle.snapshot.nodes:
            if s.require_all and not all(c.topology_key in node.labels for c in s.constraints):
                continue
            for i, c in enumerate(s.constraints):
                if not self._included(c, pod, node, s):
                    continue
                value = node.labels.get(c.topology_key, "")
                if value in counts[i]:
                    counts[i][value] += _count_on(node, c.selector, pod.namespace)
        s.score_counts = counts
        s.ignored = np.array([n.name in s.ignored_names for n in nodes], np.bool_)
        return s

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        s = state.read(_SCORE)
        assert s.score_counts is not None, "pre_score computes the counts"
        if node.name in s.ignored_names:
            return 0
        total = 0.0
        for i, c in enumerate(s.constraints):
            value = node.labels.get(c.topology_key)
            if value is None:
                continue
            if c.topology_key == HOSTNAME:
                count = _count_on(node, c.selector, pod.namespace)
            else:
                count = s.score_counts[i][value]
            total += count * s.weights[i] + float(c.max_skew - 1)
        return math.floor(total + 0.5)

    def score_nodes(
        self, state: CycleState, pod: PodInfo, snapshot: Snapshot, nodes: IntArray
    ) -> IntArray:
        s = state.read(_SCORE)
        columns = [snapshot.label_column(c.topology_key) for c in s.constraints]
        has_all = np.ones(len(snapshot), np.bool_)
        for column in columns:
            has_all &= column.codes != 0
        ignored = ~has_all[nodes] if s.require_all else np.zeros(len(nodes), np.bool_)
        s.ignored = ignored
        kept = nodes[~ignored]
        total = np.zeros(len(nodes), np.float64)
        for c, column in zip(s.constraints, columns, strict=True):
            codes = column.codes
            empty = column.index.get("")
            effective = np.where(codes == 0, empty, codes) if empty is not None else codes
            counts = self._pod_counts(snapshot, c, pod.namespace)
            if c.topology_key == HOSTNAME:
                weight = math.log(len(kept) + 2)
                count = counts[nodes]
            else:
                size = len(column.values) + 1
                in_domain = np.zeros(size, np.bool_)
                in_domain[effective[kept]] = True
                weight = math.log(int(in_domain.sum()) + 2)
                included = self._included_mask(c, pod, snapshot, s)
                if s.require_all:
                    included &= has_all
                per_domain = np.bincount(
                    effective[included], weights=counts[included], minlength=size
                ).astype(np.int64)
                count = per_domain[effective[nodes]]
            has_key = codes[nodes] != 0
            total += np.where(has_key, count * weight + float(c.max_skew - 1), 0.0)
        scores = np.floor(total + 0.5).astype(np.int64)
        scores[ignored] = 0
        return scores

    def normalize_scores(self, state: CycleState, pod: PodInfo, scores: IntArray) -> IntArray:
        s = state.read(_SCORE)
        ignored = s.ignored if s.ignored is not None else np.zeros(len(scores), np.bool_)
        valid = scores[~ignored]
        low = int(valid.min()) if len(valid) else 2**63 - 1
        high = max(int(valid.max()), 0) if len(valid) else 0
        if high == 0:
            result = np.full(len(scores), MAX_NODE_SCORE, np.int64)
        else:
            result = MAX_NODE_SCORE * (high + low - scores) // high
        result[ignored] = 0
        return result


def _minimum(counts: list[int], min_domains: int | None) -> int:
    if min_domains is not None and len(counts) < min_domains:
        return 0
    return min(counts) if counts else _NO_DOMAIN
