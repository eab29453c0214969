"""The Recreate strategy, Kubernetes' ``recreate.go``: scale every old ReplicaSet to 0, wait
until none of their Pods is left running, then scale the new one up."""

from __future__ import annotations

from ...api import (
    ReplicaSet,
    is_pod_terminal,
)
from . import _util as u
from ._progress import Progress

__all__ = ["Recreate"]


class Recreate(Progress):
    """A reconcile that rolls out by Recreate."""

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
