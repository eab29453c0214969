"""Event handlers and the controller spec: which requests an event enqueues."""

from __future__ import annotations

from typing import Any

import pytest

from kube_actors.api import Namespace, ObjectMeta, OwnerReference, Pod, ReplicaSet
from kube_actors.client import Client, SharedInformer, hears_updates
from kube_actors.controllers.namespace import _ContentDeleted
from kube_actors.reconcile import (
    ControllerSpec,
    EnqueueRequestForObject,
    EnqueueRequestForOwner,
    EnqueueRequestsFromMapFunc,
    Request,
    Result,
    WorkQueue,
)
from kube_actors.reconcile._controller import _Enqueuer


class Nothing:
    async def reconcile(self, request: Request) -> Result:
        return Result()


def _queued(queue: WorkQueue[Request]) -> list[Request]:
    out = []
    while len(queue):
        out.append(queue.get_nowait())
    return out


def _pod(name: str, *owners: OwnerReference, **labels: str) -> Pod:
    meta = ObjectMeta(name=name, namespace="shop", owner_references=owners, labels=labels)
    return Pod(metadata=meta)


def _ref(kind: str, name: str, *, controller: bool = True, api_version: str = "apps/v1") -> Any:
    return OwnerReference(api_version=api_version, kind=kind, name=name, controller=controller)


def test_enqueue_for_object_names_the_object_on_every_event() -> None:
    queue: WorkQueue[Request] = WorkQueue()
    handler = EnqueueRequestForObject()
    handler.on_add(_pod("a"), queue)
    handler.on_update(_pod("b"), _pod("b"), queue)
    handler.on_delete(Namespace(metadata=ObjectMeta(name="gone")), queue)
    assert _queued(queue) == [Request("shop", "a"), Request("shop", "b"), Request("", "gone")]


def test_enqueue_for_owner_names_the_controller_owner_of_the_right_kind_and_group() -> None:
    queue: WorkQueue[Request] = WorkQueue()
    handler = EnqueueRequestForOwner(ReplicaSet)
    handler.on_add(_pod("a", _ref("ReplicaSet", "web")), queue)
    handler.on_add(_pod("b", _ref("ReplicaSet", "not-controller", controller=False)), queue)
    handler.on_add(_pod("c", _ref("ReplicaSet", "other-group", api_version="x.io/v1")), queue)
    handler.on_add(_pod("d", _ref("Deployment", "wrong-kind")), queue)
    assert _queued(queue) == [Request("shop", "web")]


def test_enqueue_for_any_owner_when_not_only_the_controller() -> None:
    queue: WorkQueue[Request] = WorkQueue()
    handler = EnqueueRequestForOwner(ReplicaSet, only_controller=False)
    handler.on_delete(_pod("a", _ref("ReplicaSet", "x", controller=False)), queue)
    assert _queued(queue) == [Request("shop", "x")]


def test_a_cluster_scoped_owner_is_enqueued_without_a_namespace() -> None:
    queue: WorkQueue[Request] = WorkQueue()
    handler = EnqueueRequestForOwner(Namespace)
    handler.on_add(_pod("a", _ref("Namespace", "shop", api_version="v1")), queue)
    assert _queued(queue) == [Request("", "shop")]


def test_an_update_that_moves_the_owner_enqueues_the_old_and_the_new_owner() -> None:
    queue: WorkQueue[Request] = WorkQueue()
    handler = EnqueueRequestForOwner(ReplicaSet)
    handler.on_update(
        _pod("a", _ref("ReplicaSet", "old")), _pod("a", _ref("ReplicaSet", "new")), queue
    )
    assert _queued(queue) == [Request("shop", "old"), Request("shop", "new")]


def test_a_map_function_maps_both_sides_of_an_update() -> None:
    queue: WorkQueue[Request] = WorkQueue()
    handler = EnqueueRequestsFromMapFunc(lambda p: [Request("", p.metadata.labels["team"])])
    handler.on_update(_pod("a", team="red"), _pod("a", team="blue"), queue)
    handler.on_add(_pod("b", team="red"), queue)
    assert _queued(queue) == [Request("", "red"), Request("", "blue")]


def test_a_spec_lists_its_sources_for_owns_and_watches_in_order() -> None:
    def to_all(obj: Any) -> list[Request]:
        return []

    custom = EnqueueRequestForObject()
    spec = ControllerSpec(
        for_=ReplicaSet,
        owns=[Pod],
        watches=[(Namespace, to_all), (Pod, custom)],
        reconciler=Nothing(),
    )
    assert spec.name == "replicaset"
    assert spec.workers == 1
    sources = spec.sources()
    assert [kind for kind, _ in sources] == [ReplicaSet, Pod, Namespace, Pod]
    assert [type(h).__name__ for _, h in sources] == [
        "EnqueueRequestForObject",
        "EnqueueRequestForOwner",
        "EnqueueRequestsFromMapFunc",
        "EnqueueRequestForObject",
    ]
    assert sources[3][1] is custom


def test_a_spec_needs_at_least_one_worker() -> None:
    with pytest.raises(ValueError, match="workers"):
        ControllerSpec(for_=Pod, reconciler=Nothing(), workers=0)


class _DeletesOnly(EnqueueRequestForObject):
    ignores_updates = True


def test_a_controller_registers_a_handler_that_ignores_updates_as_one() -> None:
    queue: WorkQueue[Request] = WorkQueue()
    assert not hears_updates(_Enqueuer(_DeletesOnly(), queue))
    assert hears_updates(_Enqueuer(EnqueueRequestForObject(), queue))


def test_the_namespace_controller_hears_of_its_content_s_deletes_alone() -> None:
    assert not hears_updates(_ContentDeleted(SharedInformer(Client(None), Namespace)))  # type: ignore[arg-type]


class _Told:
    """A handler that writes down what it was told, the queue it was given first."""

    def __init__(self) -> None:
        self.told: list[tuple[Any, ...]] = []

    def on_add(self, obj: Any, queue: WorkQueue[Request]) -> None:
        self.told.append(("add", obj, queue))

    def on_update(self, old: Any, new: Any, queue: WorkQueue[Request]) -> None:
        self.told.append(("update", old, new, queue))

    def on_delete(self, obj: Any, queue: WorkQueue[Request]) -> None:
        self.told.append(("delete", obj, queue))


class _ToldOtherwise(_Told):
    """The same, its queue parameter named otherwise (passed third, not by name)."""

    def on_update(self, old: Any, new: Any, work: WorkQueue[Request]) -> None:
        self.told.append(("update", old, new, work))


def test_a_controller_tells_its_handler_of_an_update_with_its_queue_however_it_names_it() -> None:
    queue: WorkQueue[Request] = WorkQueue()
    for handler in (_Told(), _ToldOtherwise()):
        enqueuer = _Enqueuer(handler, queue)
        enqueuer.on_add("a")
        enqueuer.on_update("a", "b")
        enqueuer.on_delete("b")
        assert handler.told == [
            ("add", "a", queue),
            ("update", "a", "b", queue),
            ("delete", "b", queue),
        ]
