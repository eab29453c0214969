from __future__ import annotations

import asyncio
import datetime as dt

from kube_actors import Cluster
from kube_actors.actors import DEFAULT_EPOCH, monotonic
from kube_actors.api import (
    Container,
    Event,
    Lease,
    Node,
    Pod,
    ResourceRequirements,
    Toleration,
    get_condition,
)
from kube_actors.kubelet import CONTROL_PLANE_LABEL
from kube_actors.reconcile import GetControllerStatistics

from ._pods import pod

#: Tolerates an unreachable node for no time at all: evicted as soon as the node is.
_IMPATIENT = Toleration(
    key="node.kubernetes.io/unreachable",
    operator="Exists",
    effect="NoExecute",
    toleration_seconds=0,
)


async def _node(cluster: Cluster, name: str = "node-1") -> Node:
    return await cluster.client.get(Node, name)


async def test_the_control_plane_is_a_schedulable_node_too_unless_tainted() -> None:
    async with Cluster(nodes=2, controllers=()) as cluster:
        await cluster.settle()
        master = await _node(cluster, "control-plane")
        assert CONTROL_PLANE_LABEL in master.metadata.labels
        assert master.spec.taints == ()
        assert master.metadata.labels["kubernetes.io/hostname"] == "control-plane"
        ready = get_condition(master.status.conditions, "Ready")
        assert ready is not None
        assert (ready.status, ready.reason) == ("True", "KubeletReady")
        assert master.status.allocatable["pods"] == master.status.capacity["pods"]
    async with Cluster(nodes=1, control_plane_taint=True, controllers=()) as cluster:
        master = await _node(cluster, "control-plane")
        assert [(t.key, t.effect) for t in master.spec.taints] == [
            (CONTROL_PLANE_LABEL, "NoSchedule")
        ]


async def test_every_kubelet_renews_its_lease_every_10_seconds() -> None:
    async with Cluster(nodes=2, controllers=()) as cluster:
        await asyncio.sleep(35)
        await cluster.settle()
        lease = await cluster.client.get(Lease, "node-1", namespace="kube-node-lease")
        assert lease.spec.renew_time == DEFAULT_EPOCH + dt.timedelta(seconds=30)
        assert lease.spec.lease_duration_seconds == 40
        assert lease.metadata.owner_references[0].kind == "Node"


async def test_a_stopped_node_goes_unknown_after_50_s_and_its_pods_are_evicted_300_s_later() -> (
    None
):
    async with Cluster(nodes=2, controllers=["nodelifecycle"]) as cluster:
        await cluster.client.create(pod())
        await cluster.settle()
        await asyncio.sleep(5)  # the lease was renewed at 0 s
        await cluster.stop_node("node-1")
        await asyncio.sleep(44)
        await cluster.settle()
        node = await _node(cluster)
        ready = get_condition(node.status.conditions, "Ready")
        assert ready is not None
        assert ready.status == "True"  # 49 s after the last heartbeat
        await asyncio.sleep(1)
        await cluster.settle()
        node = await _node(cluster)
        ready = get_condition(node.status.conditions, "Ready")
        assert ready is not None
        assert (ready.status, ready.message) == ("Unknown", "Kubelet stopped posting node status.")
        assert {(t.key, t.effect) for t in node.spec.taints} == {
            ("node.kubernetes.io/unreachable", "NoSchedule"),
            ("node.kubernetes.io/unreachable", "NoExecute"),
        }
        unknown_at = monotonic()
        await asyncio.sleep(299)
        await cluster.settle()
        assert (
            await cluster.client.get(Pod, "web", namespace="default")
        ).metadata.deletion_timestamp is None
        await asyncio.sleep(1)
        await cluster.settle()
        evicted = await cluster.client.get(Pod, "web", namespace="default")
        assert evicted.metadata.deletion_timestamp is not None
        assert monotonic() - unknown_at == 300.0


