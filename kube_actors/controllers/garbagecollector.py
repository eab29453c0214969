"""The garbage collector: deletes what lost its owners, and carries out cascading deletion.

Kubernetes' ``pkg/controller/garbagecollector``. An object names its owners in
``metadata.ownerReferences`` (by uid); deleting an owner takes its dependents with it, in
one of three ways, chosen by the delete's ``propagationPolicy``:

- **Background** (the default): the owner goes at once; its dependents are then dangling
  and the collector deletes them.
- **Foreground**: the apiserver gives the owner the ``foregroundDeletion`` finalizer and a
  deletionTimestamp; the collector deletes every dependent and removes the finalizer once
  no dependent whose reference has ``blockOwnerDeletion`` is left.
- **Orphan**: the apiserver gives the owner the ``orphan`` finalizer; the collector removes
  the owner's reference from each dependent, then the finalizer, and the dependents stay.

An object all of whose owners are gone is deleted. An owner counts by uid: an object of the
same kind and name but another uid is not the owner. An object that still has one owner
drops its references to the absent ones instead.

Design: one controller, as in Kubernetes, in two halves.

- The **graph builder** (``_gc_graph``): one event handler per watched kind on the shared
  informers, feeding one in-memory graph (uid -> node, owner -> dependents). Nothing lists
  the apiserver; each event costs O(1) and queues only the nodes that may have something to
  do. The watched kinds are every kind in the registry when the controller is built, save
  ``Binding`` (never stored) and ``Event`` (the most numerous objects, which nothing
  collects through).
- The **workers** (``GarbageCollector.reconcile``, several at once): a request names a node
  by ``(namespace, uid)``. Kubernetes' two queues, attempt-to-delete and attempt-to-orphan,
  are one here: reconcile looks at the node's state and does what it calls for.

Before acting on an object the workers read it from the apiserver (the graph may lag), and
delete with a uid precondition; an owner the graph has not seen is looked up by name and
compared by uid, and uids found absent are remembered. An owner of a kind the registry does
not know is kept (it cannot be checked). A namespaced owner named by a cluster-scoped object,
or one that exists only in another namespace, counts as absent, and the dependent gets the
Warning Event ``OwnerRefInvalidNamespace``, as Kubernetes records it; the collector records no
other Events (nor does Kubernetes').

Kinds served after the controller started (a CRD's) are watched as soon as a
CustomResourceDefinition event says so (Kubernetes re-discovers resources every 30 s): a
request for the pseudo-namespace ``DISCOVERY`` has the workers start an informer for each
new kind (and drop those of kinds no longer served), so owner references to and from custom
objects are collected like any other.

Left out: if the controller's actor restarts, nodes of objects deleted while it was down stay
in the graph (harmless: a request for them finds nothing).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs

from ..api import (
    Binding,
    CustomResourceDefinition,
    Event,
    KindInfo,
    NodeMetrics,
    OwnerReference,
    PodMetrics,
    Preconditions,
    PropagationPolicy,
    kinds,
    lookup_kind,
)
from ..client import (
    Client,
    EventRecorder,
    HandlerRegistration,
    InformerFactory,
    SharedInformer,
    Spawner,
)
from ..errors import Conflict, NotFound
from ..reconcile import ControllerSpec, EventHandler, Request, Result, WorkQueue, reconcile_log
from ._context import ControllerContext
from ._gc_graph import FOREGROUND, ORPHAN, Graph, GraphBuilder, Node

__all__ = [
    "COMPONENT",
    "DISCOVERY",
    "GarbageCollector",
    "WORKERS",
    "controller",
    "watched_kinds",
]

#: The Event source and client name, as kube-controller-manager names this controller.
COMPONENT = "garbage-collector-controller"
#: kube-controller-manager's ``--concurrent-gc-syncs`` (20 there).
WORKERS = 4

#: The pseudo-namespace of the request that has the workers watch newly served kinds.
DISCOVERY = "\x00discovery"

#: Kinds the graph leaves out (see the module docstring).
_NOT_WATCHED: tuple[type[Any], ...] = (Binding, Event, NodeMetrics, PodMetrics)


def watched_kinds() -> list[KindInfo]:
    """Every registered kind whose objects can own or be owned, as the collector sees them."""
    # One informer per resource: another served version of a CRD's kind is the same objects.
    return [i for i in kinds() if i.cls not in _NOT_WATCHED and i.stored_as is None]


class _Owner(enum.Enum):
    SOLID = "solid"  # exists and is not waiting for its dependents
    DANGLING = "dangling"  # gone (by uid)
    WAITING = "waiting"  # being deleted in the foreground


class GarbageCollector:
    """The collector's workers: each request names one node of the graph by uid."""

    def __init__(
        self,
        *,
        client: Client,
        graph: Graph,
        recorder: EventRecorder,
        informers: InformerFactory | None = None,
        spawner: Spawner | None = None,
        watched: Iterable[KindInfo] = (),
    ) -> None:
        self.client = client
        self.graph = graph
        self.recorder = recorder
        self.informers = informers
        self.spawner = spawner
        #: The kinds the graph is fed from: those it started with, and those discovered.
        self.watched: dict[type[Any], KindInfo] = {info.cls: info for info in watched}
        self._discovered: dict[type[Any], tuple[SharedInformer[Any], HandlerRegistration]] = {}

    async def reconcile(self, request: Request) -> Result:
        if request.namespace == DISCOVERY:
            await self._discover()
            return Result()
        node = self.graph.get(request.name)
        if node is None or not node.observed or node.info is None:
            return Result()
        if node.orphaning:
            await self._orphan_dependents(node)
        if node.deleting_dependents:
            await self._process_deleting_dependents(node)
        if not node.deleting and node.owners:
            await self._attempt_to_delete(node)
        return Result()

    # ------------------------------------------------------------- dangling dependents

    async def _attempt_to_delete(self, node: Node) -> None:
        latest = await self._latest(node)
        if latest is None:
            return
        refs: Sequence[OwnerReference] = latest.metadata.owner_references
        if not refs:
            return
        verdicts = {ref.uid: await self._classify(node, latest, ref) for ref in refs}
        gone = {uid for uid, v in verdicts.items() if v is not _Owner.SOLID}
        if len(gone) < len(verdicts):
            if gone:  # some owner stays: only let go of the others
                await self._change_owners(node, _without(gone))
                reconcile_log().info("owner_references_removed", uids=sorted(gone))
            return
        waiting = any(v is _Owner.WAITING for v in verdicts.values())
        if waiting and node.dependents:
            if any(d.deleting_dependents for d in node.dependents.values()):
                # A dependent waits for this node, which would wait for it: break the cycle.
                await self._change_owners(node, _unblocked)
            await self._delete(node, "Foreground")
            return
        finalizers = latest.metadata.finalizers
        policy: PropagationPolicy = (
            "Orphan"
            if ORPHAN in finalizers
            else "Foreground"
            if FOREGROUND in finalizers
            else "Background"
        )
        await self._delete(node, policy)

    async def _classify(self, node: Node, obj: Any, ref: OwnerReference) -> _Owner:
        if self.graph.is_absent(ref.uid):
            return _Owner.DANGLING
        info = lookup_kind(ref.api_version, ref.kind)
        if info is None:
            reconcile_log().warning("owner_kind_unknown", owner=f"{ref.api_version}/{ref.kind}")
            return _Owner.SOLID
        if info.namespaced and not node.namespace:
            self._invalid_namespace(obj, ref, node.namespace)
            return _Owner.DANGLING
        namespace = node.namespace if info.namespaced else ""
        owner = self.graph.get(ref.uid)
        if owner is not None and owner.observed:
            if owner.namespace != namespace:
                self._invalid_namespace(obj, ref, namespace)
                return _Owner.DANGLING
            return _Owner.WAITING if owner.deleting_dependents else _Owner.SOLID
        try:
            found = await self.client.get(info.cls, ref.name, namespace=namespace)
        except NotFound:
            self.graph.mark_absent(ref.uid)
            return _Owner.DANGLING
        meta = found.metadata
        if meta.uid != ref.uid:
            self.graph.mark_absent(ref.uid)
            return _Owner.DANGLING
        if meta.deletion_timestamp is not None and FOREGROUND in meta.finalizers:
            return _Owner.WAITING
        return _Owner.SOLID

    def _invalid_namespace(self, obj: Any, ref: OwnerReference, namespace: str) -> None:
        self.recorder.event(
            obj,
            "Warning",
            "OwnerRefInvalidNamespace",
            f"ownerRef [{ref.api_version}/{ref.kind}, namespace: {namespace}, "
            f"name: {ref.name}, uid: {ref.uid}] does not exist in namespace {namespace!r}",
        )

    # ------------------------------------------------------------- served kinds

    async def _discover(self) -> None:
        """Watch the kinds served now and not yet watched; drop those no longer served."""
        if self.informers is None or self.spawner is None:
            return
        served = {info.cls: info for info in watched_kinds()}
        for cls in [c for c in self.watched if c not in served]:
            # A CRD deleted, or redefined (its kind is a new class now).
            if cls in self._discovered:
                informer, registration = self._discovered.pop(cls)
                informer.remove_event_handler(registration)
            self.watched.pop(cls, None)
            await self.informers.forget(cls)
        new = [info for cls, info in served.items() if cls not in self.watched]
        for info in new:
            informer = self.informers.informer(info.cls)
            registration = informer.add_event_handler(_Feed(GraphBuilder(self.graph, info)))
            self._discovered[info.cls] = (informer, registration)
            self.watched[info.cls] = info
        if new:
            await self.informers.start(self.spawner)
            reconcile_log().info("kinds_discovered", kinds=[i.kind for i in new])

    # ----------------------------------------------------------- deletion of owners

    async def _orphan_dependents(self, node: Node) -> None:
        let_go = _without({node.uid})
        for dependent in list(node.dependents.values()):
            if dependent.observed:
                await self._change_owners(dependent, let_go)
        reconcile_log().info("dependents_orphaned", dependents=len(node.dependents))
        await self._remove_finalizer(node, ORPHAN)

    async def _process_deleting_dependents(self, node: Node) -> None:
        blocking = node.blocking_dependents()
        if not blocking:
            await self._remove_finalizer(node, FOREGROUND)
            return
        for dependent in blocking:
            if not dependent.deleting_dependents:
                self.graph.enqueue(dependent)

    # --------------------------------------------------------------------- writes

    async def _latest(self, node: Node) -> Any | None:
        """The object as the apiserver has it now, or None if it went (or was replaced)."""
        assert node.info is not None
        try:
            obj = await self.client.get(node.info.cls, node.name, namespace=node.namespace)
        except NotFound:
            return None
        return obj if obj.metadata.uid == node.uid else None

    async def _change_owners(
        self, node: Node, change: Callable[[OwnerReference], Iterable[OwnerReference]]
    ) -> None:
        """Rewrite the node's owner references; a Conflict is retried by the queue."""
        latest = await self._latest(node)
        if latest is None:
            return
        meta = latest.metadata
        refs = tuple(new for ref in meta.owner_references for new in change(ref))
        if refs == meta.owner_references:
            return
        try:
            await self.client.update(
                attrs.evolve(latest, metadata=attrs.evolve(meta, owner_references=refs))
            )
        except NotFound:
            return

    async def _remove_finalizer(self, node: Node, finalizer: str) -> None:
        latest = await self._latest(node)
        if latest is None or finalizer not in latest.metadata.finalizers:
            return
        meta = latest.metadata
        finalizers = tuple(f for f in meta.finalizers if f != finalizer)
        try:
            await self.client.update(
                attrs.evolve(latest, metadata=attrs.evolve(meta, finalizers=finalizers))
            )
        except NotFound:
            return
        reconcile_log().info("finalizer_removed", finalizer=finalizer)

    async def _delete(self, node: Node, policy: PropagationPolicy) -> None:
        assert node.info is not None
        try:
            await self.client.delete(
                node.info.cls,
                node.name,
                namespace=node.namespace,
                propagation_policy=policy,
                preconditions=Preconditions(uid=node.uid),
                ignore_not_found=True,
            )
        except Conflict:
            return  # replaced by another object of the same name: not ours to delete
        reconcile_log().info(
            "object_garbage_collected", kind=node.info.kind, name=node.name, policy=policy
        )


