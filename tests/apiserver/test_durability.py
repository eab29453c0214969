from __future__ import annotations

import anyio
import pytest

from kube_actors import Cluster
from kube_actors.api import Pod
from kube_actors.errors import Gone, KubeActorsError
from kube_actors.testing import pod

from ._objects import relabel


async def test_every_acknowledged_write_survives_a_control_plane_restart() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        acknowledged = {}
        for i in range(20):
            created = await cluster.client.create(pod(f"p{i}"))
            acknowledged[created.metadata.name] = created
        updated = await cluster.client.update(relabel(acknowledged["p3"], v="2"))
        acknowledged["p3"] = updated
        await cluster.client.delete(Pod, "p7", namespace="default")
        del acknowledged["p7"]

        await cluster.restart_control_plane()

        after = {p.metadata.name: p for p in await cluster.client.list(Pod)}
        assert after == acknowledged
        # And the apiserver carries on from the store's revision.
        again = await cluster.client.create(pod("new"))
        assert int(again.metadata.resource_version) > int(updated.metadata.resource_version)


async def test_a_watch_resumes_across_a_restart_from_the_last_version_it_saw() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        seen = await cluster.client.create(pod("a"))
        await cluster.restart_control_plane()
        await cluster.client.create(pod("b"))
        stream = await cluster.client.watch(Pod, resource_version=seen.metadata.resource_version)
        events = await stream.next_batch()
        assert [(e.type, e.obj.metadata.name) for e in events] == [("ADDED", "b")]


def test_virtual_time_is_checked_when_asked_for() -> None:

    async def main() -> None:
        async with Cluster(controllers=(), scheduler=False, clock="virtual"):
            pass

    with pytest.raises(KubeActorsError, match="needs the virtual-time event loop"):
        anyio.run(main)


async def test_watches_end_with_an_error_when_the_apiserver_stops() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        stream = await cluster.client.watch(Pod, resource_version="0")
        await cluster.restart_control_plane()
        events = await stream.next_batch()
        assert [e.type for e in events] == ["ERROR"]
        assert "the apiserver stopped" in str(events[0].error)


async def test_the_apiserver_compacts_history_older_than_five_minutes() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        for name in ("a", "b", "c"):
            await cluster.client.create(pod(name))
        first_page = await cluster.client.list_page(Pod, limit=1)
        await cluster.client.create(pod("d"))  # history moves past the page's revision
        await anyio.sleep(599)  # the first compaction (at 300 s) kept the page's revision
        second = await cluster.client.list_page(
            Pod, limit=1, continue_token=first_page.continue_token
        )
        assert [p.metadata.name for p in second.items] == ["b"]  # not compacted yet
        await anyio.sleep(2)  # at 600 s: compacted up to the revision of 300 s
        with pytest.raises(Gone, match="continue parameter is too old"):
            await cluster.client.list_page(Pod, limit=1, continue_token=first_page.continue_token)
