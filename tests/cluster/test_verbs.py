"""kubectl's verbs on a whole cluster: real scheduler, kubelets and controllers, virtual time."""

from __future__ import annotations

import pytest

from kube_actors import Cluster
from kube_actors.api import (
    Container,
    Deployment,
    DeploymentSpec,
    LabelSelector,
    ObjectMeta,
    Pod,
    PodSpec,
    PodTemplateSpec,
)


def hello_nginx(replicas: int = 2) -> Deployment:
    """What ``kubectl create deployment hello-nginx --image=nginx --replicas=N`` sends."""
    labels = {"app": "hello-nginx"}
    return Deployment(
        metadata=ObjectMeta(name="hello-nginx", namespace="default", labels=labels),
        spec=DeploymentSpec(
            replicas=replicas,
            selector=LabelSelector(match_labels=labels),
            template=PodTemplateSpec(
                metadata=ObjectMeta(labels=labels),
                spec=PodSpec(containers=[Container(name="nginx", image="nginx")]),
            ),
        ),
    )


async def test_a_deployment_becomes_available_scales_rolls_out_and_rolls_back() -> None:
    async with Cluster(nodes=3, seed=4) as cluster:
        await cluster.apply(hello_nginx())
        available = await cluster.wait_for(Deployment, "hello-nginx", condition="Available")
        assert available.status.available_replicas == 2
        await cluster.scale(Deployment, "hello-nginx", 5)
        await cluster.wait_for(
            Deployment, "hello-nginx", condition=lambda d: d.status.available_replicas == 5
        )
        await cluster.set_image(Deployment, "hello-nginx", nginx="nginx:1.27")
        lines: list[str] = []
        final = await cluster.rollout_status("hello-nginx", on_progress=lines.append)
        assert final == 'deployment "hello-nginx" successfully rolled out'
        assert any("new replicas have been updated" in line for line in lines)
        images = {p.spec.containers[0].image for p in await cluster.client.list(Pod)}
        assert images == {"nginx:1.27"}
        restored = await cluster.rollout_undo("hello-nginx")
        assert restored.spec.template.spec.containers[0].image == "nginx"
        await cluster.rollout_status("hello-nginx")
        pods = await cluster.client.list(Pod)
        assert {
            p.spec.containers[0].image for p in pods if p.metadata.deletion_timestamp is None
        } == {"nginx"}


async def test_describe_shows_a_pod_as_kubectl_does_with_its_events() -> None:
    async with Cluster(nodes=2, seed=4) as cluster:
        await cluster.apply(hello_nginx(1))
        await cluster.wait_for(Deployment, "hello-nginx", condition="Available")
        await cluster.settle()
        pod = (await cluster.client.list(Pod))[0]
        text = await cluster.describe(Pod, pod.metadata.name)
        assert f"Name:             {pod.metadata.name}" in text
        assert "Status:           Running" in text
        assert "Controlled By:    ReplicaSet/hello-nginx-" in text
        assert "Events:" in text
        reasons = [e.reason for e in await cluster.events(pod)]
        assert reasons[:2] == ["Scheduled", "Started"]
        assert "Successfully assigned default/" in text


async def test_waiting_too_long_says_what_was_awaited() -> None:
    async with Cluster(seed=1) as cluster:
        with pytest.raises(TimeoutError, match="condition 'Available' of Deployment default/nope"):
            await cluster.wait_for(Deployment, "nope", condition="Available", timeout=5)


async def test_waiting_for_deletion_returns_once_the_object_is_gone() -> None:
    async with Cluster(nodes=1, seed=1) as cluster:
        await cluster.apply(hello_nginx(1))
        await cluster.wait_for(Deployment, "hello-nginx", condition="Available")
        await cluster.client.delete(Deployment, "hello-nginx", namespace="default")
        assert await cluster.wait_for(Deployment, "hello-nginx", condition="delete") is None