async def test_a_pod_that_does_not_tolerate_unreachable_nodes_is_evicted_at_once() -> None:
    async with Cluster(nodes=2, controllers=["nodelifecycle"]) as cluster:
        await cluster.client.create(pod(tolerations=[_IMPATIENT]))
        await cluster.settle()
        await cluster.stop_node("node-1")
        await cluster.settle(horizon=51)
        assert (
            await cluster.client.get(Pod, "web", namespace="default")
        ).metadata.deletion_timestamp is not None


async def test_a_partitioned_node_goes_unknown_and_comes_back_when_healed() -> None:
    async with Cluster(nodes=2, controllers=["nodelifecycle"]) as cluster:
        await cluster.client.create(pod())
        await cluster.settle()
        cluster.partition_node("node-1")
        await cluster.settle(horizon=60)
        node = await _node(cluster)
        ready = get_condition(node.status.conditions, "Ready")
        assert ready is not None
        assert ready.status == "Unknown"
        cluster.heal_node("node-1")
        await cluster.settle(horizon=30)
        node = await _node(cluster)
        ready = get_condition(node.status.conditions, "Ready")
        assert ready is not None
        assert ready.status == "True"
        assert node.spec.taints == ()
        # The pod kept running through the partition and is reported again.
        running = await cluster.client.get(Pod, "web", namespace="default")
        assert running.status.phase == "Running"
        assert running.metadata.deletion_timestamp is None


async def test_pods_on_an_unreachable_node_are_marked_not_ready_until_it_is_back() -> None:
    async with Cluster(nodes=2, controllers=["nodelifecycle"]) as cluster:
        await cluster.client.create(pod())
        await cluster.settle()
        cluster.partition_node("node-1")
        await cluster.settle(horizon=60)
        web = await cluster.client.get(Pod, "web", namespace="default")
        ready = get_condition(web.status.conditions, "Ready")
        assert ready is not None
        assert ready.status == "False"  # MarkPodsNotReady: out of its Services' endpoints
        assert web.status.phase == "Running"
        events = await cluster.events(web)
        assert ("Warning", "NodeNotReady", "Node is not ready") in [
            (e.type, e.reason, e.message) for e in events
        ]
        cluster.heal_node("node-1")
        await cluster.settle(horizon=30)
        web = await cluster.client.get(Pod, "web", namespace="default")
        ready = get_condition(web.status.conditions, "Ready")
        assert ready is not None
        assert ready.status == "True"  # the kubelet, back, reports what it knows


async def test_a_kubelet_restarted_behind_a_partition_keeps_trying_to_register() -> None:
    async with Cluster(nodes=2, controllers=["nodelifecycle"]) as cluster:
        await cluster.settle()
        cluster.partition_node("node-1")
        await cluster.stop_node("node-1")
        await cluster.start_node("node-1")
        # Unreachable for a minute: the kubelet retries (100 ms doubling to 7 s) instead of
        # crashing until its supervisor gives up and takes the cluster down.
        await cluster.settle(horizon=60)
        node = await _node(cluster)
        ready = get_condition(node.status.conditions, "Ready")
        assert ready is not None
        assert ready.status == "Unknown"
        cluster.heal_node("node-1")
        await cluster.settle(horizon=30)
        node = await _node(cluster)
        ready = get_condition(node.status.conditions, "Ready")
        assert ready is not None
        assert ready.status == "True"
        assert node.spec.taints == ()


async def test_a_pod_that_does_not_fit_the_node_fails_with_out_of_cpu() -> None:
    async with Cluster(nodes=2, controllers=()) as cluster:
        hungry = Container(
            name="app", image="nginx", resources=ResourceRequirements(requests={"cpu": "3"})
        )
        await cluster.client.create(pod("first", containers=[hungry]))
        await cluster.client.create(pod("second", containers=[hungry]))
        await cluster.settle()
        first = await cluster.client.get(Pod, "first", namespace="default")
        second = await cluster.client.get(Pod, "second", namespace="default")
        assert first.status.phase == "Running"
        assert (second.status.phase, second.status.reason) == ("Failed", "OutOfcpu")
        assert second.status.message == (
            "Pod was rejected: Node didn't have enough resource: cpu, "
            "requested: 3000, used: 3000, capacity: 4000"
        )


