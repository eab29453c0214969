"""deletecollection: every matching object deleted as a single delete would."""

from __future__ import annotations

from kube_actors import Cluster
from kube_actors.api import Pod
from kube_actors.testing import pod


async def test_delete_collection_deletes_only_what_the_selector_matches() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        client = cluster.client
        await client.create(pod("a", labels={"app": "web"}))
        await client.create(pod("b", labels={"app": "web"}))
        await client.create(pod("c", labels={"app": "db"}))
        await client.create(pod("d", namespace="kube-system", labels={"app": "web"}))
        gone = await client.delete_collection(Pod, namespace="default", label_selector="app=web")
        assert sorted(p.metadata.name for p in gone) == ["a", "b"]
        left = await client.list(Pod)
        assert sorted(p.metadata.name for p in left) == ["c", "d"]


async def test_delete_collection_across_namespaces_with_a_field_selector() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        client = cluster.client
        await client.create(pod("a"))
        await client.create(pod("a", namespace="kube-system"))
        await client.create(pod("b"))
        gone = await client.delete_collection(Pod, field_selector="metadata.name=a")
        assert sorted(p.metadata.namespace for p in gone) == ["default", "kube-system"]
        assert [p.metadata.name for p in await client.list(Pod)] == ["b"]
