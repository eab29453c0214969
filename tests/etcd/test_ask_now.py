"""The etcd actor answers store requests at once while idle (``receive_now``, the apiserver's
writes) exactly as through its mailbox: the same answers, the same errors, the same history
and watch events, leases expiring alike."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kube_actors.actors import NOT_NOW, ActorRef, ActorSystem, run
from kube_actors.etcd import (
    Compact,
    Compare,
    DeleteRange,
    EndpointStatus,
    EtcdActor,
    LeaseGrant,
    LeaseKeepAlive,
    Pipelined,
    Put,
    Range,
    SqliteBackend,
    Txn,
    TxnBatch,
    WatchCreate,
    prefix_end,
)

KEYS = ("a", "a/x", "b")

_keys = st.sampled_from(KEYS)
_revisions = st.integers(min_value=0, max_value=12)
_put = st.builds(lambda k, v: Put(key=k, value=v), _keys, st.integers(0, 3))
_lease_put = st.builds(lambda k, v: Put(key=k, value=v, lease=1), _keys, st.integers(0, 3))
_create = st.builds(
    lambda k, v: Txn(compare=[Compare.create_revision(k, "=", 0)], success=[Put(key=k, value=v)]),
    _keys,
    st.integers(0, 3),
)
_swap = st.builds(
    lambda k, r, v: Txn(compare=[Compare.mod_revision(k, "=", r)], success=[Put(key=k, value=v)]),
    _keys,
    _revisions,
    st.integers(0, 3),
)
_requests = st.one_of(
    _put,
    _lease_put,  # LeaseNotFound until the lease is granted
    _create,
    _swap,
    st.builds(lambda txns: TxnBatch(txns=txns), st.lists(st.one_of(_create, _swap), max_size=3)),
    st.builds(lambda k: DeleteRange(key=k), _keys),
    st.builds(lambda k: Range(key=k, range_end=prefix_end(k)), _keys),
    st.builds(lambda r: Range(key="a", revision=r), _revisions),  # compacted, future
    st.builds(lambda r: Compact(revision=r), _revisions),
    st.builds(lambda ttl: LeaseGrant(ttl=ttl, id=1), st.integers(1, 3)),
    st.just(LeaseKeepAlive(id=1)),
    st.just(EndpointStatus()),
)
#: A request, and the seconds of virtual time that pass before it (leases expire meanwhile).
_steps = st.lists(st.tuples(_requests, st.sampled_from((0.0, 0.0, 1.5))), max_size=25)


async def _asked(etcd: ActorRef, request: Any) -> Any:
    try:
        return await etcd.ask(request)
    except Exception as error:
        return (type(error), str(error))


async def _at_once(etcd: ActorRef, request: Any) -> Any:
    await asyncio.sleep(0)  # the actor is idle: every request is one it answers now
    try:
        answer = etcd.ask_now(request)
    except Exception as error:
        return (type(error), str(error))
    assert answer is not NOT_NOW
    return answer


async def _compare(steps: list[tuple[Any, float]]) -> None:
    async with ActorSystem() as system:
        asked = await system.spawn(EtcdActor, name="asked")
        now = await system.spawn(EtcdActor, name="now")
        watchers = [await etcd.ask(WatchCreate(key="", range_end="\0")) for etcd in (asked, now)]
        for request, pause in steps:
            await asyncio.sleep(pause)
            assert await _at_once(now, request) == await _asked(asked, request)
        await asyncio.sleep(5.0)  # every lease due: both expire them, through their timers
        final = Range(key="", range_end="\0")
        assert await _at_once(now, final) == await _asked(asked, final)
        events = [[(e.type, e.kv, e.prev_kv) for e in w.poll()] for w in watchers]
        assert events[0] == events[1]
        assert asked.statistics().handled > 0
        assert now.statistics().restarts == 0


@settings(max_examples=60, deadline=None)
@given(_steps)
def test_answered_at_once_or_through_the_mailbox_the_store_is_the_same(
    steps: list[tuple[Any, float]],
) -> None:
    run(_compare, steps)


async def test_over_a_durable_store_a_pipelined_write_is_answered_at_once_a_plain_one_not(
    tmp_path: Path,
) -> None:
    backend = SqliteBackend(tmp_path / "store.db")
    try:
        await _durable(backend)
    finally:
        backend.close()


async def _durable(backend: SqliteBackend) -> None:
    async with ActorSystem() as system:
        etcd = await system.spawn(lambda: EtcdActor(backend), name="etcd")
        await asyncio.sleep(0)
        write = Txn(success=[Put(key="a", value=1)])
        assert etcd.ask_now(write) is NOT_NOW  # its answer waits for the disk
        assert backend.revision == 1  # and nothing was written for it
        reply = etcd.ask_now(Pipelined(write))
        assert reply.response.succeeded
        assert reply.response.revision == 2
        if reply.durable is not None:
            await reply.durable
        assert backend.durable_revision == 2
        assert (await etcd.ask(Range(key="a"))).kvs[0].value == 1