class _Feed:
    """A discovered kind's informer handler: its events go to the graph, whose queue the
    controller's own informers handed over."""

    __slots__ = ("builder",)

    def __init__(self, builder: GraphBuilder) -> None:
        self.builder = builder

    def on_add(self, obj: Any) -> None:
        if self.builder.graph.queue is not None:
            self.builder.on_add(obj, self.builder.graph.queue)

    def on_update(self, old: Any, new: Any) -> None:
        if self.builder.graph.queue is not None:
            self.builder.on_update(old, new, self.builder.graph.queue)

    def on_delete(self, obj: Any) -> None:
        if self.builder.graph.queue is not None:
            self.builder.on_delete(obj, self.builder.graph.queue)


class _Discovery:
    """On the CustomResourceDefinition informer: any change may serve or retire a kind."""

    def on_add(self, obj: Any, queue: WorkQueue[Request]) -> None:
        queue.add(Request(DISCOVERY, ""))

    def on_update(self, old: Any, new: Any, queue: WorkQueue[Request]) -> None:
        queue.add(Request(DISCOVERY, ""))

    def on_delete(self, obj: Any, queue: WorkQueue[Request]) -> None:
        queue.add(Request(DISCOVERY, ""))


def _without(uids: set[str]) -> Callable[[OwnerReference], tuple[OwnerReference, ...]]:
    def change(ref: OwnerReference) -> tuple[OwnerReference, ...]:
        return () if ref.uid in uids else (ref,)

    return change


