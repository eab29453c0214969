"""The Deployment controller: rolls a Deployment's Pod template out through ReplicaSets.

kube-controller-manager's ``pkg/controller/deployment``. Each template a Deployment has had is
one ReplicaSet, named ``<deployment>-<pod-template-hash>`` (see ``api.template_hash``), whose
selector and template carry the ``pod-template-hash`` label so the ReplicaSets never share a
Pod. The ReplicaSet whose template is the Deployment's is the *new* one; the rest are *old*.
A reconcile:

1. claims the Deployment's ReplicaSets (adopting matching orphans, releasing the rest);
2. when paused, or when only ``replicas`` changed (a *scaling event*), just scales: the one
   active ReplicaSet takes the new size, or during a rollout the difference is shared out in
   proportion to each ReplicaSet's size (*proportional scaling*), within ``maxSurge``;
3. otherwise rolls out. **RollingUpdate** scales the new ReplicaSet up while the total stays
   within ``replicas + maxSurge`` and the old ones down while at least
   ``replicas - maxUnavailable`` Pods stay available (``maxSurge`` 25 % rounded up,
   ``maxUnavailable`` 25 % rounded down; never both 0). **Recreate** scales every old
   ReplicaSet to 0, waits until none of their Pods is left running, then scales the new one up;
4. keeps ``revisionHistoryLimit`` (10) old ReplicaSets of 0 replicas, deleting older ones;
5. writes the status — ``replicas``, ``updatedReplicas``, ``readyReplicas``,
   ``availableReplicas``, ``unavailableReplicas`` — with the conditions ``Available``
   (at least ``replicas - maxUnavailable`` available) and ``Progressing``, which turns to
   ``ProgressDeadlineExceeded`` when no progress was seen for ``progressDeadlineSeconds``
   (600): the reconcile comes back at that very moment to check.

Revisions: the new ReplicaSet gets ``deployment.kubernetes.io/revision`` one above every old
one, and the Deployment carries the same. ``rollback`` (``kubectl rollout undo``) copies an
earlier ReplicaSet's template back into the Deployment; that ReplicaSet then becomes the new
one again and so takes the newest revision, its former one kept in ``revision-history``.

Events as Kubernetes words them: ``ScalingReplicaSet`` "Scaled up replica set web-6d4f8b7c9
from 0 to 2" (and "Scaled down ..."), ``FailedCreate`` when a ReplicaSet cannot be created,
``SelectingAll`` for an empty selector.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from ..actors import wall_clock
from ..api import (
    Deployment,
    DeploymentStatus,
    LabelSelector,
    ObjectMeta,
    Pod,
    ReplicaSet,
    ReplicaSetSpec,
    Selector,
    compile_selector,
    controller_of,
    is_pod_terminal,
    owner_reference,
    template_hash,
)
from ..client import OWNER_UID_INDEX, Client, EventRecorder, SharedInformer
from ..errors import AlreadyExists, ApiError, Conflict
from ..reconcile import ControllerSpec, Request, Result, WorkQueue, reconcile_log
from . import _deployment_util as u
from ._claims import adopt, release
from ._context import ControllerContext

__all__ = ["COMPONENT", "DeploymentReconciler", "controller"]

#: The component Events are recorded as.
COMPONENT = "deployment-controller"
#: Deployments reconciled at once (kube-controller-manager's --concurrent-deployment-syncs).
WORKERS = 5


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
        self._selectors: dict[str, tuple[Any, Selector]] = {}

    def selector(self, d: Deployment) -> Selector:
        uid = d.metadata.uid
        cached = self._selectors.get(uid)
        if cached is not None and cached[0] is d.spec.selector:
            return cached[1]
        selector = compile_selector(d.spec.selector)
        self._selectors[uid] = (d.spec.selector, selector)
        return selector

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
        rollout = _Rollout(self, d, sets)
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


class _Rollout:
    """One reconcile of one Deployment: the object as last written, its ReplicaSets as last
    written, and what to do next."""

    def __init__(self, owner: DeploymentReconciler, d: Deployment, sets: list[ReplicaSet]):
        self.client = owner.client
        self.recorder = owner.recorder
        self.owner = owner
        self.d = d
        self.sets = {rs.metadata.uid: rs for rs in sets}
        self.now = wall_clock()
        self.requeue_after: float | None = None

    def result(self) -> Result:
        return Result(requeue_after=self.requeue_after)

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

    # ------------------------------------------------------------------ replica sets

    def _store(self, rs: ReplicaSet) -> ReplicaSet:
        self.sets[rs.metadata.uid] = rs
        return rs

    async def replica_sets(self, *, create: bool) -> tuple[ReplicaSet | None, list[ReplicaSet]]:
        """The new ReplicaSet (created if asked and missing) and the old ones."""
        existing = u.find_new_replica_set(self.d, self.sets.values())
        old = [rs for rs in self.sets.values() if rs is not existing]
        new_rs = await self._new_replica_set(existing, old, create)
        return new_rs, [
            rs for rs in old if new_rs is None or rs.metadata.uid != new_rs.metadata.uid
        ]

    async def _new_replica_set(
        self, existing: ReplicaSet | None, old: list[ReplicaSet], create: bool
    ) -> ReplicaSet | None:
        d = self.d
        new_revision = u.max_revision(old) + 1
        if existing is not None:
            annotations = u.new_rs_annotations(d, existing.metadata.annotations, new_revision, True)
            min_ready = d.spec.min_ready_seconds
            if annotations != existing.metadata.annotations or (
                existing.spec.min_ready_seconds != min_ready
            ):
                updated = attrs.evolve(
                    existing,
                    metadata=attrs.evolve(existing.metadata, annotations=annotations),
                    spec=attrs.evolve(existing.spec, min_ready_seconds=min_ready),
                )
                return self._store(await self.client.update(updated))
            await self._set_revision(existing.metadata.annotations.get(u.REVISION_ANNOTATION, ""))
            if u.has_progress_deadline(d) and (
                u.get_deployment_condition(self.d.status, "Progressing") is None
            ):
                message = f'Found new replica set "{existing.metadata.name}"'
                await self._set_progressing("True", u.FOUND_NEW_RS_REASON, message)
            return existing
        if not create:
            return None
        return await self._create_new_replica_set(old, new_revision)

    async def _create_new_replica_set(
        self, old: list[ReplicaSet], new_revision: int
    ) -> ReplicaSet | None:
        d = self.d
        pod_hash = template_hash(d.spec.template, d.status.collision_count)
        template = d.spec.template
        labels = {**template.metadata.labels, u.POD_TEMPLATE_HASH_LABEL: pod_hash}
        template = attrs.evolve(template, metadata=attrs.evolve(template.metadata, labels=labels))
        selector = d.spec.selector or LabelSelector()
        selector = attrs.evolve(
            selector,
            match_labels={**selector.match_labels, u.POD_TEMPLATE_HASH_LABEL: pod_hash},
        )
        name = f"{d.metadata.name}-{pod_hash}"
        new_rs = ReplicaSet(
            metadata=ObjectMeta(
                name=name,
                namespace=d.metadata.namespace,
                labels=labels,
                annotations=u.new_rs_annotations(d, {}, new_revision, False),
                owner_references=(owner_reference(d),),
            ),
            spec=ReplicaSetSpec(
                replicas=0,
                min_ready_seconds=d.spec.min_ready_seconds,
                selector=selector,
                template=template,
            ),
        )
        replicas = u.new_rs_new_replicas(d, [*old, new_rs], new_rs)
        new_rs = attrs.evolve(new_rs, spec=attrs.evolve(new_rs.spec, replicas=replicas))
        already_existed = False
        try:
            created = await self.client.create(new_rs)
        except AlreadyExists:
            current = await self.client.get(ReplicaSet, name, namespace=d.metadata.namespace)
            ref = controller_of(current)
            if not (
                ref is not None
                and ref.uid == d.metadata.uid
                and u.equal_ignore_hash(current.spec.template, d.spec.template)
            ):
                # Another template hashed to the same name: hash again with a new salt.
                count = (d.status.collision_count or 0) + 1
                await self._write_status(attrs.evolve(self.d.status, collision_count=count))
                raise
            created, already_existed = current, True
        except ApiError as error:
            message = f'Failed to create new replica set "{name}": {error}'
            if u.has_progress_deadline(d):
                await self._set_progressing("False", u.FAILED_RS_CREATE_REASON, message)
            self.recorder.event(d, "Warning", "FailedCreate", message)
            raise
        self._store(created)
        if not already_existed and replicas > 0:
            self.recorder.event(
                d,
                "Normal",
                "ScalingReplicaSet",
                f"Scaled up replica set {name} from 0 to {replicas}",
            )
        await self._set_revision(str(new_revision))
        if not already_existed and u.has_progress_deadline(d):
            message = f'Created new replica set "{name}"'
            await self._set_progressing("True", u.NEW_RS_REASON, message)
        return created

    async def _set_revision(self, revision: str) -> None:
        """Carry the new ReplicaSet's revision on the Deployment."""
        if not revision or self.d.metadata.annotations.get(u.REVISION_ANNOTATION) == revision:
            return
        meta = self.d.metadata
        patched = await self.client.patch(
            Deployment,
            meta.name,
            {"metadata": {"annotations": {u.REVISION_ANNOTATION: revision}}},
            namespace=meta.namespace,
        )
        self.d = attrs.evolve(self.d, metadata=patched.metadata)

    # ----------------------------------------------------------------------- scaling

    async def scale_replica_set(self, rs: ReplicaSet, replicas: int, operation: str) -> ReplicaSet:
        """Set ``rs`` to ``replicas`` and to the Deployment's size annotations."""
        size_changes = u.spec_replicas(rs) != replicas
        annotations = u.replicas_annotations(self.d)
        current = rs.metadata.annotations
        if not size_changes and all(current.get(k) == v for k, v in annotations.items()):
            return rs
        before = u.spec_replicas(rs)
        updated = attrs.evolve(
            rs,
            metadata=attrs.evolve(rs.metadata, annotations={**current, **annotations}),
            spec=attrs.evolve(rs.spec, replicas=replicas),
        )
        stored = self._store(await self.client.update(updated))
        if size_changes:
            self.recorder.event(
                self.d,
                "Normal",
                "ScalingReplicaSet",
                f"Scaled {operation} replica set {rs.metadata.name} from {before} to {replicas}",
            )
        return stored

    async def scale_and_record(self, rs: ReplicaSet, replicas: int) -> tuple[bool, ReplicaSet]:
        """Scale ``rs`` if its size differs; whether it did, and ``rs`` as it now is."""
        if u.spec_replicas(rs) == replicas:
            return False, rs
        operation = "up" if u.spec_replicas(rs) < replicas else "down"
        return True, await self.scale_replica_set(rs, replicas, operation)

    async def is_scaling_event(self) -> bool:
        """Whether only ``replicas`` changed since the active ReplicaSets were sized."""
        new_rs, old = await self.replica_sets(create=False)
        wanted = u.spec_replicas(self.d)
        for rs in u.active([*old, new_rs]):
            desired = u.annotated_int(rs, u.DESIRED_REPLICAS_ANNOTATION)
            if desired is not None and desired != wanted:
                return True
        return False

    async def scale(self, new_rs: ReplicaSet | None, old: list[ReplicaSet]) -> None:
        d = self.d
        wanted = u.spec_replicas(d)
        latest = _active_or_latest(new_rs, old)
        if latest is not None:
            if u.spec_replicas(latest) != wanted:
                await self.scale_and_record(latest, wanted)
            return
        if u.is_saturated(d, new_rs):
            for rs in u.active(old):
                await self.scale_and_record(rs, 0)
            return
        if not u.is_rolling_update(d):
            return
        sets = u.active([*old, new_rs])
        allowed = wanted + u.max_surge(d) if wanted > 0 else 0
        to_add = allowed - u.total_spec(sets)
        operation = ""
        if to_add > 0:
            sets.sort(key=lambda rs: (-u.spec_replicas(rs), _age_key(rs, newest_first=True)))
            operation = "up"
        elif to_add < 0:
            sets.sort(key=lambda rs: (-u.spec_replicas(rs), _age_key(rs, newest_first=False)))
            operation = "down"
        sizes: dict[str, int] = {}
        added = 0
        for rs in sets:
            share = u.proportion(rs, d, to_add, added) if to_add else 0
            sizes[rs.metadata.uid] = u.spec_replicas(rs) + share
            added += share
        for i, rs in enumerate(sets):
            size = sizes[rs.metadata.uid]
            if i == 0 and to_add:
                size = max(size + to_add - added, 0)  # the leftover goes to the largest
            await self.scale_replica_set(rs, size, operation)

    async def sync(self) -> None:
        """Scaling only: a paused Deployment, or a change of ``replicas``."""
        new_rs, old = await self.replica_sets(create=False)
        await self.scale(new_rs, old)
        new_rs, old = self._fresh(new_rs), self._fresh_all(old)
        if self.d.spec.paused:
            await self.cleanup(old)
            old = self._fresh_all(old)
        await self.sync_status([*old, new_rs], new_rs)

    def _fresh(self, rs: ReplicaSet | None) -> ReplicaSet | None:
        return None if rs is None else self.sets.get(rs.metadata.uid, rs)

    def _fresh_all(self, sets: Iterable[ReplicaSet]) -> list[ReplicaSet]:
        return [self.sets.get(rs.metadata.uid, rs) for rs in sets]

    # ---------------------------------------------------------------- rolling update

    async def rollout_rolling(self) -> None:
        new_rs, old = await self.replica_sets(create=True)
        assert new_rs is not None
        scaled, new_rs = await self.reconcile_new(new_rs, [*old, new_rs])
        if not scaled:
            scaled = await self.reconcile_old(u.active(old), new_rs, [*old, new_rs])
        old = self._fresh_all(old)
        if not scaled and u.deployment_complete(self.d, self.d.status):
            await self.cleanup(old)
            old = self._fresh_all(old)
        await self.sync_rollout_status([*old, new_rs], new_rs)

    async def reconcile_new(
        self, new_rs: ReplicaSet, all_sets: Sequence[ReplicaSet]
    ) -> tuple[bool, ReplicaSet]:
        wanted = u.spec_replicas(self.d)
        if u.spec_replicas(new_rs) == wanted:
            return False, new_rs
        if u.spec_replicas(new_rs) > wanted:
            return await self.scale_and_record(new_rs, wanted)
        return await self.scale_and_record(new_rs, u.new_rs_new_replicas(self.d, all_sets, new_rs))

    async def reconcile_old(
        self, old: list[ReplicaSet], new_rs: ReplicaSet, all_sets: Sequence[ReplicaSet]
    ) -> bool:
        """Scale old ReplicaSets down as far as availability allows: first their unhealthy
        replicas, then healthy ones while enough stay available."""
        if u.total_spec(old) == 0:
            return False
        d = self.d
        min_available = u.spec_replicas(d) - u.max_unavailable(d)
        new_unavailable = u.spec_replicas(new_rs) - new_rs.status.available_replicas
        most = u.total_spec(all_sets) - min_available - new_unavailable
        if most <= 0:
            return False
        old, cleaned = await self.cleanup_unhealthy(old, most)
        scaled = await self.scale_down_old([*old, new_rs], old)
        return cleaned + scaled > 0

    async def cleanup_unhealthy(
        self, old: list[ReplicaSet], most: int
    ) -> tuple[list[ReplicaSet], int]:
        total = 0
        result: list[ReplicaSet] = []
        for rs in u.by_creation(old):
            unhealthy = u.spec_replicas(rs) - rs.status.available_replicas
            if total < most and u.spec_replicas(rs) > 0 and unhealthy > 0:
                count = min(most - total, unhealthy)
                _, rs = await self.scale_and_record(rs, u.spec_replicas(rs) - count)
                total += count
            result.append(rs)
        return result, total

    async def scale_down_old(self, all_sets: list[ReplicaSet], old: list[ReplicaSet]) -> int:
        d = self.d
        min_available = u.spec_replicas(d) - u.max_unavailable(d)
        available = u.total_status(all_sets, "available_replicas")
        if available <= min_available:
            return 0
        to_scale = available - min_available
        total = 0
        for rs in u.by_creation(old):
            if total >= to_scale:
                break
            if u.spec_replicas(rs) == 0:
                continue
            count = min(u.spec_replicas(rs), to_scale - total)
            await self.scale_and_record(rs, u.spec_replicas(rs) - count)
            total += count
        return total

    # ---------------------------------------------------------------------- recreate

    async def rollout_recreate(self) -> None:
        new_rs, old = await self.replica_sets(create=False)
        scaled = False
        for rs in u.active(old):
            changed, _ = await self.scale_and_record(rs, 0)
            scaled = scaled or changed
        old = self._fresh_all(old)
        if scaled or self._old_pods_running(new_rs, old):
            await self.sync_rollout_status([*old, new_rs], new_rs)
            return
        if new_rs is None:
            new_rs, old = await self.replica_sets(create=True)
        assert new_rs is not None
        _, new_rs = await self.scale_and_record(new_rs, u.spec_replicas(self.d))
        if u.deployment_complete(self.d, self.d.status):
            await self.cleanup(old)
            old = self._fresh_all(old)
        await self.sync_rollout_status([*old, new_rs], new_rs)

    def _old_pods_running(self, new_rs: ReplicaSet | None, old: list[ReplicaSet]) -> bool:
        if u.total_status(old, "replicas") > 0:
            return True
        new_uid = new_rs.metadata.uid if new_rs is not None else None
        for rs in self.sets.values():
            if rs.metadata.uid == new_uid:
                continue
            for pod in self.owner.pods_of(rs):
                if not is_pod_terminal(pod):
                    return True
        return False

    # ----------------------------------------------------------------------- history

    async def cleanup(self, old: list[ReplicaSet]) -> None:
        """Delete the oldest ReplicaSets of 0 replicas beyond ``revisionHistoryLimit``."""
        limit = self.d.spec.revision_history_limit
        if limit is None or limit == 2**31 - 1:
            return
        cleanable = [rs for rs in old if rs.metadata.deletion_timestamp is None]
        excess = len(cleanable) - limit
        if excess <= 0:
            return
        cleanable.sort(key=lambda rs: (u.revision(rs), _age_key(rs, newest_first=False)))
        for rs in cleanable[:excess]:
            if (
                rs.status.replicas != 0
                or u.spec_replicas(rs) != 0
                or rs.metadata.generation > rs.status.observed_generation
            ):
                continue
            meta = rs.metadata
            reconcile_log().info("replica_set_cleaned_up", replica_set=meta.name)
            await self.client.delete(
                ReplicaSet, meta.name, namespace=meta.namespace, ignore_not_found=True
            )
            self.sets.pop(meta.uid, None)

    # ------------------------------------------------------------------------ status

    async def _write_status(self, status: DeploymentStatus) -> None:
        if status == self.d.status:
            return
        self.d = await self.client.update_status(attrs.evolve(self.d, status=status))

    async def _set_progressing(self, status: str, reason: str, message: str) -> None:
        condition = u.new_condition("Progressing", status, reason, message, self.now)
        await self._write_status(u.set_deployment_condition(self.d.status, condition))

    async def check_paused_conditions(self) -> None:
        d = self.d
        if not u.has_progress_deadline(d):
            return
        current = u.get_deployment_condition(d.status, "Progressing")
        if current is not None and current.reason == u.TIMED_OUT_REASON:
            return
        paused_noted = current is not None and current.reason == u.PAUSED_REASON
        if d.spec.paused and not paused_noted:
            await self._set_progressing("Unknown", u.PAUSED_REASON, "Deployment is paused")
        elif not d.spec.paused and paused_noted:
            await self._set_progressing("Unknown", u.RESUMED_REASON, "Deployment is resumed")

    def calculate_status(
        self, all_sets: Sequence[ReplicaSet | None], new_rs: ReplicaSet | None
    ) -> DeploymentStatus:
        d = self.d
        available = u.total_status(all_sets, "available_replicas")
        wanted = u.spec_replicas(d)
        status = attrs.evolve(
            d.status,
            observed_generation=d.metadata.generation,
            replicas=u.total_status(all_sets, "replicas"),
            updated_replicas=u.total_status([new_rs], "replicas"),
            ready_replicas=u.total_status(all_sets, "ready_replicas"),
            available_replicas=available,
            unavailable_replicas=max(u.total_spec(all_sets) - available, 0),
        )
        if available >= wanted - u.max_unavailable(d):
            condition = u.new_condition(
                "Available",
                "True",
                u.MIN_AVAILABLE_REASON,
                "Deployment has minimum availability.",
                self.now,
            )
        else:
            condition = u.new_condition(
                "Available",
                "False",
                u.MIN_UNAVAILABLE_REASON,
                "Deployment does not have minimum availability.",
                self.now,
            )
        return u.set_deployment_condition(status, condition)

    async def sync_status(
        self, all_sets: Sequence[ReplicaSet | None], new_rs: ReplicaSet | None
    ) -> None:
        await self._write_status(self.calculate_status(all_sets, new_rs))

    async def sync_rollout_status(
        self, all_sets: Sequence[ReplicaSet | None], new_rs: ReplicaSet | None
    ) -> None:
        """The status, with Progressing judged against the status before it."""
        d = self.d
        status = self.calculate_status(all_sets, new_rs)
        if not u.has_progress_deadline(d):
            status = u.remove_deployment_condition(status, "Progressing")
        current = u.get_deployment_condition(d.status, "Progressing")
        subject = (
            f'ReplicaSet "{new_rs.metadata.name}"'
            if new_rs is not None
            else f'Deployment "{d.metadata.name}"'
        )
        done = (
            status.replicas == status.updated_replicas
            and current is not None
            and current.reason == u.NEW_RS_AVAILABLE_REASON
        )
        if u.has_progress_deadline(d) and not done:
            if u.deployment_complete(d, status):
                condition = u.new_condition(
                    "Progressing",
                    "True",
                    u.NEW_RS_AVAILABLE_REASON,
                    f"{subject} has successfully progressed.",
                    self.now,
                )
                status = u.set_deployment_condition(status, condition)
            elif u.deployment_progressing(d, status):
                condition = u.new_condition(
                    "Progressing",
                    "True",
                    u.RS_UPDATED_REASON,
                    f"{subject} is progressing.",
                    self.now,
                )
                if current is not None:
                    if current.status == "True":
                        condition = attrs.evolve(
                            condition, last_transition_time=current.last_transition_time
                        )
                    status = u.remove_deployment_condition(status, "Progressing")
                status = u.set_deployment_condition(status, condition)
            elif u.deployment_timed_out(d, status, self.now):
                condition = u.new_condition(
                    "Progressing",
                    "False",
                    u.TIMED_OUT_REASON,
                    f"{subject} has timed out progressing.",
                    self.now,
                )
                status = u.set_deployment_condition(status, condition)
        status = self._replica_failure(status, all_sets, new_rs)
        await self._write_status(status)
        self._requeue_before_deadline()

    def _replica_failure(
        self,
        status: DeploymentStatus,
        all_sets: Sequence[ReplicaSet | None],
        new_rs: ReplicaSet | None,
    ) -> DeploymentStatus:
        """A ReplicaSet's ReplicaFailure condition, raised to the Deployment."""
        ordered = [new_rs, *(rs for rs in all_sets if rs is not new_rs)]
        for rs in ordered:
            if rs is None:
                continue
            for failure in rs.status.conditions:
                if failure.type == "ReplicaFailure" and failure.status == "True":
                    condition = u.new_condition(
                        "ReplicaFailure",
                        failure.status,
                        failure.reason,
                        failure.message,
                        failure.last_transition_time or self.now,
                    )
                    return u.set_deployment_condition(status, condition)
        return u.remove_deployment_condition(status, "ReplicaFailure")

    def _requeue_before_deadline(self) -> None:
        """Come back when the progress deadline passes, to judge it on time."""
        d = self.d
        if u.deployment_complete(d, d.status):
            return
        deadline = u.progress_deadline(d, d.status)
        if deadline is None or u.get_deployment_condition(d.status, "Progressing") is None:
            return
        current = u.get_deployment_condition(d.status, "Progressing")
        if current is not None and current.reason in (u.PAUSED_REASON,):
            return
        self.requeue_after = max((deadline - self.now).total_seconds(), 0.0)


def _age_key(rs: ReplicaSet, *, newest_first: bool) -> tuple[float, str]:
    created = rs.metadata.creation_timestamp
    seconds = created.timestamp() if created is not None else 0.0
    return (-seconds if newest_first else seconds, rs.metadata.name)


def _active_or_latest(new_rs: ReplicaSet | None, old: list[ReplicaSet]) -> ReplicaSet | None:
    """The only ReplicaSet with replicas, or with none at all the newest; None while several
    have replicas."""
    newest_first = sorted(old, key=lambda rs: _age_key(rs, newest_first=True))
    active = u.active([*newest_first, new_rs])
    if len(active) == 1:
        return active[0]
    if not active:
        if new_rs is not None:
            return new_rs
        return newest_first[0] if newest_first else None
    return None
