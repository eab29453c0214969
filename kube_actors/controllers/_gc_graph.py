"""The garbage collector's graph: who owns whom, by uid, built from the informers' events.

Kubernetes' ``garbagecollector/graph.go`` and ``graph_builder.go``. Each object of every
watched kind is a ``Node`` keyed by uid, with its owner references and the nodes that name
it as an owner (its dependents). An owner that is referenced but not (or no longer) seen is
a *virtual* node: it holds the dependents that name it until they go or let go of it.

``GraphBuilder`` is the event handler registered with each kind's shared informer. Handlers
run synchronously in the informer's task and never await, so every change to the graph is
atomic; the workers of the garbage collector read it between their awaits. Work per event is
O(1) plus O(changed owner references): an update that leaves ``ownerReferences`` and the
deletion state alone (a status write, a Lease renewal) costs a lookup and a tuple comparison
(``Graph.keeps``).

What the builder queues (``Request(namespace, uid)``), and why:

- an object that names an owner the graph has not seen, has seen deleted, or is deleting
  in the foreground (it may be garbage, or must go first);
- an object being deleted with the ``orphan`` finalizer (its dependents must let go);
- an object entering foreground deletion, and each of its dependents;
- an owner in foreground deletion whenever one of its dependents goes or stops blocking;
- every dependent of an object that was deleted (each may now be dangling).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from ..api import KindInfo, OwnerReference
from ..reconcile import Request, WorkQueue

__all__ = ["FOREGROUND", "ORPHAN", "Graph", "GraphBuilder", "Node"]

ORPHAN = "orphan"
FOREGROUND = "foregroundDeletion"

#: How many uids of owners known to be gone are remembered (Kubernetes keeps 500).
ABSENT_OWNER_CACHE_SIZE = 500


class Node:
    """One object (or a virtual owner) of the graph."""

    __slots__ = (
        "deleting",
        "deleting_dependents",
        "dependents",
        "info",
        "name",
        "namespace",
        "observed",
        "orphaning",
        "owners",
        "uid",
    )

    def __init__(self, uid: str) -> None:
        self.uid = uid
        self.info: KindInfo | None = None
        self.namespace = ""
        self.name = ""
        #: Seen through an informer and not deleted since; False for a virtual owner.
        self.observed = False
        self.owners: tuple[OwnerReference, ...] = ()
        #: uid -> node, in the order they appeared (so runs repeat exactly).
        self.dependents: dict[str, Node] = {}
        #: Has a deletionTimestamp.
        self.deleting = False
        #: Being deleted in the foreground: waits for its blocking dependents.
        self.deleting_dependents = False
        #: Being deleted with the ``orphan`` finalizer.
        self.orphaning = False

    def __repr__(self) -> str:
        kind = self.info.kind if self.info is not None else "?"
        where = f"{self.namespace}/{self.name}" if self.namespace else self.name
        state = "" if self.observed else " virtual"
        return f"<Node {kind} {where} {self.uid}{state} dependents={len(self.dependents)}>"

    def request(self) -> Request:
        """The garbage collector's request for this node: its namespace and its uid."""
        return Request(self.namespace, self.uid)

    def blocks(self, owner_uid: str) -> bool:
        """Whether this node's reference to ``owner_uid`` has ``blockOwnerDeletion``."""
        return any(r.uid == owner_uid and r.block_owner_deletion for r in self.owners)

    def blocking_dependents(self) -> list[Node]:
        """The dependents this node waits for in a foreground deletion."""
        return [d for d in self.dependents.values() if d.observed and d.blocks(self.uid)]