def _unblocked(ref: OwnerReference) -> tuple[OwnerReference]:
    if ref.block_owner_deletion:
        return (attrs.evolve(ref, block_owner_deletion=False),)
    return (ref,)


@attrs.frozen(kw_only=True)
class _GraphControllerSpec(ControllerSpec):
    """A spec whose sources all feed the graph: ``for_`` gets no request per object (the
    collector's requests name uids, not objects of one kind)."""

    def sources(self) -> list[tuple[type[Any], EventHandler]]:
        return [(kind, handler) for kind, handler in self.watches]  # type: ignore[misc]


def controller(context: ControllerContext) -> ControllerSpec:
    """The garbage collector on the cluster's shared informers."""
    graph = Graph()
    kinds_now = watched_kinds()
    watches: list[tuple[type[Any], EventHandler]] = [
        (info.cls, GraphBuilder(graph, info)) for info in kinds_now
    ]
    watches.append((CustomResourceDefinition, _Discovery()))
    return _GraphControllerSpec(
        for_=watches[0][0],
        watches=watches,
        reconciler=GarbageCollector(
            client=context.client,
            graph=graph,
            recorder=context.recorder(COMPONENT),
            informers=context.informers,
            spawner=context.spawner,
            watched=kinds_now,
        ),
        workers=WORKERS,
        name="garbagecollector",
    )
