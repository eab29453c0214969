"""Over a durable store the apiserver keeps taking requests while writes wait for their group
commit, and answers each write (and lets anyone see it) only once its commit is done."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import Any

import anyio
import attrs
import pytest

from kube_actors import Cluster
from kube_actors.api import ConfigMap, Namespace, ObjectMeta
from kube_actors.errors import NotFound
from kube_actors.etcd import SqliteBackend

pytestmark = pytest.mark.real_time


class GatedStore(SqliteBackend):
    """A store whose commits wait for ``gate`` once ``closed`` is set: ``arrived`` tells
    the test that a commit is held."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, synchronous="normal")
        self.closed = False
        self.gate = threading.Event()
        self.arrived = threading.Event()

    def write_batch(self, batch: Any) -> None:
        if self.closed:
            self.arrived.set()
            self.gate.wait(30)
        super().write_batch(batch)


def config_map(name: str) -> ConfigMap:
    return ConfigMap(metadata=ObjectMeta(name=name, namespace="default"), data={"k": "v"})


async def test_a_write_is_answered_after_its_commit_while_other_requests_go_on(
    tmp_path: Path,
) -> None:
    store = GatedStore(tmp_path / "store.db")
    answers: dict[str, ConfigMap] = {}
    with contextlib.closing(store), anyio.fail_after(60):
        await _gated_writes(store, answers)
    assert set(answers) == {"first", "second"}


async def _gated_writes(store: GatedStore, answers: dict[str, ConfigMap]) -> None:
    async with Cluster(store=store, controllers=(), scheduler=False, clock="real") as cluster:
        api = cluster.client
        store.closed = True

        async def create(name: str) -> None:
            answers[name] = await api.create(config_map(name))

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(create, "first")
            await anyio.to_thread.run_sync(store.arrived.wait, 30)
            # The first write is applied and its commit held: the apiserver still answers,
            # and takes the next write, which joins the next commit...
            assert (await api.get(Namespace, "default")).metadata.name == "default"
            tasks.start_soon(create, "second")
            with pytest.raises(NotFound):  # ...and nobody sees an uncommitted write.
                await api.get(ConfigMap, "first", namespace="default")
            assert answers == {}
            assert store.revision > store.durable_revision
            store.gate.set()
        for made in answers.values():
            assert int(made.metadata.resource_version) <= store.durable_revision
            assert await api.get(ConfigMap, made.metadata.name, namespace="default") == made


async def test_concurrent_writes_share_commits_and_writes_of_one_object_keep_their_order(
    tmp_path: Path,
) -> None:
    store = SqliteBackend(tmp_path / "store.db", synchronous="normal")
    with contextlib.closing(store):
        await _concurrent_writes(store)


async def _concurrent_writes(store: SqliteBackend) -> None:
    async with Cluster(store=store, controllers=(), scheduler=False, clock="real") as cluster:
        api = cluster.client
        commits = store.commits
        made: list[ConfigMap] = []

        async def write(i: int) -> None:
            created = await api.create(config_map(f"cm-{i}"))
            changed = attrs.evolve(created, data={"k": "changed"})
            made.append(await api.update(changed))

        with anyio.fail_after(60):
            async with anyio.create_task_group() as tasks:
                for i in range(32):
                    tasks.start_soon(write, i)
        assert len(made) == 32
        # 64 writes, committed in fewer transactions than one each: writes shared commits
        # (how many depends on the machine's speed: a commit gathers for 2 ms at most).
        assert store.commits - commits < 64
        for obj in made:
            assert await api.get(ConfigMap, obj.metadata.name, namespace="default") == obj
