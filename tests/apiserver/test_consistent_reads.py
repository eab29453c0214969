"""Consistent reads (resourceVersion "") on a store other apiservers write to.

An apiserver learns of another's writes through its watch of the store, which may lag (its
etcd member was killed and it watches again): a get or a list with resourceVersion "" must
still show every write acknowledged before it was asked, as Kubernetes' consistent reads do
(the store's current revision, then the watch cache waited for, else etcd read at once).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

import anyio

from kube_actors import Cluster
from kube_actors.actors import Actor, ActorRef
from kube_actors.api import ConfigMap
from kube_actors.apiserver import ApiServer
from kube_actors.client import Client
from kube_actors.etcd import KeyEvent, WatchCreate

from .test_group_commit import config_map


class _HeldWatches(Actor):
    """The store, except that the watches opened through it hand nothing on until
    ``release`` is set: an apiserver whose watch of the store lags behind."""

    def __init__(self, etcd: ActorRef, release: anyio.Event) -> None:
        self.etcd, self.release = etcd, release

    async def receive(self, message: Any) -> Any:
        answer = await self.etcd.ask(message)
        if isinstance(message, WatchCreate):
            return _Held(answer, self.release)
        return answer


class _Held:
    def __init__(self, watcher: Any, release: anyio.Event) -> None:
        self.watcher, self.release = watcher, release

    async def __aiter__(self) -> AsyncIterator[Sequence[KeyEvent]]:
        await self.release.wait()
        async for events in self.watcher:
            yield events


async def _lagging_apiserver(cluster: Cluster, release: anyio.Event, *, shared: bool) -> Client:
    etcd = cluster.system.lookup("etcd")
    assert etcd is not None
    held = await cluster.system.spawn(lambda: _HeldWatches(etcd, release), name="held-etcd")
    lagging = await cluster.system.spawn(
        lambda: ApiServer(held, shared_store=shared), name="lagging-apiserver"
    )
    return Client(lagging)


async def test_a_consistent_read_has_another_apiservers_acknowledged_write() -> None:
    async with Cluster(controllers=(), scheduler=False, clock="virtual", seed=1) as cluster:
        release = anyio.Event()
        lagging = await _lagging_apiserver(cluster, release, shared=True)
        await cluster.client.create(config_map("written-elsewhere"))

        # The cache never catches up: after 3 s the store is read instead.
        began = anyio.current_time()
        got = await lagging.get(ConfigMap, "written-elsewhere", namespace="default")
        assert got.metadata.name == "written-elsewhere"
        assert anyio.current_time() - began >= 3.0
        listed = await lagging.list(ConfigMap, namespace="default")
        assert "written-elsewhere" in {c.metadata.name for c in listed}

        # A cache that catches up meanwhile answers as soon as it has the write.
        await cluster.client.create(config_map("written-later"))
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(_release_after, release, 1.0)
            began = anyio.current_time()
            listed = await lagging.list(ConfigMap, namespace="default")
            waited = anyio.current_time() - began
        assert {"written-elsewhere", "written-later"} <= {c.metadata.name for c in listed}
        assert 1.0 <= waited < 3.0
        # Reads that ask for no consistency are answered from the cache as it stands.
        any_state = await lagging.list(ConfigMap, namespace="default", resource_version="0")
        assert {"written-elsewhere", "written-later"} <= {c.metadata.name for c in any_state}


async def test_an_apiserver_that_owns_its_store_reads_what_it_has_seen() -> None:
    """Without ``shared_store`` the apiserver trusts its own view (every write of the store
    goes through it): the lagging view shows, which is why the cluster says when the store
    is shared."""
    async with Cluster(controllers=(), scheduler=False, clock="virtual", seed=1) as cluster:
        lagging = await _lagging_apiserver(cluster, anyio.Event(), shared=False)
        await cluster.client.create(config_map("written-elsewhere"))
        listed = await lagging.list(ConfigMap, namespace="default")
        assert "written-elsewhere" not in {c.metadata.name for c in listed}


async def _release_after(release: anyio.Event, delay: float) -> None:
    await anyio.sleep(delay)
    release.set()
