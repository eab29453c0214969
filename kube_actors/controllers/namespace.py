"""The namespace controller: empties a deleted namespace, then lets the apiserver remove it.

Kubernetes' ``pkg/controller/namespace`` (``deletion/namespaced_resources_deleter.go``).
Deleting a Namespace does not remove it: the apiserver sets its ``deletionTimestamp`` and
``status.phase: Terminating`` and keeps it while ``spec.finalizers`` holds ``kubernetes``;
meanwhile admission refuses to create anything in it. For such a namespace, reconcile

1. lists every namespaced kind of the registry in the namespace (from the apiserver, not
   the caches: what a cache has not seen yet must not be left behind) and deletes each
   object not already being deleted, with ``propagationPolicy: Background``;
2. lists again what it found, and writes the namespace's deletion conditions
   (``NamespaceDeletionContentFailure``, ``NamespaceContentRemaining``,
   ``NamespaceFinalizersRemaining`` and the two discovery ones, which cannot fail here);
3. while anything remains (finalizers, a Pod's grace period), waits: the delete of any
   object in a terminating namespace queues the namespace again (every namespaced kind is
   watched but Event, which never lingers), and, as in Kubernetes, it is also queued again
   after an estimate (half the longest grace period left plus one second, or 8.5 s for
   finalizers);
4. once it is empty, removes ``kubernetes`` from ``spec.finalizers`` with an update, and
   the apiserver deletes the namespace when no finalizer is left. (Kubernetes writes the
   ``namespaces/finalize`` subresource for this; here a plain update of the spec does it.)

Kubernetes' namespace controller records no Events; neither does this one.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import Any

import attrs

from ..actors import wall_clock, wall_clock_whole_seconds
from ..api import (
    Binding,
    Event,
    KindInfo,
    Namespace,
    NamespaceCondition,
    NodeMetrics,
    PodMetrics,
    kinds,
    set_condition,
)
from ..client import Client, SharedInformer
from ..errors import ApiError, NotFound
from ..reconcile import ControllerSpec, Request, Result, WorkQueue, reconcile_log
from ._context import ControllerContext

__all__ = [
    "COMPONENT",
    "NAMESPACE_FINALIZER",
    "NamespaceReconciler",
    "WORKERS",
    "controller",
    "namespaced_kinds",
]

#: The Event source and client name, as kube-controller-manager names this controller.
COMPONENT = "namespace-controller"
#: One worker (kube-controller-manager's ``--concurrent-namespace-syncs`` is 10).
WORKERS = 1

#: The spec finalizer that keeps a terminating namespace until this controller emptied it.
NAMESPACE_FINALIZER = "kubernetes"

#: How long a finalizer is guessed to take (Kubernetes' ``finalizerEstimateSeconds``).
FINALIZER_ESTIMATE_SECONDS = 15

#: Namespaced kinds that are not stored objects (a Binding is a write to ``pods/binding``).
_NOT_STORED: tuple[type[Any], ...] = (Binding, NodeMetrics, PodMetrics)


def namespaced_kinds() -> list[KindInfo]:
    """Every stored namespaced kind registered now."""
    return [
        info
        for info in kinds()
        if info.namespaced and info.cls not in _NOT_STORED and info.stored_as is None
    ]


@attrs.frozen(kw_only=True)
class _Sweep:
    """What one pass over a namespace's content found."""

    #: resource name (``pods``, ``replicasets.apps``) -> objects still there.
    remaining: Counter[str]
    #: finalizer -> objects still carrying it.
    finalizers: Counter[str]
    errors: tuple[str, ...]
    #: Seconds until the last grace period still running ends (0: none).
    grace: float