class Graph:
    """Nodes by uid, the uids of owners known to be gone, and the queue to feed."""

    def __init__(self, absent_capacity: int = ABSENT_OWNER_CACHE_SIZE) -> None:
        self.nodes: dict[str, Node] = {}
        self._absent: OrderedDict[str, None] = OrderedDict()
        self._absent_capacity = absent_capacity
        #: The controller's queue, as the informers last handed it over.
        self.queue: WorkQueue[Request] | None = None

    def __len__(self) -> int:
        return len(self.nodes)

    def get(self, uid: str) -> Node | None:
        return self.nodes.get(uid)

    def enqueue(self, node: Node) -> None:
        if self.queue is not None:
            self.queue.add(node.request())

    # ------------------------------------------------------------------ absent owners

    def mark_absent(self, uid: str) -> None:
        """Remember that no object has ``uid`` (it was deleted, or never existed)."""
        absent = self._absent
        absent[uid] = None
        absent.move_to_end(uid)
        if len(absent) > self._absent_capacity:
            absent.popitem(last=False)

    def is_absent(self, uid: str) -> bool:
        return uid in self._absent

    # ------------------------------------------------------------------------ changes

    def observe(self, info: KindInfo, obj: Any) -> None:
        """An object was added or updated."""
        meta = obj.metadata
        node = self.nodes.get(meta.uid)
        if node is None:
            node = self.nodes[meta.uid] = Node(meta.uid)
        first = not node.observed
        node.info = info
        node.namespace = meta.namespace
        node.name = meta.name
        node.observed = True
        was_deleting_dependents = node.deleting_dependents and not first
        deleting = meta.deletion_timestamp is not None
        node.deleting = deleting
        node.deleting_dependents = deleting and FOREGROUND in meta.finalizers
        node.orphaning = deleting and ORPHAN in meta.finalizers
        suspicious = False
        refs: tuple[OwnerReference, ...] = meta.owner_references
        if refs != node.owners:
            suspicious = self._update_owners(node, refs)
        if (suspicious and not deleting) or node.orphaning:
            self.enqueue(node)
        if node.deleting_dependents and not was_deleting_dependents:
            self.enqueue(node)
            for dependent in node.dependents.values():
                self.enqueue(dependent)

    def keeps(self, obj: Any) -> bool:
        """Whether the graph already holds all it needs of this update of an object it has
        seen: not being deleted, the same owner references. Most updates are so (a status
        write, a Lease renewal): as Kubernetes' graph builder, which compares the owner
        references and the deletion state and does nothing more, they cost a lookup."""
        meta = obj.metadata
        if meta.deletion_timestamp is not None:
            return False
        node = self.nodes.get(meta.uid)
        if node is None or not node.observed or node.deleting:
            return False
        refs = meta.owner_references
        return refs is node.owners or refs == node.owners

    def forget(self, obj: Any) -> None:
        """An object was deleted."""
        uid = obj.metadata.uid
        node = self.nodes.get(uid)
        self.mark_absent(uid)
        if node is None or not node.observed:
            return
        for ref in node.owners:
            owner = self.nodes.get(ref.uid)
            if owner is not None:
                self._drop_dependent(owner, node)
        node.owners = ()
        node.observed = node.deleting = node.deleting_dependents = node.orphaning = False
        if not node.dependents:
            del self.nodes[uid]
            return
        for dependent in node.dependents.values():  # each may be dangling now
            self.enqueue(dependent)

    def _update_owners(self, node: Node, refs: tuple[OwnerReference, ...]) -> bool:
        """Move ``node`` to its new owners; whether one of the added ones needs a look."""
        old = {r.uid: r for r in node.owners}
        new = {r.uid: r for r in refs}
        node.owners = refs
        suspicious = False
        for uid, ref in old.items():
            owner = self.nodes.get(uid)
            if owner is None:
                continue
            kept = new.get(uid)
            if kept is None:
                self._drop_dependent(owner, node)
            elif ref.block_owner_deletion and not kept.block_owner_deletion:
                self._drop_blocker(owner)
        for uid in new:
            if uid in old:
                continue
            owner = self.nodes.get(uid)
            if owner is None:
                owner = self.nodes[uid] = Node(uid)
            owner.dependents[node.uid] = node
            suspicious = suspicious or self._suspicious(owner, node)
        return suspicious

    def _suspicious(self, owner: Node, dependent: Node) -> bool:
        if not owner.observed or owner.deleting_dependents or self.is_absent(owner.uid):
            return True
        namespaced = owner.info is not None and owner.info.namespaced
        return owner.namespace != (dependent.namespace if namespaced else "")

    def _drop_blocker(self, owner: Node) -> None:
        if owner.deleting_dependents:
            self.enqueue(owner)  # it may have waited for this one

    def _drop_dependent(self, owner: Node, dependent: Node) -> None:
        owner.dependents.pop(dependent.uid, None)
        if owner.deleting_dependents:
            self.enqueue(owner)  # it may have waited for this one
        if not owner.observed and not owner.dependents:
            del self.nodes[owner.uid]


class GraphBuilder:
    """The informer event handler of one kind: feeds its events into the graph."""

    __slots__ = ("graph", "info")

    def __init__(self, graph: Graph, info: KindInfo) -> None:
        self.graph = graph
        self.info = info

    def on_add(self, obj: Any, queue: WorkQueue[Request]) -> None:
        self.graph.queue = queue
        self.graph.observe(self.info, obj)

    def on_update(self, old: Any, new: Any, queue: WorkQueue[Request]) -> None:
        self.graph.queue = queue
        if not self.graph.keeps(new):
            self.graph.observe(self.info, new)

    def on_delete(self, obj: Any, queue: WorkQueue[Request]) -> None:
        self.graph.queue = queue
        self.graph.forget(obj)

    def __repr__(self) -> str:
        return f"GraphBuilder({self.info.kind})"
