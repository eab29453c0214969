"""The selector of a pod's owners, for system-default topology spreading.

Kubernetes' ``DefaultSelector`` (plugins/helper/spread.go): the selectors of the Services in
the pod's namespace that select it, merged, plus the selector of its controller when that is
a ReplicaSet or a StatefulSet (kube_actors has no ReplicationController). Pods matching that
selector are the pod's siblings, which PodTopologySpread's default constraints spread.
"""

from __future__ import annotations

from kube_actors.api import (
    ReplicaSet,
    Requirement,
    Selector,
    Service,
    StatefulSet,
    compile_selector,
    controller_of,
)
from kube_actors.client import Client, SharedInformer

from .framework import PodInfo

__all__ = ["OwnerSelectors"]

#: What a pod no Service selects and no ReplicaSet or StatefulSet owns gets: one shared
#: selector (frozen), not one built for each cycle.
_EVERYTHING = Selector()


class OwnerSelectors:
    """Informers on Services, ReplicaSets and StatefulSets, and the selector they give."""

    def __init__(self, client: Client) -> None:
        self.services: SharedInformer[Service] = SharedInformer(client, Service)
        self.replica_sets: SharedInformer[ReplicaSet] = SharedInformer(client, ReplicaSet)
        self.stateful_sets: SharedInformer[StatefulSet] = SharedInformer(client, StatefulSet)

    @property
    def informers(self) -> tuple[SharedInformer[object], ...]:
        return (self.services, self.replica_sets, self.stateful_sets)  # type: ignore[return-value]

    def selector(self, pod: PodInfo) -> Selector:
        """The merged selector (everything: the pod has no owner that selects it)."""
        requirements: list[Requirement] = []
        for service in self.services.indexer.list(pod.namespace):
            chosen = service.spec.selector
            if chosen and all(pod.labels.get(k) == v for k, v in chosen.items()):
                requirements.extend(compile_selector(chosen).requirements)
        owner = controller_of(pod.pod)
        if owner is not None and owner.api_version.startswith("apps/"):
            found: ReplicaSet | StatefulSet | None = None
            if owner.kind == "ReplicaSet":
                found = self.replica_sets.indexer.get(owner.name, pod.namespace)
            elif owner.kind == "StatefulSet":
                found = self.stateful_sets.indexer.get(owner.name, pod.namespace)
            if found is not None and found.spec.selector is not None:
                requirements.extend(compile_selector(found.spec.selector).requirements)
        return Selector(tuple(requirements)) if requirements else _EVERYTHING
