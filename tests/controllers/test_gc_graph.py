"""The garbage collector's graph builder, without a cluster: what each event does to the
graph and which nodes it queues."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from kube_actors.api import OwnerReference, Pod, ReplicaSet, kind_info
from kube_actors.controllers._gc_graph import Graph, GraphBuilder
from kube_actors.reconcile import Request, WorkQueue
from kube_actors.testing import pod

from ._gc_objects import ref, replica_set

WHEN = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _stored(obj: Any, uid: str) -> Any:
    return attrs.evolve(obj, metadata=attrs.evolve(obj.metadata, uid=uid))


def _deleting(obj: Any, *finalizers: str) -> Any:
    meta = attrs.evolve(obj.metadata, deletion_timestamp=WHEN, finalizers=finalizers)
    return attrs.evolve(obj, metadata=meta)


class _Harness:
    def __init__(self) -> None:
        self.graph = Graph(absent_capacity=2)
        self.queue: WorkQueue[Request] = WorkQueue()
        self.pods = GraphBuilder(self.graph, kind_info(Pod))
        self.sets = GraphBuilder(self.graph, kind_info(ReplicaSet))

    def queued(self) -> list[str]:
        """The uids queued since the last call (and take them off the queue)."""
        uids = []
        while len(self.queue):
            request = self.queue.get_nowait()
            self.queue.done(request)
            uids.append(request.name)
        return uids


def _owner_and_pod() -> tuple[_Harness, ReplicaSet, Pod]:
    h = _Harness()
    owner = _stored(replica_set("web"), "rs-1")
    dependent = _stored(
        pod("web-a", owner_references=(ref(owner),), labels={"app": "web"}), "pod-1"
    )
    h.sets.on_add(owner, h.queue)
    h.pods.on_add(dependent, h.queue)
    return h, owner, dependent


def test_a_dependent_of_a_seen_owner_is_filed_under_it_and_not_queued() -> None:
    h, _owner, _dependent = _owner_and_pod()
    assert list(h.graph.nodes["rs-1"].dependents) == ["pod-1"]
    assert h.queued() == []


def test_a_status_update_queues_nothing() -> None:
    h, _owner, dependent = _owner_and_pod()
    updated = attrs.evolve(dependent, status=attrs.evolve(dependent.status, phase="Running"))
    h.pods.on_update(dependent, updated, h.queue)
    assert h.queued() == []


def test_a_dependent_of_an_unseen_owner_is_queued_under_a_virtual_owner() -> None:
    h = _Harness()
    ghost = OwnerReference(api_version="apps/v1", kind="ReplicaSet", name="ghost", uid="gone")
    h.pods.on_add(
        _stored(pod("web-a", owner_references=(ghost,), labels={"app": "web"}), "pod-1"), h.queue
    )
    assert h.queued() == ["pod-1"]
    virtual = h.graph.nodes["gone"]
    assert (virtual.observed, list(virtual.dependents)) == (False, ["pod-1"])


def test_deleting_an_owner_queues_its_dependents_and_remembers_it_as_absent() -> None:
    h, owner, dependent = _owner_and_pod()
    h.sets.on_delete(owner, h.queue)
    assert h.queued() == ["pod-1"]
    assert h.graph.is_absent("rs-1")
    h.pods.on_delete(dependent, h.queue)
    assert h.graph.nodes == {}  # the virtual owner went with its last dependent


def test_foreground_deletion_queues_the_owner_and_every_dependent_once() -> None:
    h, owner, dependent = _owner_and_pod()
    marked = _deleting(owner, "foregroundDeletion")
    h.sets.on_update(owner, marked, h.queue)
    assert h.queued() == ["rs-1", "pod-1"]
    h.sets.on_update(marked, marked, h.queue)
    assert h.queued() == []
    h.pods.on_delete(dependent, h.queue)
    assert h.queued() == ["rs-1"]  # one blocker fewer
    assert h.graph.nodes["rs-1"].blocking_dependents() == []


def test_a_dependent_that_stops_blocking_queues_its_foreground_owner() -> None:
    h, owner, dependent = _owner_and_pod()
    h.sets.on_update(owner, _deleting(owner, "foregroundDeletion"), h.queue)
    h.queued()
    loose = attrs.evolve(
        dependent,
        metadata=attrs.evolve(dependent.metadata, owner_references=(ref(owner, block=False),)),
    )
    h.pods.on_update(dependent, loose, h.queue)
    assert h.queued() == ["rs-1"]


def test_an_owner_deleted_with_the_orphan_finalizer_is_queued() -> None:
    h, owner, _dependent = _owner_and_pod()
    h.sets.on_update(owner, _deleting(owner, "orphan"), h.queue)
    assert h.queued() == ["rs-1"]
    assert h.graph.nodes["rs-1"].orphaning


def test_the_absent_owner_cache_keeps_only_the_most_recent_uids() -> None:
    graph = Graph(absent_capacity=2)
    for uid in ("a", "b", "c"):
        graph.mark_absent(uid)
    assert [graph.is_absent(uid) for uid in ("a", "b", "c")] == [False, True, True]
