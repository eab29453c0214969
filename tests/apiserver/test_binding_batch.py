"""A Binding taken in a batch (``ApiServer._parked_binding``) parks its write and is answered
once the batch is committed: the same answers, stored Pods and watch events as the same
Bindings each taken alone, for the bindings that take that way and for those that cannot
(the Pod bound earlier in the batch, being deleted, gone, no node named)."""

from __future__ import annotations

import asyncio
from typing import Any
from unittest import mock

from kube_actors import Cluster
from kube_actors.actors import run
from kube_actors.api import (
    Binding,
    Container,
    Create,
    ObjectMeta,
    ObjectReference,
    Pod,
    PodSpec,
    to_dict,
)
from kube_actors.apiserver import ApiServer
from kube_actors.errors import ApiError

#: (pod, node) bound in this order, at one instant in the batch case.
_BINDINGS = (
    ("a", "node-1"),
    ("b", "node-2"),
    ("a", "node-2"),  # bound a moment earlier in the same batch: Conflict
    ("deleting", "node-1"),  # being deleted: Conflict
    ("missing", "node-1"),  # no such Pod: NotFound
    ("c", ""),  # no node named: the general way's own answer
    ("d", "node-3"),
)


def _pod(name: str, finalizers: tuple[str, ...] = ()) -> Pod:
    return Pod(
        metadata=ObjectMeta(name=name, namespace="default", finalizers=finalizers),
        spec=PodSpec(containers=[Container(name="c", image="pause")]),
    )


def _binding(name: str, node: str) -> Binding:
    return Binding(
        metadata=ObjectMeta(name=name, namespace="default"),
        target=ObjectReference(kind="Node", name=node),
    )


def _answer(outcome: Any) -> Any:
    if isinstance(outcome, ApiError):
        return (type(outcome).__name__, str(outcome))
    return to_dict(outcome)


async def _scenario(together: bool) -> tuple[list[Any], list[Any], list[Any]]:
    async with Cluster(controllers=(), scheduler=False, clock="virtual", seed=7) as cluster:
        client = cluster.client
        for name in ("a", "b", "c", "d"):
            await client.create(_pod(name))
        await client.create(_pod("deleting", ("example.com/hold",)))
        await client.delete(Pod, "deleting", namespace="default")
        page = await client.list_page(Pod, namespace="default")
        stream = await client.watch(
            Pod, namespace="default", resource_version=page.resource_version
        )

        async def bind(name: str, node: str) -> Any:
            try:
                return await cluster.apiserver.ask(Create(obj=_binding(name, node)))
            except ApiError as error:
                return error

        if together:
            outcomes = await asyncio.gather(*(bind(*b) for b in _BINDINGS))
        else:
            outcomes = [await bind(*b) for b in _BINDINGS]
        await cluster.settle()
        events: list[Any] = []
        while len(events) < 4:  # a, b, c and d bound: one MODIFIED each
            events += [(e.type, to_dict(e.obj)) for e in await stream.next_batch()]
        stream.close()
        stored = [to_dict(p) for p in await client.list(Pod, namespace="default")]
        return [_answer(o) for o in outcomes], stored, events


def test_bindings_in_one_batch_answer_store_and_watch_as_bindings_taken_alone() -> None:
    parked = 0
    take = ApiServer._parked_binding

    def counted(self: ApiServer, message: Create) -> Any:
        nonlocal parked
        handled = take(self, message)
        parked += handled is not None
        return handled

    with mock.patch.object(ApiServer, "_parked_binding", counted):
        together = run(lambda: _scenario(True), clock="virtual")
        assert parked == 3  # a, b and d; the others the general way
        alone = run(lambda: _scenario(False), clock="virtual")
        assert parked == 3  # one at a time: no batch to park in
    answers, stored, _ = together
    assert [a[0] if isinstance(a, tuple) else "Pod" for a in answers] == [
        "Pod",
        "Pod",
        "Conflict",
        "Conflict",
        "NotFound",
        "Pod",
        "Pod",
    ]
    nodes = {p["metadata"]["name"]: p["spec"].get("nodeName", "") for p in stored}
    assert nodes == {"a": "node-1", "b": "node-2", "c": "", "d": "node-3", "deleting": ""}
    assert together == alone
