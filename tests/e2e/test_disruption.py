"""PodDisruptionBudgets, the eviction API, cordon and drain, on the running clock: the
disruption controller keeps each budget's status, an eviction that would break a budget is
refused with 429, and a drain waits for the budget to allow each Pod to go."""

from __future__ import annotations

import anyio
import pytest

from kube_actors import Cluster
from kube_actors.actors import monotonic
from kube_actors.api import (
    Eviction,
    LabelSelector,
    Node,
    ObjectMeta,
    Pod,
    PodDisruptionBudget,
    PodDisruptionBudgetSpec,
    is_pod_ready,
)
from kube_actors.errors import KubeActorsError, TooManyRequests
from kube_actors.kubectl import drain

from ._workloads import NS, advance, daemonset, deployment, pods_of


def budget(app: str = "web", **spec: object) -> PodDisruptionBudget:
    return PodDisruptionBudget(
        metadata=ObjectMeta(name=f"{app}-pdb", namespace=NS),
        spec=PodDisruptionBudgetSpec(selector=LabelSelector(match_labels={"app": app}), **spec),  # type: ignore[arg-type]
    )


async def get_budget(cluster: Cluster, name: str = "web-pdb") -> PodDisruptionBudget:
    return await cluster.client.get(PodDisruptionBudget, name, namespace=NS)


def evict(pod: Pod) -> Eviction:
    return Eviction(metadata=ObjectMeta(name=pod.metadata.name, namespace=NS))


async def test_the_disruption_controller_counts_healthy_pods_against_min_available() -> None:
    async with Cluster(nodes=3, clock="virtual", seed=51) as cluster:
        await cluster.client.create(deployment(replicas=3))
        await cluster.client.create(budget(min_available=2))
        await cluster.settle()
        status = (await get_budget(cluster)).status
        assert (status.expected_pods, status.current_healthy, status.desired_healthy) == (3, 3, 2)
        assert status.disruptions_allowed == 1
        (condition,) = status.conditions
        assert (condition.type, condition.status, condition.reason) == (
            "DisruptionAllowed",
            "True",
            "SufficientPods",
        )
        assert status.observed_generation == 1


async def test_max_unavailable_counts_the_replicas_the_deployment_wants() -> None:
    async with Cluster(nodes=3, clock="virtual", seed=52) as cluster:
        await cluster.client.create(deployment(replicas=4))
        await cluster.client.create(budget(max_unavailable="30%"))
        await cluster.settle()
        status = (await get_budget(cluster)).status
        # 30% of 4 rounds up to 2 unavailable: 2 must stay healthy.
        assert (status.expected_pods, status.desired_healthy, status.disruptions_allowed) == (
            4,
            2,
            2,
        )


async def test_an_eviction_that_would_break_the_budget_is_refused_with_429() -> None:
    async with Cluster(nodes=3, clock="virtual", seed=53) as cluster:
        await cluster.client.create(deployment(replicas=3))
        await cluster.client.create(budget(min_available=2))
        await cluster.settle()
        first, second, _ = await pods_of(cluster, "web")
        await cluster.client.create(evict(first))
        with pytest.raises(TooManyRequests) as refused:
            await cluster.client.create(evict(second))
        assert refused.value.message == (
            "Cannot evict pod as it would violate the pod's disruption budget."
        )
        (cause,) = refused.value.causes
        assert cause.type == "DisruptionBudget"
        assert (
            cause.message
            == "The disruption budget web-pdb needs 2 healthy pods and has 2 currently"
        )
        status = (await get_budget(cluster)).status
        assert status.disruptions_allowed == 0
        assert status.current_healthy == 2  # the evicted Pod is terminating
        # Once the replacement is Ready, the budget allows one disruption again.
        await advance(cluster, 60)
        status = (await get_budget(cluster)).status
        assert (status.current_healthy, status.disruptions_allowed) == (3, 1)
        assert dict(status.disrupted_pods) == {}
        await cluster.client.create(evict(second))


async def test_drain_cordons_and_waits_for_the_budget_before_each_pod() -> None:
    lines: list[str] = []
    async with Cluster(nodes=1, clock="virtual", seed=54) as cluster:
        await cluster.client.create(deployment(replicas=2))
        await cluster.client.create(daemonset())
        await cluster.client.create(budget(min_available=1))
        await cluster.settle()
        (old_node,) = cluster.nodes
        await cluster.add_node()
        await cluster.settle()
        started = monotonic()
        evicted = await drain(
            cluster.client, old_node, ignore_daemonsets=True, on_progress=lines.append
        )
        took = monotonic() - started
        assert sorted(evicted) == sorted(f"{NS}/{p}" for p in evicted_names(lines))
        assert len(evicted) == 2
        node = await cluster.client.get(Node, old_node, namespace="")
        assert node.spec.unschedulable is True
        pods = await pods_of(cluster, "web")
        assert len(pods) == 2
        assert all(p.spec.node_name != old_node for p in pods)
        assert all(is_pod_ready(p) for p in pods)
        agents = await pods_of(cluster, "agent")
        assert old_node in {p.spec.node_name for p in agents}  # left where it was
        assert any("ignoring DaemonSet-managed Pods" in line for line in lines)
        retries = [line for line in lines if "will retry after 5s" in line]
        assert retries, lines
        assert took >= 5  # the second Pod waited for the first one's replacement
        await cluster.uncordon(old_node)
        node = await cluster.client.get(Node, old_node, namespace="")
        assert node.spec.unschedulable is None


def evicted_names(lines: list[str]) -> list[str]:
    return [line.split("/")[1].split()[0] for line in lines if line.endswith(" evicted")]


async def test_drain_refuses_daemon_set_pods_without_ignore_daemonsets() -> None:
    async with Cluster(nodes=1, clock="virtual", seed=55) as cluster:
        await cluster.client.create(daemonset())
        await cluster.settle()
        (node,) = cluster.nodes
        (agent,) = await pods_of(cluster, "agent")
        with pytest.raises(KubeActorsError) as refused:
            await cluster.drain(node, ignore_daemonsets=False)
        assert str(refused.value) == (
            f'unable to drain node "{node}" due to error: [cannot delete DaemonSet-managed Pods '
            f"(use --ignore-daemonsets to ignore): {NS}/{agent.metadata.name}]"
        )
        with anyio.fail_after(60):
            assert await cluster.drain(node) == []
