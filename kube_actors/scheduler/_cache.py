"""The scheduler's node cache: the snapshot, plus the pods it assumed before their binding
was confirmed (so the next pod sees the last one's placement), forgotten if binding fails,
and the nominated pods (pending pods that preemption made room for, by node)."""

from __future__ import annotations

from kube_actors.api import Node, Pod, namespaced_name

from .framework import PodInfo, Snapshot

__all__ = ["Cache"]


class Cache:
    def __init__(self) -> None:
        self.snapshot = Snapshot()
        self._assumed: dict[str, str] = {}  # pod key -> node name
        self._nominated: dict[str, dict[str, PodInfo]] = {}  # node -> pod key -> pod
        self._nominated_node: dict[str, str] = {}  # pod key -> node

    # ----------------------------------------------------------------- nominated

    def nominate(self, pod: PodInfo, node: str) -> None:
        """``pod`` waits for room on ``node`` (its ``nominatedNodeName``; "" clears it)."""
        self.clear_nomination(pod.key)
        if node:
            self._nominated.setdefault(node, {})[pod.key] = pod
            self._nominated_node[pod.key] = node

    def clear_nomination(self, key: str) -> None:
        node = self._nominated_node.pop(key, None)
        if node is not None:
            pods = self._nominated[node]
            pods.pop(key, None)
            if not pods:
                del self._nominated[node]

    def nominated_pods(self) -> dict[str, dict[str, PodInfo]]:
        """By node name, the pods nominated to it."""
        return self._nominated

    def assume(self, pod: PodInfo, node: str) -> None:
        self.snapshot.add_pod(pod, node)
        self._assumed[pod.key] = node

    def forget(self, key: str) -> None:
        if self._assumed.pop(key, None) is not None:
            self.snapshot.remove_pod(key)

    def is_assumed(self, key: str) -> bool:
        return key in self._assumed

    def add_pod(self, pod: Pod, key: str = "") -> None:
        """An assigned pod seen by the informer: confirms an assumption, updates the pod
        or adds it. ``key``: its namespaced name, if the caller has it."""
        meta = pod.metadata
        key = key or namespaced_name(pod)
        node = self.snapshot.node_of(key)
        known = node.pods.get(key) if node is not None else None
        if self._assumed.get(key) == pod.spec.node_name:
            # The binding we made, confirmed. What the pod asks for cannot have changed (its
            # resources, ports and affinity are immutable), so unless its labels changed or
            # its deletion began meanwhile, its accounting stands: only the object is newer.
            del self._assumed[key]
            if known is not None and _same_accounting(known, pod):
                known.pod = pod
                return
        elif (
            known is not None
            and known.uid == meta.uid
            and (known.pod.spec is pod.spec or known.pod.spec == pod.spec)
            and _same_accounting(known, pod)
        ):
            # The same pod on the same node, its status written (the kubelet's report):
            # what the scheduler accounts for it stands.
            known.pod = pod
            return
        info = PodInfo(pod)
        self._assumed.pop(info.key, None)
        self.snapshot.remove_pod(info.key)
        self.snapshot.add_pod(info, pod.spec.node_name)

    def remove_pod(self, pod: Pod) -> None:
        key = namespaced_name(pod)
        self._assumed.pop(key, None)
        self.snapshot.remove_pod(key)

    def add_node(self, node: Node) -> None:
        self.snapshot.add_node(node)

    def remove_node(self, node: Node) -> None:
        self.snapshot.remove_node(node.metadata.name)


def _same_accounting(known: PodInfo, pod: Pod) -> bool:
    """Whether what the cache holds for ``known`` holds for ``pod`` too, given the same
    spec: its labels, and whether it is terminating."""
    meta = pod.metadata
    return known.pod.metadata.labels == meta.labels and known.terminating == (
        meta.deletion_timestamp is not None
    )
