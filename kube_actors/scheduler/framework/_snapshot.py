"""``NodeInfo`` and ``Snapshot``: the nodes as the scheduler sees them.

A ``NodeInfo`` aggregates one node: its allocatable resources, what its pods request, their
host ports, the images it holds. The ``Snapshot`` holds every ``NodeInfo`` in a fixed order and,
for the vectorised plugins, the same facts as numpy columns (one entry per node), plus small
indexes built on demand and then kept current as pods come and go:

* label columns: per label key, each node's value as an integer code into a vocabulary, so a
  node selector is evaluated once per distinct value and spread over the nodes with a lookup;
* taint groups: nodes sharing the same taints share one toleration check;
* pod counts: per (namespaces, selector), how many pods on each node match;
* affinity term counts: per distinct term carried by existing pods, how many carry it per node.

The scheduler is one actor and its cycles never await, so the snapshot is the cache itself,
changed in place between cycles (Kubernetes copies its cache into a snapshot each cycle
because its informers run in other goroutines).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping
from typing import Literal

import numpy as np
import numpy.typing as npt

from kube_actors.api import Node, Taint

from ._pod_info import AffinityTerm, PodInfo, normalized_image_name

__all__ = ["LabelColumn", "NodeArrays", "NodeInfo", "Snapshot", "TermKind"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

TermKind = Literal["required_affinity", "required_anti", "preferred_affinity", "preferred_anti"]

_MAX_POD_INDEXES = 256


class NodeInfo:
    """One node and the pods assigned (or assumed) to it."""

    __slots__ = (
        "alloc_cpu",
        "alloc_memory",
        "alloc_pods",
        "alloc_scalars",
        "alloc_storage",
        "images",
        "index",
        "labels",
        "name",
        "node",
        "non0_cpu",
        "non0_memory",
        "pods",
        "pods_with_affinity",
        "pods_with_required_anti_affinity",
        "req_cpu",
        "req_memory",
        "req_scalars",
        "req_storage",
        "taints",
        "unschedulable",
        "used_ports",
    )

    def __init__(self, node: Node) -> None:
        self.index = -1
        self.pods: dict[str, PodInfo] = {}
        self.pods_with_affinity: dict[str, PodInfo] = {}
        self.pods_with_required_anti_affinity: dict[str, PodInfo] = {}
        self.used_ports: dict[tuple[str, str, int], int] = {}
        self.req_cpu = self.req_memory = self.req_storage = 0
        self.non0_cpu = self.non0_memory = 0
        self.req_scalars: dict[str, int] = {}
        self.set_node(node)

    def set_node(self, node: Node) -> None:
        self.node = node
        self.name = node.metadata.name
        self.labels: Mapping[str, str] = node.metadata.labels
        self.taints: tuple[Taint, ...] = node.spec.taints
        self.unschedulable = bool(node.spec.unschedulable)
        allocatable = node.status.allocatable
        cpu, memory = allocatable.get("cpu"), allocatable.get("memory")
        storage, pods = allocatable.get("ephemeral-storage"), allocatable.get("pods")
        self.alloc_cpu = cpu.milli_value() if cpu is not None else 0
        self.alloc_memory = memory.value() if memory is not None else 0
        self.alloc_storage = storage.value() if storage is not None else 0
        self.alloc_pods = pods.value() if pods is not None else 0
        self.alloc_scalars = {
            name: amount.value()
            for name, amount in allocatable.items()
            if name not in ("cpu", "memory", "ephemeral-storage", "pods")
        }
        self.images: dict[str, int] = {}
        for image in node.status.images:
            for name in image.names:
                self.images[normalized_image_name(name)] = image.size_bytes or 0

    def add_pod(self, pod: PodInfo) -> None:
        self.pods[pod.key] = pod
        if pod.has_affinity:
            self.pods_with_affinity[pod.key] = pod
        if pod.required_anti_affinity:
            self.pods_with_required_anti_affinity[pod.key] = pod
        self._account(pod, 1)

    def remove_pod(self, key: str) -> PodInfo | None:
        pod = self.pods.pop(key, None)
        if pod is not None:
            self.pods_with_affinity.pop(key, None)
            self.pods_with_required_anti_affinity.pop(key, None)
            self._account(pod, -1)
        return pod

    def _account(self, pod: PodInfo, sign: int) -> None:
        self.req_cpu += sign * pod.milli_cpu
        self.req_memory += sign * pod.memory
        self.req_storage += sign * pod.ephemeral_storage
        self.non0_cpu += sign * pod.non0_cpu
        self.non0_memory += sign * pod.non0_memory
        for name, amount in pod.scalars.items():
            self.req_scalars[name] = self.req_scalars.get(name, 0) + sign * amount
        for port in pod.host_ports:
            left = self.used_ports.get(port, 0) + sign
            if left > 0:
                self.used_ports[port] = left
            else:
                self.used_ports.pop(port, None)

    def clone(self) -> NodeInfo:
        """A copy whose pods can be changed (preemption's what-if)."""
        copy = NodeInfo.__new__(NodeInfo)
        for slot in NodeInfo.__slots__:
            setattr(copy, slot, getattr(self, slot))
        copy.pods = dict(self.pods)
        copy.pods_with_affinity = dict(self.pods_with_affinity)
        copy.pods_with_required_anti_affinity = dict(self.pods_with_required_anti_affinity)
        copy.used_ports = dict(self.used_ports)
        copy.req_scalars = dict(self.req_scalars)
        return copy

    def __repr__(self) -> str:
        return f"<NodeInfo {self.name} pods={len(self.pods)}>"


class NodeArrays:
    """Each node's numbers as numpy columns, in snapshot order."""

    __slots__ = (
        "alloc_cpu",
        "alloc_memory",
        "alloc_pods",
        "alloc_storage",
        "non0_cpu",
        "non0_memory",
        "pod_count",
        "req_cpu",
        "req_memory",
        "req_storage",
        "unschedulable",
    )

    def __init__(self, nodes: list[NodeInfo]) -> None:
        def column(attr: str) -> IntArray:
            return np.fromiter((getattr(n, attr) for n in nodes), np.int64, len(nodes))

        self.alloc_cpu = column("alloc_cpu")
        self.alloc_memory = column("alloc_memory")
        self.alloc_storage = column("alloc_storage")
        self.alloc_pods = column("alloc_pods")
        self.req_cpu = column("req_cpu")
        self.req_memory = column("req_memory")
        self.req_storage = column("req_storage")
        self.non0_cpu = column("non0_cpu")
        self.non0_memory = column("non0_memory")
        self.pod_count = np.fromiter((len(n.pods) for n in nodes), np.int64, len(nodes))
        self.unschedulable: BoolArray = np.fromiter(
            (n.unschedulable for n in nodes), np.bool_, len(nodes)
        )

    def account(self, i: int, pod: PodInfo, sign: int) -> None:
        self.req_cpu[i] += sign * pod.milli_cpu
        self.req_memory[i] += sign * pod.memory
        self.req_storage[i] += sign * pod.ephemeral_storage
        self.non0_cpu[i] += sign * pod.non0_cpu
        self.non0_memory[i] += sign * pod.non0_memory
        self.pod_count[i] += sign


class LabelColumn:
    """One label key over all nodes: ``codes[i]`` is 0 where node i lacks the label, else
    1 + the index of its value in ``values``."""

    __slots__ = ("codes", "index", "values")

    def __init__(self, key: str, nodes: list[NodeInfo]) -> None:
        self.values: list[str] = []
        self.index: dict[str, int] = {}
        codes = np.zeros(len(nodes), np.int64)
        for i, node in enumerate(nodes):
            value = node.labels.get(key)
            if value is not None:
                code = self.index.get(value)
                if code is None:
                    self.values.append(value)
                    code = self.index[value] = len(self.values)
                codes[i] = code
        self.codes: IntArray = codes

    def table(self, predicate: Callable[[str | None], bool]) -> BoolArray:
        """``predicate`` of each code (0: the label is missing), to index with ``codes``."""
        return np.array([predicate(None), *(predicate(v) for v in self.values)], np.bool_)


class Snapshot:
    """Every node the scheduler knows, in a stable order, with the vectorised views."""

    def __init__(self) -> None:
        self.nodes: list[NodeInfo] = []
        self._by_name: dict[str, NodeInfo] = {}
        self._arrays: NodeArrays | None = None
        self._labels: dict[str, LabelColumn] = {}
        self._taint_groups: tuple[IntArray, list[tuple[Taint, ...]]] | None = None
        self._images: dict[str, tuple[IntArray, int]] | None = None
        self._pod_indexes: dict[Hashable, tuple[Callable[[PodInfo], bool], IntArray]] = {}
        self._terms: dict[tuple[TermKind, AffinityTerm, int], IntArray] | None = None
        self._pod_nodes: dict[str, NodeInfo] = {}

    # ------------------------------------------------------------------- reading

    def __len__(self) -> int:
        return len(self.nodes)

    def __iter__(self) -> Iterator[NodeInfo]:
        return iter(self.nodes)

    def get(self, name: str) -> NodeInfo | None:
        return self._by_name.get(name)

    def node_of(self, pod_key: str) -> NodeInfo | None:
        """The node a pod is on (or assumed on)."""
        return self._pod_nodes.get(pod_key)

    def pods(self) -> Iterator[PodInfo]:
        for node in self.nodes:
            yield from node.pods.values()

    # ------------------------------------------------------------------- changing

    def add_node(self, node: Node) -> NodeInfo:
        info = self._by_name.get(node.metadata.name)
        if info is not None:
            self.update_node(node)
            return info
        info = NodeInfo(node)
        self.nodes.append(info)
        self._by_name[info.name] = info
        self._structure_changed()
        return info

    def update_node(self, node: Node) -> None:
        info = self._by_name.get(node.metadata.name)
        if info is None:
            self.add_node(node)
            return
        old = info.node
        info.set_node(node)
        if old.metadata.labels != node.metadata.labels:
            self._labels.clear()
            self._terms = None
            self._pod_indexes.clear()
        if old.spec.taints != node.spec.taints:
            self._taint_groups = None
        if old.status.images != node.status.images:
            self._images = None
        arrays = self._arrays
        if arrays is not None:
            i = info.index
            arrays.alloc_cpu[i] = info.alloc_cpu
            arrays.alloc_memory[i] = info.alloc_memory
            arrays.alloc_storage[i] = info.alloc_storage
            arrays.alloc_pods[i] = info.alloc_pods
            arrays.unschedulable[i] = info.unschedulable

    def remove_node(self, name: str) -> NodeInfo | None:
        info = self._by_name.pop(name, None)
        if info is None:
            return None
        self.nodes.remove(info)
        for key in info.pods:
            self._pod_nodes.pop(key, None)
        self._structure_changed()
        return info

    def add_pod(self, pod: PodInfo, node_name: str) -> bool:
        """Account ``pod`` on its node; False if the node is unknown."""
        info = self._by_name.get(node_name)
        if info is None:
            return False
        info.add_pod(pod)
        self._pod_nodes[pod.key] = info
        self._pod_changed(info, pod, 1)
        return True

    def remove_pod(self, key: str) -> PodInfo | None:
        info = self._pod_nodes.pop(key, None)
        if info is None:
            return None
        pod = info.remove_pod(key)
        if pod is not None:
            self._pod_changed(info, pod, -1)
        return pod

    def _structure_changed(self) -> None:
        self._arrays = None
        self._labels.clear()
        self._taint_groups = None
        self._images = None
        self._pod_indexes.clear()
        self._terms = None

    def _pod_changed(self, info: NodeInfo, pod: PodInfo, sign: int) -> None:
        arrays = self._arrays
        if arrays is None:
            return
        i = info.index
        arrays.account(i, pod, sign)
        for predicate, counts in self._pod_indexes.values():
            if predicate(pod):
                counts[i] += sign
        if self._terms is not None:
            _count_terms(self._terms, pod, i, sign, len(self.nodes))

    # ------------------------------------------------------------ vectorised views

    @property
    def arrays(self) -> NodeArrays:
        arrays = self._arrays
        if arrays is None:
            for i, node in enumerate(self.nodes):
                node.index = i
            arrays = self._arrays = NodeArrays(self.nodes)
        return arrays

    def label_column(self, key: str) -> LabelColumn:
        self.arrays  # noqa: B018  (indexes are valid only with the arrays)
        column = self._labels.get(key)
        if column is None:
            column = self._labels[key] = LabelColumn(key, self.nodes)
        return column

    def taint_groups(self) -> tuple[IntArray, list[tuple[Taint, ...]]]:
        """Each node's group (nodes with equal taints share one) and the groups' taints."""
        self.arrays  # noqa: B018
        if self._taint_groups is None:
            index: dict[tuple[Taint, ...], int] = {}
            groups = np.fromiter(
                (index.setdefault(n.taints, len(index)) for n in self.nodes),
                np.int64,
                len(self.nodes),
            )
            self._taint_groups = (groups, list(index))
        return self._taint_groups

    def image_sizes(self, image: str) -> tuple[IntArray, int] | None:
        """Per node the size of ``image`` (0 where absent) and how many nodes hold it."""
        self.arrays  # noqa: B018
        if self._images is None:
            columns: dict[str, IntArray] = {}
            holders: dict[str, int] = {}
            for i, node in enumerate(self.nodes):
                for name, size in node.images.items():
                    column = columns.get(name)
                    if column is None:
                        column = columns[name] = np.zeros(len(self.nodes), np.int64)
                    column[i] = size
                    holders[name] = holders.get(name, 0) + 1
            self._images = {name: (columns[name], holders[name]) for name in columns}
        return self._images.get(image)

    def pod_counts(self, key: Hashable, predicate: Callable[[PodInfo], bool]) -> IntArray:
        """How many pods on each node satisfy ``predicate``, kept current under ``key``."""
        self.arrays  # noqa: B018
        entry = self._pod_indexes.get(key)
        if entry is None:
            if len(self._pod_indexes) >= _MAX_POD_INDEXES:
                self._pod_indexes.clear()
            counts = np.fromiter(
                (sum(1 for p in n.pods.values() if predicate(p)) for n in self.nodes),
                np.int64,
                len(self.nodes),
            )
            entry = self._pod_indexes[key] = (predicate, counts)
        return entry[1]

    def term_counts(self) -> dict[tuple[TermKind, AffinityTerm, int], IntArray]:
        """Per distinct affinity term carried by existing pods (with its kind and weight),
        how many pods on each node carry it."""
        self.arrays  # noqa: B018
        if self._terms is None:
            terms: dict[tuple[TermKind, AffinityTerm, int], IntArray] = {}
            for i, node in enumerate(self.nodes):
                for pod in node.pods_with_affinity.values():
                    _count_terms(terms, pod, i, 1, len(self.nodes))
            self._terms = terms
        return self._terms


def _count_terms(
    terms: dict[tuple[TermKind, AffinityTerm, int], IntArray],
    pod: PodInfo,
    i: int,
    sign: int,
    size: int,
) -> None:
    if not pod.has_affinity:
        return
    keys: list[tuple[TermKind, AffinityTerm, int]] = []
    keys.extend(("required_affinity", t, 0) for t in pod.required_affinity)
    keys.extend(("required_anti", t, 0) for t in pod.required_anti_affinity)
    keys.extend(("preferred_affinity", w.term, w.weight) for w in pod.preferred_affinity)
    keys.extend(("preferred_anti", w.term, w.weight) for w in pod.preferred_anti_affinity)
    for key in keys:
        counts = terms.get(key)
        if counts is None:
            counts = terms[key] = np.zeros(size, np.int64)
        counts[i] += sign
