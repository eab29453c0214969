"""Client and informers against the real apiserver actor (etcd underneath), via ``Cluster``."""

from __future__ import annotations

import asyncio
from typing import Any

import anyio
import attrs
import pytest
from structlog.testing import capture_logs

from kube_actors.api import Namespace, Pod
from kube_actors.client import Client, InformerFactory
from kube_actors.cluster import Cluster
from kube_actors.errors import AlreadyExists, Conflict, NotFound
from kube_actors.testing import pod

from ._harness import Recorder
from ._interceptor import EndWatches, Interceptor


def _relabel(obj: Any, **labels: str) -> Any:
    return attrs.evolve(obj, metadata=attrs.evolve(obj.metadata, labels=labels))


async def test_a_create_sent_without_waiting_answers_as_the_awaited_create() -> None:
    # create_nowait: the future of what create returns or raises, read with answer; None
    # where the create must be awaited (a client with a timeout).
    async with Cluster(controllers=(), scheduler=False) as cluster:
        client = cluster.client
        reply = client.create_nowait(pod("web"))
        assert reply is not None
        await asyncio.wait([reply])
        created = client.answer(reply)
        assert created == await client.get(Pod, "web", namespace="default")
        again = client.create_nowait(pod("web"))
        assert again is not None
        await asyncio.wait([again])
        with pytest.raises(AlreadyExists):
            client.answer(again)
        assert Client(cluster.apiserver, timeout=5.0).create_nowait(pod("other")) is None


async def test_the_client_speaks_every_verb_to_the_apiserver() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        client = cluster.client
        created = await client.create(pod("web", labels={"app": "web"}))
        assert await client.get(Pod, "web", namespace="default") == created
        updated = await client.update(_relabel(created, app="web", tier="front"))
        with pytest.raises(Conflict):
            await client.update(_relabel(created, app="stale"))
        patched = await client.patch(
            Pod, "web", {"metadata": {"labels": {"tier": None}}}, namespace="default"
        )
        assert dict(patched.metadata.labels) == {"app": "web"}
        assert int(updated.metadata.resource_version) < int(patched.metadata.resource_version)
        status = await client.patch_status(
            Pod, "web", {"status": {"phase": "Running"}}, namespace="default"
        )
        assert status.status.phase == "Running"
        await client.delete(Pod, "web", namespace="default", grace_period_seconds=0)
        with pytest.raises(NotFound):
            await client.get(Pod, "web", namespace="default")
        assert await client.delete(Pod, "web", namespace="default", ignore_not_found=True) is None


async def test_a_limited_list_pages_through_every_object() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        for i in range(25):
            await cluster.client.create(pod(f"p{i:02}"))
        pods = await cluster.client.list(Pod, namespace="default", limit=10)
        assert [p.metadata.name for p in pods] == [f"p{i:02}" for i in range(25)]
        page = await cluster.client.list_page(Pod, limit=10)
        assert len(page.items) == 10
        assert page.continue_token


async def test_an_informer_lists_the_apiserver_then_hears_every_change() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        informers = InformerFactory(cluster.client)
        namespaces, pods = informers.informer(Namespace), informers.informer(Pod)
        recorder = Recorder()
        pods.add_event_handler(recorder)
        await informers.start(cluster.system)
        await informers.wait_synced()
        assert sorted(n.metadata.name for n in namespaces.indexer) == [
            "default",
            "kube-node-lease",
            "kube-public",
            "kube-system",
        ]
        web = await cluster.client.create(pod("web", labels={"app": "web"}))
        await cluster.client.update(_relabel(web, app="web", v="2"))
        await cluster.client.delete(Pod, "web", namespace="default", grace_period_seconds=0)
        await cluster.settle()
        assert recorder.take() == ["add default/web", "update default/web", "delete default/web"]
        assert len(pods.indexer) == 0


async def test_an_informer_keeps_up_with_many_writers_and_misses_nothing() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        informers = InformerFactory(cluster.client)
        pods = informers.informer(Pod)
        recorder = Recorder()
        pods.add_event_handler(recorder)
        await informers.start(cluster.system)
        await informers.wait_synced()
        async with anyio.create_task_group() as tg:
            for i in range(300):
                tg.start_soon(cluster.client.create, pod(f"p{i:03}"))
        await cluster.settle()
        assert sorted(recorder.take()) == [f"add default/p{i:03}" for i in range(300)]
        assert len(pods.indexer) == 300
        assert pods.resource_version == (await cluster.client.list_page(Pod)).resource_version


async def test_an_informer_re_lists_when_the_apiserver_says_its_version_is_gone() -> None:
    async with Cluster(controllers=(), scheduler=False, watch_cache_size=4) as cluster:
        gate = asyncio.Event()
        gate.set()
        proxy = await cluster.system.spawn(lambda: Interceptor(cluster.apiserver, gate))
        informers = InformerFactory(Client(proxy))
        pods = informers.informer(Pod)
        recorder = Recorder()
        pods.add_event_handler(recorder)
        await cluster.client.create(pod("before"))
        await informers.start(cluster.system)
        await informers.wait_synced()
        gate.clear()
        await proxy.tell(EndWatches())  # the informer re-watches from its version: held
        await cluster.client.delete(Pod, "before", namespace="default", grace_period_seconds=0)
        for i in range(1100):  # enough for the watch cache to forget that version
            await cluster.client.create(pod(f"p{i:04}"))
        with capture_logs() as logs:
            gate.set()
            await cluster.settle()
        assert pods.statistics().lists == 2
        relists = [e for e in logs if e["event"] == "informer_relist"]
        assert [e["reason"] for e in relists] == ["watch_gone"]
        events = recorder.take()
        assert events[0] == "add default/before"
        expected = ["delete default/before"] + [f"add default/p{i:04}" for i in range(1100)]
        assert sorted(events[1:]) == sorted(expected)
        assert len(pods.indexer) == 1100
