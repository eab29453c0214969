"""Deleting a Deployment with each propagation policy, deleting a namespace, and the default
ServiceAccount: the garbage collector and the namespace controller with Pods that real
kubelets run and stop."""

from __future__ import annotations

from kube_actors import Cluster
from kube_actors.api import (
    Deployment,
    Job,
    Namespace,
    ObjectMeta,
    Pod,
    ReplicaSet,
    ServiceAccount,
    StatefulSet,
    is_pod_ready,
)
from kube_actors.errors import NotFound

from ._workloads import NS, deployment, job, live, pods_of, statefulset


async def web_with_pods(cluster: Cluster) -> None:
    await cluster.client.create(deployment(replicas=3))
    await cluster.settle()
    assert len(await pods_of(cluster, "web")) == 3


async def replica_sets(cluster: Cluster, namespace: str = NS) -> list[ReplicaSet]:
    return await cluster.client.list(ReplicaSet, namespace=namespace)


async def exists(cluster: Cluster, kind: type[object], name: str, namespace: str = NS) -> bool:
    try:
        await cluster.client.get(kind, name, namespace=namespace)
    except NotFound:
        return False
    return True


async def test_a_background_delete_takes_the_replica_sets_and_pods_after_the_deployment() -> None:
    async with Cluster(nodes=3, seed=41) as cluster:
        await web_with_pods(cluster)
        await cluster.client.delete(
            Deployment, "web", namespace=NS, propagation_policy="Background"
        )
        assert not await exists(cluster, Deployment, "web")  # gone at once
        await cluster.settle()
        assert await replica_sets(cluster) == []
        assert await pods_of(cluster, "web") == []


async def test_a_foreground_delete_keeps_the_deployment_until_its_pods_are_gone() -> None:
    async with Cluster(nodes=3, seed=42) as cluster:
        await web_with_pods(cluster)
        marked = await cluster.client.delete(
            Deployment, "web", namespace=NS, propagation_policy="Foreground"
        )
        assert marked.metadata.deletion_timestamp is not None
        assert "foregroundDeletion" in marked.metadata.finalizers
        await cluster.settle(horizon=1)  # the collector retries a Conflict after 5 ms
        assert not await exists(cluster, Deployment, "web")
        assert await replica_sets(cluster) == []
        assert await pods_of(cluster, "web") == []


async def test_an_orphan_delete_leaves_the_replica_set_and_its_pods_running() -> None:
    async with Cluster(nodes=3, seed=43) as cluster:
        await web_with_pods(cluster)
        await cluster.client.delete(Deployment, "web", namespace=NS, propagation_policy="Orphan")
        await cluster.settle(horizon=60)
        assert not await exists(cluster, Deployment, "web")
        (rs,) = await replica_sets(cluster)
        assert rs.metadata.owner_references == ()
        pods = await pods_of(cluster, "web")
        assert len(pods) == 3
        assert all(is_pod_ready(p) for p in pods)
        assert {p.metadata.owner_references[0].uid for p in pods} == {rs.metadata.uid}
        # The orphaned ReplicaSet still keeps its Pods: one deleted is replaced.
        await cluster.client.delete(Pod, pods[0].metadata.name, namespace=NS)
        await cluster.settle()
        assert len(live(await pods_of(cluster, "web"))) == 3


async def test_deleting_a_namespace_stops_and_removes_every_workload_in_it() -> None:
    async with Cluster(nodes=3, seed=44) as cluster:
        await cluster.client.create(Namespace(metadata=ObjectMeta(name="team")))
        await cluster.client.create(deployment(replicas=2, namespace="team"))
        await cluster.client.create(statefulset(replicas=2, namespace="team"))
        await cluster.client.create(job(script={"exit-after": "1h"}, namespace="team"))
        await cluster.settle()
        assert len(await cluster.client.list(Pod, namespace="team")) == 5
        await cluster.client.delete(Namespace, "team")
        await cluster.settle(horizon=60)
        assert not await exists(cluster, Namespace, "team", namespace="")
        for kind in (Pod, ReplicaSet, Deployment, StatefulSet, Job, ServiceAccount):
            assert await cluster.client.list(kind, namespace="team") == []


async def test_every_namespace_gets_a_default_service_account_that_pods_use() -> None:
    async with Cluster(nodes=3, seed=45) as cluster:
        await cluster.client.create(Namespace(metadata=ObjectMeta(name="team")))
        await cluster.settle()
        account = await cluster.client.get(ServiceAccount, "default", namespace="team")
        assert account.metadata.namespace == "team"
        await cluster.client.create(deployment(replicas=1, namespace="team"))
        await cluster.settle()
        (pod,) = await cluster.client.list(Pod, namespace="team")
        assert pod.spec.service_account_name == "default"
        assert is_pod_ready(pod)
        # A deleted default ServiceAccount comes back.
        await cluster.client.delete(ServiceAccount, "default", namespace="team")
        await cluster.settle()
        assert await exists(cluster, ServiceAccount, "default", namespace="team")
