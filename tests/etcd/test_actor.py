"""The etcd actor: requests by ask, watches outside the mailbox, leases on the running clock."""

from __future__ import annotations

import asyncio

import pytest

from kube_actors.actors import ActorRef, ActorSystem, monotonic
from kube_actors.errors import ActorStopped, Compacted, FutureRevision, LeaseNotFound
from kube_actors.etcd import (
    Compact,
    Compare,
    EndpointStatus,
    EndpointStatusResponse,
    EtcdActor,
    KeyEvent,
    LeaseGrant,
    LeaseKeepAlive,
    LeaseRevoke,
    LeaseTimeToLive,
    MemoryBackend,
    Put,
    Range,
    Txn,
    WatchCreate,
)


async def keys(etcd: ActorRef) -> list[str]:
    return [kv.key for kv in (await etcd.ask(Range.prefix(""))).kvs]


async def test_requests_are_answered_by_ask() -> None:
    async with ActorSystem() as system:
        etcd = await system.spawn(EtcdActor, name="etcd")
        put = await etcd.ask(Put(key="a", value=1))
        txn = await etcd.ask(
            Txn(
                compare=[Compare.mod_revision("a", "=", put.revision)],
                success=[Put(key="a", value=2)],
            )
        )
        assert txn.succeeded
        assert (await etcd.ask(Range(key="a"))).kvs[0].value == 2
        assert await etcd.ask(EndpointStatus()) == EndpointStatusResponse(
            revision=3, compact_revision=0
        )


async def test_store_errors_reach_the_asker_and_the_actor_carries_on() -> None:
    async with ActorSystem() as system:
        etcd = await system.spawn(EtcdActor, name="etcd")
        for value in range(3):
            await etcd.ask(Put(key="a", value=value))
        await etcd.ask(Compact(revision=3))
        with pytest.raises(Compacted):
            await etcd.ask(Range(key="a", revision=2))
        with pytest.raises(FutureRevision):
            await etcd.ask(Range(key="a", revision=9))
        with pytest.raises(Compacted):
            await etcd.ask(WatchCreate(key="a", start_revision=2))
        with pytest.raises(TypeError):
            await etcd.ask("not a request")
        assert (await etcd.ask(Range(key="a"))).kvs[0].value == 2


async def test_a_watch_is_answered_with_a_watcher_fed_by_later_writes() -> None:
    async with ActorSystem() as system:
        etcd = await system.spawn(EtcdActor, name="etcd")
        await etcd.ask(Put(key="pods/a", value=1))
        watcher = await etcd.ask(WatchCreate.prefix("pods/", start_revision=1))
        for value in range(2, 5):
            await etcd.ask(Put(key="pods/a", value=value))
        seen: list[KeyEvent] = []
        async with watcher:
            async for events in watcher:
                seen += events
                if len(seen) == 4:
                    break
        assert [e.kv.value for e in seen] == [1, 2, 3, 4]
        assert [e.prev_kv.value if e.prev_kv else None for e in seen] == [None, 1, 2, 3]


async def test_a_lease_expires_exactly_its_ttl_after_the_grant_on_the_running_clock() -> None:
    async with ActorSystem() as system:
        etcd = await system.spawn(EtcdActor, name="etcd")
        start = monotonic()
        lease = (await etcd.ask(LeaseGrant(ttl=30))).id
        await etcd.ask(Put(key="node/a", value=1, lease=lease))
        watcher = await etcd.ask(WatchCreate(key="node/a"))
        events = await anext(watcher)
        assert monotonic() - start == 30.0
        assert [e.type.value for e in events] == ["DELETE"]
        assert await keys(etcd) == []
        with pytest.raises(LeaseNotFound):
            await etcd.ask(LeaseKeepAlive(id=lease))


async def test_keep_alive_postpones_the_expiry() -> None:
    async with ActorSystem() as system:
        etcd = await system.spawn(EtcdActor, name="etcd")
        start = monotonic()
        lease = (await etcd.ask(LeaseGrant(ttl=10))).id
        await etcd.ask(Put(key="k", value=1, lease=lease))
        watcher = await etcd.ask(WatchCreate(key="k"))
        for _ in range(3):
            await asyncio.sleep(8)
            assert (await etcd.ask(LeaseKeepAlive(id=lease))).ttl == 10
        assert (await etcd.ask(LeaseTimeToLive(id=lease))).ttl == 10
        await anext(watcher)
        assert monotonic() - start == 34.0


async def test_revoking_a_lease_deletes_its_keys_and_cancels_its_expiry() -> None:
    async with ActorSystem() as system:
        etcd = await system.spawn(EtcdActor, name="etcd")
        lease = (await etcd.ask(LeaseGrant(ttl=10))).id
        await etcd.ask(Put(key="a", value=1, lease=lease))
        await etcd.ask(Put(key="b", value=1, lease=lease))
        revoked = await etcd.ask(LeaseRevoke(id=lease))
        assert revoked.revision == 4
        await system.settle(horizon=60)
        assert (await etcd.ask(EndpointStatus())).revision == 4


async def test_stopping_the_actor_ends_its_watches_with_actor_stopped() -> None:
    async with ActorSystem() as system:
        etcd = await system.spawn(EtcdActor, name="etcd")
        watcher = await etcd.ask(WatchCreate(key="a"))
        waiting = asyncio.create_task(anext(watcher))
        await asyncio.sleep(0)
        await etcd.stop()
        with pytest.raises(ActorStopped):
            await waiting


async def test_a_backend_given_from_outside_survives_a_restart_of_the_actor() -> None:
    backend = MemoryBackend()
    async with ActorSystem() as system:
        etcd = await system.spawn(lambda: EtcdActor(backend), name="etcd")
        await etcd.ask(Put(key="a", value=1))
        await etcd.stop()
        again = await system.spawn(lambda: EtcdActor(backend), name="etcd-2")
        assert await keys(again) == ["a"]
