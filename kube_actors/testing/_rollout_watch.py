"""``RolloutWatch``: checks Deployments' rollout bounds at every Pod change, not only once
the cluster settled, because a rollout that surges too far is gone by the time it settles.

The watch is followed in a task of the cluster's actor system (its parent), so that it ends
with the cluster at the latest; ``stop`` ends it sooner."""

from __future__ import annotations

import anyio

from kube_actors.api import Deployment, Pod, WatchStream
from kube_actors.cluster import Cluster
from kube_actors.errors import Gone, ServiceUnavailable

from ._invariants import RolloutBounds, assert_rollout_bounds

__all__ = ["RolloutWatch"]

#: Seconds between attempts to list again while the apiserver is down.
_RETRY = 1.0


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
        stream = await self._list_and_watch(cluster, namespace)
        self._scope = await cluster.system.start_task(
            self._follow, cluster, namespace, stream, name=f"rollout-watch/{namespace}"
        )

    async def _list_and_watch(self, cluster: Cluster, namespace: str) -> WatchStream:
        page = await cluster.client.list_page(Pod, namespace=namespace)
        self.pods = {p.metadata.name: p for p in page.items}
        return await cluster.client.watch(
            Pod, namespace=namespace, resource_version=page.resource_version
        )

    async def _follow(
        self,
        cluster: Cluster,
        namespace: str,
        stream: WatchStream,
        *,
        task_status: anyio.abc.TaskStatus[anyio.CancelScope],
    ) -> None:
        """Apply each Pod change; an ERROR event or an ended stream (the apiserver
        restarted, the watch fell behind) re-lists, as an informer does."""
        with anyio.CancelScope() as scope:
            task_status.started(scope)
            while True:
                async for event in stream:
                    pod = event.obj
                    if event.type == "ERROR":
                        break
                    if pod is None:
                        continue
                    if event.type == "DELETED":
                        self.pods.pop(pod.metadata.name, None)
                    else:
                        self.pods[pod.metadata.name] = pod
                    self._check()
                stream.close()
                while True:
                    try:
                        stream = await self._list_and_watch(cluster, namespace)
                        break
                    except (Gone, ServiceUnavailable):
                        await anyio.sleep(_RETRY)
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
