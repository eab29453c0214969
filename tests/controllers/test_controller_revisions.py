"""ControllerRevisions: the history of DaemonSets and StatefulSets, as Kubernetes keeps it."""

from __future__ import annotations

import attrs
import pytest

from kube_actors.api import (
    ControllerRevision,
    DaemonSet,
    ObjectMeta,
    Pod,
    RollingUpdateStatefulSetStrategy,
    StatefulSet,
    StatefulSetUpdateStrategy,
    template_hash,
)
from kube_actors.cluster import Cluster
from kube_actors.controllers._history import template_of
from kube_actors.errors import Invalid

from .test_daemonset import NS, agent
from .test_statefulset import pods, start_all, web


async def revisions(cluster: Cluster) -> list[ControllerRevision]:
    await cluster.settle()
    found = await cluster.client.list(ControllerRevision, namespace=NS)
    return sorted(found, key=lambda r: r.revision)


async def set_image(cluster: Cluster, kind: type[DaemonSet | StatefulSet], image: str) -> None:
    name = "agent" if kind is DaemonSet else "web"
    container = "agent" if kind is DaemonSet else "nginx"
    patch = {"spec": {"template": {"spec": {"containers": [{"name": container, "image": image}]}}}}
    await cluster.client.patch(kind, name, patch, namespace=NS)
    await cluster.settle()


async def test_a_daemonset_keeps_each_template_as_a_numbered_revision_owned_by_it() -> None:
    async with Cluster(scheduler=False, controllers=["daemonset"], seed=1) as cluster:
        ds = await cluster.client.create(agent())
        (first,) = await revisions(cluster)
        hashed = template_hash(ds.spec.template)
        assert first.metadata.name == f"agent-{hashed}"
        assert first.revision == 1
        assert first.metadata.labels == {
            "app": "agent",
            "controller-revision-hash": hashed,
            "controller.kubernetes.io/hash": hashed,
        }
        (owner,) = first.metadata.owner_references
        assert (owner.kind, owner.name, owner.uid, owner.controller) == (
            "DaemonSet",
            "agent",
            ds.metadata.uid,
            True,
        )
        assert template_of(first) == ds.spec.template
        assert first.data["spec"]["template"]["$patch"] == "replace"
        await set_image(cluster, DaemonSet, "agent:2")
        changed = await cluster.client.get(DaemonSet, "agent", namespace=NS)
        assert [(r.metadata.name, r.revision) for r in await revisions(cluster)] == [
            (first.metadata.name, 1),
            (f"agent-{template_hash(changed.spec.template)}", 2),
        ]
        # Back to the first template: its revision becomes the newest; nothing new is made.
        await set_image(cluster, DaemonSet, "agent:1")
        found = await revisions(cluster)
        assert [r.revision for r in found] == [2, 3]
        assert found[-1].metadata.name == first.metadata.name


async def test_history_beyond_the_limit_is_cut_oldest_first() -> None:
    async with Cluster(scheduler=False, controllers=["statefulset"], seed=2) as cluster:
        await cluster.client.create(web(0, revision_history_limit=2))
        for version in range(2, 7):
            await set_image(cluster, StatefulSet, f"nginx:{version}")
        found = await revisions(cluster)
        # No Pod runs (0 replicas): the update revision plus two spare ones remain.
        assert [r.revision for r in found] == [4, 5, 6]
        sts = await cluster.client.get(StatefulSet, "web", namespace=NS)
        assert sts.status.update_revision == found[-1].metadata.name
        assert template_of(found[-1]) == sts.spec.template


async def test_pods_below_the_partition_come_back_at_the_current_revisions_template() -> None:
    strategy = StatefulSetUpdateStrategy(
        type="RollingUpdate", rolling_update=RollingUpdateStatefulSetStrategy(partition=2)
    )
    async with Cluster(scheduler=False, controllers=["statefulset"], seed=3) as cluster:
        await cluster.client.create(web(2, update_strategy=strategy))
        (first,) = await revisions(cluster)
        for _ in range(2):
            await start_all(cluster)
        await set_image(cluster, StatefulSet, "nginx:2")
        sts = await cluster.client.get(StatefulSet, "web", namespace=NS)
        assert sts.status.current_revision == first.metadata.name
        assert sts.status.update_revision != first.metadata.name
        # Every Pod of the current revision goes: they come back from its revision's template.
        for name in ("web-0", "web-1"):
            await cluster.client.delete(Pod, name, namespace=NS, grace_period_seconds=0)
            await cluster.settle()
            await start_all(cluster)
        images = {n: p.spec.containers[0].image for n, p in (await pods(cluster)).items()}
        assert images == {"web-0": "nginx:1.25", "web-1": "nginx:1.25"}


async def test_a_revision_needs_data_and_its_data_never_changes() -> None:
    async with Cluster(scheduler=False, controllers=(), seed=4) as cluster:
        with pytest.raises(Invalid) as caught:
            await cluster.client.create(
                ControllerRevision(metadata=ObjectMeta(name="r", namespace=NS), revision=-1)
            )
        assert "data: Required value" in str(caught.value)
        assert "revision: Invalid value: -1: must be greater than or equal to 0" in str(
            caught.value
        )
        made = await cluster.client.create(
            ControllerRevision(
                metadata=ObjectMeta(name="r", namespace=NS), data={"a": 1}, revision=1
            )
        )
        with pytest.raises(Invalid) as caught:
            await cluster.client.update(attrs.evolve(made, data={"a": 2}))
        assert "data: Invalid value" in str(caught.value)
        assert "field is immutable" in str(caught.value)
