from __future__ import annotations

import datetime as dt

import attrs
import pytest

from kube_actors import Cluster
from kube_actors.actors import wall_clock
from kube_actors.api import (
    Binding,
    Create,
    Deployment,
    Namespace,
    ObjectMeta,
    ObjectReference,
    Pod,
    Preconditions,
)
from kube_actors.errors import Conflict, Forbidden, NotFound
from kube_actors.testing import deployment, pod


async def _get(cluster: Cluster, name: str = "web") -> Pod:
    return await cluster.client.get(Pod, name, namespace="default")


async def _bind(cluster: Cluster, name: str, node: str) -> Pod:
    binding = Binding(
        metadata=ObjectMeta(name=name, namespace="default"),
        target=ObjectReference(kind="Node", name=node),
    )
    bound: Pod = await cluster.apiserver.ask(Create(obj=binding))
    return bound


async def test_deleting_an_object_without_finalizers_removes_it_at_once() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        created = await cluster.client.create(deployment("web", 2))
        last = await cluster.client.delete(type(created), "web", namespace="default")
        assert last.metadata.uid == created.metadata.uid
        with pytest.raises(NotFound):
            await cluster.client.get(type(created), "web", namespace="default")
        assert (
            await cluster.client.delete(
                type(created), "web", namespace="default", ignore_not_found=True
            )
            is None
        )


async def test_an_object_with_finalizers_stays_until_the_last_one_is_removed() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        guarded = attrs.evolve(
            pod("web"),
            metadata=attrs.evolve(pod("web").metadata, finalizers=["example.com/a", "b/c"]),
        )
        await cluster.client.create(guarded)
        marked = await cluster.client.delete(Pod, "web", namespace="default")
        assert marked.metadata.deletion_timestamp == wall_clock().replace(microsecond=0)
        assert marked.metadata.deletion_grace_period_seconds == 0
        current = await _get(cluster)
        one_left = await cluster.client.update(
            attrs.evolve(current, metadata=attrs.evolve(current.metadata, finalizers=["b/c"]))
        )
        assert one_left.metadata.finalizers == ("b/c",)
        await cluster.client.update(
            attrs.evolve(one_left, metadata=attrs.evolve(one_left.metadata, finalizers=()))
        )
        with pytest.raises(NotFound):
            await _get(cluster)


async def test_no_finalizer_can_be_added_to_an_object_being_deleted() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        guarded = attrs.evolve(
            pod("web"), metadata=attrs.evolve(pod("web").metadata, finalizers=["a/b"])
        )
        await cluster.client.create(guarded)
        marked = await cluster.client.delete(Pod, "web", namespace="default")
        with pytest.raises(Exception, match="no new finalizers can be added"):
            await cluster.client.update(
                attrs.evolve(
                    marked, metadata=attrs.evolve(marked.metadata, finalizers=["a/b", "c/d"])
                )
            )


async def test_orphan_and_foreground_propagation_are_recorded_as_finalizers() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        await cluster.client.create(deployment("orphaned", 2))
        await cluster.client.create(deployment("foreground", 2))
        orphaned = await cluster.client.delete(
            Deployment, "orphaned", namespace="default", propagation_policy="Orphan"
        )
        foreground = await cluster.client.delete(
            Deployment, "foreground", namespace="default", propagation_policy="Foreground"
        )
        assert orphaned.metadata.finalizers == ("orphan",)
        assert foreground.metadata.finalizers == ("foregroundDeletion",)
        assert orphaned.metadata.deletion_timestamp is not None


async def test_preconditions_protect_a_delete() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        created = await cluster.client.create(pod("web"))
        with pytest.raises(Conflict, match="Precondition failed: UID in precondition: nope"):
            await cluster.client.delete(
                Pod, "web", namespace="default", preconditions=Preconditions(uid="nope")
            )
        await cluster.client.delete(
            Pod,
            "web",
            namespace="default",
            preconditions=Preconditions(
                uid=created.metadata.uid, resource_version=created.metadata.resource_version
            ),
        )
        with pytest.raises(NotFound):
            await _get(cluster)


async def test_a_scheduled_pod_is_deleted_gracefully_with_its_grace_period() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        await cluster.client.create(pod("web"))
        await _bind(cluster, "web", "node-1")
        marked = await cluster.client.delete(Pod, "web", namespace="default")
        assert marked.metadata.deletion_grace_period_seconds == 30
        assert marked.metadata.deletion_timestamp == wall_clock().replace(
            microsecond=0
        ) + dt.timedelta(seconds=30)
        shorter = await cluster.client.delete(
            Pod, "web", namespace="default", grace_period_seconds=5
        )
        assert shorter.metadata.deletion_grace_period_seconds == 5
        # The kubelet confirms the containers stopped with a zero grace period.
        await cluster.client.delete(Pod, "web", namespace="default", grace_period_seconds=0)
        with pytest.raises(NotFound):
            await _get(cluster)


async def test_an_unscheduled_pod_is_deleted_at_once() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        await cluster.client.create(pod("web"))
        await cluster.client.delete(Pod, "web", namespace="default")
        with pytest.raises(NotFound):
            await _get(cluster)


async def test_binding_sets_the_node_once_and_marks_the_pod_scheduled() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        await cluster.client.create(pod("web"))
        bound = await _bind(cluster, "web", "node-1")
        assert bound.spec.node_name == "node-1"
        scheduled = [c for c in bound.status.conditions if c.type == "PodScheduled"]
        assert scheduled[0].status == "True"
        with pytest.raises(Conflict, match="is already assigned to node 'node-1'"):
            await _bind(cluster, "web", "node-2")


async def test_the_system_namespaces_cannot_be_deleted() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        with pytest.raises(Forbidden, match="this namespace may not be deleted"):
            await cluster.client.delete(Namespace, "kube-system")
