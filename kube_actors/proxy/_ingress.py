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

from typing import Final

import attrs

from kube_actors.api import (
    BUILT_IN_INGRESS_CONTROLLER,
    Ingress,
    IngressClass,
    IngressLoadBalancerIngress,
    IngressLoadBalancerStatus,
    Service,
)
from kube_actors.client import Client, SharedInformer
from kube_actors.errors import Conflict, NotFound

from ._folded import FoldedRebuild
from ._ingress_routes import build_routes, class_of, is_default
from ._ingress_server import IngressServer

__all__ = ["CONTROLLER", "IngressController"]

#: The ``spec.controller`` of the IngressClasses this controller serves.
CONTROLLER: Final = BUILT_IN_INGRESS_CONTROLLER


class IngressController(FoldedRebuild):
    """Keeps ``server``'s routes to the cluster's Ingresses of its class."""

    component = "ingress-controller"

    def __init__(self, client: Client, server: IngressServer) -> None:
        self.client = client
        self.server = server
        self.ingresses: SharedInformer[Ingress] = SharedInformer(client, Ingress)
        self.classes: SharedInformer[IngressClass] = SharedInformer(client, IngressClass)
        self.services: SharedInformer[Service] = SharedInformer(client, Service)
        self.informers = (self.ingresses, self.classes, self.services)
        self.triggers = (self.ingresses, self.classes)

    def _service(self, namespace: str, name: str) -> Service | None:
        return self.services.indexer.get(name, namespace)

    async def on_start(self) -> None:
        self.server.services = self._service
        await super().on_start()

    def _served_classes(self) -> tuple[set[str], bool]:
        mine = [c for c in self.classes.indexer if c.spec.controller == CONTROLLER]
        return {c.metadata.name for c in mine}, any(is_default(c) for c in mine)

    async def rebuild(self) -> None:
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
            self.changed(None)  # changed or gone meanwhile: the informer brings it back
