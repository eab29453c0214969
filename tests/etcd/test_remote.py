"""The store in a real etcd (``RemoteBackend``), and a cluster on it (``store="etcd://..."``).

Each test starts its own etcd (a fresh one, so revisions start at 1 as in the other stores);
without an etcd binary they skip, except under CI, which installs one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from kube_actors.api import Pod
from kube_actors.cluster import Cluster
from kube_actors.errors import (
    Compacted,
    FutureRevision,
    ServiceUnavailable,
    StoreUnavailable,
)
from kube_actors.etcd import (
    Compare,
    DeleteRange,
    EventType,
    Put,
    Range,
    RemoteBackend,
    Txn,
)
from kube_actors.testing import EtcdServers, deployment, etcd_binary, etcd_servers


def _need_etcd() -> None:
    if etcd_binary() is None:
        if os.environ.get("CI"):
            pytest.fail("etcd is not installed, and CI needs it: see .ci/run")
        pytest.skip("etcd is not installed (CI installs it; apt-get install etcd-server)")


@pytest.fixture
def etcd() -> Iterator[EtcdServers]:
    _need_etcd()
    with etcd_servers(1) as servers:
        yield servers


async def test_revisions_are_etcds_and_a_txn_swaps_only_on_the_revision_it_read(
    etcd: EtcdServers,
) -> None:
    store = RemoteBackend(etcd.endpoints)
    try:
        assert (await store.status()).revision == 1
        assert (await store.put(Put(key="a", value={"n": 1}))).revision == 2
        created = await store.txn(
            Txn(compare=[Compare.create_revision("a", "=", 0)], success=[Put(key="a", value=0)])
        )
        assert not created.succeeded  # create only if absent
        swapped = await store.txn(
            Txn(compare=[Compare.mod_revision("a", "=", 2)], success=[Put(key="a", value=2)])
        )
        assert swapped.succeeded
        assert swapped.revision == 3
        stale = await store.txn(
            Txn(compare=[Compare.mod_revision("a", "=", 2)], success=[Put(key="a", value=9)])
        )
        assert not stale.succeeded
        (kv,) = (await store.range(Range(key="a"))).kvs
        assert (kv.value, kv.create_revision, kv.mod_revision, kv.version) == (2, 2, 3, 2)
        past = await store.range(Range(key="a", revision=2))
        assert past.kvs[0].value == {"n": 1}
        with pytest.raises(FutureRevision):
            await store.range(Range(key="a", revision=99))
        with pytest.raises(ValueError, match="equality only"):
            await store.txn(Txn(compare=[Compare.value("a", ">", 1)]))
    finally:
        await store.close()


async def test_a_watch_delivers_every_event_from_its_revision_and_compaction_is_gone(
    etcd: EtcdServers,
) -> None:
    store = RemoteBackend(etcd.endpoints)
    try:
        for i in range(3):
            await store.put(Put(key=f"k/{i}", value=i))  # revisions 2, 3, 4
        await store.delete(DeleteRange(key="k/0"))  # 5
        watcher = store.watch("k/", "k0", start_revision=3)
        seen: list[tuple[EventType, str, int]] = []
        async for events in watcher:
            seen += [(e.type, e.kv.key, e.kv.mod_revision) for e in events]
            if seen[-1][2] == 5:
                break
        watcher.close()
        assert seen == [
            (EventType.PUT, "k/1", 3),
            (EventType.PUT, "k/2", 4),
            (EventType.DELETE, "k/0", 5),
        ]
        await store.compact(4)
        assert (await store.status()).compact_revision == 4
        with pytest.raises(Compacted):
            await store.range(Range(key="k/1", revision=3))
        with pytest.raises(Compacted):
            async for _ in store.watch("k/", "k0", start_revision=2):
                pass
    finally:
        await store.close()


async def test_an_unreachable_etcd_is_store_unavailable(etcd: EtcdServers) -> None:
    store = RemoteBackend(etcd.endpoints, timeout=0.5)
    try:
        await store.put(Put(key="a", value=1))
        etcd.kill(0)
        with pytest.raises(StoreUnavailable, match="etcd is unavailable"):
            await store.put(Put(key="a", value=2))
        with pytest.raises(StoreUnavailable):
            await store.range(Range(key="a"))
        etcd.start(0)
        store.timeout = 5.0  # time enough to connect again
        assert (await store.range(Range(key="a"))).kvs[0].value == 1
    finally:
        await store.close()


async def test_a_cluster_runs_on_etcd_with_resource_versions_from_etcd(
    etcd: EtcdServers,
) -> None:
    async with Cluster(store=etcd.url, nodes=1) as cluster:
        await cluster.apply(deployment("web", 2))
        await cluster.settle()
        pods = await cluster.client.list(Pod, namespace="default")
        assert len(pods) == 2
        assert all(p.status.phase == "Running" for p in pods)
    # The objects are etcd's: another client reads them, at the revisions they were given.
    store = RemoteBackend(etcd.endpoints)
    try:
        stored = await store.range(Range.prefix("/registry/"))
        by_key = {kv.key: kv for kv in stored.kvs}
        for pod in pods:
            key = next(k for k in by_key if k.endswith(f"/pods/default/{pod.metadata.name}"))
            assert str(by_key[key].mod_revision) == pod.metadata.resource_version
    finally:
        await store.close()
    # ... and a cluster started again on the same etcd finds them.
    async with Cluster(store=etcd.url) as cluster:
        again = await cluster.client.list(Pod, namespace="default")
        assert sorted(p.metadata.name for p in again) == sorted(p.metadata.name for p in pods)


async def test_the_apiserver_answers_503_while_etcd_is_down(etcd: EtcdServers) -> None:
    store = RemoteBackend(etcd.endpoints, timeout=0.5)
    async with Cluster(store=store) as cluster:
        etcd.kill(0)
        with pytest.raises(ServiceUnavailable, match="etcd is unavailable"):
            await cluster.apply(deployment("web", 1))
        etcd.start(0)
        store.timeout = 5.0
        (result,) = await cluster.apply(deployment("web", 1))
        assert result.object.metadata.name == "web"
    await store.close()


def test_a_three_member_cluster_keeps_serving_with_one_member_killed() -> None:
    _need_etcd()
    from kube_actors.actors import run

    with etcd_servers(3) as etcd:

        async def main() -> None:
            store = RemoteBackend(etcd.endpoints, timeout=2.0)
            try:
                async with Cluster(store=store, nodes=1) as cluster:
                    await cluster.apply(deployment("web", 1))
                    await cluster.settle()
                    etcd.kill(0)  # maybe the leader: a write in flight then fails, 503
                    for _ in range(5):
                        try:
                            await cluster.apply(deployment("api", 2))
                            break
                        except ServiceUnavailable:  # retried, as clients retry a 503
                            continue
                    await cluster.settle()
                    pods = await cluster.client.list(Pod, namespace="default")
                    assert len(pods) == 3
            finally:
                await store.close()

        run(main)


def test_store_urls_name_their_endpoints() -> None:
    from kube_actors.cluster._store import parse_store

    assert parse_store("etcd://10.0.0.1:2379,10.0.0.2:2379").etcd_servers == (
        "10.0.0.1:2379",
        "10.0.0.2:2379",
    )
    with pytest.raises(ValueError, match="needs a host and a port"):
        parse_store("etcd://10.0.0.1")
