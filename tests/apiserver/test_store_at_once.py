"""The apiserver's writes reach an idle etcd actor at once (``ActorRef.ask_now``), with the
outcomes of the same writes asked through its mailbox."""

from __future__ import annotations

from typing import Any

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
from kube_actors.etcd import EtcdActor, Pipelined, Range, Txn, TxnBatch

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
