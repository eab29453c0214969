"""The garbage collector: cascading deletion (Background, Foreground, Orphan) and dangling
dependents, on small owners and dependents the tests create themselves."""

from __future__ import annotations

from typing import Any

import pytest

from kube_actors.api import Event, ObjectMeta, OwnerReference, Pod, PriorityClass, ReplicaSet
from kube_actors.cluster import Cluster
from kube_actors.errors import NotFound
from kube_actors.reconcile import ControllerStatistics, GetControllerStatistics
from kube_actors.testing import deployment, pod

from ._gc_objects import gone, ref, replica_set

HOLD = "example.com/hold"


def _gc() -> Cluster:
    return Cluster(scheduler=False, controllers=["garbagecollector"], seed=7)


async def _pods(cluster: Cluster) -> dict[str, tuple[str, ...]]:
    """Each pod left in ``default``, with the names of its owners."""
    pods = await cluster.client.list(Pod, namespace="default")
    return {p.metadata.name: tuple(r.name for r in p.metadata.owner_references) for p in pods}


async def _owner_with_pods(cluster: Cluster, **blocks: bool) -> ReplicaSet:
    """ReplicaSet ``web`` owning one pod per keyword, blockOwnerDeletion as given."""
    owner = await cluster.client.create(replica_set("web"))
    for key, block in blocks.items():
        name = key.replace("_", "-")
        finalizers = (HOLD,) if name.startswith("held") else ()
        await cluster.client.create(
            pod(
                name,
                owner_references=(ref(owner, block=block),),
                finalizers=finalizers,
                labels={"app": "web"},
            )
        )
    return owner


async def test_background_deletion_of_an_owner_takes_its_dependents() -> None:
    async with _gc() as cluster:
        await _owner_with_pods(cluster, a=True, b=False)
        await cluster.client.create(pod("bystander", labels={"app": "web"}))
        await cluster.settle()
        await cluster.client.delete(ReplicaSet, "web", namespace="default")
        await cluster.settle()
        assert await _pods(cluster) == {"bystander": ()}


async def test_background_deletion_cascades_through_every_level() -> None:
    async with _gc() as cluster:
        top = await cluster.client.create(deployment("web", 0))
        middle = await cluster.client.create(replica_set("web-1", owners=(ref(top),)))
        for name in ("web-1-a", "web-1-b"):
            await cluster.client.create(
                pod(name, owner_references=(ref(middle),), labels={"app": "web"})
            )
        await cluster.settle()
        assert len(await _pods(cluster)) == 2
        await cluster.client.delete(type(top), "web", namespace="default")
        await cluster.settle()
        assert await gone(cluster, ReplicaSet, "web-1")
        assert await _pods(cluster) == {}


async def test_foreground_deletion_keeps_the_owner_until_blocking_dependents_aregone() -> None:
    async with _gc() as cluster:
        await _owner_with_pods(cluster, held=True, loose=False, quick=True)
        await cluster.settle()
        await cluster.client.delete(
            ReplicaSet, "web", namespace="default", propagation_policy="Foreground"
        )
        await cluster.settle()
        # Every dependent is deleted; the held one waits for its own finalizer.
        assert await _pods(cluster) == {"held": ("web",)}
        held = await cluster.client.get(Pod, "held", namespace="default")
        assert held.metadata.deletion_timestamp is not None
        owner = await cluster.client.get(ReplicaSet, "web", namespace="default")
        assert owner.metadata.deletion_timestamp is not None
        assert owner.metadata.finalizers == ("foregroundDeletion",)

        await cluster.client.patch(Pod, "held", {"metadata": {"finalizers": None}})
        await cluster.settle()
        assert await _pods(cluster) == {}
        assert await gone(cluster, ReplicaSet, "web")


async def test_foreground_deletion_does_not_wait_for_dependents_that_do_not_block() -> None:
    async with _gc() as cluster:
        await _owner_with_pods(cluster, held_loosely=False)
        await cluster.settle()
        await cluster.client.delete(
            ReplicaSet, "web", namespace="default", propagation_policy="Foreground"
        )
        await cluster.settle()
        assert await gone(cluster, ReplicaSet, "web")
        held = await cluster.client.get(Pod, "held-loosely", namespace="default")
        assert held.metadata.deletion_timestamp is not None  # deleted, kept by its finalizer


async def test_foreground_deletion_cascades_and_waits_at_every_level() -> None:
    async with _gc() as cluster:
        top = await cluster.client.create(deployment("web", 0))
        middle = await cluster.client.create(replica_set("web-1", owners=(ref(top),)))
        await cluster.client.create(
            pod("held", owner_references=(ref(middle),), finalizers=(HOLD,), labels={"app": "web"})
        )
        await cluster.settle()
        await cluster.client.delete(
            type(top), "web", namespace="default", propagation_policy="Foreground"
        )
        await cluster.settle()
        stuck = await cluster.client.get(type(top), "web", namespace="default")
        rs = await cluster.client.get(ReplicaSet, "web-1", namespace="default")
        assert stuck.metadata.finalizers == rs.metadata.finalizers == ("foregroundDeletion",)
        await cluster.client.patch(Pod, "held", {"metadata": {"finalizers": None}})
        await cluster.settle()
        assert await gone(cluster, type(top), "web")
        assert await gone(cluster, ReplicaSet, "web-1")
        assert await _pods(cluster) == {}


