"""The serviceaccount controller: a ``default`` ServiceAccount in every active namespace."""

from __future__ import annotations

from kube_actors.api import Namespace, ObjectMeta, ServiceAccount
from kube_actors.cluster import Cluster


async def _accounts(cluster: Cluster, namespace: str) -> list[str]:
    return [
        sa.metadata.name for sa in await cluster.client.list(ServiceAccount, namespace=namespace)
    ]


async def test_every_namespace_there_at_start_gets_a_default_service_account() -> None:
    async with Cluster(scheduler=False, controllers=["serviceaccount"], seed=1) as cluster:
        await cluster.settle()
        for namespace in ("default", "kube-system", "kube-public", "kube-node-lease"):
            assert await _accounts(cluster, namespace) == ["default"]


async def test_a_new_namespace_gets_a_default_service_account() -> None:
    async with Cluster(scheduler=False, controllers=["serviceaccount"], seed=1) as cluster:
        await cluster.client.create(Namespace(metadata=ObjectMeta(name="shop")))
        await cluster.settle()
        account = await cluster.client.get(ServiceAccount, "default", namespace="shop")
        assert account.metadata.namespace == "shop"


async def test_a_deleted_default_service_account_comes_back_with_a_new_uid() -> None:
    async with Cluster(scheduler=False, controllers=["serviceaccount"], seed=1) as cluster:
        await cluster.client.create(Namespace(metadata=ObjectMeta(name="shop")))
        await cluster.settle()
        first = await cluster.client.get(ServiceAccount, "default", namespace="shop")
        await cluster.client.delete(ServiceAccount, "default", namespace="shop")
        await cluster.settle()
        again = await cluster.client.get(ServiceAccount, "default", namespace="shop")
        assert again.metadata.uid != first.metadata.uid


async def test_other_service_accounts_are_left_alone() -> None:
    async with Cluster(scheduler=False, controllers=["serviceaccount"], seed=1) as cluster:
        builder = ServiceAccount(metadata=ObjectMeta(name="builder", namespace="default"))
        await cluster.client.create(builder)
        await cluster.settle()
        await cluster.client.delete(ServiceAccount, "builder", namespace="default")
        await cluster.settle()
        assert await _accounts(cluster, "default") == ["default"]


async def test_a_terminating_namespace_gets_no_service_account() -> None:
    async with Cluster(scheduler=False, controllers=["serviceaccount"], seed=1) as cluster:
        await cluster.client.create(Namespace(metadata=ObjectMeta(name="shop")))
        await cluster.settle()
        await cluster.client.delete(Namespace, "shop")  # Terminating: no namespace controller
        await cluster.client.delete(ServiceAccount, "default", namespace="shop")
        await cluster.settle()
        assert await _accounts(cluster, "shop") == []
        assert (await cluster.client.get(Namespace, "shop")).status.phase == "Terminating"
