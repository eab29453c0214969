"""metadata.managedFields as the apiserver keeps them on create, update, patch and status."""

from __future__ import annotations

from typing import Any

import anyio
import attrs
import pytest

from kube_actors import Cluster
from kube_actors.api import Deployment, DeploymentStatus, ManagedFieldsEntry, evolve
from kube_actors.errors import Invalid, NotFound

from ._objects import deployment


def _entry(obj: Any, manager: str, operation: str = "Update") -> ManagedFieldsEntry:
    found: list[ManagedFieldsEntry] = [
        e for e in obj.metadata.managed_fields if (e.manager, e.operation) == (manager, operation)
    ]
    assert len(found) == 1, obj.metadata.managed_fields
    entry: ManagedFieldsEntry = found[0]
    return entry


async def test_create_records_every_field_it_set_for_its_manager() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        created = await cluster.client.create(deployment(), field_manager="kubectl-create")
        entry = _entry(created, "kubectl-create")
        assert entry.api_version == "apps/v1"
        assert entry.fields_type == "FieldsV1"
        assert entry.time == created.metadata.creation_timestamp
        spec = entry.fields_v1["f:spec"]
        assert spec["f:replicas"] == {}
        assert "f:progressDeadlineSeconds" in spec  # a default the create made
        container = spec["f:template"]["f:spec"]["f:containers"]['k:{"name":"app"}']
        assert container["."] == {}
        assert container["f:image"] == {}
        assert spec["f:template"]["f:metadata"]["f:labels"] == {".": {}, "f:app": {}}
        # Identity and server-set fields belong to nobody; neither does the status.
        assert "f:metadata" not in entry.fields_v1
        assert "f:status" not in entry.fields_v1


async def test_an_update_takes_the_fields_it_changed_from_their_manager() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        client = cluster.client
        created = await client.create(deployment(), field_manager="creator")
        scaled = evolve(created, spec=evolve(created.spec, replicas=5))
        updated = await client.update(scaled, field_manager="scaler")
        assert _entry(updated, "scaler").fields_v1 == {"f:spec": {"f:replicas": {}}}
        assert "f:replicas" not in _entry(updated, "creator").fields_v1["f:spec"]
        # Entries sort by operation, then time, then manager.
        assert [e.manager for e in updated.metadata.managed_fields] == ["creator", "scaler"]


async def test_a_write_that_changes_nothing_leaves_managed_fields_alone() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        created = await cluster.client.create(deployment(), field_manager="creator")
        again = await cluster.client.update(created, field_manager="someone-else")
        assert again.metadata.managed_fields == created.metadata.managed_fields
        assert again.metadata.resource_version == created.metadata.resource_version


async def test_a_status_write_is_recorded_with_the_status_subresource() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        created = await cluster.client.create(deployment(), field_manager="creator")
        status = evolve(created, status=DeploymentStatus(replicas=2, observed_generation=1))
        stored = await cluster.client.update_status(status, field_manager="ctrl")
        entry = _entry(stored, "ctrl")
        assert entry.subresource == "status"
        assert entry.fields_v1 == {"f:status": {"f:observedGeneration": {}, "f:replicas": {}}}


async def test_a_merge_patch_is_an_update_by_its_manager() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        await cluster.client.create(deployment(), field_manager="creator")
        patched = await cluster.client.patch(
            Deployment,
            "web",
            {"metadata": {"labels": {"tier": "web"}}},
            namespace="default",
            field_manager="kubectl-label",
        )
        assert _entry(patched, "kubectl-label").fields_v1 == {
            "f:metadata": {"f:labels": {".": {}, "f:tier": {}}}
        }


async def test_components_write_under_their_kubernetes_names() -> None:
    async with Cluster(nodes=1) as cluster:
        await cluster.client.create(deployment(replicas=1))
        await cluster.settle()
        stored = await cluster.client.get(Deployment, "web", namespace="default")
        managers = {(e.manager, e.subresource) for e in stored.metadata.managed_fields}
        assert ("kube-actors", "") in managers
        assert ("kube-controller-manager", "status") in managers


