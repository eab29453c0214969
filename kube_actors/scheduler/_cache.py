"""The scheduler's node cache: the snapshot, plus the pods it assumed before their binding
was confirmed (so the next pod sees the last one's placement), forgotten if binding fails."""

from __future__ import annotations

from kube_actors.api import Node, Pod

from .framework import PodInfo, Snapshot

__all__ = ["Cache"]


class Cache:
    def __init__(self) -> None:
        self.snapshot = Snapshot()
        self._assumed: dict[str, str] = {}  # pod key -> node name

    def assume(self, pod: PodInfo, node: str) -> None:
        self.snapshot.add_pod(pod, node)
        self._assumed[pod.key] = node

    def forget(self, key: str) -> None:
        if self._assumed.pop(key, None) is not None:
            self.snapshot.remove_pod(key)

    def is_assumed(self, key: str) -> bool:
        return key in self._assumed

    def add_pod(self, pod: Pod) -> None:
        """An assigned pod seen by the informer: confirms an assumption or adds it."""
        info = PodInfo(pod)
        self._assumed.pop(info.key, None)
        self.snapshot.remove_pod(info.key)
        self.snapshot.add_pod(info, pod.spec.node_name)

    def remove_pod(self, pod: Pod) -> None:
        key = f"{pod.metadata.namespace}/{pod.metadata.name}"
        self._assumed.pop(key, None)
        self.snapshot.remove_pod(key)

    def add_node(self, node: Node) -> None:
        self.snapshot.add_node(node)

    def remove_node(self, node: Node) -> None:
        self.snapshot.remove_node(node.metadata.name)
