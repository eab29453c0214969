"""The order a writer and the watchers of its write are woken in: the watchers first.

Through the store's mailbox, the etcd actor wakes its watchers before it answers, so the
apiserver's watch cache applies a write, and wakes its own watchers (informers), before the
writer hears back; a watch of the store itself (another apiserver of the cluster) has handed
the write on by then too. Controllers rely on that order (a Job's repeated Events fold, a
CronJob's hour of Jobs, a scaled-down Deployment's endpoints): any shortcut between the
apiserver and the store must keep it (create14's ``ask_now`` did not).
"""

from __future__ import annotations

import anyio
import anyio.lowlevel
import attrs
import pytest

from kube_actors import Cluster
from kube_actors.api import ConfigMap
from kube_actors.errors import ApiError
from kube_actors.etcd import WatchCreate, Watcher

from .test_group_commit import config_map


async def _interleaving() -> list[str]:
    """What the watchers had seen when each writer heard back: a watch of the apiserver
    (what an informer reads) and a watch of the store that hands its events on to another
    task (another apiserver and its informers). Lone creates, creates that wait in the
    mailbox together (group commit), an update and a Conflict."""
    log: list[str] = []
    async with Cluster(controllers=(), scheduler=False, clock="virtual", seed=3) as cluster:
        api = cluster.client
        stream = await api.watch(ConfigMap, namespace="default")
        etcd = cluster.system.lookup("etcd")
        assert etcd is not None
        handed_on, taken = anyio.create_memory_object_stream[str](100)

        async def follow_cache() -> None:
            while batch := await stream.next_batch():
                log.extend(f"cache saw {e.obj.metadata.name}" for e in batch)

        async def follow_store(watcher: Watcher) -> None:
            async for events in watcher:
                for event in events:
                    name = event.kv.key.rsplit("/", 1)[-1]
                    log.append(f"store saw {name}")
                    handed_on.send_nowait(name)

        async def follow_handed_on() -> None:
            async for name in taken:
                log.append(f"handed on {name}")

        async def write(name: str) -> None:
            await api.create(config_map(name))
            log.append(f"{name} answered")

        async with handed_on, taken, anyio.create_task_group() as tasks:
            tasks.start_soon(follow_cache)
            tasks.start_soon(
                follow_store, await etcd.ask(WatchCreate.prefix("/registry/configmaps/"))
            )
            tasks.start_soon(follow_handed_on)
            await anyio.lowlevel.checkpoint()  # the watchers wait
            for i in range(3):
                await write(f"alone-{i}")
            async with anyio.create_task_group() as writers:
                for i in range(5):
                    writers.start_soon(write, f"together-{i}")
            first = await api.get(ConfigMap, "alone-0", namespace="default")
            await api.update(attrs.evolve(first, data={"k": "two"}))
            log.append("alone-0 updated")
            with pytest.raises(ApiError):
                await api.update(attrs.evolve(first, data={"k": "stale"}))
            await cluster.settle()
            tasks.cancel_scope.cancel()
    return log


async def test_the_watchers_of_a_write_are_woken_before_its_writer_hears_back() -> None:
    log = await _interleaving()
    for i in range(3):  # lone writes: the store's other watcher has handed them on, too
        answered = log.index(f"alone-{i} answered")
        assert log.index(f"cache saw alone-{i}") < answered
        assert log.index(f"handed on alone-{i}") < answered
    for i in range(5):  # one commit: the hand-on takes a turn a name, the sight does not
        answered = log.index(f"together-{i} answered")
        assert log.index(f"cache saw together-{i}") < answered
        assert log.index(f"store saw together-{i}") < answered
    # The update's events too (each watcher's second sight of alone-0).
    updated = log.index("alone-0 updated")
    assert [i for i, line in enumerate(log) if line == "cache saw alone-0"][1] < updated
    assert [i for i, line in enumerate(log) if line == "handed on alone-0"][1] < updated
