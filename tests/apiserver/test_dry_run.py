"""dryRun=All: the whole write path runs, nothing is stored, no watcher hears of it."""

from __future__ import annotations

import attrs
import pytest

from kube_actors import Cluster
from kube_actors.api import ObjectMeta, Pod, Service, ServicePort, ServiceSpec, evolve
from kube_actors.errors import AlreadyExists, Conflict, Invalid, NotFound
from kube_actors.testing import pod


async def _revision(cluster: Cluster) -> str:
    page = await cluster.client.list_page(Pod)
    return page.resource_version


async def test_dry_run_writes_answer_what_would_be_stored_and_store_nothing() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        client = cluster.client
        existing = await client.create(pod("web"))
        watch = await client.watch(Pod, resource_version=existing.metadata.resource_version)
        before = await _revision(cluster)

        generated = Pod(
            metadata=ObjectMeta(generate_name="web-", namespace="default"), spec=existing.spec
        )
        would_be = await client.create(generated, dry_run=True, field_manager="me")
        assert would_be.metadata.name.startswith("web-")
        assert len(would_be.metadata.name) == 9
        assert would_be.metadata.uid
        assert would_be.metadata.resource_version == ""
        assert would_be.status.phase == "Pending"  # defaulted as a real create would be
        assert would_be.metadata.managed_fields[0].manager == "me"
        with pytest.raises(NotFound):
            await client.get(Pod, would_be.metadata.name, namespace="default")

        relabelled = evolve(existing, metadata=attrs.evolve(existing.metadata, labels={"a": "b"}))
        updated = await client.update(relabelled, dry_run=True)
        assert dict(updated.metadata.labels) == {"a": "b"}
        assert updated.metadata.resource_version == existing.metadata.resource_version
        patched = await client.patch(
            Pod, "web", {"metadata": {"labels": {"c": "d"}}}, namespace="default", dry_run=True
        )
        assert dict(patched.metadata.labels) == {"c": "d"}
        deleted = await client.delete(Pod, "web", namespace="default", dry_run=True)
        assert deleted.metadata.name == "web"
        gone = await client.delete_collection(Pod, namespace="default", dry_run=True)
        assert [p.metadata.name for p in gone] == ["web"]

        assert await _revision(cluster) == before
        assert await client.get(Pod, "web", namespace="default") == existing
        # The watch hears the next real write and nothing before it.
        await client.create(pod("real"))
        events = await watch.next_batch()
        assert [(e.type, e.obj.metadata.name) for e in events] == [("ADDED", "real")]
        watch.close()


async def test_dry_run_still_refuses_what_a_write_would_refuse() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        client = cluster.client
        existing = await client.create(pod("web"))
        with pytest.raises(AlreadyExists):
            await client.create(pod("web"), dry_run=True)
        bad = evolve(existing, spec=evolve(existing.spec, containers=()))
        with pytest.raises(Invalid):
            await client.update(bad, dry_run=True)
        stale = evolve(existing, metadata=attrs.evolve(existing.metadata, resource_version="1"))
        with pytest.raises(Conflict):
            await client.update(stale, dry_run=True)


async def test_a_dry_run_service_keeps_no_cluster_ip() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        service = Service(
            metadata=ObjectMeta(name="web", namespace="default"),
            spec=ServiceSpec(selector={"app": "web"}, ports=[ServicePort(port=80)]),
        )
        dry = await cluster.client.create(service, dry_run=True)
        assert dry.spec.cluster_ip
        # The address the dry run showed is still free: another Service may ask for it.
        other = evolve(
            service,
            metadata=attrs.evolve(service.metadata, name="other"),
            spec=evolve(service.spec, cluster_ip=dry.spec.cluster_ip),
        )
        real = await cluster.client.create(other)
        assert real.spec.cluster_ip == dry.spec.cluster_ip