async def test_what_a_deleted_pod_requested_is_free_for_the_next_one() -> None:
    """The kubelet's admission counts what the pods it runs request (4 CPUs here): 1.5 +
    1.5 leave 1, a third 1.5 is refused with the sum in its message; once the first is
    gone, a fourth fits."""
    async with Cluster(nodes=2, controllers=()) as cluster:

        def cpus(name: str, amount: str) -> Pod:
            return pod(
                name,
                containers=[
                    Container(
                        name="app",
                        image="nginx",
                        resources=ResourceRequirements(requests={"cpu": amount}),
                    )
                ],
            )

        for name in ("a", "b", "c"):
            await cluster.client.create(cpus(name, "1500m"))
            await cluster.settle()
        c = await cluster.client.get(Pod, "c", namespace="default")
        assert (c.status.phase, c.status.reason) == ("Failed", "OutOfcpu")
        assert "requested: 1500, used: 3000, capacity: 4000" in c.status.message
        await cluster.client.delete(Pod, "a", namespace="default")
        await cluster.settle()
        await cluster.client.create(cpus("d", "2500m"))
        await cluster.settle()
        d = await cluster.client.get(Pod, "d", namespace="default")
        assert d.status.phase == "Running"


async def test_nodes_can_join_a_running_cluster() -> None:
    async with Cluster(nodes=1, controllers=()) as cluster:
        name = await cluster.add_node()
        assert name == "node-1"
        await cluster.client.create(pod())
        await cluster.settle()
        assert (await cluster.client.get(Pod, "web", namespace="default")).status.phase == "Running"
        assert cluster.nodes == ["control-plane", "node-1"]


async def _node_events(cluster: Cluster, name: str) -> list[tuple[str, str, int]]:
    found = await cluster.client.list(Event, namespace="default")
    found.sort(key=lambda e: (e.first_timestamp, int(e.metadata.resource_version)))
    return [
        (e.reason, e.message, e.count)
        for e in found
        if e.involved_object.kind == "Node" and e.involved_object.name == name
    ]


async def test_a_node_tells_its_start_its_conditions_and_its_return_as_events() -> None:
    async with Cluster(nodes=2, controllers=["nodelifecycle"]) as cluster:
        await cluster.settle()
        said = "Node node-1 status is now:"
        assert await _node_events(cluster, "node-1") == [
            ("Starting", "Starting kubelet.", 1),
            ("NodeHasSufficientMemory", f"{said} NodeHasSufficientMemory", 1),
            ("NodeHasNoDiskPressure", f"{said} NodeHasNoDiskPressure", 1),
            ("NodeHasSufficientPID", f"{said} NodeHasSufficientPID", 1),
            # No NodeReady: the kubelet records none for a Ready condition it adds (Ready at
            # once), only for a change of one it had reported.
            ("RegisteredNode", "Node node-1 event: Registered Node node-1 in Controller", 1),
        ]
        cluster.partition_node("node-1")
        await cluster.settle(horizon=60)
        cluster.heal_node("node-1")
        await cluster.settle(horizon=30)
        counts = {reason: count for reason, _, count in await _node_events(cluster, "node-1")}
        # Unknown while silent (the node controller), then every condition back, each Event
        # folded into the first of its kind as Kubernetes' recorder does.
        assert counts == {
            "Starting": 1,
            "NodeHasSufficientMemory": 2,
            "NodeHasNoDiskPressure": 2,
            "NodeHasSufficientPID": 2,
            "NodeReady": 1,  # back from Unknown
            "RegisteredNode": 1,
            "NodeNotReady": 1,
        }