async def test_orphan_deletion_leaves_dependents_without_the_owner_reference() -> None:
    async with _gc() as cluster:
        await _owner_with_pods(cluster, a=True, b=False)
        other = await cluster.client.create(replica_set("other"))
        await cluster.client.patch(
            Pod,
            "a",
            {
                "metadata": {
                    "ownerReferences": [_wire(ref(o)) for o in (await _rs(cluster, "web"), other)]
                }
            },
        )
        await cluster.settle()
        await cluster.client.delete(
            ReplicaSet, "web", namespace="default", propagation_policy="Orphan"
        )
        await cluster.settle()
        assert await gone(cluster, ReplicaSet, "web")
        assert await _pods(cluster) == {"a": ("other",), "b": ()}


async def test_a_dependent_of_an_owner_that_never_existed_is_collected() -> None:
    async with _gc() as cluster:
        ghost = OwnerReference(
            api_version="apps/v1", kind="ReplicaSet", name="ghost", uid="no-such-uid"
        )
        await cluster.client.create(
            pod("orphaned", owner_references=(ghost,), labels={"app": "web"})
        )
        await cluster.settle()
        assert await _pods(cluster) == {}


async def test_an_owner_recreated_under_the_same_name_does_not_count() -> None:
    async with _gc() as cluster:
        first = await cluster.client.create(replica_set("web"))
        stale = ref(first)
        await cluster.client.delete(ReplicaSet, "web", namespace="default")
        await cluster.client.create(replica_set("web"))  # same name, another uid
        await cluster.settle()
        await cluster.client.create(pod("stale", owner_references=(stale,), labels={"app": "web"}))
        await cluster.settle()
        assert await _pods(cluster) == {}
        assert not await gone(cluster, ReplicaSet, "web")


async def test_a_dependent_with_one_owner_left_only_drops_the_dangling_reference() -> None:
    async with _gc() as cluster:
        owner = await cluster.client.create(replica_set("web"))
        ghost = OwnerReference(
            api_version="apps/v1", kind="ReplicaSet", name="ghost", uid="no-such-uid"
        )
        await cluster.client.create(
            pod(
                "shared",
                owner_references=(ghost, ref(owner, controller=False)),
                labels={"app": "web"},
            )
        )
        await cluster.settle()
        assert await _pods(cluster) == {"shared": ("web",)}


async def test_dependents_of_a_live_owner_are_left_alone() -> None:
    async with _gc() as cluster:
        await _owner_with_pods(cluster, a=True)
        await cluster.settle(horizon=60)
        assert await _pods(cluster) == {"a": ("web",)}


async def test_a_cluster_scoped_dependent_of_a_namespaced_owner_is_collected_with_a_warning() -> (
    None
):
    async with _gc() as cluster:
        owner = await cluster.client.create(replica_set("web"))
        wrong = PriorityClass(
            metadata=ObjectMeta(name="wrong", owner_references=(ref(owner),)), value=10
        )
        await cluster.client.create(wrong)
        await cluster.settle()
        with pytest.raises(NotFound):
            await cluster.client.get(PriorityClass, "wrong")
        events = await cluster.client.list(Event, namespace="default")
        assert [(e.type, e.reason, e.involved_object.name) for e in events] == [
            ("Warning", "OwnerRefInvalidNamespace", "wrong")
        ]
        source = events[0].source
        assert source is not None
        assert source.component == "garbage-collector-controller"


async def _rs(cluster: Cluster, name: str) -> ReplicaSet:
    return await cluster.client.get(ReplicaSet, name, namespace="default")


def _wire(owner_ref: OwnerReference) -> dict[str, Any]:
    return {
        "apiVersion": owner_ref.api_version,
        "kind": owner_ref.kind,
        "name": owner_ref.name,
        "uid": owner_ref.uid,
        **({"blockOwnerDeletion": True} if owner_ref.block_owner_deletion else {}),
    }


async def _reconciles(cluster: Cluster) -> int:
    controller = cluster.system.lookup("controller/garbagecollector")
    stats: ControllerStatistics = await controller.ask(GetControllerStatistics())
    return stats.reconciles


async def test_the_collector_reconciles_only_what_an_event_concerns() -> None:
    async with _gc() as cluster:
        await _owner_with_pods(cluster, **{f"p{i}": True for i in range(20)})
        await cluster.settle()
        assert await _reconciles(cluster) == 0  # dependents of a live owner need no look
        await cluster.client.delete(ReplicaSet, "web", namespace="default")
        await cluster.settle()
        assert await _pods(cluster) == {}
        assert await _reconciles(cluster) == 20  # one per dependent
