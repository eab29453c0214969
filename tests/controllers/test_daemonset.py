"""The DaemonSet controller, on virtual time, with the tests playing scheduler and kubelet."""

from __future__ import annotations

from typing import Any

from kube_actors.api import (
    Affinity,
    Container,
    DaemonSet,
    DaemonSetSpec,
    DaemonSetUpdateStrategy,
    Event,
    LabelSelector,
    Node,
    NodeAffinity,
    NodeSelector,
    NodeSelectorRequirement,
    NodeSelectorTerm,
    ObjectMeta,
    Pod,
    PodSpec,
    PodTemplateSpec,
    RollingUpdateDaemonSet,
    Taint,
    Toleration,
)
from kube_actors.cluster import Cluster
from kube_actors.controllers.daemonset import target_node

from ._fake_kubelet import add_node, affinity_node, bind, fail, finish_deletions, start

NS = "default"


def agent(image: str = "agent:1", **spec: Any) -> DaemonSet:
    pod_spec = spec.pop("pod_spec", {})
    template = PodTemplateSpec(
        metadata=ObjectMeta(labels={"app": "agent"}),
        spec=PodSpec(containers=[Container(name="agent", image=image)], **pod_spec),
    )
    return DaemonSet(
        metadata=ObjectMeta(name="agent", namespace=NS),
        spec=DaemonSetSpec(
            selector=LabelSelector(match_labels={"app": "agent"}), template=template, **spec
        ),
    )


async def live_pods(cluster: Cluster) -> list[Pod]:
    found = await cluster.client.list(Pod, namespace=NS, label_selector="app=agent")
    return [p for p in found if p.metadata.deletion_timestamp is None]


async def placement(cluster: Cluster) -> dict[str, str]:
    """node -> image of the live daemon Pod there."""
    return {target_node(p) or "?": p.spec.containers[0].image for p in await live_pods(cluster)}


async def step(cluster: Cluster) -> None:
    """The scheduler and the kubelets take one turn: bind, start, finish deletions."""
    await cluster.settle()
    for pod in await cluster.client.list(Pod, namespace=NS):
        if pod.metadata.deletion_timestamp is not None:
            continue
        if not pod.spec.node_name:
            node = affinity_node(pod)
            assert node is not None
            pod = await bind(cluster.client, pod, node)
        if pod.status.phase == "Pending":
            await start(cluster.client, pod)
    await finish_deletions(cluster.client)
    await cluster.settle()


async def get_ds(cluster: Cluster) -> DaemonSet:
    return await cluster.client.get(DaemonSet, "agent", namespace=NS)


async def nodes(cluster: Cluster, *names: str, **labels: str) -> None:
    for name in names:
        await add_node(cluster.client, name, labels=labels)


# ------------------------------------------------------------------------- placement


async def test_one_pod_per_node_aimed_at_it_by_node_affinity() -> None:
    async with Cluster(scheduler=False, controllers=["daemonset"], seed=1) as cluster:
        await nodes(cluster, "n1", "n2", "n3")
        await cluster.client.create(agent())
        await cluster.settle()
        pods = await live_pods(cluster)
        assert sorted(affinity_node(p) or "" for p in pods) == ["n1", "n2", "n3"]
        pod = pods[0]
        assert pod.spec.node_name == ""  # the scheduler binds it
        assert pod.metadata.generate_name == "agent-"
        assert "controller-revision-hash" in pod.metadata.labels
        assert pod.metadata.labels["pod-template-generation"] == "1"
        tolerations = {(t.key, t.operator, t.effect) for t in pod.spec.tolerations}
        assert ("node.kubernetes.io/not-ready", "Exists", "NoExecute") in tolerations
        assert ("node.kubernetes.io/unreachable", "Exists", "NoExecute") in tolerations
        assert ("node.kubernetes.io/unschedulable", "Exists", "NoSchedule") in tolerations
        await step(cluster)
        status = (await get_ds(cluster)).status
        assert (
            status.desired_number_scheduled,
            status.current_number_scheduled,
            status.number_ready,
            status.number_available,
            status.updated_number_scheduled,
            status.number_misscheduled,
            status.number_unavailable,
            status.observed_generation,
        ) == (3, 3, 3, 3, 3, 0, 0, 1)
        found = await cluster.client.list(Event, namespace=NS)
        created = sorted(e.message for e in found if e.reason == "SuccessfulCreate")
        assert created == sorted(f"Created pod: {p.metadata.name}" for p in pods)


