"""A controller driven end to end through the real apiserver (``Cluster``)."""

from __future__ import annotations

from kube_actors.api import Namespace, ObjectMeta
from kube_actors.client import CachedReader, Client, InformerFactory, Reader, ignore_not_found
from kube_actors.cluster import Cluster
from kube_actors.reconcile import (
    ControllerSpec,
    ControllerStatistics,
    GetControllerStatistics,
    Request,
    Result,
    spawn_controller,
)


class KeepManagedLabel:
    """Keeps ``managed=yes`` on every Namespace; reads from the cache, writes to the API."""

    def __init__(self, reader: Reader, client: Client) -> None:
        self.reader = reader
        self.client = client

    async def reconcile(self, request: Request) -> Result:
        ns = await ignore_not_found(self.reader.get(Namespace, request.name))
        if ns is not None and ns.metadata.labels.get("managed") != "yes":
            await self.client.patch(
                Namespace, request.name, {"metadata": {"labels": {"managed": "yes"}}}
            )
        return Result()


async def test_a_controller_keeps_a_label_on_every_namespace_of_a_cluster() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        informers = InformerFactory(cluster.client)
        reader = CachedReader(informers, cluster.system)
        reconciler = KeepManagedLabel(reader, cluster.client)
        spec = ControllerSpec(for_=Namespace, reconciler=reconciler, workers=2)
        controller = await spawn_controller(cluster.system, spec, informers)
        await cluster.client.create(Namespace(metadata=ObjectMeta(name="shop")))
        await cluster.settle()
        namespaces = await cluster.client.list(Namespace)
        assert {ns.metadata.name: ns.metadata.labels.get("managed") for ns in namespaces} == {
            "default": "yes",
            "kube-node-lease": "yes",
            "kube-public": "yes",
            "kube-system": "yes",
            "shop": "yes",
        }
        await cluster.client.patch(Namespace, "shop", {"metadata": {"labels": {"managed": "no"}}})
        await cluster.settle()
        assert (await cluster.client.get(Namespace, "shop")).metadata.labels["managed"] == "yes"
        stats: ControllerStatistics = await controller.ask(GetControllerStatistics())
        # 5 namespaces labelled (each label change echoes once more), then "shop" again twice.
        assert (stats.reconciles, stats.errors) == (12, 0)
        assert stats.queue.depth == stats.queue.processing == stats.queue.waiting == 0
