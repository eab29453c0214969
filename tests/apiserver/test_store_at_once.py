"""The apiserver's writes reach an idle etcd actor at once (``ActorRef.ask_now``), with the
outcomes of the same writes asked through its mailbox."""

from __future__ import annotations

from typing import Any

import anyio
import anyio.lowlevel
import attrs
import pytest

from kube_actors import Cluster
from kube_actors.actors import NOT_NOW
from kube_actors.api import (
    ConfigMap,
    Container,
    Event,
    ObjectMeta,
    ObjectReference,
    Pod,
    PodSpec,
)
from kube_actors.errors import ApiError
from kube_actors.etcd import EtcdActor, Pipelined, Range, Txn, TxnBatch, WatchCreate, Watcher

from .test_group_commit import config_map as _config_map


async def _writes(cluster: Cluster) -> list[Any]:
    """Creates, updates, a stale update, a create of a name taken, deletes, a Pod and an
    Event (written with a lease): each answer, or its error's type and message."""
    api = cluster.client
    answers: list[Any] = []

    async def attempt(call: Any) -> Any:
        try:
            answer = await call
        except ApiError as error:
            answers.append((type(error).__name__, str(error)))
            return None
        answers.append(answer)
        return answer

    made = [await attempt(api.create(_config_map(f"cm-{i}"))) for i in range(4)]
    await attempt(api.update(attrs.evolve(made[0], data={"k": "two"})))
    await attempt(api.update(attrs.evolve(made[0], data={"k": "stale"})))  # Conflict
    await attempt(api.create(_config_map("cm-1")))  # AlreadyExists
    await attempt(api.delete(ConfigMap, "cm-2", namespace="default"))
    await attempt(
        api.create(
            Pod(
                metadata=ObjectMeta(name="web", namespace="default"),
                spec=PodSpec(containers=[Container(name="app", image="nginx:1.27")]),
            )
        )
    )
    await attempt(
        api.create(
            Event(
                metadata=ObjectMeta(name="web.1", namespace="default"),
                involved_object=ObjectReference(kind="Pod", name="web", namespace="default"),
                reason="Scheduled",
                message="placed",
            )
        )
    )
    await attempt(api.get(Pod, "web", namespace="default"))
    await cluster.settle()
    return answers


async def _run(monkeypatch: pytest.MonkeyPatch, *, at_once: bool) -> tuple[list[Any], Any, int]:
    asked: list[type[Any]] = []
    receive = EtcdActor.receive

    async def counting(self: EtcdActor, message: Any) -> Any:
        request = message.request if isinstance(message, Pipelined) else message
        if isinstance(request, Txn | TxnBatch):
            asked.append(type(request))
        return await receive(self, message)

    with monkeypatch.context() as patch:
        patch.setattr(EtcdActor, "receive", counting)
        if not at_once:
            patch.setattr(EtcdActor, "receive_now", lambda self, message: NOT_NOW)
        async with Cluster(controllers=(), scheduler=False, seed=3) as cluster:
            before = len(asked)
            answers = await _writes(cluster)
            etcd = cluster.system.lookup("etcd")
            stored = await etcd.ask(Range(key="/registry/", range_end="/registry0"))
            return answers, stored.kvs, len(asked) - before


async def test_writes_to_an_idle_store_skip_its_mailbox_with_the_same_outcomes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers, stored, through_mailbox = await _run(monkeypatch, at_once=True)
    assert through_mailbox == 0  # every write of these requests was answered at once
    mailbox_answers, mailbox_stored, through = await _run(monkeypatch, at_once=False)
    assert through > 0
    assert answers == mailbox_answers
    assert stored == mailbox_stored


async def _interleaving(
    monkeypatch: pytest.MonkeyPatch, *, at_once: bool, other_watch: bool
) -> tuple[list[str], int]:
    """What the watchers had seen when each writer heard back: a watch of the apiserver
    (what an informer reads) and, if ``other_watch``, a watch of the store itself that
    hands its events on to another task (another apiserver of the cluster, and its
    informers); and how many writes went through the store's mailbox. Lone creates,
    creates that wait in the mailbox together (group commit), an update and a Conflict."""
    log: list[str] = []
    through_mailbox = 0
    receive = EtcdActor.receive

    async def counting(self: EtcdActor, message: Any) -> Any:
        nonlocal through_mailbox
        if isinstance(message, Txn | TxnBatch):
            through_mailbox += 1
        return await receive(self, message)

    with monkeypatch.context() as patch:
        patch.setattr(EtcdActor, "receive", counting)
        if not at_once:
            patch.setattr(EtcdActor, "receive_now", lambda self, message: NOT_NOW)
        async with Cluster(controllers=(), scheduler=False, clock="virtual", seed=3) as cluster:
            api = cluster.client
            stream = await api.watch(ConfigMap, namespace="default")
            etcd = cluster.system.lookup("etcd")
            assert etcd is not None

            async def follow_cache() -> None:
                while batch := await stream.next_batch():
                    log.extend(f"cache saw {e.obj.metadata.name}" for e in batch)

            handed_on, taken = anyio.create_memory_object_stream[str](100)

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
                await api.create(_config_map(name))
                log.append(f"{name} answered")

            async with handed_on, taken, anyio.create_task_group() as tasks:
                tasks.start_soon(follow_cache)
                if other_watch:
                    watcher = await etcd.ask(WatchCreate.prefix("/registry/configmaps/"))
                    tasks.start_soon(follow_store, watcher)
                    tasks.start_soon(follow_handed_on)
                await anyio.lowlevel.checkpoint()  # the watchers wait
                through_mailbox = 0
                for i in range(3):
                    await write(f"alone-{i}")
                async with anyio.create_task_group() as writers:
                    for i in range(5):
                        writers.start_soon(write, f"together-{i}")
                first = await api.get(ConfigMap, "alone-0", namespace="default")
                await api.update(attrs.evolve(first, data={"k": "two"}))
                log.append("updated")
                with pytest.raises(ApiError):
                    await api.update(attrs.evolve(first, data={"k": "stale"}))
                await cluster.settle()
                tasks.cancel_scope.cancel()
    return log, through_mailbox


@pytest.mark.parametrize("other_watch", [False, True], ids=["one watch", "two watches"])
async def test_a_write_answered_at_once_reaches_the_watchers_before_its_writer_hears_back(
    monkeypatch: pytest.MonkeyPatch, other_watch: bool
) -> None:
    # Through the mailbox, the store wakes its watchers before it answers: the watch cache
    # applies the write and wakes its own watchers (informers) before the writer hears
    # back, and controllers rely on that order. Answered at once, the same interleaving.
    log, through_mailbox = await _interleaving(monkeypatch, at_once=True, other_watch=other_watch)
    assert through_mailbox == 0  # every write of the run was answered at once
    mailbox_log, through = await _interleaving(monkeypatch, at_once=False, other_watch=other_watch)
    assert through > 0
    assert log == mailbox_log
    for i in range(3):
        assert log.index(f"cache saw alone-{i}") < log.index(f"alone-{i} answered")
        if other_watch:
            assert log.index(f"handed on alone-{i}") < log.index(f"alone-{i} answered")
