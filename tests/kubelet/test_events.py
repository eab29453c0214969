"""The kubelet's Events about a pod: images, containers, back-off, stopping."""

from __future__ import annotations

from kube_actors import Cluster
from kube_actors.api import Container, Event, Pod

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
