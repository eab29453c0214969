"""``Manager``: your controllers on any ``Client``, outside a ``Cluster``.

controller-runtime's manager: one actor system, one set of shared informers over one client,
and the controllers declared as ``ControllerSpec``s, each run by its ``Controller`` actor
exactly as inside a ``Cluster``. With a client from ``Client.from_kubeconfig()`` the same
controllers that were property-tested in-process reconcile a real cluster::

    async with Client.from_kubeconfig() as client, Manager(client) as manager:
        await manager.add(ControllerSpec(for_=WorkerPool, owns=[Deployment, Service],
                                         reconciler=WorkerPoolReconciler(client)))
        await anyio.sleep_forever()

Controllers restart on their own after a crash, forever (a crash loop is logged), as the
components of a cluster do.
"""

from __future__ import annotations

from types import TracebackType

from kube_actors.actors import ActorRef, ActorSystem, Supervision
from kube_actors.client import Client, InformerFactory
from kube_actors.errors import KubeActorsError

from ._controller import spawn_controller
from ._spec import ControllerSpec

__all__ = ["Manager"]

#: Restart forever, as a Kubernetes component is (the cluster's COMPONENT_SUPERVISION).
_FOREVER = Supervision(max_restarts=3, within=10.0, backoff_max=10.0, escalate=False)


class Manager:
    """Runs controllers on the shared informers of ``client``; an async context manager."""

    def __init__(self, client: Client, *, seed: int = 0) -> None:
        self.client = client
        self.informers = InformerFactory(client)
        self.system = ActorSystem(seed=seed, supervision=_FOREVER)
        self._running = False

    async def __aenter__(self) -> Manager:
        await self.system.__aenter__()
        self._running = True
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        self._running = False
        return await self.system.__aexit__(exc_type, exc, tb)

    async def add(self, spec: ControllerSpec) -> ActorRef:
        """Start ``spec``'s controller (actor ``controller/<name>``); its informers start
        with it."""
        if not self._running:
            raise KubeActorsError("the manager is not running: use 'async with Manager(...)'")
        return await spawn_controller(self.system, spec, self.informers)
