"""Server-side apply through the apiserver: ownership, conflicts, force, removal, create."""

from __future__ import annotations

from typing import Any

import pytest

from kube_actors import Cluster
from kube_actors.api import Deployment, Patch, Service
from kube_actors.errors import BadRequest, Conflict, Invalid, NotFound

from ._objects import deployment


def _config(replicas: int | None = 2, image: str = "nginx:1.27", **labels: str) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "app", "image": image}]},
        },
    }
    if replicas is not None:
        spec["replicas"] = replicas
    metadata: dict[str, Any] = {"name": "web"}
    if labels:
        metadata["labels"] = labels
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": metadata, "spec": spec}


async def _apply(
    cluster: Cluster, config: dict[str, Any], manager: str, *, force: bool = False
) -> Deployment:
    return await cluster.client.patch(
        Deployment,
        "web",
        config,
        namespace="default",
        patch_type="apply",
        field_manager=manager,
        force=force,
    )


def _applied(obj: Any, manager: str) -> dict[str, Any]:
    (entry,) = [
        e for e in obj.metadata.managed_fields if e.manager == manager and e.operation == "Apply"
    ]
    fields: dict[str, Any] = entry.fields_v1
    return fields


async def test_apply_creates_an_absent_object_and_owns_only_what_it_applied() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        created = await _apply(cluster, _config(), "kubectl")
        assert created.spec.replicas == 2
        assert created.spec.progress_deadline_seconds == 600  # defaulted, owned by nobody
        fields = _applied(created, "kubectl")
        assert fields["f:spec"]["f:replicas"] == {}
        assert fields["f:spec"]["f:selector"] == {}  # an atomic struct is one field
        assert "f:progressDeadlineSeconds" not in fields["f:spec"]
        container = fields["f:spec"]["f:template"]["f:spec"]["f:containers"]
        assert container == {'k:{"name":"app"}': {".": {}, "f:image": {}, "f:name": {}}}
        assert [e.manager for e in created.metadata.managed_fields] == ["kubectl"]


async def test_applying_the_same_configuration_again_changes_nothing() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        first = await _apply(cluster, _config(), "kubectl")
        second = await _apply(cluster, _config(), "kubectl")
        assert second.metadata.resource_version == first.metadata.resource_version
        assert second == first


async def test_changing_a_field_another_manager_owns_is_a_conflict() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        await _apply(cluster, _config(replicas=2), "kubectl")
        with pytest.raises(Conflict) as caught:
            await _apply(cluster, _config(replicas=5), "hpa")
        assert str(caught.value) == (
            'Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas'
        )
        (cause,) = caught.value.causes
        assert (cause.field, cause.type) == (".spec.replicas", "FieldManagerConflict")
        assert cause.message == 'conflict with "kubectl"'
        stored = await cluster.client.get(Deployment, "web", namespace="default")
        assert stored.spec.replicas == 2


async def test_several_conflicts_are_listed_per_manager() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        await cluster.client.create(deployment(replicas=2), field_manager="kubectl-create")
        with pytest.raises(Conflict) as caught:
            await _apply(cluster, _config(replicas=3, image="nginx:1.28"), "other")
        assert str(caught.value) == (
            'Apply failed with 2 conflicts: conflicts with "kubectl-create" using apps/v1:\n'
            "- .spec.replicas\n"
            '- .spec.template.spec.containers[name="app"].image'
        )


async def test_the_same_value_is_shared_not_a_conflict() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        await _apply(cluster, _config(replicas=2), "kubectl")
        shared = await _apply(cluster, _config(replicas=2), "other")
        assert _applied(shared, "kubectl")["f:spec"]["f:replicas"] == {}
        assert _applied(shared, "other")["f:spec"]["f:replicas"] == {}


async def test_force_takes_the_field_over() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        await _apply(cluster, _config(replicas=2), "kubectl")
        forced = await _apply(cluster, _config(replicas=5), "hpa", force=True)
        assert forced.spec.replicas == 5
        assert "f:replicas" not in _applied(forced, "kubectl")["f:spec"]
        assert _applied(forced, "hpa")["f:spec"]["f:replicas"] == {}


