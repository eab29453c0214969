"""The built-in ingress controller: serves the Ingresses of its class over HTTP on loopback.

What ingress-nginx does in a cluster, as one actor beside kube-proxy: it watches Ingresses,
IngressClasses and Services (its own informers), keeps the routing table of the Ingresses
of its class (``IngressClass`` objects whose ``spec.controller`` is ``CONTROLLER``, and
Ingresses naming no class while one of those is the default), hands it to the cluster's
``IngressServer`` (which, where the cluster's data plane opens sockets, answers HTTP on its
``host:port``), and writes each such Ingress's ``status.loadBalancer`` (that address). The
cluster starts with an IngressClass ``kube-actors`` of this controller, marked default.
"""

from __future__ import annotations

from typing import Any, Final

import attrs

from kube_actors.actors import Actor
from kube_actors.api import (
    BUILT_IN_INGRESS_CONTROLLER,
    Ingress,
    IngressClass,
    IngressLoadBalancerIngress,
    IngressLoadBalancerStatus,
    Service,
)
from kube_actors.client import Client, EventHandlerFuncs, SharedInformer
from kube_actors.errors import Conflict, NotFound

from ._ingress_routes import build_routes, class_of, is_default
from ._ingress_server import IngressServer

__all__ = ["CONTROLLER", "IngressController"]

#: The ``spec.controller`` of the IngressClasses this controller serves.
CONTROLLER: Final = BUILT_IN_INGRESS_CONTROLLER


@attrs.frozen
class _Sync:
    """Rebuild the routes and write the statuses."""


class IngressController(Actor):
    """Keeps ``server``'s routes to the cluster's Ingresses of its class."""

    component = "ingress-controller"

    def __init__(self, client: Client, server: IngressServer) -> None:
        self.client = client
        self.server = server
        self.ingresses: SharedInformer[Ingress] = SharedInformer(client, Ingress)
        self.classes: SharedInformer[IngressClass] = SharedInformer(client, IngressClass)
        self.services: SharedInformer[Service] = SharedInformer(client, Service)
        self._pending = False

    def _service(self, namespace: str, name: str) -> Service | None:
        return self.services.indexer.get(name, namespace)

    async def on_start(self) -> None:
        self.server.services = self._service
        for informer in (self.ingresses, self.classes):
            informer.add_event_handler(
                EventHandlerFuncs(
                    on_add=self._changed,
                    on_update=lambda old, new: self._changed(new),
                    on_delete=self._changed,
                )
            )
        informers: tuple[SharedInformer[Any], ...] = (self.ingresses, self.classes, self.services)
        for each in informers:
            self.start_soon(each.run, name=f"{self.name}:{each.kind.__name__.lower()}")
        self.start_soon(self._first_sync, name=f"{self.name}:first-sync")

    async def _first_sync(self) -> None:
        await self.ingresses.wait_synced()
        await self.classes.wait_synced()
        self._changed(None)

    def _changed(self, _: Any) -> None:
        if not self._pending:
            self._pending = True
            self.send_after(0, _Sync())

    async def receive(self, message: Any) -> Any:
        if isinstance(message, _Sync):
            self._pending = False
            await self._sync()
        return None

    def _served_classes(self) -> tuple[set[str], bool]:
        mine = [c for c in self.classes.indexer if c.spec.controller == CONTROLLER]
        return {c.metadata.name for c in mine}, any(is_default(c) for c in mine)

    async def _sync(self) -> None:
        if not (self.ingresses.has_synced and self.classes.has_synced):
            return  # _first_sync asks again once both have listed
        names, default = self._served_classes()
        ingresses = list(self.ingresses.indexer)
        self.server.routes = build_routes(ingresses, names, default_class=default)
        served = [i for i in ingresses if class_of(i) in names or (class_of(i) is None and default)]
        for ingress in served:
            await self._write_status(ingress)

    async def _write_status(self, ingress: Ingress) -> None:
        address = IngressLoadBalancerIngress(ip=self.server.host)
        wanted = IngressLoadBalancerStatus(ingress=(address,))
        if ingress.status.load_balancer == wanted:
            return
        status = attrs.evolve(ingress.status, load_balancer=wanted)
        try:
            await self.client.update_status(attrs.evolve(ingress, status=status))
        except (Conflict, NotFound):
            self._changed(None)  # changed or gone meanwhile: the informer brings it back
