"""One reconcile of one Deployment, the part of Kubernetes' ``sync.go``: the new and old
ReplicaSets (creating the new one, its revision), scaling (proportionally during a rollout),
the revision history, and the status with its Available condition.

``Sync`` holds what one reconcile knows: the Deployment and its ReplicaSets as last written.
``_progress``, ``_rolling`` and ``_recreate`` add the rest of a reconcile on top of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import attrs

from ...actors import wall_clock
from ...api import (
    Deployment,
    DeploymentStatus,
    LabelSelector,
    ObjectMeta,
    ReplicaSet,
    ReplicaSetSpec,
    controller_of,
    owner_reference,
    template_hash,
)
from ...errors import AlreadyExists, ApiError
from ...reconcile import Result, reconcile_log
from . import _util as u

if TYPE_CHECKING:
    from ._controller import DeploymentReconciler

__all__ = ["Sync"]


class Sync:
    """One reconcile of one Deployment: the object as last written, its ReplicaSets as last
    written, and what to do next."""

    def __init__(
        self, *, owner: DeploymentReconciler, d: Deployment, sets: list[ReplicaSet]
    ) -> None:
        self.client = owner.client
        self.recorder = owner.recorder
        self.owner = owner
        self.d = d
        self.sets = {rs.metadata.uid: rs for rs in sets}
        self.now = wall_clock()
        self.requeue_after: float | None = None

    def result(self) -> Result:
        return Result(requeue_after=self.requeue_after)

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
        latest = u.active_or_latest(new_rs, old)
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
            sets.sort(key=lambda rs: (-u.spec_replicas(rs), u.age_key(rs, newest_first=True)))
            operation = "up"
        elif to_add < 0:
            sets.sort(key=lambda rs: (-u.spec_replicas(rs), u.age_key(rs, newest_first=False)))
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

    async def cleanup(self, old: list[ReplicaSet]) -> None:
        """Delete the oldest ReplicaSets of 0 replicas beyond ``revisionHistoryLimit``."""
        limit = self.d.spec.revision_history_limit
        if limit is None or limit == 2**31 - 1:
            return
        cleanable = [rs for rs in old if rs.metadata.deletion_timestamp is None]
        excess = len(cleanable) - limit
        if excess <= 0:
            return
        cleanable.sort(key=lambda rs: (u.revision(rs), u.age_key(rs, newest_first=False)))
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
