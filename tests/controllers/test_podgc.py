"""The pod garbage collector: orphans of deleted Nodes, unscheduled terminating Pods, and
finished Pods beyond the threshold."""

from __future__ import annotations

import asyncio

from kube_actors import Cluster
from kube_actors.api import (
    Container,
    Node,
    NodeSpec,
    ObjectMeta,
    Pod,
    PodSpec,
    PodStatus,
    Taint,
    get_condition,
)
from kube_actors.controllers.podgc import OUT_OF_SERVICE, QUARANTINE_TIME
from kube_actors.reconcile import GetControllerStatistics

from ..cluster.test_faults import assert_converged, start


def pod(name: str, *, finalizers: tuple[str, ...] = ()) -> Pod:
    return Pod(
        metadata=ObjectMeta(name=name, namespace="default", finalizers=finalizers),
        spec=PodSpec(containers=[Container(name="c", image="busybox")]),
    )


async def test_pods_of_a_deleted_node_are_deleted_after_the_quarantine() -> None:
    async with Cluster(nodes=2, seed=3) as cluster:
        await start(cluster, replicas=4)
        on_node_1 = {
            p.metadata.name for p in await cluster.client.list(Pod) if p.spec.node_name == "node-1"
        }
        assert on_node_1
        # The Node object goes while its kubelet and pods run (its kubelet does not
        # register it again, as a running kubelet does not).
        await cluster.client.delete(Node, "node-1")
        deleted_at = asyncio.get_running_loop().time()
        await asyncio.sleep(QUARANTINE_TIME - 0.5)
        await cluster.settle()
        left = {p.metadata.name: p for p in await cluster.client.list(Pod)}
        assert on_node_1 <= set(left)  # still quarantined
        await asyncio.sleep(deleted_at + QUARANTINE_TIME - asyncio.get_running_loop().time())
        await cluster.settle()
        names = {p.metadata.name for p in await cluster.client.list(Pod)}
        assert not on_node_1 & names
        # Their replacements run on the node that is left.
        await assert_converged(cluster, 4)
        assert {p.spec.node_name for p in await cluster.client.list(Pod)} == {"control-plane"}


async def test_an_orphan_is_marked_failed_with_a_disruption_target_before_it_goes() -> None:
    async with Cluster(scheduler=False, controllers=["podgc"], seed=3) as cluster:
        created = await cluster.client.create(
            Pod(
                metadata=ObjectMeta(name="lost", namespace="default", finalizers=("test/keep",)),
                spec=PodSpec(node_name="gone", containers=[Container(name="c", image="b")]),
            )
        )
        await asyncio.sleep(QUARANTINE_TIME)
        await cluster.settle()
        marked = await cluster.client.get(Pod, "lost", namespace="default")
        assert marked.metadata.uid == created.metadata.uid
        assert marked.status.phase == "Failed"
        assert marked.metadata.deletion_timestamp is not None
        condition = get_condition(marked.status.conditions, "DisruptionTarget")
        assert condition is not None
        assert (condition.status, condition.reason, condition.message) == (
            "True",
            "DeletionByPodGC",
            "PodGC: node no longer exists",
        )


async def test_an_unscheduled_terminating_pod_is_marked_failed() -> None:
    async with Cluster(scheduler=False, controllers=["podgc"], seed=3) as cluster:
        await cluster.client.create(pod("stuck", finalizers=("test/keep",)))
        await cluster.client.delete(Pod, "stuck", namespace="default")
        await cluster.settle()
        stuck = await cluster.client.get(Pod, "stuck", namespace="default")
        assert stuck.status.phase == "Failed"


async def test_finished_pods_beyond_the_threshold_go_oldest_first() -> None:
    async with Cluster(
        scheduler=False, controllers=["podgc"], terminated_pod_gc_threshold=2, seed=3
    ) as cluster:
        for index in range(4):
            created = await cluster.client.create(pod(f"done-{index}"))
            await cluster.client.update_status(
                Pod(
                    metadata=created.metadata,
                    spec=created.spec,
                    status=PodStatus(phase="Succeeded"),
                )
            )
            await asyncio.sleep(1)  # creation timestamps have whole seconds
        await cluster.client.create(pod("running"))
        await cluster.settle()
        names = sorted(p.metadata.name for p in await cluster.client.list(Pod))
        assert names == ["done-2", "done-3", "running"]


async def test_by_default_finished_pods_are_kept() -> None:
    async with Cluster(scheduler=False, controllers=["podgc"], seed=3) as cluster:
        for index in range(3):
            created = await cluster.client.create(pod(f"done-{index}"))
            await cluster.client.update_status(
                Pod(metadata=created.metadata, spec=created.spec, status=PodStatus(phase="Failed"))
            )
        await cluster.settle()
        assert len(await cluster.client.list(Pod)) == 3


async def test_a_terminating_pod_on_an_out_of_service_node_is_force_deleted() -> None:
    async with Cluster(scheduler=False, controllers=["podgc"], seed=3) as cluster:
        await cluster.client.create(
            Node(
                metadata=ObjectMeta(name="dead"),
                spec=NodeSpec(taints=[Taint(key=OUT_OF_SERVICE, effect="NoExecute")]),
            )
        )
        await cluster.client.create(
            Pod(
                metadata=ObjectMeta(name="held", namespace="default", finalizers=("test/keep",)),
                spec=PodSpec(node_name="dead", containers=[Container(name="c", image="b")]),
            )
        )
        await cluster.client.delete(Pod, "held", namespace="default")
        await cluster.settle()
        held = await cluster.client.get(Pod, "held", namespace="default")
        # No kubelet will ever confirm the end: failed, and deleted with no grace period.
        assert held.status.phase == "Failed"
        assert held.metadata.deletion_grace_period_seconds == 0


async def test_nodes_that_register_and_report_cost_the_pod_gc_no_reconcile() -> None:
    # Kubernetes' pod GC looks at nodes on its periodic scan; here a Node's change wakes it
    # only when the Node goes or is out of service, not at every registration and report.
    async with Cluster(nodes=3, scheduler=False, controllers=["podgc"]) as cluster:
        await cluster.settle()
        controller = cluster.system.lookup("controller/podgc")
        assert (await controller.ask(GetControllerStatistics())).reconciles == 0
        await cluster.cordon("node-1")
        await cluster.settle()
        assert (await controller.ask(GetControllerStatistics())).reconciles == 0
