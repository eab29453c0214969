"""The TTL-after-finished controller: deletes a finished Job ``ttlSecondsAfterFinished``
seconds after it finished (Kubernetes' ``pkg/controller/ttlafterfinished``).

A Job counts as finished when its ``Complete`` or ``Failed`` condition is True, and it
finished at that condition's ``lastTransitionTime``. Before that moment the reconcile asks to
be queued again when the time comes; at it, the Job is deleted with ``Foreground``
propagation, as Kubernetes does, so its Pods go first (the garbage collector does that part).
"""

from __future__ import annotations

from ..actors import wall_clock
from ..api import Job, Preconditions
from ..client import Client, SharedInformer
from ..errors import Conflict, NotFound
from ..reconcile import ControllerSpec, Request, Result, reconcile_log
from ._context import ControllerContext
from .job import finish_time, is_job_finished

__all__ = [
    "COMPONENT",
    "TTLAfterFinishedReconciler",
    "WORKERS",
    "controller",
]

#: The Event source and client name, as kube-controller-manager names this controller.
COMPONENT = "ttl-after-finished-controller"
#: One worker (kube-controller-manager's ``--concurrent-ttl-after-finished-syncs`` is 5).
WORKERS = 1


class TTLAfterFinishedReconciler:
    """Deletes each finished Job whose time to live has run out."""

    def __init__(self, *, client: Client, jobs: SharedInformer[Job]) -> None:
        self.client = client
        self.jobs = jobs

    async def reconcile(self, request: Request) -> Result:
        job = self.jobs.indexer.get(request.name, request.namespace)
        if job is None or job.metadata.deletion_timestamp is not None:
            return Result()
        ttl = job.spec.ttl_seconds_after_finished
        finished = finish_time(job)
        if ttl is None or not is_job_finished(job) or finished is None:
            return Result()
        remaining = ttl - (wall_clock() - finished).total_seconds()
        if remaining > 0:
            return Result(requeue_after=remaining)
        meta = job.metadata
        try:
            await self.client.delete(
                Job,
                meta.name,
                namespace=meta.namespace,
                propagation_policy="Foreground",
                preconditions=Preconditions(uid=meta.uid),
            )
        except (NotFound, Conflict):
            return Result()  # gone already, or another Job of the same name now
        reconcile_log().info("job_expired", ttl=ttl)
        return Result()


def controller(context: ControllerContext) -> ControllerSpec:
    """The ``ttl-after-finished`` controller."""
    jobs = context.informers.informer(Job)
    return ControllerSpec(
        for_=Job,
        reconciler=TTLAfterFinishedReconciler(client=context.client, jobs=jobs),
        workers=WORKERS,
        name="ttl-after-finished",
    )