async def test_pods_follow_nodes_as_they_come_and_go() -> None:
    async with Cluster(scheduler=False, controllers=["daemonset"], seed=2) as cluster:
        await nodes(cluster, "n1")
        await cluster.client.create(agent())
        await step(cluster)
        await nodes(cluster, "n2")
        await step(cluster)
        assert sorted(await placement(cluster)) == ["n1", "n2"]
        await cluster.client.delete(Node, "n1")
        await step(cluster)
        assert sorted(await placement(cluster)) == ["n2"]
        assert (await get_ds(cluster)).status.desired_number_scheduled == 1


async def test_node_selector_and_node_affinity_choose_the_nodes() -> None:
    affinity = Affinity(
        node_affinity=NodeAffinity(
            required_during_scheduling_ignored_during_execution=NodeSelector(
                node_selector_terms=[
                    NodeSelectorTerm(
                        match_expressions=[
                            NodeSelectorRequirement(key="zone", operator="In", values=["a", "b"])
                        ]
                    )
                ]
            )
        )
    )
    async with Cluster(scheduler=False, controllers=["daemonset"], seed=3) as cluster:
        await add_node(cluster.client, "ssd-a", labels={"disk": "ssd", "zone": "a"})
        await add_node(cluster.client, "ssd-c", labels={"disk": "ssd", "zone": "c"})
        await add_node(cluster.client, "hdd-a", labels={"disk": "hdd", "zone": "a"})
        spec = {"node_selector": {"disk": "ssd"}, "affinity": affinity}
        await cluster.client.create(agent(pod_spec=spec))
        await step(cluster)
        assert sorted(await placement(cluster)) == ["ssd-a"]
        [pod] = await live_pods(cluster)
        assert pod.spec.affinity is not None
        assert pod.spec.affinity.node_affinity is not None
        required = (
            pod.spec.affinity.node_affinity.required_during_scheduling_ignored_during_execution
        )
        assert required is not None
        [term] = required.node_selector_terms  # the template's terms, replaced
        assert [(f.key, f.operator, f.values) for f in term.match_fields] == [
            ("metadata.name", "In", ("ssd-a",))
        ]
        # A node that stops matching loses its Pod: it is misscheduled, then deleted.
        await cluster.client.patch(Node, "ssd-a", {"metadata": {"labels": {"disk": "hdd"}}})
        await step(cluster)
        assert await placement(cluster) == {}
        assert (await get_ds(cluster)).status.desired_number_scheduled == 0


async def test_taints_keep_pods_off_unless_tolerated_and_no_execute_evicts() -> None:
    async with Cluster(scheduler=False, controllers=["daemonset"], seed=4) as cluster:
        await add_node(cluster.client, "gpu", taints=(Taint(key="gpu", effect="NoSchedule"),))
        await add_node(
            cluster.client,
            "booting",
            ready=False,
            taints=(Taint(key="node.kubernetes.io/not-ready", effect="NoExecute"),),
        )
        await add_node(cluster.client, "plain")
        await cluster.client.create(agent())
        await step(cluster)
        # not-ready is tolerated by every daemon Pod; a taint of the user's is not.
        assert sorted(await placement(cluster)) == ["booting", "plain"]

        # A NoSchedule taint added later leaves the Pod; a NoExecute one removes it.
        taint = {"spec": {"taints": [{"key": "maintenance", "effect": "NoSchedule"}]}}
        await cluster.client.patch(Node, "plain", taint)
        await step(cluster)
        assert sorted(await placement(cluster)) == ["booting", "plain"]
        status = (await get_ds(cluster)).status
        assert (status.desired_number_scheduled, status.number_misscheduled) == (1, 1)
        taint = {"spec": {"taints": [{"key": "maintenance", "effect": "NoExecute"}]}}
        await cluster.client.patch(Node, "plain", taint)
        await step(cluster)
        assert sorted(await placement(cluster)) == ["booting"]


