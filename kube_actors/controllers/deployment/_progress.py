"""The Progressing condition, Kubernetes' ``progress.go``: a rollout that makes no progress
for ``progressDeadlineSeconds`` is marked ``ProgressDeadlineExceeded``, and the reconcile comes
back at that very moment to judge it; a ReplicaSet's ReplicaFailure is raised to the
Deployment."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from ...api import (
    DeploymentStatus,
    ReplicaSet,
)
from . import _util as u
from ._sync import Sync

__all__ = ["Progress"]


class Progress(Sync):
    """A reconcile that judges progress (both strategies end with ``sync_rollout_status``)."""

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
