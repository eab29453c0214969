"""When nothing of lower priority runs where the pod would fit, preemption says so."""

from __future__ import annotations

from kube_actors import Cluster
from kube_actors.api import Container, ObjectMeta, Pod, PodSpec, ResourceRequirements, get_condition


def _pod(name: str, cpu: str) -> Pod:
    return Pod(
        metadata=ObjectMeta(name=name, namespace="default"),
        spec=PodSpec(
            containers=[
                Container(
                    name="app", image="nginx", resources=ResourceRequirements(requests={"cpu": cpu})
                )
            ]
        ),
    )


async def test_no_lower_priority_pods_means_no_preemption_victims() -> None:
    async with Cluster(nodes=1, controllers=()) as cluster:
        await cluster.client.create(_pod("first", "3"))
        await cluster.settle()
        await cluster.client.create(_pod("second", "3"))
        await cluster.settle()
        stored = await cluster.client.get(Pod, "second", namespace="default")
    condition = get_condition(stored.status.conditions, "PodScheduled")
    assert condition is not None
    assert condition.message == (
        "0/1 nodes are available: 1 Insufficient cpu. "
        "preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."
    )
