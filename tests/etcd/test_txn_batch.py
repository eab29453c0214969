"""``TxnBatch``, the apiserver's group commit: several transactions in one request, each with
its own compare, its own revision and its own outcome, on every store."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from kube_actors.actors import Actor, ActorRef, ActorSystem
from kube_actors.etcd import (
    Compare,
    EtcdActor,
    KeyEvent,
    Pipelined,
    Put,
    Range,
    RemoteBackend,
    RemoteEtcdActor,
    SqliteBackend,
    Txn,
    TxnBatch,
    TxnResponse,
    WatchCreate,
    prefix_end,
)
from kube_actors.testing import etcd_binary, etcd_servers


def create(key: str, value: object) -> Txn:
    return Txn(compare=[Compare.create_revision(key, "=", 0)], success=[Put(key=key, value=value)])


def swap(key: str, revision: int, value: object) -> Txn:
    return Txn(
        compare=[Compare.mod_revision(key, "=", revision)], success=[Put(key=key, value=value)]
    )


#: A transaction every store refuses: it writes one key twice.
BAD = Txn(success=[Put(key="k/bad", value=1), Put(key="k/bad", value=2)])


@asynccontextmanager
async def etcd_actor(
    kind: str, tmp_path: Path
) -> AsyncIterator[tuple[ActorRef, Callable[[], int]]]:
    """The etcd actor over ``kind``'s store, and a count of the store's commits (-1: not
    counted)."""
    factory: Callable[[], Actor]
    if kind == "etcd":
        if etcd_binary() is None:
            if os.environ.get("CI"):
                pytest.fail("etcd is not installed, and CI needs it: see .ci/run")
            pytest.skip("etcd is not installed (CI installs it; apt-get install etcd-server)")
        with etcd_servers(1) as servers:
            backend = RemoteBackend(servers.endpoints)
            try:
                async with ActorSystem() as system:
                    etcd = await system.spawn(lambda: RemoteEtcdActor(backend), name="etcd")
                    yield etcd, lambda: -1
            finally:
                await backend.close()
        return
    store = SqliteBackend(tmp_path / "store.db") if kind == "sqlite" else None
    factory = (lambda: EtcdActor(store)) if store is not None else EtcdActor
    try:
        async with ActorSystem() as system:
            etcd = await system.spawn(factory, name="etcd")
            yield etcd, (lambda: store.commits) if store is not None else (lambda: -1)
    finally:
        if store is not None:
            store.close()


@pytest.mark.real_time
@pytest.mark.parametrize("kind", ["memory", "sqlite", "etcd"])
async def test_each_transaction_of_a_batch_has_its_own_outcome_and_revision(
    kind: str, tmp_path: Path
) -> None:
    async with etcd_actor(kind, tmp_path) as (etcd, commits):
        first = await etcd.ask(Put(key="k/a", value=0))
        watcher = await etcd.ask(
            WatchCreate(key="k/", range_end=prefix_end("k/"), start_revision=first.revision + 1)
        )
        before = commits()
        reply = await etcd.ask(
            Pipelined(
                TxnBatch(
                    txns=[
                        swap("k/a", first.revision, 1),  # holds
                        create("k/b", "b"),  # holds
                        create("k/b", "again"),  # fails its compare: changes nothing
                        BAD,  # raises, alone
                        swap("k/a", first.revision, 2),  # stale now: fails
                        swap("k/a", first.revision + 1, 3),  # on the first swap: holds
                    ]
                )
            )
        )
        if reply.durable is not None:
            await reply.durable
        outcomes = reply.response.outcomes
        assert isinstance(outcomes[3], Exception)
        answers = [o for o in outcomes if isinstance(o, TxnResponse)]
        assert [a.succeeded for a in answers] == [True, True, False, False, True]
        base = first.revision
        assert [a.revision for a in answers] == [base + 1, base + 2, base + 2, base + 2, base + 3]
        assert reply.response.revision == base + 3
        if commits() >= 0:
            assert commits() == before + 1  # the batch is one transaction of the file
        stored = await etcd.ask(Range(key="k/", range_end=prefix_end("k/")))
        assert {kv.key: kv.value for kv in stored.kvs} == {"k/a": 3, "k/b": "b"}
        seen: list[KeyEvent] = []
        async for events in watcher:
            seen += events
            if len(seen) >= 3:
                break
        assert [(e.kv.key, e.kv.value, e.kv.mod_revision) for e in seen] == [
            ("k/a", 1, base + 1),
            ("k/b", "b", base + 2),
            ("k/a", 3, base + 3),
        ]
