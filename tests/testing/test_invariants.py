"""The invariant helpers pass on a converged cluster and name the objects at fault."""

from __future__ import annotations

import pytest

from kube_actors import Cluster
from kube_actors.api import (
    Container,
    Node,
    ObjectMeta,
    OwnerReference,
    Pod,
    PodSpec,
    ResourceRequirements,
)
from kube_actors.testing import (
    RolloutBounds,
    assert_converged,
    assert_no_overcommit,
    assert_rollout_bounds,
    assert_single_controller_owner,
    deployment,
    rollout_bounds,
)


async def test_a_settled_deployment_has_converged() -> None:
    async with Cluster(nodes=2) as cluster:
        await cluster.client.create(deployment("web", 3))
        await cluster.settle(horizon=30)
        await assert_converged(cluster)
        await assert_single_controller_owner(cluster)
        await assert_no_overcommit(cluster)


async def test_a_deployment_nobody_reconciles_has_not_converged() -> None:
    async with Cluster(nodes=1, controllers=[]) as cluster:
        await cluster.client.create(deployment("web", 2))
        await cluster.settle(horizon=30)
        with pytest.raises(AssertionError, match=r"Deployment default/web: 0 live Pods"):
            await assert_converged(cluster)


def _pod(name: str, *, node: str = "", cpu: str = "", owner: OwnerReference | None = None) -> Pod:
    requests = {"cpu": cpu} if cpu else {}
    return Pod(
        metadata=ObjectMeta(
            name=name, namespace="default", owner_references=[owner] if owner else []
        ),
        spec=PodSpec(
            node_name=node,
            containers=[
                Container(
                    name="app", image="nginx", resources=ResourceRequirements(requests=requests)
                )
            ],
        ),
    )


async def test_a_pod_whose_controller_is_gone_is_named() -> None:
    async with Cluster(controllers=[], scheduler=False) as cluster:
        ghost = OwnerReference(
            api_version="apps/v1", kind="ReplicaSet", name="web-1", uid="gone", controller=True
        )
        await cluster.client.create(_pod("orphan", owner=ghost))
        with pytest.raises(AssertionError, match=r"Pod default/orphan is controlled by ReplicaSet"):
            await assert_single_controller_owner(cluster)


async def test_pods_beyond_a_nodes_allocatable_cpu_are_named() -> None:
    async with Cluster(controllers=[], scheduler=False) as cluster:
        await cluster.client.create(Node(metadata=ObjectMeta(name="small")))
        status = {"status": {"allocatable": {"cpu": "1", "memory": "1Gi", "pods": "10"}}}
        await cluster.client.patch_status(Node, "small", status)
        for name in ("a", "b"):
            await cluster.client.create(_pod(name, node="small", cpu="800m"))
        with pytest.raises(AssertionError, match=r"Node small: cpu requests 1600m > allocatable 1"):
            await assert_no_overcommit(cluster)


def test_rollout_bounds_follow_max_surge_and_max_unavailable() -> None:
    web = deployment("web", 4, max_surge=1, max_unavailable="25%")
    assert rollout_bounds(web) == RolloutBounds(most_live=5, fewest_ready=3)
    assert rollout_bounds(web, replicas_before=2) == RolloutBounds(most_live=5, fewest_ready=1)
    too_many = [
        Pod(metadata=ObjectMeta(name=f"web-{i}", namespace="default", labels={"app": "web"}))
        for i in range(6)
    ]
    with pytest.raises(AssertionError, match=r"Deployment default/web: 6 live Pods"):
        assert_rollout_bounds(web, too_many, RolloutBounds(most_live=5, fewest_ready=0))
