"""``CreateEach``: several creates in one message, each answered, stored and watched as the
same ``Create`` sent alone would be."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kube_actors import Cluster
from kube_actors.api import ConfigMap, Event, ObjectMeta, ObjectReference, WatchEvent
from kube_actors.errors import AlreadyExists, ApiError, Invalid
from kube_actors.etcd import SqliteBackend


def config_map(name: str, value: str = "v") -> ConfigMap:
    return ConfigMap(metadata=ObjectMeta(name=name, namespace="default"), data={"k": value})


def event(name: str, reason: str) -> Event:
    return Event(
        metadata=ObjectMeta(name=name, namespace="default"),
        involved_object=ObjectReference(kind="Pod", namespace="default", name="web"),
        reason=reason,
        message=f"{reason} it",
    )


#: Stored, refused as invalid, stored, taken already, stored: of two kinds.
OBJECTS: list[Any] = [
    config_map("a"),
    config_map("Not_A_Name"),
    event("web.1", "Pulled"),
    config_map("a", "again"),
    event("web.2", "Started"),
    event("web.1", "Created"),
    config_map("b"),
]


def _comparable(outcome: Any) -> Any:
    if isinstance(outcome, ApiError):
        return (type(outcome), str(outcome), getattr(outcome, "causes", None))
    return outcome


async def _outcomes(*, each: bool) -> tuple[list[Any], list[WatchEvent]]:
    """What the creates of ``OBJECTS`` answer, in one message or one by one, and what a
    watch of each kind saw of them."""
    async with Cluster(seed=3, clock="virtual", controllers=(), scheduler=False) as cluster:
        api = cluster.client
        streams = [await api.watch(kind, namespace="default") for kind in (ConfigMap, Event)]
        if each:
            outcomes: list[Any] = await api.create_each(OBJECTS)
        else:
            outcomes = []
            for obj in OBJECTS:
                try:
                    outcomes.append(await api.create(obj))
                except ApiError as error:
                    outcomes.append(error)
        await cluster.settle()
        seen: list[WatchEvent] = []
        for stream in streams:
            seen += await stream.next_batch()
            stream.close()
        seen.sort(key=lambda e: int(e.obj.metadata.resource_version))
        return outcomes, seen


async def test_each_create_of_one_message_is_answered_as_the_same_create_alone() -> None:
    together, seen = await _outcomes(each=True)
    alone, seen_alone = await _outcomes(each=False)
    assert [type(o) for o in together] == [
        ConfigMap,
        Invalid,
        Event,
        AlreadyExists,
        Event,
        AlreadyExists,
        ConfigMap,
    ]
    # The same objects (uids, resourceVersions, managedFields, times) and the same errors.
    assert [_comparable(o) for o in together] == [_comparable(o) for o in alone]
    stored = [o for o in together if not isinstance(o, ApiError)]
    versions = [int(o.metadata.resource_version) for o in stored]
    assert versions == sorted(set(versions))  # one revision each, in order
    # Each stored object is one ADDED event of its own, as a create alone makes.
    assert [(e.type, e.obj) for e in seen] == [("ADDED", o) for o in stored]
    assert [(e.type, e.obj) for e in seen_alone] == [(e.type, e.obj) for e in seen]


async def test_an_empty_create_each_answers_nothing() -> None:
    async with Cluster(clock="virtual", controllers=(), scheduler=False) as cluster:
        assert await cluster.client.create_each([]) == []


@pytest.mark.real_time
async def test_create_each_over_sqlite_is_answered_once_its_creates_are_on_disk(
    tmp_path: Path,
) -> None:
    store = SqliteBackend(tmp_path / "store.db", synchronous="normal")
    try:
        async with Cluster(store=store, controllers=(), scheduler=False, clock="real") as cluster:
            outcomes = await cluster.client.create_each(OBJECTS)
            stored = [o for o in outcomes if not isinstance(o, ApiError)]
            assert len(stored) == 4
            for obj in stored:
                assert int(obj.metadata.resource_version) <= store.durable_revision
            assert isinstance(outcomes[1], Invalid)
    finally:
        store.close()
