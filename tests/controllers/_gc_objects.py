"""Small owners and dependents for the namespace and garbage collector tests."""

from __future__ import annotations

from typing import Any

from kube_actors.api import (
    Container,
    LabelSelector,
    ObjectMeta,
    OwnerReference,
    PodSpec,
    PodTemplateSpec,
    ReplicaSet,
    ReplicaSetSpec,
    Service,
    ServicePort,
    ServiceSpec,
)
from kube_actors.cluster import Cluster
from kube_actors.errors import NotFound


def replica_set(
    name: str, *, namespace: str = "default", owners: tuple[OwnerReference, ...] = ()
) -> ReplicaSet:
    labels = {"app": "web"}
    return ReplicaSet(
        metadata=ObjectMeta(name=name, namespace=namespace, owner_references=owners),
        spec=ReplicaSetSpec(
            replicas=0,
            selector=LabelSelector(match_labels=labels),
            template=PodTemplateSpec(
                metadata=ObjectMeta(labels=labels),
                spec=PodSpec(containers=[Container(name="app", image="nginx:1.27")]),
            ),
        ),
    )


def service(name: str, *, namespace: str = "default") -> Service:
    return Service(
        metadata=ObjectMeta(name=name, namespace=namespace),
        spec=ServiceSpec(selector={"app": "web"}, ports=[ServicePort(port=80)]),
    )


def ref(owner: Any, *, block: bool = True, controller: bool = True) -> OwnerReference:
    """An owner reference to ``owner``; ``block`` sets blockOwnerDeletion."""
    return OwnerReference(
        api_version=owner.api_version,
        kind=owner.kind,
        name=owner.metadata.name,
        uid=owner.metadata.uid,
        controller=controller,
        block_owner_deletion=block,
    )


async def gone(cluster: Cluster, kind: type[Any], name: str) -> bool:
    """Whether ``default/name`` of ``kind`` is gone."""
    try:
        await cluster.client.get(kind, name, namespace="default")
    except NotFound:
        return True
    return False
