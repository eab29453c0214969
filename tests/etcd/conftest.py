"""The store tests run against every backend: ``new_store()`` makes the one a test is for.

"etcd" is a real etcd (a fresh one per store, so revisions start at 1), driven through
``RemoteBackend`` on a loop of its own in a thread, so the synchronous tests read it as they
read the others; without an etcd binary it skips, except under CI, which installs one.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from kube_actors.etcd import (
    CompactResponse,
    DeleteRange,
    DeleteRangeResponse,
    KeyEvent,
    MemoryBackend,
    Put,
    PutResponse,
    Range,
    RangeResponse,
    RemoteBackend,
    SqliteBackend,
    Txn,
    TxnResponse,
)
from kube_actors.testing import EtcdServers, etcd_binary

T = TypeVar("T")

StoreFactory = Callable[[], Any]


def need_etcdctl() -> None:
    """For tests that read the store as an operator would, with ``etcdctl``."""
    need_etcd()
    if shutil.which("etcdctl") is None:
        if os.environ.get("CI"):
            pytest.fail("etcdctl is not installed, and CI needs it: see .ci/run")
        pytest.skip("etcdctl is not installed (CI installs it; apt-get install etcd-client)")


def need_etcd() -> None:
    if etcd_binary() is None:
        if os.environ.get("CI"):
            pytest.fail("etcd is not installed, and CI needs it: see .ci/run")
        pytest.skip("etcd is not installed (CI installs it; apt-get install etcd-server)")


class SyncEtcd:
    """A real etcd read through ``RemoteBackend`` as the synchronous backends are read."""

    def __init__(self) -> None:
        self.servers = EtcdServers(1)
        self.servers.start()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self.backend = RemoteBackend(self.servers.endpoints)

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=30)

    @property
    def revision(self) -> int:
        return self._run(self.backend.status()).revision

    @property
    def compact_revision(self) -> int:
        return self._run(self.backend.status()).compact_revision

    def range(self, request: Range) -> RangeResponse:
        return self._run(self.backend.range(request))

    def put(self, request: Put) -> PutResponse:
        return self._run(self.backend.put(request))

    def delete(self, request: DeleteRange) -> DeleteRangeResponse:
        return self._run(self.backend.delete(request))

    def txn(self, request: Txn) -> TxnResponse:
        return self._run(self.backend.txn(request))

    def compact(self, revision: int) -> CompactResponse:
        return self._run(self.backend.compact(revision))

    def changes(self, start: int, end: int) -> list[KeyEvent]:
        async def read() -> list[KeyEvent]:
            events: list[KeyEvent] = []
            async with self.backend.watch("", "\0", start_revision=start) as watcher:
                async for batch in watcher:
                    events += [e for e in batch if e.kv.mod_revision <= end]
                    if batch[-1].kv.mod_revision >= end:
                        break
            return events

        return self._run(read())

    def close(self) -> None:
        self._run(self.backend.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()
        self.servers.stop()


def store_factories(kind: str, tmp_path: Path) -> Iterator[StoreFactory]:
    """``new_store`` for ``kind``: the stores it made are closed when it is resumed."""
    if kind == "etcd":
        need_etcd()
    made: list[SqliteBackend | SyncEtcd] = []

    def make() -> MemoryBackend | SqliteBackend | SyncEtcd:
        if kind == "memory":
            return MemoryBackend()
        store: SqliteBackend | SyncEtcd
        if kind == "etcd":
            store = SyncEtcd()
        else:
            store = SqliteBackend(tmp_path / f"store-{len(made)}.db", synchronous="normal")
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()


@pytest.fixture(params=["memory", "sqlite", "etcd"])
def new_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreFactory]:
    yield from store_factories(request.param, tmp_path)


@pytest.fixture(params=["memory", "sqlite"])
def new_local_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreFactory]:
    """The stores in this process only, for what a real etcd does not promise: their
    statistics, and ``prev_kv`` kept for events at the compacted revision."""
    yield from store_factories(request.param, tmp_path)
