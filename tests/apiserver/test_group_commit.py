"""Group commit: writes that wait in the apiserver's mailbox together reach the store as one
request, and every caller still gets the answer it would have got alone."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path
from typing import Any

import anyio
import attrs
import pytest

from kube_actors import Cluster
from kube_actors.api import (
    ConfigMap,
    ObjectMeta,
    Pod,
    ResourceQuota,
    ResourceQuotaSpec,
    WatchEvent,
)
from kube_actors.errors import (
    ActorStopped,
    AlreadyExists,
    ApiError,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    ServiceUnavailable,
)
from kube_actors.etcd import Range, SqliteBackend
from kube_actors.testing import deployment


def config_map(name: str, value: str = "v") -> ConfigMap:
    return ConfigMap(metadata=ObjectMeta(name=name, namespace="default"), data={"k": value})


def changed(obj: ConfigMap, value: str) -> ConfigMap:
    return attrs.evolve(obj, data={"k": value})


async def _concurrent_writes(cluster: Cluster) -> dict[str, Any]:
    """At one instant: 40 creates, five updates of one object from the same version, an
    invalid create, a name created twice; then each writer reads its own write back."""
    api = cluster.client
    shared = await api.create(config_map("shared"))
    answers: dict[str, Any] = {}

    async def write(label: str, call: Any) -> None:
        try:
            answers[label] = await call
        except ApiError as error:
            answers[label] = error
            return
        if isinstance(answers[label], ConfigMap):  # read-your-writes, right after
            name = answers[label].metadata.name
            assert await api.get(ConfigMap, name, namespace="default") == answers[label]

    async with anyio.create_task_group() as tasks:
        for i in range(40):
            tasks.start_soon(write, f"create-{i}", api.create(config_map(f"cm-{i:02}")))
            if i == 20:
                tasks.start_soon(write, "invalid", api.create(config_map("Not_A_Name")))
            if i % 8 == 0:
                tasks.start_soon(write, f"update-{i // 8}", api.update(changed(shared, str(i))))
        tasks.start_soon(write, "twice-0", api.create(config_map("twice", "first")))
        tasks.start_soon(write, "twice-1", api.create(config_map("twice", "second")))
    return answers


async def test_concurrent_writers_each_get_their_own_answer_from_one_commit() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        stream = await cluster.client.watch(ConfigMap, namespace="default")
        etcd = cluster.system.lookup("etcd")
        assert etcd is not None
        requests_before = etcd.statistics().handled
        answers = await _concurrent_writes(cluster)
        store_requests = etcd.statistics().handled - requests_before
        await cluster.settle()

        invalid = answers.pop("invalid")
        assert isinstance(invalid, Invalid)
        assert "metadata.name" in str(invalid)
        updates = [answers.pop(f"update-{i}") for i in range(5)]
        assert sum(isinstance(u, ConfigMap) for u in updates) == 1  # one wins...
        assert all(isinstance(u, (ConfigMap, Conflict)) for u in updates)  # ...the rest conflict
        twice = [answers.pop("twice-0"), answers.pop("twice-1")]
        assert sorted(type(t).__name__ for t in twice) == ["AlreadyExists", "ConfigMap"]
        assert isinstance(twice[1], AlreadyExists)
        assert twice[0].data == {"k": "first"}
        created = [answers[f"create-{i}"] for i in range(40)]
        assert [c.metadata.name for c in created] == [f"cm-{i:02}" for i in range(40)]

        written = [*created, twice[0], *(u for u in updates if isinstance(u, ConfigMap))]
        versions = [int(w.metadata.resource_version) for w in written]
        assert len(set(versions)) == len(written)  # one revision per write
        # The 43 writes went to the store in far fewer requests (creates, then the read
        # each writer made afterwards, which are the apiserver's own).
        assert store_requests < len(written) // 2

        events: list[WatchEvent] = []
        while len(events) < 1 + len(written):
            events += await stream.next_batch()
        stream.close()
        seen = [int(e.obj.metadata.resource_version) for e in events]
        assert seen == sorted(seen)  # watchers get revision order
        by_version = {int(e.obj.metadata.resource_version): e.obj for e in events}
        for obj in written:
            assert by_version[int(obj.metadata.resource_version)] == obj
        names = {e.obj.metadata.name for e in events}
        assert "Not_A_Name" not in names  # the invalid write stored nothing
        stored = await cluster.client.list(ConfigMap, namespace="default")
        assert len(stored) == 42  # shared, twice, 40 creates


@pytest.mark.real_time
async def test_a_batch_over_sqlite_is_one_commit_and_answered_once_on_disk(tmp_path: Path) -> None:
    store = SqliteBackend(tmp_path / "store.db", synchronous="normal")
    try:
        async with Cluster(store=store, controllers=(), scheduler=False, clock="real") as cluster:
            commits_before = store.commits
            answers = await _concurrent_writes(cluster)
            commits = store.commits - commits_before
            for answer in answers.values():
                if isinstance(answer, ConfigMap):
                    assert int(answer.metadata.resource_version) <= store.durable_revision
            assert commits < 20  # 44 writes and their reads, in a few commits
    finally:
        store.close()
    reopened = SqliteBackend(tmp_path / "store.db")
    kvs = reopened.range(Range.prefix("/registry/configmaps/default/")).kvs
    reopened.close()
    assert {kv.key.rsplit("/", 1)[-1] for kv in kvs} >= {f"cm-{i:02}" for i in range(40)}


async def _placement(seed: int) -> tuple[dict[str, str], int, tuple[Any, ...]]:
    async with Cluster(nodes=3, seed=seed, trace=True) as cluster:
        await cluster.client.create(deployment("web", 12))
        await cluster.settle()
        pods = await cluster.client.list(Pod, namespace="default")
        trace = cluster.system.trace
        assert trace is not None
        records = tuple(str(r) for r in trace.records)  # time, who, what type, cause
        placement = {p.metadata.name: p.spec.node_name for p in pods}
        running = sum(p.status.phase == "Running" for p in pods)
        return placement, running, records


async def test_the_same_seed_gives_the_same_placement_and_trace_with_batched_writes() -> None:
    first, running, trace = await _placement(11)
    again, _, trace_again = await _placement(11)
    assert running == 12
    assert len(first) == 12
    assert again == first
    assert trace_again == trace


async def test_concurrent_creates_never_both_take_a_quotas_last_unit() -> None:
    async with Cluster(controllers=("resourcequota",), scheduler=False) as cluster:
        api = cluster.client
        spec = ResourceQuotaSpec(hard={"configmaps": "3"})
        await api.create(
            ResourceQuota(metadata=ObjectMeta(name="q", namespace="default"), spec=spec)
        )
        await cluster.settle()  # the quota controller has written status.hard
        outcomes: list[object] = []

        async def create(i: int) -> None:
            try:
                outcomes.append(await api.create(config_map(f"q-{i}")))
            except Forbidden as refused:
                outcomes.append(refused)

        async with anyio.create_task_group() as tasks:
            for i in range(6):
                tasks.start_soon(create, i)
        # Each create's admission counted the ones before it: three fit, three do not.
        assert sum(isinstance(o, ConfigMap) for o in outcomes) == 3
        assert sum(isinstance(o, Forbidden) for o in outcomes) == 3
        assert len(await api.list(ConfigMap, namespace="default")) == 3


@pytest.mark.parametrize("together", [1, 8])
async def test_an_api_error_is_freed_once_its_caller_drops_it(together: int) -> None:
    # An API error is the apiserver's answer, as a Status is Kubernetes': had it kept the
    # handler's frames in its traceback, they would keep the request and its reply future,
    # which keeps the error, a cycle for each refused request (each kubelet's first read of
    # its Lease is a NotFound) that only a full collection frees. Alone or in a batch, a
    # read's NotFound and a create's Invalid alike.
    async with Cluster(controllers=(), scheduler=False) as cluster:
        api = cluster.client
        gc.collect()
        gc.disable()
        try:
            dropped: list[weakref.ref[BaseException]] = []

            async def refused(call: Any) -> None:
                try:
                    await call
                except (NotFound, Invalid) as error:
                    dropped.append(weakref.ref(error))

            async with anyio.create_task_group() as tasks:
                for i in range(together):
                    tasks.start_soon(
                        refused, api.get(ConfigMap, f"missing-{i}", namespace="default")
                    )
                    tasks.start_soon(refused, api.create(config_map(f"Not_A_Name_{i}")))
            assert len(dropped) == 2 * together
            await api.list(ConfigMap, namespace="default")  # the mailbox's last batch goes
            assert [ref() for ref in dropped] == [None] * (2 * together)
        finally:
            gc.enable()


async def test_each_write_of_a_batch_is_answered_503_while_etcd_is_down() -> None:
    # The driver runs the handlers; the apiserver makes their store errors its 503 as it does
    # for a lone request (``ApiServer._answer``).
    async with Cluster(controllers=(), scheduler=False) as cluster:
        await cluster.system.stop(cluster.system.lookup("etcd"))
        answers: list[BaseException] = []

        async def create(name: str) -> None:
            with pytest.raises(ServiceUnavailable, match="etcd is unavailable") as raised:
                await cluster.client.create(config_map(name))
            answers.append(raised.value)

        async with anyio.create_task_group() as tasks:
            for i in range(5):
                tasks.start_soon(create, f"cm-{i}")
        assert len(answers) == 5
        assert all(isinstance(answer.__cause__, ActorStopped) for answer in answers)
