"""``PodInfo``: a Pod with what the plugins need computed once (requests, ports, terms)."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from kube_actors.api import (
    LabelSelector,
    Pod,
    PodAffinityTerm,
    Selector,
    compile_selector,
    pod_requests,
)

from ...api import namespaced_name
from ...api._memo import IdentityMemo

__all__ = [
    "DEFAULT_MEMORY_REQUEST",
    "DEFAULT_MILLI_CPU_REQUEST",
    "AffinityTerm",
    "PodInfo",
    "WeightedAffinityTerm",
    "normalized_image_name",
]

#: What a container without a CPU or memory request counts as when scoring (schedutil).
DEFAULT_MILLI_CPU_REQUEST = 100
DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024


@attrs.frozen
class AffinityTerm:
    """A pod (anti-)affinity term, compiled: which namespaces, which labels, which topology."""

    namespaces: frozenset[str]
    all_namespaces: bool
    selector: Selector
    topology_key: str

    @classmethod
    def build(cls, term: PodAffinityTerm, pod_namespace: str) -> AffinityTerm:
        namespaces = frozenset(term.namespaces)
        everywhere = _selects_everything(term.namespace_selector)
        if not namespaces and term.namespace_selector is None:
            namespaces = frozenset((pod_namespace,))
        return cls(namespaces, everywhere, compile_selector(term.label_selector), term.topology_key)

    def matches(self, pod: PodInfo) -> bool:
        if not (self.all_namespaces or pod.namespace in self.namespaces):
            return False
        return self.selector.matches(pod.labels)


@attrs.frozen
class WeightedAffinityTerm:
    term: AffinityTerm
    weight: int


def _selects_everything(selector: LabelSelector | None) -> bool:
    # A namespaceSelector of {} selects every namespace; one with requirements would need the
    # namespaces' labels, which the scheduler does not watch: it then selects none.
    return selector is not None and not selector.match_labels and not selector.match_expressions


def normalized_image_name(name: str) -> str:
    """``nginx`` → ``nginx:latest``: the form node image lists use (a tag or digest kept)."""
    if "@" in name or ":" in name.rsplit("/", 1)[-1]:
        return name
    return name + ":latest"


#: What a PodInfo takes from its Pod's spec (``_SpecFacts``).
_SPEC_FACTS = (
    "ephemeral_storage",
    "host_ports",
    "images",
    "memory",
    "milli_cpu",
    "non0_cpu",
    "non0_memory",
    "preferred_affinity",
    "preferred_anti_affinity",
    "priority",
    "required_affinity",
    "required_anti_affinity",
    "scalars",
)


class PodInfo:
    """A Pod and the facts about it every cycle would otherwise recompute."""

    __slots__ = (*_SPEC_FACTS, "key", "labels", "namespace", "pod", "terminating", "uid")

    def __init__(self, pod: Pod) -> None:
        meta, spec = pod.metadata, pod.spec
        self.pod = pod
        ns = self.namespace = meta.namespace
        self.key = namespaced_name(pod)
        self.uid = meta.uid
        self.labels: Mapping[str, str] = meta.labels
        self.terminating = meta.deletion_timestamp is not None
        # Remembered by the spec's identity: the apiserver hands the Pods of one template
        # (equal specs) the very same defaulted spec, so a ReplicaSet's Pods compute them
        # once (with the namespace, which the affinity terms default to).
        facts = _FACTS.get(spec, ns)
        if facts is None:
            facts = _FACTS.put(spec, _SpecFacts(pod, ns), ns)
        self.priority = facts.priority
        self.milli_cpu = facts.milli_cpu
        self.memory = facts.memory
        self.ephemeral_storage = facts.ephemeral_storage
        self.scalars: Mapping[str, int] = facts.scalars
        self.non0_cpu = facts.non0_cpu
        self.non0_memory = facts.non0_memory
        self.host_ports: tuple[tuple[str, str, int], ...] = facts.host_ports
        self.images: tuple[str, ...] = facts.images
        self.required_affinity: tuple[AffinityTerm, ...] = facts.required_affinity
        self.preferred_affinity: tuple[WeightedAffinityTerm, ...] = facts.preferred_affinity
        self.required_anti_affinity: tuple[AffinityTerm, ...] = facts.required_anti_affinity
        self.preferred_anti_affinity: tuple[WeightedAffinityTerm, ...] = (
            facts.preferred_anti_affinity
        )

    @property
    def name(self) -> str:
        return self.pod.metadata.name

    @property
    def has_affinity(self) -> bool:
        """Carries any pod affinity or anti-affinity term (NodeInfo.PodsWithAffinity)."""
        return bool(
            self.required_affinity
            or self.preferred_affinity
            or self.required_anti_affinity
            or self.preferred_anti_affinity
        )

    def __repr__(self) -> str:
        return f"<PodInfo {self.key}>"


class _SpecFacts:
    """What a PodInfo takes from its Pod's spec (and namespace, which the affinity terms
    default to): the same for every Pod that carries the very same spec."""

    __slots__ = _SPEC_FACTS

    def __init__(self, pod: Pod, ns: str) -> None:
        spec = pod.spec
        self.priority = spec.priority or 0
        requests = pod_requests(pod) if spec.containers or spec.init_containers else {}
        self.milli_cpu = requests["cpu"].milli_value() if "cpu" in requests else 0
        self.memory = requests["memory"].value() if "memory" in requests else 0
        storage = requests.get("ephemeral-storage")
        self.ephemeral_storage = storage.value() if storage is not None else 0
        self.scalars: Mapping[str, int] = {
            name: amount.value()
            for name, amount in requests.items()
            if name not in ("cpu", "memory", "ephemeral-storage", "pods") and amount
        }
        containers = len(spec.containers)
        self.non0_cpu = (
            self.milli_cpu if "cpu" in requests else DEFAULT_MILLI_CPU_REQUEST * max(containers, 1)
        )
        self.non0_memory = (
            self.memory if "memory" in requests else DEFAULT_MEMORY_REQUEST * max(containers, 1)
        )
        self.host_ports = tuple(
            (port.host_ip or "0.0.0.0", port.protocol or "TCP", port.host_port)
            for container in (*spec.init_containers, *spec.containers)
            for port in container.ports
            if port.host_port
        )
        self.images = tuple(
            normalized_image_name(c.image) for c in (*spec.init_containers, *spec.containers)
        )
        affinity = spec.affinity
        pod_affinity = affinity.pod_affinity if affinity is not None else None
        anti = affinity.pod_anti_affinity if affinity is not None else None
        self.required_affinity: tuple[AffinityTerm, ...] = ()
        self.preferred_affinity: tuple[WeightedAffinityTerm, ...] = ()
        self.required_anti_affinity: tuple[AffinityTerm, ...] = ()
        self.preferred_anti_affinity: tuple[WeightedAffinityTerm, ...] = ()
        if pod_affinity is not None:
            self.required_affinity = tuple(
                AffinityTerm.build(t, ns)
                for t in pod_affinity.required_during_scheduling_ignored_during_execution
            )
            self.preferred_affinity = tuple(
                WeightedAffinityTerm(AffinityTerm.build(w.pod_affinity_term, ns), w.weight)
                for w in pod_affinity.preferred_during_scheduling_ignored_during_execution
            )
        if anti is not None:
            self.required_anti_affinity = tuple(
                AffinityTerm.build(t, ns)
                for t in anti.required_during_scheduling_ignored_during_execution
            )
            self.preferred_anti_affinity = tuple(
                WeightedAffinityTerm(AffinityTerm.build(w.pod_affinity_term, ns), w.weight)
                for w in anti.preferred_during_scheduling_ignored_during_execution
            )


#: The facts of the specs met lately, by the spec's identity and the Pod's namespace.
_FACTS: IdentityMemo[_SpecFacts] = IdentityMemo()
