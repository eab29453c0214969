"""``RolloutWatch``: checks Deployments' rollout bounds at every Pod change, not only once
the cluster settled, because a rollout that surges too far is gone by the time it settles.

The watch is followed in a task of the cluster's actor system (its parent), so that it ends
with the cluster at the latest; ``stop`` ends it sooner."""

from __future__ import annotations

import anyio

from kube_actors.api import Deployment, Pod, WatchStream
from kube_actors.cluster import Cluster

from ._invariants import RolloutBounds, assert_rollout_bounds

__all__ = ["RolloutWatch"]


class RolloutWatch:
    """Follows the Pods of a namespace; after each change, every Deployment in ``bounds``
    is checked against its bounds and what breaks them is kept in ``violations``."""

    def __init__(self) -> None:
        self.pods: dict[str, Pod] = {}
        #: The Deployments under watch and what their Pods may do in the current step.
        self.bounds: dict[str, tuple[Deployment, RolloutBounds]] = {}
        self.violations: list[str] = []
        self._scope: anyio.CancelScope | None = None

    async def start(self, cluster: Cluster, namespace: str) -> None:
        page = await cluster.client.list_page(Pod, namespace=namespace)
        self.pods = {p.metadata.name: p for p in page.items}
        stream = await cluster.client.watch(
            Pod, namespace=namespace, resource_version=page.resource_version
        )
        self._scope = await cluster.system.start_task(
            self._follow, stream, name=f"rollout-watch/{namespace}"
        )

    async def _follow(
        self, stream: WatchStream, *, task_status: anyio.abc.TaskStatus[anyio.CancelScope]
    ) -> None:
        with anyio.CancelScope() as scope:
            task_status.started(scope)
            async for event in stream:
                pod = event.obj
                if pod is None:
                    continue
                if event.type == "DELETED":
                    self.pods.pop(pod.metadata.name, None)
                else:
                    self.pods[pod.metadata.name] = pod
                self._check()

    def _check(self) -> None:
        for deployment, bounds in self.bounds.values():
            try:
                assert_rollout_bounds(deployment, self.pods.values(), bounds)
            except AssertionError as error:
                self.violations.append(str(error))

    def take_violations(self) -> list[str]:
        """What broke the bounds since the last call."""
        taken, self.violations = self.violations, []
        return taken

    async def stop(self) -> None:
        if self._scope is not None:
            self._scope.cancel()
            self._scope = None
