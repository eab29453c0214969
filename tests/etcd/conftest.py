"""The store tests run against both backends: ``new_store()`` makes the one a test is for."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kube_actors.etcd import MemoryBackend, SqliteBackend

StoreFactory = Callable[[], MemoryBackend | SqliteBackend]


@pytest.fixture(params=["memory", "sqlite"])
def new_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreFactory]:
    made: list[SqliteBackend] = []

    def make() -> MemoryBackend | SqliteBackend:
        if request.param == "memory":
            return MemoryBackend()
        store = SqliteBackend(tmp_path / f"store-{len(made)}.db", synchronous="normal")
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()