async def test_a_client_may_rewrite_managed_fields() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        created = await cluster.client.create(deployment(), field_manager="creator")
        mine = ManagedFieldsEntry(
            manager="adopter",
            operation="Update",
            api_version="apps/v1",
            fields_type="FieldsV1",
            fields_v1={"f:spec": {"f:replicas": {}}},
        )
        meta = attrs.evolve(created.metadata, managed_fields=(mine,))
        stored = await cluster.client.update(evolve(created, metadata=meta))
        assert [e.manager for e in stored.metadata.managed_fields] == ["adopter"]


async def test_a_field_manager_name_is_checked_as_kubernetes_checks_it() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        with pytest.raises(Invalid) as caught:
            await cluster.client.create(deployment(), field_manager="x" * 129)
        assert str(caught.value) == (
            'CreateOptions.meta.k8s.io "" is invalid: '
            "fieldManager: Too long: may not be more than 128 bytes"
        )
        with pytest.raises(Invalid, match=r"invalid character U\+000A \(at position 1\)"):
            await cluster.client.create(deployment(), field_manager="a\nb")
        with pytest.raises(NotFound):
            await cluster.client.get(Deployment, "web", namespace="default")


async def _label_by(cluster: Cluster, manager: str) -> Deployment:
    await anyio.sleep(1)  # virtual time: each manager's entry a second newer than the last
    patched: Deployment = await cluster.client.patch(
        Deployment,
        "web",
        {"metadata": {"labels": {manager: "x"}}},
        namespace="default",
        field_manager=manager,
    )
    return patched


async def test_the_oldest_update_managers_past_ten_merge_into_ancient_changes() -> None:
    async with Cluster(controllers=(), scheduler=False, clock="virtual") as cluster:
        await cluster.client.create(deployment(), field_manager="m00")
        for n in range(1, 10):
            stored = await _label_by(cluster, f"m{n:02}")
        assert len(stored.metadata.managed_fields) == 10
        stored = await _label_by(cluster, "m10")
        managers = [e.manager for e in stored.metadata.managed_fields]
        # The two oldest (the creator and m01) became one bucket, stamped with m01's time.
        assert sorted(managers) == sorted(["ancient-changes", *(f"m{n:02}" for n in range(2, 11))])
        bucket = _entry(stored, "ancient-changes")
        assert bucket.api_version == "apps/v1"
        assert bucket.fields_v1["f:metadata"]["f:labels"]["f:m01"] == {}
        assert bucket.fields_v1["f:spec"]["f:replicas"] == {}  # the creator's
        assert bucket.time is not None
        created_at = stored.metadata.creation_timestamp
        assert created_at is not None
        assert bucket.time > created_at
        # The next new manager merges the oldest left into the bucket: still ten.
        stored = await _label_by(cluster, "m11")
        managers = [e.manager for e in stored.metadata.managed_fields]
        assert len(managers) == 10
        assert "m02" not in managers
        assert "f:m02" in _entry(stored, "ancient-changes").fields_v1["f:metadata"]["f:labels"]


async def test_apply_managers_are_not_capped() -> None:
    async with Cluster(controllers=(), scheduler=False, clock="virtual") as cluster:
        await cluster.client.create(deployment(), field_manager="creator")
        for n in (f"a{i}" for i in range(11)):
            stored = await cluster.client.patch(
                Deployment,
                "web",
                {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"labels": {n: "x"}}},
                namespace="default",
                patch_type="apply",
                field_manager=f"applier-{n}",
            )
        operations = [e.operation for e in stored.metadata.managed_fields]
        assert operations.count("Apply") == 11
        assert "ancient-changes" not in {e.manager for e in stored.metadata.managed_fields}
