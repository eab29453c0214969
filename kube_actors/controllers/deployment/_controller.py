"""The Deployment controller's reconciler, Kubernetes' ``deployment_controller.go``: it claims
a Deployment's ReplicaSets (adopting matching orphans, releasing the rest), then runs one
``_Sync`` over them; a Recreate rollout is woken by the deletions of its old Pods."""

from __future__ import annotations

from typing import Any

import attrs

from ...api import (
    Deployment,
    LabelSelector,
    Pod,
    ReplicaSet,
    Selector,
    controller_of,
)
from ...client import OWNER_UID_INDEX, Client, EventRecorder, SharedInformer
from ...errors import Conflict
from ...reconcile import ControllerSpec, Request, Result, WorkQueue, reconcile_log
from .._claims import adopt, release
from .._context import ControllerContext
from .._selectors import SelectorCache
from . import _util as u
from ._recreate import Recreate
from ._rolling import Rolling

__all__ = ["COMPONENT", "WORKERS", "DeploymentReconciler", "controller"]

#: The Event source and client name, as kube-controller-manager names this controller.
COMPONENT = "deployment-controller"
#: kube-controller-manager's ``--concurrent-deployment-syncs``.
WORKERS = 5


class _PodDeletions:
    """A Recreate rollout waits for the old Pods to be gone: their deletions wake it."""

    __slots__ = ("deployments", "sets")

    def __init__(
        self, deployments: SharedInformer[Deployment], sets: SharedInformer[ReplicaSet]
    ) -> None:
        self.deployments = deployments
        self.sets = sets

    def on_add(self, pod: Pod, queue: WorkQueue[Request]) -> None:
        return None

    def on_update(self, old: Pod, new: Pod, queue: WorkQueue[Request]) -> None:
        return None

    def on_delete(self, pod: Pod, queue: WorkQueue[Request]) -> None:
        namespace = pod.metadata.namespace
        rs = _resolve(self.sets, namespace, pod, ReplicaSet.kind)
        d = _resolve(self.deployments, namespace, rs, Deployment.kind) if rs else None
        if d is not None and d.spec.strategy is not None and d.spec.strategy.type == "Recreate":
            queue.add(Request(namespace, d.metadata.name))


def _resolve(informer: SharedInformer[Any], namespace: str, obj: Any, kind: str) -> Any:
    ref = controller_of(obj)
    if ref is None or ref.kind != kind:
        return None
    owner = informer.indexer.get(ref.name, namespace)
    return owner if owner is not None and owner.metadata.uid == ref.uid else None


class DeploymentReconciler:
    """Reconciles one Deployment at a time (see the module docstring)."""

    def __init__(
        self,
        *,
        client: Client,
        deployments: SharedInformer[Deployment],
        sets: SharedInformer[ReplicaSet],
        pods: SharedInformer[Pod],
        recorder: EventRecorder,
    ) -> None:
        self.client = client
        self.deployments = deployments
        self.sets = sets
        self.pods = pods
        self.recorder = recorder
        self._selectors = SelectorCache()

    def selector(self, d: Deployment) -> Selector:
        return self._selectors.of(d)

    def deployments_selecting_orphan(self, rs: ReplicaSet) -> list[Request]:
        """For a ReplicaSet no one controls: the Deployments that would adopt it."""
        if controller_of(rs) is not None:
            return []
        namespace = rs.metadata.namespace
        labels = rs.metadata.labels
        return [
            Request(namespace, d.metadata.name)
            for d in self.deployments.indexer.list(namespace)
            if self.selector(d).matches(labels)
        ]

    async def reconcile(self, request: Request) -> Result:
        d = self.deployments.indexer.get(request.name, request.namespace)
        if d is None:
            return Result()
        if d.spec.selector == LabelSelector():
            self.recorder.event(
                d,
                "Warning",
                "SelectingAll",
                "This deployment is selecting all pods. A non-empty selector is required.",
            )
            if d.status.observed_generation < d.metadata.generation:
                status = attrs.evolve(d.status, observed_generation=d.metadata.generation)
                await self.client.update_status(attrs.evolve(d, status=status))
            return Result()
        sets = await self._claim_replica_sets(d)
        rollout = _Sync(owner=self, d=d, sets=sets)
        try:
            await rollout.run()
        except Conflict as error:
            # Written on a cache that was behind: the watch is about to catch up.
            reconcile_log().info("deployment_conflict", error=str(error))
            return Result(requeue=True)
        return rollout.result()

    async def _claim_replica_sets(self, d: Deployment) -> list[ReplicaSet]:
        uid = d.metadata.uid
        selector = self.selector(d)
        deleting = d.metadata.deletion_timestamp is not None
        claimed: list[ReplicaSet] = []
        can_adopt: bool | None = None
        for rs in self.sets.indexer.list(d.metadata.namespace):
            ref = controller_of(rs)
            matches = selector.matches(rs.metadata.labels)
            if ref is not None and ref.uid == uid:
                if matches:
                    claimed.append(rs)
                elif not deleting:
                    await release(self.client, ReplicaSet, rs, d)
            elif (
                ref is None and matches and not deleting and rs.metadata.deletion_timestamp is None
            ):
                if can_adopt is None:
                    fresh = await self.client.get(
                        Deployment, d.metadata.name, namespace=d.metadata.namespace
                    )
                    can_adopt = (
                        fresh.metadata.uid == uid and fresh.metadata.deletion_timestamp is None
                    )
                if can_adopt:
                    adopted = await adopt(self.client, ReplicaSet, rs, d)
                    if adopted is not None:
                        claimed.append(adopted)
        return claimed

    def pods_of(self, rs: ReplicaSet) -> list[Pod]:
        """The cached Pods ``rs`` controls."""
        uid = rs.metadata.uid
        return [
            pod
            for pod in self.pods.indexer.by_index(OWNER_UID_INDEX, uid)
            if (ref := controller_of(pod)) is not None and ref.uid == uid
        ]


class _Sync(Rolling, Recreate):
    """One reconcile of one Deployment: sync, progress and both strategies, dispatched here."""

    async def run(self) -> None:
        d = self.d
        if d.metadata.deletion_timestamp is not None:
            new_rs, old = await self.replica_sets(create=False)
            await self.sync_status([*old, new_rs], new_rs)
            return
        await self.check_paused_conditions()
        if self.d.spec.paused or await self.is_scaling_event():
            await self.sync()
        elif u.is_rolling_update(self.d):
            await self.rollout_rolling()
        else:
            await self.rollout_recreate()


def controller(context: ControllerContext) -> ControllerSpec:
    """The Deployment controller on the cluster's shared informers."""
    deployments = context.informers.informer(Deployment)
    sets = context.informers.informer(ReplicaSet)
    pods = context.informers.informer(Pod)
    reconciler = DeploymentReconciler(
        client=context.client,
        deployments=deployments,
        sets=sets,
        pods=pods,
        recorder=context.recorder(COMPONENT),
    )
    return ControllerSpec(
        for_=Deployment,
        owns=[ReplicaSet],
        watches=[
            (ReplicaSet, reconciler.deployments_selecting_orphan),
            (Pod, _PodDeletions(deployments, sets)),
        ],
        reconciler=reconciler,
        workers=WORKERS,
        name="deployment",
    )
