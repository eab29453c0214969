"""Profiles: a user's own plugins registered through ``out_of_tree`` and enabled with a
weight, and two schedulerNames served by one scheduler, each with its own plugins."""

from __future__ import annotations

from typing import Any, ClassVar

from kube_actors import Cluster
from kube_actors.api import Event, Pod
from kube_actors.scheduler import Profile, SchedulerSettings
from kube_actors.scheduler.framework import (
    SUCCESS,
    CycleState,
    Handle,
    NodeInfo,
    PluginFactory,
    PluginRef,
    PodInfo,
    Status,
)
from kube_actors.scheduler.plugins import NodeResourcesFitArgs

from ._builders import node, pod


class PreferFast:
    """Score: 100 on nodes labelled fast=true."""

    name: ClassVar[str] = "PreferFast"

    @classmethod
    def new(cls, args: Any, handle: Handle) -> PreferFast:
        return cls()

    def pre_score(self, state: CycleState, pod: PodInfo, nodes: Any) -> Status:
        return SUCCESS

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        return 100 if node.labels.get("fast") == "true" else 0


class OnlyEven:
    """Filter: nodes whose name ends in an even digit."""

    name: ClassVar[str] = "OnlyEven"

    @classmethod
    def new(cls, args: Any, handle: Handle) -> OnlyEven:
        return cls()

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status:
        if int(node.name[-1]) % 2 == 0:
            return SUCCESS
        return Status.unschedulable("node(s) had an odd name")


PLUGINS: dict[str, PluginFactory] = {"PreferFast": PreferFast.new, "OnlyEven": OnlyEven.new}


async def _node_of(cluster: Cluster, name: str) -> str:
    return (await cluster.client.get(Pod, name, namespace="default")).spec.node_name


async def test_a_weighted_user_score_plugin_outweighs_the_default_scores() -> None:
    profile = Profile(enabled=[PluginRef("PreferFast", weight=10)])
    settings = SchedulerSettings(profiles=[profile], out_of_tree=PLUGINS)
    async with Cluster(scheduler=settings, controllers=(), seed=1) as cluster:
        # The fast node is the fuller one: LeastAllocated alone would choose the other.
        await cluster.client.create(node("n1", cpu="2", labels={"fast": "true"}))
        await cluster.client.create(node("n2", cpu="16"))
        for i in range(3):
            await cluster.client.create(pod(f"p{i}", cpu="500m"))
        await cluster.settle()
        assert [await _node_of(cluster, f"p{i}") for i in range(3)] == ["n1"] * 3


async def test_a_user_filter_plugin_rejects_nodes_with_its_own_reason() -> None:
    profile = Profile(enabled=["OnlyEven"])
    settings = SchedulerSettings(profiles=[profile], out_of_tree=PLUGINS)
    async with Cluster(scheduler=settings, controllers=(), seed=1) as cluster:
        for i in (1, 2, 3):
            await cluster.client.create(node(f"n{i}"))
        await cluster.client.create(pod("p"))
        await cluster.client.create(pod("picky", node_selector={"kubernetes.io/hostname": "n3"}))
        await cluster.settle()
        assert await _node_of(cluster, "p") == "n2"
        events = await cluster.client.list(Event, namespace="default")
        failed = [e.message for e in events if e.reason == "FailedScheduling"]
        assert failed[0].startswith(
            "0/3 nodes are available: 1 node(s) had an odd name, "
            "2 node(s) didn't match Pod's node affinity/selector."
        )


async def test_two_profiles_schedule_their_own_pods_each_with_its_plugins() -> None:
    packing = Profile(
        scheduler_name="bin-packing",
        plugin_args={"NodeResourcesFit": NodeResourcesFitArgs(strategy="MostAllocated")},
        disabled=["NodeResourcesBalancedAllocation"],
    )
    settings = SchedulerSettings(profiles=[Profile(), packing])
    async with Cluster(scheduler=settings, controllers=(), seed=1) as cluster:
        await cluster.client.create(node("n1"))
        await cluster.client.create(node("n2"))
        await cluster.client.create(pod("anchor", cpu="2", node_name="n1"))
        await cluster.client.create(pod("spread", cpu="1"))
        await cluster.client.create(pod("packed", cpu="1", scheduler_name="bin-packing"))
        await cluster.client.create(pod("nobody", scheduler_name="other-scheduler"))
        await cluster.settle()
        assert await _node_of(cluster, "spread") == "n2"  # LeastAllocated: the emptier
        assert await _node_of(cluster, "packed") == "n1"  # MostAllocated: the fuller
        assert await _node_of(cluster, "nobody") == ""  # no profile of ours
        events = await cluster.client.list(Event, namespace="default")
        by_pod = {e.involved_object.name: e.reporting_component for e in events}
        assert by_pod["packed"] == "bin-packing"
        assert by_pod["spread"] == "default-scheduler"
