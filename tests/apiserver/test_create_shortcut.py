"""A plain create goes from the mail to its write without ``_dispatch``'s and ``_create``'s
coroutines, and in a batch its write is parked as the apiserver takes it
(``ApiServer._plain_create``): the same answers, the same stored objects and the same watch
events as along the general create path, for plain creates and for those that only look like
one (a taken or invalid name, a generated name, dry-run, no namespace or one a cluster-scoped
kind must not have, a bad field manager, a namespace that does not exist)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Sequence
from typing import Any
from unittest import mock

import anyio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kube_actors import Cluster
from kube_actors.actors import run
from kube_actors.api import (
    ConfigMap,
    Container,
    Event,
    Node,
    ObjectMeta,
    ObjectReference,
    Pod,
    PodSpec,
    evolve,
    to_dict,
)
from kube_actors.apiserver import ApiServer
from kube_actors.apiserver._group_commit import GroupCommit
from kube_actors.errors import ApiError

#: The kinds created, each with what a step makes of a name (``_object``).
_KINDS = ("configmap", "pod", "event", "node")
#: What a step does to the object it creates (``_scenario``).
_VARIANTS = (
    "plain",
    "invalid-name",
    "generate-name",
    "dry-run",
    "no-namespace",
    "namespace-of-cluster-kind",
    "bad-manager",
    "another-manager",
    "no-such-namespace",
)
_SPEC = PodSpec(containers=[Container(name="app", image="registry.k8s.io/pause:3.9")])


def _object(kind: str, name: str) -> Any:
    meta = ObjectMeta(name=name, namespace="" if kind == "node" else "default")
    if kind == "configmap":
        return ConfigMap(metadata=meta, data={"k": name})
    if kind == "pod":
        return Pod(metadata=meta, spec=_SPEC)
    if kind == "event":
        regarding = ObjectReference(kind="Pod", namespace="default", name=name)
        return Event(metadata=meta, involved_object=regarding, reason="Started", message=name)
    return Node(metadata=meta)


def _outcome(result: Any) -> Any:
    if isinstance(result, ApiError):
        return (type(result).__name__, str(result), getattr(result, "causes", None))
    return to_dict(result)


async def _create(client: Any, kind: str, variant: str, name: str) -> Any:
    obj = _object(kind, name)
    meta = obj.metadata
    manager, dry_run = "tester", False
    if variant == "invalid-name":
        meta = evolve(meta, name="Not_A_Name")
    elif variant == "generate-name":
        meta = evolve(meta, name="", generate_name=f"{name}-")
    elif variant == "dry-run":
        dry_run = True
    elif variant == "no-namespace":
        meta = evolve(meta, namespace="")
    elif variant == "namespace-of-cluster-kind":
        meta = evolve(meta, namespace="default")
    elif variant == "bad-manager":
        manager = "bad\x00manager"
    elif variant == "another-manager":
        manager = "someone-else"
    elif variant == "no-such-namespace" and kind != "node":
        meta = evolve(meta, namespace="nowhere")
    try:
        return await client.create(
            evolve(obj, metadata=meta), field_manager=manager, dry_run=dry_run
        )
    except ApiError as error:
        return error


async def _scenario(steps: Sequence[tuple[str, str, str]], *, together: int = 1) -> list[Any]:
    """Run ``steps`` (kind, variant, name) on a fresh cluster, ``together`` at a time (sent
    at once: one batch of the apiserver's, ``_group_commit``): every answer, then the
    objects as stored, then every watch event of them."""
    outcomes: list[Any] = []
    async with Cluster(
        seed=5, controllers=(), scheduler=False, nodes=0, clock="virtual"
    ) as cluster:
        client = cluster.client
        kinds = (ConfigMap, Pod, Event, Node)
        start = (await client.list_page(ConfigMap, namespace="default")).resource_version
        for at in range(0, len(steps), together):
            await cluster.settle(horizon=1.0)
            results = await asyncio.gather(
                *(_create(client, *step) for step in steps[at : at + together])
            )
            outcomes += [_outcome(result) for result in results]
        for kind in kinds:
            stored = await client.list_page(kind)
            outcomes.append([to_dict(obj) for obj in stored.items])
        for kind in kinds:
            stream = await client.watch(kind, resource_version=start, allow_bookmarks=False)
            events: list[Any] = []
            with anyio.move_on_after(5):  # virtual seconds: once every event was read
                while True:
                    batch = await stream.next_batch()
                    events += [
                        (e.type, e.obj.metadata.resource_version, to_dict(e.obj)) for e in batch
                    ]
            stream.close()
            outcomes.append(events)
    return outcomes


def _general(steps: Sequence[tuple[str, str, str]], **options: Any) -> list[Any]:
    """``_scenario`` with every create taking the general path."""
    with mock.patch.object(ApiServer, "_plain_create", return_value=None):
        return run(functools.partial(_scenario, steps, **options))


def _steps(min_size: int, max_size: int) -> st.SearchStrategy[list[tuple[str, str, str]]]:
    return st.lists(
        st.tuples(
            st.sampled_from(_KINDS), st.sampled_from(_VARIANTS), st.sampled_from(["a", "b", "c"])
        ),
        min_size=min_size,
        max_size=max_size,
    )


@pytest.mark.parametrize("together", [1, 4])
def test_every_kind_of_create_answers_as_the_general_path(together: int) -> None:
    steps = [(kind, variant, f"n{i}") for kind in _KINDS for i, variant in enumerate(_VARIANTS)]
    steps += [(kind, variant, "n0") for kind in _KINDS for variant in _VARIANTS]  # taken
    shortcut = run(functools.partial(_scenario, steps, together=together))
    assert shortcut == _general(steps, together=together)
    assert any(isinstance(o, dict) for o in shortcut[: len(steps)])  # not all refused


@settings(max_examples=10, deadline=None)
@given(steps=_steps(1, 16), together=st.integers(min_value=1, max_value=6))
def test_creates_alone_or_sent_together_answer_store_and_watch_as_the_general_path(
    steps: list[tuple[str, str, str]], together: int
) -> None:
    options: dict[str, Any] = {"together": together}
    assert run(functools.partial(_scenario, steps, **options)) == _general(steps, **options)


def test_plain_creates_of_a_batch_are_parked_as_the_apiserver_takes_them() -> None:
    steps = [(kind, "plain", name) for name in ("a", "b") for kind in ("configmap", "node")]
    original = GroupCommit.write_then
    with mock.patch.object(GroupCommit, "write_then", autospec=True, side_effect=original) as park:
        shortcut = run(functools.partial(_scenario, steps, together=4))
    assert shortcut == _general(steps, together=4)
    assert [call.args[1] for call in park.call_args_list] == [
        "/registry/configmaps/default/a",
        "/registry/minions/a",
        "/registry/configmaps/default/b",
        "/registry/minions/b",
    ]


async def test_a_plain_create_does_not_go_through_the_general_create_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with Cluster(controllers=(), scheduler=False, nodes=0, clock="virtual") as cluster:
        general = mock.AsyncMock(side_effect=AssertionError("the general path"))
        monkeypatch.setattr(ApiServer, "_create", general)
        for kind in _KINDS:
            await cluster.client.create(_object(kind, "x"))
        general.assert_not_called()