async def test_a_registering_kubelet_owns_its_lease_by_the_node_it_created_without_reading_it() -> (
    None
):
    """Registration is Node create, first status, then the Lease (a GET that finds none, a
    create): the Lease's owner is the Node just created, not one read back."""
    async with Cluster(nodes=1, controllers=(), scheduler=False, trace=True) as cluster:
        await cluster.settle()
        node = await _node(cluster, "control-plane")
        lease = await cluster.client.get(Lease, "control-plane", namespace="kube-node-lease")
        assert [(r.kind, r.name, r.uid) for r in lease.metadata.owner_references] == [
            ("Node", "control-plane", node.metadata.uid)
        ]
        trace = cluster.system.trace
        assert trace is not None
        asked = [
            (type(r.message).__name__, _kind_of(r.message))
            for r in trace.records
            if r.sender == "kubelet/control-plane" and r.receiver == "kube-apiserver"
        ]
        assert asked[:4] == [
            ("Create", "Node"),
            ("UpdateStatus", "Node"),
            ("Get", "Lease"),
            ("Create", "Lease"),
        ]


def _kind_of(request: object) -> str:
    obj = getattr(request, "obj", None)
    kind = type(obj) if obj is not None else getattr(request, "kind", None)
    return getattr(kind, "__name__", "")


async def test_pods_on_healthy_nodes_cost_the_node_lifecycle_controller_no_reconcile() -> None:
    # As Kubernetes' taint eviction controller: a pod's events matter to it only while its
    # node has NoExecute taints; binding and running pods on healthy nodes leave it alone.
    async with Cluster(nodes=2, controllers=["nodelifecycle"]) as cluster:
        await cluster.settle()
        controller = cluster.system.lookup("controller/nodelifecycle")
        before = (await controller.ask(GetControllerStatistics())).reconciles
        for i in range(5):
            await cluster.client.create(pod(f"web-{i}"))
        await cluster.settle()
        running = await cluster.client.list(Pod, namespace="default")
        assert [p.status.phase for p in running] == ["Running"] * 5
        assert (await controller.ask(GetControllerStatistics())).reconciles == before


async def test_a_node_costs_the_node_lifecycle_controller_two_reconciles_as_it_starts() -> None:
    # Its registration (a RegisteredNode Event) and its Ready report (which waits for the
    # heartbeat's expiry); the Lease its kubelet then creates needs none, as its renewals.
    async with Cluster(nodes=3, controllers=["nodelifecycle"]) as cluster:
        await cluster.settle()
        controller = cluster.system.lookup("controller/nodelifecycle")
        assert (await controller.ask(GetControllerStatistics())).reconciles <= 2 * 3


async def test_a_pod_placed_on_a_node_tainted_no_execute_is_evicted_as_it_arrives() -> None:
    async with Cluster(nodes=2, controllers=["nodelifecycle"]) as cluster:
        await cluster.settle()
        await cluster.stop_node("node-1")
        await cluster.settle(horizon=51)
        tainted = await _node(cluster)
        assert ("node.kubernetes.io/unreachable", "NoExecute") in {
            (t.key, t.effect) for t in tainted.spec.taints
        }
        await cluster.client.create(pod(tolerations=[_IMPATIENT]))
        await cluster.settle()
        evicted = await cluster.client.get(Pod, "web", namespace="default")
        assert evicted.metadata.deletion_timestamp is not None


async def test_a_kubelet_checks_its_node_status_from_its_watch_of_the_node_not_by_get() -> None:
    """The kubelet watches its own Node by name (its nodeInformer): once that watch is
    open, a status check every 10 s reads the Node from it; it still reports on time."""
    async with Cluster(
        nodes=1, clock="virtual", controllers=(), scheduler=False, trace=True
    ) as cluster:
        await cluster.settle()
        await cluster.settle(horizon=70)  # the watch of the Node has had its first batch
        trace = cluster.system.trace
        assert trace is not None

        def node_gets() -> int:
            return sum(
                1
                for r in trace.records
                if r.sender == "kubelet/control-plane"
                and r.receiver == "kube-apiserver"
                and (type(r.message).__name__, _kind_of(r.message)) == ("Get", "Node")
            )

        async def heartbeat() -> dt.datetime | None:
            node = await _node(cluster, "control-plane")
            ready = get_condition(node.status.conditions, "Ready")
            assert ready is not None
            return ready.last_heartbeat_time

        before, reported = node_gets(), await heartbeat()
        await cluster.settle(horizon=300)
        assert node_gets() == before
        assert reported is not None
        assert (await heartbeat() or reported) > reported  # the 5-minute report
