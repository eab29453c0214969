from __future__ import annotations

import anyio
import anyio.lowlevel
import attrs
import pytest

from kube_actors import Cluster
from kube_actors.api import Deployment, DeploymentStatus, Lease, Pod, from_dict
from kube_actors.errors import Conflict, Invalid, NotFound
from kube_actors.testing import deployment, pod

from ._objects import relabel


async def test_an_update_based_on_a_stale_resource_version_is_a_conflict() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        first = await cluster.client.create(pod("web"))
        second = await cluster.client.update(relabel(first, v="2"))
        assert int(second.metadata.resource_version) > int(first.metadata.resource_version)
        with pytest.raises(Conflict, match="the object has been modified"):
            await cluster.client.update(relabel(first, v="stale"))
        assert (await cluster.client.get(Pod, "web", namespace="default")).metadata.labels == {
            "v": "2"
        }


async def test_an_update_without_a_resource_version_is_unconditional() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        created = await cluster.client.create(pod("web"))
        blind = attrs.evolve(
            created, metadata=attrs.evolve(created.metadata, resource_version="", labels={"x": "1"})
        )
        updated = await cluster.client.update(blind)
        assert updated.metadata.labels == {"x": "1"}


async def test_generation_moves_only_when_the_spec_changes() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        created = await cluster.client.create(deployment("web", 2))
        relabelled = await cluster.client.update(relabel(created, team="a"))
        assert relabelled.metadata.generation == 1
        scaled = await cluster.client.update(
            attrs.evolve(relabelled, spec=attrs.evolve(relabelled.spec, replicas=5))
        )
        assert scaled.metadata.generation == 2


async def test_kinds_whose_strategy_keeps_no_generation_stay_at_zero() -> None:
    # Kubernetes 1.32 counts generations only where a controller reports observedGeneration:
    # a Lease renewed, a Pod or a Service whose spec changes keep none (shown as absent).
    async with Cluster(controllers=(), scheduler=False) as cluster:
        lease = await cluster.client.create(
            from_dict(
                {
                    "apiVersion": "coordination.k8s.io/v1",
                    "kind": "Lease",
                    "metadata": {"name": "n1", "namespace": "default"},
                    "spec": {"holderIdentity": "n1", "leaseDurationSeconds": 40},
                }
            )
        )
        renewed = await cluster.client.update(
            attrs.evolve(lease, spec=attrs.evolve(lease.spec, lease_duration_seconds=41))
        )
        created = await cluster.client.create(pod("web"))
        changed = await cluster.client.update(
            attrs.evolve(created, spec=attrs.evolve(created.spec, active_deadline_seconds=30))
        )
        assert isinstance(renewed, Lease)
        assert (lease.metadata.generation, renewed.metadata.generation) == (0, 0)
        assert (created.metadata.generation, changed.metadata.generation) == (0, 0)
        assert changed.spec.active_deadline_seconds == 30


async def test_update_ignores_status_and_update_status_ignores_everything_else() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        created = await cluster.client.create(deployment("web", 2))
        sneaky = attrs.evolve(created, status=DeploymentStatus(replicas=9))
        updated = await cluster.client.update(sneaky)
        assert updated.status == created.status
        reported = attrs.evolve(
            updated,
            spec=attrs.evolve(updated.spec, replicas=40),
            status=DeploymentStatus(replicas=2, observed_generation=1),
        )
        status_written = await cluster.client.update_status(reported)
        assert status_written.status.replicas == 2
        assert status_written.spec.replicas == 2
        assert status_written.metadata.generation == 1


async def test_a_no_op_update_writes_nothing() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        created = await cluster.client.create(pod("web"))
        again = await cluster.client.update(created)
        assert again.metadata.resource_version == created.metadata.resource_version


async def test_an_immutable_field_cannot_change() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        created = await cluster.client.create(deployment("web", 2))
        assert created.spec.selector is not None
        selector = attrs.evolve(created.spec.selector, match_labels={"app": "other"})
        with pytest.raises(Invalid) as raised:
            await cluster.client.update(
                attrs.evolve(created, spec=attrs.evolve(created.spec, selector=selector))
            )
        assert any(c.field == "spec.selector" for c in raised.value.causes)
        assert await cluster.client.get(Deployment, "web", namespace="default") == created


async def test_updating_a_missing_object_is_not_found() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        with pytest.raises(NotFound, match='pods "web" not found'):
            await cluster.client.update(pod("web"))


async def test_concurrent_updaters_using_resource_versions_never_lose_an_update() -> None:
    writers, increments = 5, 20
    async with Cluster(controllers=(), scheduler=False) as cluster:
        await cluster.client.create(relabel(pod("web"), count="0"))
        conflicts = 0

        async def increment() -> None:
            nonlocal conflicts
            for _ in range(increments):
                while True:
                    current = await cluster.client.get(Pod, "web", namespace="default")
                    count = int(current.metadata.labels["count"])
                    await anyio.lowlevel.checkpoint()  # let the others read the same version
                    try:
                        await cluster.client.update(relabel(current, count=str(count + 1)))
                        break
                    except Conflict:
                        conflicts += 1

        async with anyio.create_task_group() as tg:
            for _ in range(writers):
                tg.start_soon(increment)
        final = await cluster.client.get(Pod, "web", namespace="default")
        assert final.metadata.labels["count"] == str(writers * increments)
        assert conflicts > 0  # the writers really did race


async def test_patches_merge_json_and_strategic() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        await cluster.client.create(deployment("web", 2))
        merged = await cluster.client.patch(
            Deployment,
            "web",
            {"metadata": {"labels": {"tier": "front"}}, "spec": {"replicas": 3}},
            namespace="default",
        )
        assert merged.spec.replicas == 3
        assert merged.metadata.labels == {"tier": "front"}
        jsoned = await cluster.client.patch(
            Deployment,
            "web",
            [
                {"op": "test", "path": "/spec/replicas", "value": 3},
                {"op": "replace", "path": "/spec/replicas", "value": 4},
                {"op": "remove", "path": "/metadata/labels/tier"},
            ],
            namespace="default",
            patch_type="json",
        )
        assert jsoned.spec.replicas == 4
        assert jsoned.metadata.labels == {}
        strategic = await cluster.client.patch(
            Deployment,
            "web",
            {
                "spec": {
                    "template": {"spec": {"containers": [{"name": "sidecar", "image": "busybox"}]}}
                }
            },
            namespace="default",
            patch_type="strategic",
        )
        names = [c.name for c in strategic.spec.template.spec.containers]
        assert names == ["app", "sidecar"]


async def test_a_patch_that_makes_the_object_invalid_is_refused() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        created = await cluster.client.create(deployment("web", 2))
        with pytest.raises(Invalid) as raised:
            await cluster.client.patch(
                Deployment, "web", {"spec": {"replicas": "many"}}, namespace="default"
            )
        assert "spec.replicas" in str(raised.value)
        assert await cluster.client.get(Deployment, "web", namespace="default") == created
