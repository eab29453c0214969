"""The resource quota controller: each ResourceQuota's status, what it caps and what is used.

Kubernetes' ``pkg/controller/resourcequota``. Requests name a quota, queued when it changes,
when an object it may count in its namespace comes, goes or changes its use (replenishment:
the controller watches every namespaced kind registered when it starts, but Events and
Leases, as Kubernetes' monitors every quotable resource), and every five minutes
(``--resource-quota-sync-period``), which catches kinds registered later.
Reconcile sets ``status.hard`` to ``spec.hard`` and ``status.used`` to the namespace's use
of each capped resource (``namespace_usage``), writing only when that changes. Admission
(``ResourceQuota`` in the apiserver) enforces the caps once ``status.hard`` names them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

import attrs

from ..actors import wall_clock
from ..api import (
    Event,
    Lease,
    PodMetrics,
    ResourceQuota,
    counted_kind,
    kinds,
    namespace_usage,
    quota_usage,
)
from ..client import Client, SharedInformer
from ..reconcile import ControllerSpec, Request, Result, WorkQueue
from ._context import ControllerContext

__all__ = [
    "COMPONENT",
    "NOT_WATCHED",
    "SYNC_PERIOD",
    "WORKERS",
    "ResourceQuotaReconciler",
    "controller",
    "watched_kinds",
]

#: The Event source and client name, as kube-controller-manager names this controller.
COMPONENT = "resourcequota-controller"
#: kube-controller-manager's ``--concurrent-resource-quota-syncs``.
WORKERS = 2
#: kube-controller-manager's ``--resource-quota-sync-period``: a full recount this often.
SYNC_PERIOD: Final = 300.0

#: Kinds whose changes never move a quota (and change often): not watched.
NOT_WATCHED: Final = (Event, Lease, PodMetrics, ResourceQuota)


def watched_kinds() -> list[type[Any]]:
    """The namespaced kinds whose changes replenish quotas at once."""
    return [
        i.cls for i in kinds() if i.namespaced and i.cls not in NOT_WATCHED and i.stored_as is None
    ]


class ResourceQuotaReconciler:
    """Writes the status of the quota a request names."""

    def __init__(
        self,
        *,
        client: Client,
        quotas: SharedInformer[ResourceQuota],
        counted: dict[type[Any], SharedInformer[Any]],
    ) -> None:
        self.client = client
        self.quotas = quotas
        self.counted = counted

    async def reconcile(self, request: Request) -> Result:
        quota = self.quotas.indexer.get(request.name, request.namespace)
        if quota is None:
            return Result()
        listed: dict[type[Any], list[Any]] = {}
        for name in quota.spec.hard:
            kind = counted_kind(name)
            if kind is not None and kind not in self.counted and kind not in listed:
                listed[kind] = await self.client.list(kind, namespace=request.namespace)

        def objects_of(kind: type[Any]) -> Iterable[Any]:
            informer = self.counted.get(kind)
            if informer is not None:
                return informer.indexer.list(request.namespace)
            return listed.get(kind, ())

        used = namespace_usage(quota, quota.spec.hard, objects_of, wall_clock())
        status = attrs.evolve(quota.status, hard=quota.spec.hard, used=used)
        if status != quota.status:
            await self.client.update_status(attrs.evolve(quota, status=status))
        return Result(requeue_after=SYNC_PERIOD)


class _Replenish:
    """A counted object's change queues every quota of its namespace whose count it moves."""

    __slots__ = ("quotas",)

    def __init__(self, quotas: SharedInformer[ResourceQuota]) -> None:
        self.quotas = quotas

    def _all(self, obj: Any, queue: WorkQueue[Request]) -> None:
        for quota in self.quotas.indexer.list(obj.metadata.namespace):
            queue.add(Request.for_object(quota))

    def on_add(self, obj: Any, queue: WorkQueue[Request]) -> None:
        self._all(obj, queue)

    def on_update(self, old: Any, new: Any, queue: WorkQueue[Request]) -> None:
        if not self.quotas.indexer.list(new.metadata.namespace):
            return  # the common case, and cheap: no quota to replenish
        now = wall_clock()
        if quota_usage(old, now) != quota_usage(new, now):
            self._all(new, queue)

    def on_delete(self, obj: Any, queue: WorkQueue[Request]) -> None:
        self._all(obj, queue)


def controller(context: ControllerContext) -> ControllerSpec:
    """The resource quota controller on the cluster's shared informers."""
    quotas = context.informers.informer(ResourceQuota)
    watched = watched_kinds()
    counted: dict[type[Any], SharedInformer[Any]] = {
        kind: context.informers.informer(kind) for kind in watched
    }
    reconciler = ResourceQuotaReconciler(client=context.client, quotas=quotas, counted=counted)
    replenish = _Replenish(quotas)
    return ControllerSpec(
        for_=ResourceQuota,
        watches=[(kind, replenish) for kind in watched],
        reconciler=reconciler,
        workers=WORKERS,
        name="resourcequota",
    )
