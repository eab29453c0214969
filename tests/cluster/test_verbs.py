"""kubectl's verbs on a whole cluster: real scheduler, kubelets and controllers, virtual time."""

from __future__ import annotations

import anyio
import pytest

from kube_actors import Cluster
from kube_actors.api import (
    Container,
    Deployment,
    DeploymentSpec,
    LabelSelector,
    Node,
    ObjectMeta,
    Pod,
    PodSpec,
    PodTemplateSpec,
)
from kube_actors.errors import KubeActorsError
from kube_actors.kubelet import NodeConfig
from kube_actors.reconcile import ControllerSpec, Request, Result
from kube_actors.runtime import ContainerScript, FakeRuntime


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
        assert (
            "Controlled By:  ReplicaSet/hello-nginx-" in text
        )  # after "IPs:", as kubectl aligns it
        assert "Events:" in text
        reasons = [e.reason for e in await cluster.events(pod)]
        assert reasons[:5] == ["Scheduled", "Pulling", "Pulled", "Created", "Started"]
        assert "Successfully assigned default/" in text


async def test_scheduled_comes_first_in_describe_when_it_falls_mid_second() -> None:
    async with Cluster(nodes=1, seed=4) as cluster:
        await anyio.sleep(0.25)  # the scheduler and the kubelet then act at x.25 s
        await cluster.apply(hello_nginx(1))
        await cluster.wait_for(Deployment, "hello-nginx", condition="Available")
        await cluster.settle()
        pod = (await cluster.client.list(Pod))[0]
        events = await cluster.events(pod)
        text = await cluster.describe(Pod, pod.metadata.name)
    # Event timestamps are whole seconds (metav1.Time), whoever records them.
    assert all(e.last_timestamp is not None for e in events)
    assert {e.last_timestamp.microsecond for e in events if e.last_timestamp} == {0}
    assert [e.reason for e in events][:2] == ["Scheduled", "Pulling"]
    assert text.index("Scheduled") < text.index("Pulling")


async def test_waiting_too_long_says_what_was_awaited() -> None:
    async with Cluster(seed=1) as cluster:
        with pytest.raises(TimeoutError, match="condition 'Available' of Deployment default/nope"):
            await cluster.wait_for(Deployment, "nope", condition="Available", timeout=5)


async def test_waiting_for_deletion_returns_once_the_object_is_gone() -> None:
    async with Cluster(nodes=1, seed=1) as cluster:
        await cluster.apply(hello_nginx(1))
        await cluster.wait_for(Deployment, "hello-nginx", condition="Available")
        await cluster.client.delete(Deployment, "hello-nginx", namespace="default")
        await cluster.wait_for(Deployment, "hello-nginx", condition="delete")
        assert await cluster.client.list(Deployment) == []


async def test_wait_for_takes_kubectls_condition_forms_and_a_predicate() -> None:
    async with Cluster(nodes=1, seed=1) as cluster:
        await cluster.apply(hello_nginx(1))
        for form in ("Available", "condition=Available", "available=true", "Progressing=True"):
            found = await cluster.wait_for(Deployment, "hello-nginx", condition=form)
            assert found.metadata.name == "hello-nginx"
        with pytest.raises(TimeoutError, match="condition 'Available=False'"):
            await cluster.wait_for(
                Deployment, "hello-nginx", condition="Available=False", timeout=10
            )
        node = await cluster.wait_for(Node, "control-plane", condition="Ready")
        assert node.metadata.name == "control-plane"
        pods = await cluster.client.list(Pod)
        ready = await cluster.wait_for(
            Pod, pods[0].metadata.name, condition=lambda p: p.status.phase == "Running"
        )
        assert ready.status.pod_ip
        with pytest.raises(ValueError, match="names no condition type"):
            await cluster.wait_for(Deployment, "hello-nginx", condition="condition=")


async def test_logs_events_and_a_killed_container_restarted() -> None:
    runtimes: list[FakeRuntime] = []

    def runtime(config: NodeConfig) -> FakeRuntime:
        fake = FakeRuntime(default=ContainerScript(logs=["listening on :80"]))
        runtimes.append(fake)
        return fake

    async with Cluster(nodes=1, seed=1, runtime=runtime) as cluster:
        await cluster.apply(hello_nginx(1))
        await cluster.wait_for(Deployment, "hello-nginx", condition="Available")
        [pod] = await cluster.client.list(Pod)
        name = pod.metadata.name
        assert await cluster.logs(name) == "listening on :80\n"
        await cluster.kill_container(name, "nginx")
        restarted = await cluster.wait_for(
            Pod, name, condition=lambda p: p.status.container_statuses[0].restart_count == 1
        )
        assert restarted.status.container_statuses[0].ready is not None
        assert await cluster.logs(name, "nginx", previous=True) == "listening on :80\n"
        await cluster.settle()  # Events are written asynchronously, after the status
        events = await cluster.events(restarted)
        assert events[0].reason == "Scheduled"
        # A repeated event is counted on the one Event, as Kubernetes aggregates them; an
        # untagged image is pulled at every start (imagePullPolicy Always).
        assert sum(e.count for e in events if e.reason == "Started") == 2
        pulled = [(e.message, e.count) for e in events if e.reason == "Pulled"]
        assert pulled == [('Successfully pulled image "nginx" in 0s (0s including waiting)', 2)]
        with pytest.raises(KubeActorsError, match=r"not running"):
            await cluster.kill_container(name, "sidecar")


async def test_expose_makes_a_service_selecting_what_the_deployment_selects() -> None:
    async with Cluster(nodes=1, seed=1) as cluster:
        await cluster.apply(hello_nginx(2))
        service = await cluster.expose(Deployment, "hello-nginx", port=8080, target_port=80)
        assert dict(service.spec.selector) == {"app": "hello-nginx"}
        assert [(p.port, p.target_port) for p in service.spec.ports] == [(8080, 80)]
        assert await cluster.resolve("hello-nginx.default") == service.spec.cluster_ip


async def test_add_controller_says_what_is_missing() -> None:
    class Nothing:
        async def reconcile(self, request: Request) -> Result:
            return Result()

    class Unregistered:
        pass

    async with Cluster(seed=1) as cluster:
        with pytest.raises(TypeError, match="needs for_="):
            await cluster.add_controller(Nothing())
        with pytest.raises(KubeActorsError, match="Unregistered is not a registered kind"):
            await cluster.add_controller(Nothing(), for_=Unregistered)
        spec = ControllerSpec(for_=Deployment, reconciler=Nothing(), name="nothing")
        with pytest.raises(TypeError, match="a ControllerSpec alone"):
            await cluster.add_controller(spec, for_=Deployment)
        ref = await cluster.add_controller(spec)
        assert ref.name == "controller/nothing"
        with pytest.raises(KubeActorsError, match="named 'deployment' is running already"):
            await cluster.add_controller(Nothing(), for_=Deployment)