async def test_a_field_no_longer_applied_is_removed_unless_someone_else_owns_it() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        await _apply(cluster, _config(tier="web", team="a"), "kubectl")
        await cluster.client.patch(
            Deployment,
            "web",
            {"metadata": {"labels": {"team": "a"}}},
            namespace="default",
            field_manager="labeler",
        )
        # "team" was set to the value it had: the labeler did not take it. Apply it too.
        await _apply(cluster, _config(team="a"), "other")
        dropped = await _apply(cluster, _config(), "kubectl")
        assert dict(dropped.metadata.labels) == {"team": "a"}  # "tier" went, "team" stayed
        assert "f:metadata" not in _applied(dropped, "kubectl")


async def test_an_update_after_apply_takes_ownership_from_the_applier() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        await _apply(cluster, _config(replicas=2), "kubectl")
        await cluster.client.patch(
            Deployment,
            "web",
            {"spec": {"replicas": 4}},
            namespace="default",
            field_manager="scaler",
        )
        with pytest.raises(
            Conflict, match=r'conflict with "scaler" using apps/v1: \.spec\.replicas'
        ):
            await _apply(cluster, _config(replicas=2), "kubectl")


async def test_the_first_apply_to_an_unmanaged_object_meets_before_first_apply() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        created = await cluster.client.create(deployment(replicas=2), field_manager="x")
        # Forget every manager, as for an object written before managedFields existed.
        unmanaged: dict[str, Any] = {"metadata": {"managedFields": [{}]}}
        await cluster.client.patch(Deployment, "web", unmanaged, namespace="default")
        with pytest.raises(Conflict, match='"before-first-apply" using apps/v1'):
            await _apply(cluster, _config(replicas=3), "kubectl")
        stored = await cluster.client.get(Deployment, "web", namespace="default")
        assert stored.spec.replicas == created.spec.replicas == 2


async def test_apply_needs_a_field_manager_and_only_apply_takes_force() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        apiserver = cluster.client.apiserver
        with pytest.raises(Invalid) as caught:
            await apiserver.ask(
                Patch(
                    kind=Deployment,
                    name="web",
                    namespace="default",
                    patch=_config(),
                    patch_type="apply",
                )
            )
        assert str(caught.value) == (
            'PatchOptions.meta.k8s.io "" is invalid: '
            "fieldManager: Required value: is required for apply patch"
        )
        with pytest.raises(Invalid, match="force: Forbidden: may not be specified for non-apply"):
            await cluster.client.patch(
                Deployment, "web", {"spec": {}}, namespace="default", force=True
            )


async def test_the_configuration_must_name_this_kind_and_object() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        wrong_kind = {**_config(), "kind": "Service", "apiVersion": "v1"}
        with pytest.raises(BadRequest, match="Kind=Service"):
            await _apply(cluster, wrong_kind, "kubectl")
        wrong_name = {**_config(), "metadata": {"name": "other"}}
        with pytest.raises(BadRequest, match=r"does not match the name on the URL \(web\)"):
            await _apply(cluster, wrong_name, "kubectl")
        with pytest.raises(NotFound):
            await cluster.client.get(Service, "web", namespace="default")


async def test_status_is_applied_through_its_subresource_only() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        await _apply(cluster, _config(), "kubectl")
        status = {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web"},
            "status": {"replicas": 2, "readyReplicas": 1},
        }
        ignored = await _apply(cluster, status, "ctrl")
        assert ignored.status.replicas == 0  # the main resource does not take the status
        stored = await cluster.client.patch_status(
            Deployment,
            "web",
            status,
            namespace="default",
            patch_type="apply",
            field_manager="ctrl",
        )
        assert (stored.status.replicas, stored.status.ready_replicas) == (2, 1)
        (entry,) = [e for e in stored.metadata.managed_fields if e.subresource == "status"]
        assert (entry.manager, entry.operation) == ("ctrl", "Apply")
        assert entry.fields_v1 == {"f:status": {"f:readyReplicas": {}, "f:replicas": {}}}


async def test_a_dry_run_apply_stores_nothing() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        would_be = await cluster.client.patch(
            Deployment,
            "web",
            _config(),
            namespace="default",
            patch_type="apply",
            field_manager="kubectl",
            dry_run=True,
        )
        assert would_be.spec.replicas == 2
        with pytest.raises(NotFound):
            await cluster.client.get(Deployment, "web", namespace="default")
