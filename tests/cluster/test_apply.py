"""``Cluster.apply``: kubectl apply's create-or-update, reporting what changed."""

from __future__ import annotations

import attrs
import pytest

from kube_actors import ApplyResult, Cluster
from kube_actors.api import Deployment, Service
from kube_actors.errors import BadRequest, Conflict, Invalid

from .test_verbs import hello_nginx

MANIFEST = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1.27"}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
"""


async def test_apply_reports_created_then_unchanged_then_configured_as_kubectl_prints() -> None:
    async with Cluster(seed=1) as cluster:
        first = await cluster.apply(MANIFEST)
        assert [str(r) for r in first] == ["deployment.apps/web created", "service/web created"]
        assert all(isinstance(r, ApplyResult) and r.changed for r in first)
        await cluster.settle()
        before = await cluster.client.get(Deployment, "web", namespace="default")
        again = await cluster.apply(MANIFEST)
        assert [str(r) for r in again] == [
            "deployment.apps/web unchanged",
            "service/web unchanged",
        ]
        after = await cluster.client.get(Deployment, "web", namespace="default")
        assert after.metadata.resource_version == before.metadata.resource_version
        changed = await cluster.apply(MANIFEST.replace("replicas: 2", "replicas: 4"))
        assert [r.action for r in changed] == ["configured", "unchanged"]
        stored = await cluster.client.get(Deployment, "web", namespace="default")
        assert stored.spec.replicas == 4
        assert stored.metadata.generation == 2


async def test_apply_keeps_what_others_set_and_removes_what_the_configuration_dropped() -> None:
    async with Cluster(seed=1) as cluster:
        declared = MANIFEST.replace(
            "labels: {app: web}\nspec:", "labels: {app: web, team: a}\nspec:"
        )
        declared = declared.replace("replicas: 2", "replicas: 2\n  minReadySeconds: 5")
        await cluster.apply(declared)
        await cluster.client.patch(
            Deployment, "web", {"metadata": {"labels": {"owner": "ops"}}}, namespace="default"
        )
        [result, _] = await cluster.apply(MANIFEST)
        assert result.action == "configured"
        assert dict(result.object.metadata.labels) == {"app": "web", "owner": "ops"}
        assert not result.object.spec.min_ready_seconds


async def test_apply_takes_objects_dicts_paths_and_lists_of_them(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    path = tmp_path / "web.yaml"
    path.write_text(MANIFEST, encoding="utf-8")
    async with Cluster(seed=1) as cluster:
        results = await cluster.apply([path, hello_nginx()])
        assert [str(r) for r in results] == [
            "deployment.apps/web created",
            "service/web created",
            "deployment.apps/hello-nginx created",
        ]
        # An object read back applies cleanly (its resourceVersion and uid are not part of
        # the configuration); as with kubectl, the new last-applied configuration is a change.
        stored = await cluster.client.get(Service, "web", namespace="default")
        [result] = await cluster.apply(stored)
        assert result.action == "configured"
        assert result.object.spec == stored.spec


async def test_bad_input_changes_nothing_and_names_the_field() -> None:
    async with Cluster(seed=1) as cluster:
        broken = MANIFEST.replace("replicas: 2", "replicas: -1")
        with pytest.raises(Invalid) as raised:
            await cluster.apply(broken)
        assert "spec.replicas" in {c.field for c in raised.value.causes}
        assert await cluster.client.list(Service) == []
        with pytest.raises(BadRequest, match='no matches for kind "Widget"'):
            await cluster.apply(MANIFEST + "---\napiVersion: v1\nkind: Widget\n")
        assert await cluster.client.list(Deployment) == []
        unnamed = attrs.evolve(
            hello_nginx(), metadata=attrs.evolve(hello_nginx().metadata, name="")
        )
        with pytest.raises(BadRequest, match=r"metadata\.name is required"):
            await cluster.apply([hello_nginx(), unnamed])
        assert await cluster.client.list(Deployment) == []
        with pytest.raises(TypeError, match="cannot apply a int"):
            await cluster.apply(3)


async def test_server_side_apply_records_kubectl_and_conflicts_unless_forced() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        results = await cluster.apply(MANIFEST, server_side=True)
        assert [str(r) for r in results] == [
            "deployment.apps/web serverside-applied",
            "service/web serverside-applied",
        ]
        stored = results[0].object
        assert [(e.manager, e.operation) for e in stored.metadata.managed_fields] == [
            ("kubectl", "Apply")
        ]
        await cluster.client.patch(
            Deployment,
            "web",
            {"spec": {"replicas": 3}},
            namespace="default",
            field_manager="scaler",
        )
        with pytest.raises(
            Conflict, match=r'conflict with "scaler" using apps/v1: \.spec\.replicas'
        ):
            await cluster.apply(MANIFEST, server_side=True)
        (forced, _) = await cluster.apply(MANIFEST, server_side=True, force_conflicts=True)
        assert forced.object.spec.replicas == 2


async def test_client_side_apply_writes_as_kubectl_client_side_apply() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        (created, _) = await cluster.apply(MANIFEST)
        managers = {e.manager for e in created.object.metadata.managed_fields}
        assert managers == {"kubectl-client-side-apply"}
        with pytest.raises(BadRequest, match="--force-conflicts only works with --server-side"):
            await cluster.apply(MANIFEST, force_conflicts=True)