class NamespaceReconciler:
    """Deletes the content of a terminating namespace, then finalizes it."""

    def __init__(
        self,
        *,
        client: Client,
        namespaces: SharedInformer[Namespace],
        content: Sequence[KindInfo],
    ) -> None:
        self.client = client
        self.namespaces = namespaces
        self.content = tuple(content)

    async def reconcile(self, request: Request) -> Result:
        namespace = self.namespaces.indexer.get(request.name)
        if namespace is None or namespace.metadata.deletion_timestamp is None:
            return Result()
        if NAMESPACE_FINALIZER not in namespace.spec.finalizers:
            return Result()
        sweep = await self._delete_content(request.name)
        await self._write_conditions(request.name, sweep)
        if sweep.errors:
            raise _ContentDeletionFailed(sweep.errors)
        if sweep.remaining:
            reconcile_log().info("namespace_content_remaining", remaining=dict(sweep.remaining))
            return Result(requeue_after=_estimate(sweep) / 2 + 1)
        await self._finalize(request.name)
        return Result()

    # ---------------------------------------------------------------------- content

    def _kinds(self) -> tuple[KindInfo, ...]:
        """The kinds it started with, then those served since (a CRD's kind, created at run
        time): a namespace is emptied of them too."""
        known = {info.cls for info in self.content}
        return self.content + tuple(i for i in namespaced_kinds() if i.cls not in known)

    async def _delete_content(self, namespace: str) -> _Sweep:
        remaining: Counter[str] = Counter()
        finalizers: Counter[str] = Counter()
        errors: list[str] = []
        grace = 0.0
        now = wall_clock()
        for info in self._kinds():
            found = await self.client.list(info.cls, namespace=namespace)
            if not found:
                continue
            for obj in found:
                if obj.metadata.deletion_timestamp is None:
                    try:
                        await self.client.delete(
                            info.cls,
                            obj.metadata.name,
                            namespace=namespace,
                            propagation_policy="Background",
                            ignore_not_found=True,
                        )
                    except ApiError as error:
                        errors.append(f"{_resource(info)} {obj.metadata.name}: {error}")
            for obj in await self.client.list(info.cls, namespace=namespace):
                remaining[_resource(info)] += 1
                finalizers.update(obj.metadata.finalizers)
                grace = max(grace, _grace_left(obj, now))
        return _Sweep(remaining=remaining, finalizers=finalizers, errors=tuple(errors), grace=grace)

    # ------------------------------------------------------------------- conditions

    async def _write_conditions(self, name: str, sweep: _Sweep) -> None:
        try:
            current = await self.client.get(Namespace, name)
        except NotFound:
            return
        now = wall_clock_whole_seconds()
        conditions = current.status.conditions
        for condition in _conditions(sweep, now):
            conditions = set_condition(conditions, condition)
        if conditions == current.status.conditions:
            return
        status = attrs.evolve(current.status, conditions=conditions)
        await self.client.update_status(attrs.evolve(current, status=status))

    # --------------------------------------------------------------------- finalize

    async def _finalize(self, name: str) -> None:
        try:
            current = await self.client.get(Namespace, name)
        except NotFound:
            return
        finalizers = tuple(f for f in current.spec.finalizers if f != NAMESPACE_FINALIZER)
        if finalizers == current.spec.finalizers:
            return
        spec = attrs.evolve(current.spec, finalizers=finalizers)
        await self.client.update(attrs.evolve(current, spec=spec))
        reconcile_log().info("namespace_finalized")


class _ContentDeletionFailed(Exception):
    """Some deletes failed: the request is retried after its back-off."""

    def __init__(self, errors: Sequence[str]) -> None:
        super().__init__("; ".join(errors))


def _resource(info: KindInfo) -> str:
    return f"{info.plural}.{info.group}" if info.group else info.plural


def _grace_left(obj: Any, now: dt.datetime) -> float:
    when: dt.datetime | None = obj.metadata.deletion_timestamp
    if when is None:
        return 0.0
    return max((when - now).total_seconds(), 0.0)


def _estimate(sweep: _Sweep) -> float:
    if sweep.grace > 0:
        return sweep.grace
    return float(FINALIZER_ESTIMATE_SECONDS)


