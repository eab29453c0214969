"""The kubelet's pod conditions say why they are False, as Kubernetes' generate.go does."""

from __future__ import annotations

from kube_actors import Cluster
from kube_actors.api import Container, Pod, PodCondition

from ._pods import pod, probe


async def _conditions(cluster: Cluster, name: str) -> dict[str, PodCondition]:
    found = await cluster.client.get(Pod, name, namespace="default")
    return {c.type: c for c in found.status.conditions}


async def test_finished_pods_say_completed_or_failed() -> None:
    async with Cluster(nodes=2, controllers=()) as cluster:
        await cluster.client.create(
            pod("done", restart_policy="Never", script={"exit-after": "5s"})
        )
        await cluster.client.create(
            pod("broken", restart_policy="Never", script={"exit-after": "5s", "exit-code": "2"})
        )
        await cluster.settle(horizon=10)
        done = await _conditions(cluster, "done")
        broken = await _conditions(cluster, "broken")
    for kind in ("Ready", "ContainersReady"):
        assert (done[kind].status, done[kind].reason, done[kind].message) == (
            "False",
            "PodCompleted",
            "",
        )
        assert (broken[kind].status, broken[kind].reason) == ("False", "PodFailed")


async def test_a_running_unready_pod_names_its_unready_containers() -> None:
    containers = [
        Container(name="web", image="nginx", readiness_probe=probe(period=10)),
        Container(name="sidecar", image="busybox"),
    ]
    async with Cluster(nodes=2, controllers=()) as cluster:
        await cluster.client.create(
            pod("slow", containers=containers, script={"web.ready-after": "1h"})
        )
        await cluster.settle(horizon=30)
        conditions = await _conditions(cluster, "slow")
    ready = conditions["Ready"]
    assert (ready.status, ready.reason) == ("False", "ContainersNotReady")
    assert ready.message == "containers with unready status: [web]"
    assert conditions["ContainersReady"].message == "containers with unready status: [web]"