async def test_a_toleration_in_the_template_lets_pods_onto_tainted_nodes() -> None:
    async with Cluster(scheduler=False, controllers=["daemonset"], seed=5) as cluster:
        await add_node(cluster.client, "gpu", taints=(Taint(key="gpu", effect="NoSchedule"),))
        toleration = Toleration(key="gpu", operator="Exists")
        await cluster.client.create(agent(pod_spec={"tolerations": [toleration]}))
        await step(cluster)
        assert sorted(await placement(cluster)) == ["gpu"]


async def test_a_failed_daemon_pod_is_killed_and_made_again() -> None:
    async with Cluster(scheduler=False, controllers=["daemonset"], seed=6) as cluster:
        await nodes(cluster, "n1")
        await cluster.client.create(agent())
        await step(cluster)
        [pod] = await live_pods(cluster)
        await fail(cluster.client, pod)
        await step(cluster)
        [again] = await live_pods(cluster)
        assert again.metadata.name != pod.metadata.name
        warnings = [
            e.message
            for e in await cluster.client.list(Event, namespace=NS)
            if e.reason == "FailedDaemonPod"
        ]
        assert warnings == [
            f"Found failed daemon pod default/{pod.metadata.name} on node n1, will try to kill it"
        ]


# --------------------------------------------------------------------------- updates


async def _update_image(cluster: Cluster) -> None:
    patch = {
        "spec": {"template": {"spec": {"containers": [{"name": "agent", "image": "agent:2"}]}}}
    }
    await cluster.client.patch(DaemonSet, "agent", patch, namespace=NS)


async def test_a_rolling_update_replaces_one_node_at_a_time_by_default() -> None:
    async with Cluster(scheduler=False, controllers=["daemonset"], seed=7) as cluster:
        await nodes(cluster, "n1", "n2", "n3")
        await cluster.client.create(agent())
        await step(cluster)
        await _update_image(cluster)
        await cluster.settle()
        history = []
        for _ in range(4):
            pods = await cluster.client.list(Pod, namespace=NS)
            going = [p for p in pods if p.metadata.deletion_timestamp is not None]
            history.append(len(going))
            await step(cluster)
        assert history == [1, 1, 1, 0]  # maxUnavailable 1: one node at a time
        assert await placement(cluster) == {"n1": "agent:2", "n2": "agent:2", "n3": "agent:2"}
        ds = await get_ds(cluster)
        assert ds.status.updated_number_scheduled == 3
        assert ds.status.observed_generation == 2


async def test_max_surge_starts_the_new_pod_before_the_old_one_goes() -> None:
    strategy = DaemonSetUpdateStrategy(
        type="RollingUpdate",
        rolling_update=RollingUpdateDaemonSet(max_surge=1, max_unavailable=0),
    )
    async with Cluster(scheduler=False, controllers=["daemonset"], seed=8) as cluster:
        await nodes(cluster, "n1", "n2")
        await cluster.client.create(agent(update_strategy=strategy))
        await step(cluster)
        await _update_image(cluster)
        await cluster.settle()
        pods = await live_pods(cluster)
        assert sorted(p.spec.containers[0].image for p in pods) == ["agent:1", "agent:1", "agent:2"]
        for _ in range(4):
            await step(cluster)
        assert await placement(cluster) == {"n1": "agent:2", "n2": "agent:2"}


async def test_on_delete_replaces_only_the_pods_the_user_deletes() -> None:
    strategy = DaemonSetUpdateStrategy(type="OnDelete")
    async with Cluster(scheduler=False, controllers=["daemonset"], seed=9) as cluster:
        await nodes(cluster, "n1", "n2")
        await cluster.client.create(agent(update_strategy=strategy))
        await step(cluster)
        await _update_image(cluster)
        await step(cluster)
        assert await placement(cluster) == {"n1": "agent:1", "n2": "agent:1"}
        [first] = [p for p in await live_pods(cluster) if p.spec.node_name == "n1"]
        await cluster.client.delete(Pod, first.metadata.name, namespace=NS)
        await step(cluster)
        await step(cluster)
        assert await placement(cluster) == {"n1": "agent:2", "n2": "agent:1"}
        assert (await get_ds(cluster)).status.updated_number_scheduled == 1
