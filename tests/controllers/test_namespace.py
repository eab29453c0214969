"""The namespace controller: a deleted namespace is emptied, then goes."""

from __future__ import annotations

from typing import Any

import pytest

from kube_actors.api import (
    Namespace,
    ObjectMeta,
    Pod,
    ReplicaSet,
    Service,
    ServiceAccount,
    get_condition,
)
from kube_actors.cluster import Cluster
from kube_actors.errors import Forbidden, NotFound
from kube_actors.testing import pod

from ._gc_objects import ref, replica_set, service

HOLD = "example.com/hold"


async def _fill(cluster: Cluster, namespace: str) -> None:
    await cluster.client.create(Namespace(metadata=ObjectMeta(name=namespace)))
    for obj in (
        pod("web-1", namespace=namespace, labels={"app": "web"}),
        pod("web-2", namespace=namespace, labels={"app": "web"}),
        service("web", namespace=namespace),
        replica_set("web", namespace=namespace),
        ServiceAccount(metadata=ObjectMeta(name="builder", namespace=namespace)),
    ):
        await cluster.client.create(obj)


async def _content(cluster: Cluster, namespace: str) -> dict[str, list[str]]:
    content: dict[str, list[str]] = {}
    kinds: tuple[type[Any], ...] = (Pod, Service, ReplicaSet, ServiceAccount)
    for kind in kinds:
        names = [o.metadata.name for o in await cluster.client.list(kind, namespace=namespace)]
        if names:
            content[kind.__name__] = names
    return content


async def test_a_deleted_namespace_with_pods_services_and_replicasets_goes_away() -> None:
    async with Cluster(scheduler=False, controllers=["namespace"], seed=1) as cluster:
        await _fill(cluster, "shop")
        await _fill(cluster, "bakery")
        await cluster.settle()
        await cluster.client.delete(Namespace, "shop")
        await cluster.settle()
        with pytest.raises(NotFound):
            await cluster.client.get(Namespace, "shop")
        assert await _content(cluster, "shop") == {}
        assert await _content(cluster, "bakery") == {
            "Pod": ["web-1", "web-2"],
            "Service": ["web"],
            "ReplicaSet": ["web"],
            "ServiceAccount": ["builder"],
        }


async def test_a_namespace_waits_for_finalizers_and_refuses_creates_meanwhile() -> None:
    async with Cluster(scheduler=False, controllers=["namespace"], seed=1) as cluster:
        await _fill(cluster, "shop")
        await cluster.client.create(
            pod("held", namespace="shop", finalizers=(HOLD,), labels={"app": "web"})
        )
        await cluster.client.delete(Namespace, "shop")
        await cluster.settle()

        namespace = await cluster.client.get(Namespace, "shop")
        assert namespace.status.phase == "Terminating"
        assert namespace.spec.finalizers == ("kubernetes",)
        assert await _content(cluster, "shop") == {"Pod": ["held"]}
        remaining = get_condition(namespace.status.conditions, "NamespaceContentRemaining")
        finalizers = get_condition(namespace.status.conditions, "NamespaceFinalizersRemaining")
        failure = get_condition(namespace.status.conditions, "NamespaceDeletionContentFailure")
        assert remaining is not None
        assert finalizers is not None
        assert failure is not None
        assert (remaining.status, remaining.reason) == ("True", "SomeResourcesRemain")
        assert remaining.message == "Some resources are remaining: pods has 1 resource instances"
        assert (finalizers.status, finalizers.reason) == ("True", "SomeFinalizersRemain")
        assert HOLD in finalizers.message
        assert (failure.status, failure.reason) == ("False", "ContentDeleted")

        with pytest.raises(Forbidden, match="because it is being terminated"):
            await cluster.client.create(pod("late", namespace="shop", labels={"app": "web"}))

        await cluster.client.patch(
            Pod, "held", {"metadata": {"finalizers": None}}, namespace="shop"
        )
        await cluster.settle()  # the pod's delete queues the namespace: no estimate to wait
        with pytest.raises(NotFound):
            await cluster.client.get(Namespace, "shop")
        assert await _content(cluster, "shop") == {}


async def test_an_active_namespace_and_its_content_are_left_alone() -> None:
    async with Cluster(scheduler=False, controllers=["namespace"], seed=1) as cluster:
        await _fill(cluster, "shop")
        await cluster.settle(horizon=60)
        namespace = await cluster.client.get(Namespace, "shop")
        assert (namespace.status.phase, namespace.status.conditions) == ("Active", ())
        assert len((await _content(cluster, "shop"))["Pod"]) == 2


async def test_the_default_service_account_does_not_hold_a_namespace_back() -> None:
    async with Cluster(
        scheduler=False, controllers=["namespace", "serviceaccount"], seed=1
    ) as cluster:
        await _fill(cluster, "shop")
        await cluster.settle()
        assert "default" in (await _content(cluster, "shop"))["ServiceAccount"]
        await cluster.client.delete(Namespace, "shop")
        await cluster.settle()
        with pytest.raises(NotFound):
            await cluster.client.get(Namespace, "shop")
        assert await _content(cluster, "shop") == {}


async def test_a_namespace_of_owners_and_dependents_goes_with_the_garbage_collector() -> None:
    async with Cluster(
        scheduler=False, controllers=["namespace", "garbagecollector"], seed=1
    ) as cluster:
        await cluster.client.create(Namespace(metadata=ObjectMeta(name="shop")))
        owner = await cluster.client.create(replica_set("web", namespace="shop"))
        for name in ("web-a", "web-b"):
            await cluster.client.create(
                pod(name, namespace="shop", owner_references=(ref(owner),), labels={"app": "web"})
            )
        await cluster.settle()
        await cluster.client.delete(Namespace, "shop")
        await cluster.settle()
        with pytest.raises(NotFound):
            await cluster.client.get(Namespace, "shop")
        assert await _content(cluster, "shop") == {}
