"""What the scheduler reads besides resources: affinity, tolerations, topology spread, taints."""

from __future__ import annotations

import datetime as dt

import attrs

from ._base import freeze_seq
from ._meta import LabelSelector

__all__ = [
    "Affinity",
    "NodeAffinity",
    "NodeSelector",
    "NodeSelectorRequirement",
    "NodeSelectorTerm",
    "PodAffinity",
    "PodAffinityTerm",
    "PodAntiAffinity",
    "PreferredSchedulingTerm",
    "Taint",
    "Toleration",
    "TopologySpreadConstraint",
    "WeightedPodAffinityTerm",
]


@attrs.frozen(kw_only=True)
class NodeSelectorRequirement:
    key: str = ""
    operator: str = ""  # In, NotIn, Exists, DoesNotExist, Gt, Lt
    values: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)


@attrs.frozen(kw_only=True)
class NodeSelectorTerm:
    """Requirements ANDed together; a NodeSelector ORs its terms."""

    match_expressions: tuple[NodeSelectorRequirement, ...] = attrs.field(
        default=(), converter=freeze_seq
    )
    match_fields: tuple[NodeSelectorRequirement, ...] = attrs.field(
        default=(), converter=freeze_seq
    )


@attrs.frozen(kw_only=True)
class NodeSelector:
    node_selector_terms: tuple[NodeSelectorTerm, ...] = attrs.field(
        default=(), converter=freeze_seq
    )


@attrs.frozen(kw_only=True)
class PreferredSchedulingTerm:
    weight: int = 0
    preference: NodeSelectorTerm = attrs.field(default=NodeSelectorTerm())


@attrs.frozen(kw_only=True)
class NodeAffinity:
    required_during_scheduling_ignored_during_execution: NodeSelector | None = None
    preferred_during_scheduling_ignored_during_execution: tuple[PreferredSchedulingTerm, ...] = (
        attrs.field(default=(), converter=freeze_seq)
    )


@attrs.frozen(kw_only=True)
class PodAffinityTerm:
    label_selector: LabelSelector | None = None
    namespaces: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)
    topology_key: str = ""
    namespace_selector: LabelSelector | None = None


@attrs.frozen(kw_only=True)
class WeightedPodAffinityTerm:
    weight: int = 0
    pod_affinity_term: PodAffinityTerm = attrs.field(default=PodAffinityTerm())


@attrs.frozen(kw_only=True)
class PodAffinity:
    required_during_scheduling_ignored_during_execution: tuple[PodAffinityTerm, ...] = attrs.field(
        default=(), converter=freeze_seq
    )
    preferred_during_scheduling_ignored_during_execution: tuple[WeightedPodAffinityTerm, ...] = (
        attrs.field(default=(), converter=freeze_seq)
    )


@attrs.frozen(kw_only=True)
class PodAntiAffinity:
    required_during_scheduling_ignored_during_execution: tuple[PodAffinityTerm, ...] = attrs.field(
        default=(), converter=freeze_seq
    )
    preferred_during_scheduling_ignored_during_execution: tuple[WeightedPodAffinityTerm, ...] = (
        attrs.field(default=(), converter=freeze_seq)
    )


@attrs.frozen(kw_only=True)
class Affinity:
    node_affinity: NodeAffinity | None = None
    pod_affinity: PodAffinity | None = None
    pod_anti_affinity: PodAntiAffinity | None = None


@attrs.frozen(kw_only=True)
class Toleration:
    key: str = ""
    operator: str = ""  # Exists or Equal ("" means Equal)
    value: str = ""
    effect: str = ""  # NoSchedule, PreferNoSchedule, NoExecute ("" means all)
    toleration_seconds: int | None = None

    def tolerates(self, taint: Taint) -> bool:
        """Whether this toleration matches the taint (Kubernetes' ToleratesTaint)."""
        if self.effect and self.effect != taint.effect:
            return False
        if self.key and self.key != taint.key:
            return False
        if self.operator == "Exists":
            return True
        if self.operator in ("", "Equal"):
            return self.value == taint.value
        return False


@attrs.frozen(kw_only=True)
class TopologySpreadConstraint:
    max_skew: int = 0
    topology_key: str = ""
    when_unsatisfiable: str = ""  # DoNotSchedule or ScheduleAnyway
    label_selector: LabelSelector | None = None
    min_domains: int | None = None
    node_affinity_policy: str = ""
    node_taints_policy: str = ""
    match_label_keys: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)


@attrs.frozen(kw_only=True)
class Taint:
    key: str = ""
    value: str = ""
    effect: str = ""  # NoSchedule, PreferNoSchedule, NoExecute
    time_added: dt.datetime | None = None
