"""What several plugins share: node selector matching, taint checks, score normalising."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

import numpy as np
import numpy.typing as npt

from kube_actors.api import NodeSelectorRequirement, NodeSelectorTerm, Pod, Taint, Toleration

from ..framework import MAX_NODE_SCORE, NodeInfo, Snapshot

__all__ = [
    "RequiredNodeAffinity",
    "default_normalize",
    "requirement_predicate",
    "untolerated_taint",
]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_INTEGER = re.compile(r"[+-]?[0-9]+")


def requirement_predicate(req: NodeSelectorRequirement) -> Callable[[str | None], bool]:
    """A node selector requirement as a test of one label value (None: the label is absent)."""
    values = frozenset(req.values)
    op = req.operator
    if op == "In":
        return lambda v: v is not None and v in values
    if op == "NotIn":
        return lambda v: v is None or v not in values
    if op == "Exists":
        return lambda v: v is not None
    if op == "DoesNotExist":
        return lambda v: v is None
    if op in ("Gt", "Lt") and len(req.values) == 1 and _INTEGER.fullmatch(req.values[0]):
        bound = int(req.values[0])
        if op == "Gt":
            return lambda v: v is not None and _INTEGER.fullmatch(v) is not None and int(v) > bound
        return lambda v: v is not None and _INTEGER.fullmatch(v) is not None and int(v) < bound
    return lambda v: False


class RequiredNodeAffinity:
    """A pod's ``nodeSelector`` and required node affinity, matched per node or all at once."""

    __slots__ = ("_selector", "_terms")

    def __init__(self, pod: Pod) -> None:
        self._selector: Mapping[str, str] = pod.spec.node_selector
        affinity = pod.spec.affinity
        node_affinity = affinity.node_affinity if affinity is not None else None
        required = (
            node_affinity.required_during_scheduling_ignored_during_execution
            if node_affinity is not None
            else None
        )
        self._terms: tuple[NodeSelectorTerm, ...] | None = (
            required.node_selector_terms if required is not None else None
        )

    @property
    def is_empty(self) -> bool:
        return not self._selector and self._terms is None

    def matches(self, node: NodeInfo) -> bool:
        labels = node.labels
        for key, value in self._selector.items():
            if labels.get(key) != value:
                return False
        if self._terms is None:
            return True
        return any(_term_matches(term, node) for term in self._terms)

    def match_nodes(self, snapshot: Snapshot) -> BoolArray:
        n = len(snapshot)
        mask = np.ones(n, np.bool_)
        for key, value in self._selector.items():
            column = snapshot.label_column(key)
            mask &= column.table(lambda v, want=value: v == want)[column.codes]  # type: ignore[misc]
        if self._terms is None:
            return mask
        matched = np.zeros(n, np.bool_)
        for term in self._terms:
            matched |= match_term_nodes(term, snapshot)
        return mask & matched


def _term_matches(term: NodeSelectorTerm, node: NodeInfo) -> bool:
    if not term.match_expressions and not term.match_fields:
        return False
    labels = node.labels
    for req in term.match_expressions:
        if not requirement_predicate(req)(labels.get(req.key)):
            return False
    for req in term.match_fields:
        value = node.name if req.key == "metadata.name" else None
        if not requirement_predicate(req)(value):
            return False
    return True


def match_term_nodes(term: NodeSelectorTerm, snapshot: Snapshot) -> BoolArray:
    """A node selector term over every node of the snapshot."""
    n = len(snapshot)
    if not term.match_expressions and not term.match_fields:
        return np.zeros(n, np.bool_)
    mask = np.ones(n, np.bool_)
    for req in term.match_expressions:
        column = snapshot.label_column(req.key)
        mask &= column.table(requirement_predicate(req))[column.codes]
    for req in term.match_fields:
        test = requirement_predicate(req)
        if req.key == "metadata.name":
            mask &= np.fromiter((test(node.name) for node in snapshot.nodes), np.bool_, n)
        else:
            mask &= test(None)
    return mask


def untolerated_taint(
    taints: Iterable[Taint], tolerations: tuple[Toleration, ...], effects: frozenset[str]
) -> Taint | None:
    """The first taint with one of ``effects`` that no toleration tolerates."""
    for taint in taints:
        if taint.effect in effects and not any(t.tolerates(taint) for t in tolerations):
            return taint
    return None


def default_normalize(scores: IntArray, reverse: bool = False) -> IntArray:
    """Kubernetes' DefaultNormalizeScore: scale so the best is 100 (reversed: the least)."""
    top = int(scores.max()) if len(scores) else 0
    if top <= 0:
        return np.full(len(scores), MAX_NODE_SCORE, np.int64) if reverse else scores
    scaled = MAX_NODE_SCORE * scores // top
    return MAX_NODE_SCORE - scaled if reverse else scaled
