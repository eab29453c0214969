"""The object a write stores is the one it answers with and the watch cache serves: stored
with the resourceVersion its write is given, foreseen by the apiserver, so that the store and
the cache do not each keep a copy of every object (#20, #22). Foreseen wrong, the answers and
the cache are as right as ever."""

from __future__ import annotations

from typing import Any

import anyio
import attrs

from kube_actors import Cluster
from kube_actors.api import ConfigMap, ObjectMeta, kind_info
from kube_actors.apiserver._keys import object_key
from kube_actors.errors import Conflict
from kube_actors.etcd import MemoryBackend, Put, Range


def config_map(name: str, value: str = "v") -> ConfigMap:
    return ConfigMap(metadata=ObjectMeta(name=name, namespace="default"), data={"k": value})


def stored(cluster: Cluster, name: str) -> tuple[Any, int]:
    """The value the store holds for the ConfigMap ``name``, and its revision."""
    key = object_key(kind_info(ConfigMap), "default", name)
    assert isinstance(cluster.backend, MemoryBackend)
    (kv,) = cluster.backend.range(Range(key=key)).kvs
    return kv.value, kv.mod_revision


async def test_the_store_holds_the_very_object_a_write_answers_with_and_a_read_serves() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        api = cluster.client
        created = await api.create(config_map("a"))
        value, revision = stored(cluster, "a")
        assert value is created
        assert created.metadata.resource_version == str(revision)
        updated = await api.update(attrs.evolve(created, data={"k": "w"}))
        value, revision = stored(cluster, "a")
        assert value is updated
        assert updated.metadata.resource_version == str(revision)
        assert await api.get(ConfigMap, "a", namespace="default") is updated


async def test_writes_committed_together_each_store_the_object_they_answer_with() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        api = cluster.client
        first = await api.create(config_map("shared"))
        answers: dict[str, Any] = {}

        async def write(label: str, call: Any) -> None:
            try:
                answers[label] = await call
            except Conflict as error:
                answers[label] = error

        async with anyio.create_task_group() as tasks:
            for i in range(20):
                tasks.start_soon(write, f"cm-{i}", api.create(config_map(f"cm-{i}")))
                if i % 5 == 0:  # the same version four times: the last three conflict
                    tasks.start_soon(write, f"up-{i}", api.update(attrs.evolve(first, data={})))
        conflicts = [label for label, a in answers.items() if isinstance(a, Conflict)]
        assert len(conflicts) == 3
        for i in range(20):
            _, revision = stored(cluster, f"cm-{i}")
            answer = answers[f"cm-{i}"]
            assert answer.metadata.resource_version == str(revision)
            assert await api.get(ConfigMap, f"cm-{i}", namespace="default") is answer
        # Before the first conflict every write was foreseen right: one object each.
        assert stored(cluster, "cm-0")[0] is answers["cm-0"]


async def test_a_write_foreseen_wrong_still_answers_and_serves_its_own_resource_version() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        api = cluster.client
        created = await api.create(config_map("a"))
        # Another writer of the store takes the revision this apiserver foresees next.
        cluster.backend.put(Put(key="/elsewhere/x", value=1))
        updated = await api.update(attrs.evolve(created, data={"k": "w"}))
        value, revision = stored(cluster, "a")
        assert updated.metadata.resource_version == str(revision)
        assert value.metadata.resource_version != str(revision)  # foreseen: one too early
        served = await api.get(ConfigMap, "a", namespace="default")
        assert served is updated
        assert attrs.evolve(value, metadata=updated.metadata) == updated
