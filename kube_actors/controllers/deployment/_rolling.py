"""The RollingUpdate strategy, Kubernetes' ``rolling.go``: scale the new ReplicaSet up while
the total stays within ``replicas + maxSurge``, the old ones down (their unhealthy replicas
first) while at least ``replicas - maxUnavailable`` stay available."""

from __future__ import annotations

from collections.abc import Sequence

from ...api import (
    ReplicaSet,
)
from . import _util as u
from ._progress import Progress

__all__ = ["Rolling"]


class Rolling(Progress):
    """A reconcile that rolls out by RollingUpdate."""

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
