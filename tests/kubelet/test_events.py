"""The kubelet's Events about a pod: images, containers, back-off, stopping."""

from __future__ import annotations

import pytest

from kube_actors import Cluster
from kube_actors.api import Container, Event, ExecAction, Pod, Probe
from kube_actors.errors import ImagePullError
from kube_actors.kubelet import NodeConfig
from kube_actors.runtime import FakeRuntime, ImageCatalog

from ._pods import pod


async def _events(cluster: Cluster, name: str) -> list[tuple[str, str, str]]:
    await cluster.settle()
    found = await cluster.client.list(Event, namespace="default")
    # Sorted: Events made in one second carry no order of their own.
    return sorted((e.type, e.reason, e.message) for e in found if e.involved_object.name == name)


async def test_a_first_start_pulls_the_image_creates_and_starts_the_container() -> None:
    tagged = [Container(name="app", image="nginx:1.27")]
    async with Cluster(nodes=2, controllers=()) as cluster:
        await cluster.client.create(pod("first", containers=tagged))
        await cluster.settle()
        await cluster.client.create(pod("second", containers=tagged))
        first = await _events(cluster, "first")
        second = await _events(cluster, "second")
    assert first == [
        ("Normal", "Created", "Created container: app"),
        ("Normal", "Pulled", 'Successfully pulled image "nginx:1.27" in 0s (0s including waiting)'),
        ("Normal", "Pulling", 'Pulling image "nginx:1.27"'),
        ("Normal", "Started", "Started container app"),
    ]
    # IfNotPresent (a tagged image): the node has it now.
    assert second == [
        ("Normal", "Created", "Created container: app"),
        ("Normal", "Pulled", 'Container image "nginx:1.27" already present on machine'),
        ("Normal", "Started", "Started container app"),
    ]


async def test_a_crash_loop_and_a_failed_pull_are_told_as_the_kubelet_tells_them() -> None:
    async with Cluster(nodes=2, controllers=()) as cluster:
        await cluster.client.create(pod("crashing", script={"app.crash": "true"}))
        await cluster.client.create(pod("unpullable", script={"image-pull-fail": "nginx"}))
        await cluster.settle(horizon=30)
        crashing = await cluster.client.get(Pod, "crashing", namespace="default")
        loop = await _events(cluster, "crashing")
        pull = await _events(cluster, "unpullable")
        await cluster.client.delete(Pod, "unpullable", namespace="default")
    uid = crashing.metadata.uid
    assert (
        "Warning",
        "BackOff",
        f"Back-off restarting failed container app in pod crashing_default({uid})",
    ) in loop
    assert ("Warning", "Failed", "Error: ErrImagePull") in pull
    assert ("Normal", "BackOff", 'Back-off pulling image "nginx"') in pull
    assert ("Warning", "Failed", "Error: ImagePullBackOff") in pull


async def test_deleting_a_running_pod_stops_each_container() -> None:
    two = [Container(name="app", image="nginx"), Container(name="sidecar", image="busybox")]
    async with Cluster(nodes=2, controllers=()) as cluster:
        await cluster.client.create(pod("web", containers=two))
        await cluster.settle()
        await cluster.client.delete(Pod, "web", namespace="default")
        events = await _events(cluster, "web")
    killing = [message for _, reason, message in events if reason == "Killing"]
    assert sorted(killing) == ["Stopping container app", "Stopping container sidecar"]


async def test_a_strict_fake_runtime_fails_a_mistyped_image_as_the_subprocess_runtime_does() -> (
    None
):
    def strict(config: NodeConfig) -> FakeRuntime:
        return FakeRuntime(images=ImageCatalog())  # the subprocess runtime's images

    async with Cluster(nodes=2, controllers=(), runtime=strict) as cluster:
        await cluster.client.create(pod("typo", containers=[Container(name="app", image="ngnix")]))
        await cluster.client.create(pod("fine", containers=[Container(name="app", image="nginx")]))
        await cluster.settle(horizon=5)
        typo = await cluster.client.get(Pod, "typo", namespace="default")
        fine = await cluster.client.get(Pod, "fine", namespace="default")
    [status] = typo.status.container_statuses
    assert status.state.waiting is not None
    assert status.state.waiting.reason in ("ErrImagePull", "ImagePullBackOff")
    assert "ngnix" in status.state.waiting.message
    assert fine.status.phase == "Running"


async def test_a_fake_runtime_given_image_names_pulls_only_those() -> None:
    runtime = FakeRuntime(images=["web", "db:2"])
    async with runtime:
        assert await runtime.pull_image("web:1.0") == "web:1.0"
        assert await runtime.pull_image("db:2") == "db:2"
        with pytest.raises(ImagePullError, match="'db:3'"):
            await runtime.pull_image("db:3")
    assert await FakeRuntime().pull_image("anything") == "anything"  # opt-in only


async def test_each_failed_probe_is_an_unhealthy_event_with_the_probes_output() -> None:
    probed = [
        Container(
            name="app",
            image="nginx",
            readiness_probe=Probe(exec=ExecAction(command=["true"]), period_seconds=5),
            liveness_probe=Probe(exec=ExecAction(command=["true"]), period_seconds=10),
        )
    ]
    script = {"app.ready-after": "12s", "app.liveness-fails-after": "25s"}
    async with Cluster(nodes=2, controllers=()) as cluster:
        await cluster.client.create(pod("probed", containers=probed, script=script))
        await cluster.settle(horizon=50)
        found = await cluster.client.list(Event, namespace="default")
    counts = {
        (e.type, e.reason, e.message): e.count for e in found if e.involved_object.name == "probed"
    }
    # Readiness fails at 0, 5 and 10 s, before the container is ready at 12 s, and once more
    # at 50 s, the restarted container's first probe.
    readiness = ("Warning", "Unhealthy", "Readiness probe failed: not ready yet (scripted)")
    assert counts[readiness] == 4
    # Liveness fails at 30, 40 and 50 s: the third failure kills the container.
    liveness = ("Warning", "Unhealthy", "Liveness probe failed: liveness fails (scripted)")
    assert counts[liveness] == 3
    assert ("Normal", "Killing", "Container app failed liveness probe, will be restarted") in counts
