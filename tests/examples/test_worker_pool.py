"""The WorkerPool controller of examples/worker_pool.py, through the public API on virtual time."""

from __future__ import annotations

from typing import Any

import pytest

from kube_actors import Cluster
from kube_actors.api import Deployment, Pod, Service
from kube_actors.errors import Invalid

from ._load import load_example

example: Any = load_example("worker_pool")
WorkerPool = example.WorkerPool


def pool_manifest(replicas: int = 3, image: str = "python:3.12", port: int = 8000) -> str:
    manifest: str = example.POOL
    return (
        manifest.replace("replicas: 3", f"replicas: {replicas}")
        .replace("python:3.12", image)
        .replace("port: 8000", f"port: {port}")
    )


async def started(cluster: Cluster) -> None:
    await cluster.add_controller(
        example.WorkerPoolReconciler, for_=WorkerPool, owns=[Deployment, Service]
    )


async def test_a_pool_gets_an_owned_deployment_and_service_and_reports_ready_workers() -> None:
    async with Cluster(nodes=2, seed=3) as cluster:
        await started(cluster)
        await cluster.apply(pool_manifest())
        pool = await cluster.wait_for(WorkerPool, "crunchers", condition=example.ready(3))
        deployment = await cluster.client.get(Deployment, "crunchers", namespace="default")
        service = await cluster.client.get(Service, "crunchers", namespace="default")
        for owned in (deployment, service):
            [owner] = owned.metadata.owner_references
            assert (owner.kind, owner.name, owner.uid) == (
                "WorkerPool",
                "crunchers",
                pool.metadata.uid,
            )
            assert owner.controller
        worker = deployment.spec.template.spec.containers[0]
        assert (worker.image, worker.command, worker.args) == (
            "python:3.12",
            ("python", "-m", "http.server"),
            ("8000",),
        )
        assert [(p.port, p.target_port) for p in service.spec.ports] == [(8000, 8000)]
        pods = await cluster.client.list(Pod, label_selector="workerpool=crunchers")
        assert len(pods) == 3


async def test_changes_to_the_pool_reach_its_deployment_and_service() -> None:
    async with Cluster(nodes=2, seed=3) as cluster:
        await started(cluster)
        await cluster.apply(pool_manifest())
        await cluster.wait_for(WorkerPool, "crunchers", condition=example.ready(3))
        [result] = await cluster.apply(pool_manifest(replicas=5, image="python:3.13", port=9000))
        assert result.action == "configured"
        await cluster.wait_for(WorkerPool, "crunchers", condition=example.ready(5))
        await cluster.rollout_status("crunchers")
        deployment = await cluster.client.get(Deployment, "crunchers", namespace="default")
        assert deployment.spec.replicas == 5
        assert deployment.spec.template.spec.containers[0].image == "python:3.13"
        service = await cluster.client.get(Service, "crunchers", namespace="default")
        assert [(p.port, p.target_port) for p in service.spec.ports] == [(9000, 9000)]


async def test_a_hand_edited_deployment_is_put_back() -> None:
    async with Cluster(nodes=1, seed=3) as cluster:
        await started(cluster)
        await cluster.apply(pool_manifest(replicas=2))
        await cluster.wait_for(WorkerPool, "crunchers", condition=example.ready(2))
        await cluster.scale(Deployment, "crunchers", 7)
        await cluster.settle()
        deployment = await cluster.client.get(Deployment, "crunchers", namespace="default")
        assert deployment.spec.replicas == 2
        pool = await cluster.client.get(WorkerPool, "crunchers", namespace="default")
        assert pool.status.ready_replicas == 2


async def test_deleting_the_pool_deletes_what_it_owned() -> None:
    async with Cluster(nodes=1, seed=3) as cluster:
        await started(cluster)
        await cluster.apply(pool_manifest(replicas=2))
        await cluster.wait_for(WorkerPool, "crunchers", condition=example.ready(2))
        await cluster.client.delete(WorkerPool, "crunchers", namespace="default")
        await cluster.wait_for(Deployment, "crunchers", condition="delete")
        await cluster.wait_for(Service, "crunchers", condition="delete")
        await cluster.settle()
        assert await cluster.client.list(Pod) == []


async def test_an_invalid_pool_is_rejected_naming_the_field_and_nothing_is_created() -> None:
    async with Cluster(nodes=1, seed=3) as cluster:
        await started(cluster)
        with pytest.raises(Invalid) as raised:
            await cluster.apply(pool_manifest(replicas=-1, port=70000))
        assert {c.field for c in raised.value.causes} == {"spec.replicas", "spec.port"}
        await cluster.settle()
        assert await cluster.client.list(WorkerPool) == []
        assert await cluster.client.list(Deployment) == []


async def test_a_crashed_worker_pool_controller_is_restarted_and_reconciles_again() -> None:
    async with Cluster(nodes=1, seed=3) as cluster:
        await started(cluster)
        assert "controller/workerpool" in cluster.actors
        await cluster.apply(pool_manifest(replicas=1))
        await cluster.wait_for(WorkerPool, "crunchers", condition=example.ready(1))
        await cluster.crash("controller/workerpool")
        await cluster.settle()
        assert cluster.system.lookup("controller/workerpool").statistics().restarts == 1
        await cluster.apply(pool_manifest(replicas=3))
        await cluster.wait_for(WorkerPool, "crunchers", condition=example.ready(3))