def _condition(
    kind: str, problem: bool, now: dt.datetime, reasons: tuple[str, str], message: str
) -> NamespaceCondition:
    return NamespaceCondition(
        type=kind,
        status="True" if problem else "False",
        last_transition_time=now,
        reason=reasons[0] if problem else reasons[1],
        message=message,
    )


def _conditions(sweep: _Sweep, now: dt.datetime) -> list[NamespaceCondition]:
    """The deletion conditions Kubernetes keeps on a terminating namespace."""
    remaining = ", ".join(
        f"{r} has {n} resource instances" for r, n in sorted(sweep.remaining.items())
    )
    finalizers = ", ".join(
        f"{f} in {n} resource instances" for f, n in sorted(sweep.finalizers.items())
    )
    return [
        _condition(
            "NamespaceDeletionDiscoveryFailure",
            False,
            now,
            ("DiscoveryFailed", "ResourcesDiscovered"),
            "All resources successfully discovered",
        ),
        _condition(
            "NamespaceDeletionGroupVersionParsingFailure",
            False,
            now,
            ("GroupVersionParsingFailed", "ParsedGroupVersions"),
            "All legacy kube types successfully parsed",
        ),
        _condition(
            "NamespaceDeletionContentFailure",
            bool(sweep.errors),
            now,
            ("ContentDeletionFailed", "ContentDeleted"),
            "Failed to delete all resource types: " + "; ".join(sweep.errors)
            if sweep.errors
            else "All content successfully deleted, may be waiting on finalization",
        ),
        _condition(
            "NamespaceContentRemaining",
            bool(sweep.remaining),
            now,
            ("SomeResourcesRemain", "ContentRemoved"),
            f"Some resources are remaining: {remaining}"
            if sweep.remaining
            else "All content successfully removed",
        ),
        _condition(
            "NamespaceFinalizersRemaining",
            bool(sweep.finalizers),
            now,
            ("SomeFinalizersRemain", "ContentHasNoFinalizers"),
            f"Some content in the namespace has finalizers remaining: {finalizers}"
            if sweep.finalizers
            else "All content-preserving finalizers finished",
        ),
    ]


class _ContentDeleted:
    """Queues a terminating namespace when something in it is deleted (so the namespace
    goes as soon as its last object does, rather than at the next estimate)."""

    __slots__ = ("namespaces",)

    #: Deletes alone matter: its informers need not tell it of updates (``hears_updates``),
    #: of which every namespaced kind has many (a Lease renewal, a Pod's status).
    ignores_updates = True

    def __init__(self, namespaces: SharedInformer[Namespace]) -> None:
        self.namespaces = namespaces

    def on_add(self, obj: Any, queue: WorkQueue[Request]) -> None:
        return None

    def on_update(self, old: Any, new: Any, queue: WorkQueue[Request]) -> None:
        return None

    def on_delete(self, obj: Any, queue: WorkQueue[Request]) -> None:
        name = obj.metadata.namespace
        namespace = self.namespaces.indexer.get(name)
        if namespace is not None and namespace.metadata.deletion_timestamp is not None:
            queue.add(Request("", name))


def controller(context: ControllerContext) -> ControllerSpec:
    """The namespace controller on the cluster's shared informers."""
    namespaces = context.informers.informer(Namespace)
    content = namespaced_kinds()
    handler = _ContentDeleted(namespaces)
    # Events are deleted like the rest, but never linger (no finalizers, no grace period),
    # so their deletes need not be heard: that saves the busiest informer.
    lingering = [info for info in content if info.cls is not Event]
    return ControllerSpec(
        for_=Namespace,
        watches=[(info.cls, handler) for info in lingering],
        reconciler=NamespaceReconciler(
            client=context.client, namespaces=namespaces, content=content
        ),
        workers=WORKERS,
        name="namespace",
    )
