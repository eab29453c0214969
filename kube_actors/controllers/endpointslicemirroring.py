"""The EndpointSlice mirroring controller: hand-written Endpoints become slices too.

Kubernetes' ``pkg/controller/endpointslicemirroring``. A Service without a selector has its
Endpoints written by hand (or by another program); kube-proxy reads slices, so this
controller mirrors those Endpoints into slices owned by the Endpoints object. Requests name an
Endpoints object (the same name as its Service), queued when it changes, when its Service
comes, goes or gains or loses a selector, and when one of its mirrored slices changes.

- Endpoints are mirrored while their Service exists without a selector and they do not carry
  ``endpointslice.kubernetes.io/skip-mirror: "true"``; otherwise their mirrored slices are
  deleted;
- each subset's ports make a port set; its ``addresses`` are ready endpoints and its
  ``notReadyAddresses`` not ready ones, with their hostnames, nodes and target references;
- slices carry the Endpoints' labels, ``kubernetes.io/service-name`` and
  ``endpointslice.kubernetes.io/managed-by``; no placeholder slice is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from ..api import (
    MANAGED_BY_LABEL,
    SERVICE_NAME_LABEL,
    SKIP_MIRROR_LABEL,
    Endpoint,
    EndpointAddress,
    EndpointConditions,
    Endpoints,
    EndpointSlice,
    EndpointSlicePort,
    Service,
)
from ..client import Client, SharedInformer
from ..reconcile import ControllerSpec, Request, Result, WorkQueue
from ._context import ControllerContext
from ._slice_writer import PortSet, SliceEvents, SliceWriter, port_set

__all__ = [
    "COMPONENT",
    "CONTROLLER_NAME",
    "SKIP_MIRROR_LABEL",
    "WORKERS",
    "EndpointSliceMirroringReconciler",
    "controller",
    "mirrored_endpoints",
]

#: The Event source and client name, as kube-controller-manager names this controller.
COMPONENT = "endpointslice-mirroring-controller"
#: kube-controller-manager's ``--mirroring-concurrent-service-endpoint-syncs`` (5 there).
WORKERS = 1
#: The value of ``endpointslice.kubernetes.io/managed-by`` on mirrored slices.
CONTROLLER_NAME: Final = "endpointslicemirroring-controller.k8s.io"


def _endpoint(address: EndpointAddress, ready: bool) -> Endpoint:
    return Endpoint(
        addresses=(address.ip,),
        conditions=EndpointConditions(ready=ready),
        hostname=address.hostname or None,
        target_ref=address.target_ref,
        node_name=address.node_name or None,
    )


def mirrored_endpoints(endpoints: Endpoints) -> dict[PortSet, dict[str, Endpoint]]:
    """The slices' endpoints of ``endpoints``, by port set and address."""
    groups: dict[PortSet, dict[str, Endpoint]] = {}
    for subset in endpoints.subsets:
        ports = port_set(
            tuple(
                EndpointSlicePort(
                    name=p.name,
                    port=p.port,
                    protocol=p.protocol or "TCP",
                    app_protocol=p.app_protocol,
                )
                for p in subset.ports
            )
        )
        group = groups.setdefault(ports, {})
        for address in subset.not_ready_addresses:
            group[address.ip] = _endpoint(address, ready=False)
        for address in subset.addresses:  # an address listed both ways counts as ready
            group[address.ip] = _endpoint(address, ready=True)
    return {ports: group for ports, group in groups.items() if group}


def _labels(endpoints: Endpoints) -> dict[str, str]:
    labels = dict(endpoints.metadata.labels)
    labels[SERVICE_NAME_LABEL] = endpoints.metadata.name
    labels[MANAGED_BY_LABEL] = CONTROLLER_NAME
    return labels


class EndpointSliceMirroringReconciler:
    """Mirrors the Endpoints a request names into slices, or removes its mirrors."""

    def __init__(
        self,
        *,
        client: Client,
        services: SharedInformer[Service],
        endpoints: SharedInformer[Endpoints],
        slices: SharedInformer[EndpointSlice],
    ) -> None:
        self.services = services
        self.endpoints = endpoints
        self.writer = SliceWriter(client=client, slices=slices, managed_by=CONTROLLER_NAME)

    def _mirrored(self, endpoints: Endpoints) -> bool:
        if endpoints.metadata.labels.get(SKIP_MIRROR_LABEL) == "true":
            return False
        meta = endpoints.metadata
        service = self.services.indexer.get(meta.name, meta.namespace)
        return service is not None and not service.spec.selector

    async def reconcile(self, request: Request) -> Result:
        endpoints = self.endpoints.indexer.get(request.name, request.namespace)
        if endpoints is None:
            # The garbage collector deletes the slices the Endpoints owned.
            self.writer.forget_except({e.metadata.uid for e in self.endpoints.indexer})
            return Result()
        if not self.writer.cache_current(endpoints):
            return Result(requeue=True)
        desired: Mapping[PortSet, Mapping[str, Endpoint]] = {}
        if self._mirrored(endpoints):
            desired = mirrored_endpoints(endpoints)
        await self.writer.sync(endpoints, desired, _labels(endpoints), placeholder=False)
        return Result()


class _ServiceEvents:
    """A Service's Endpoints are looked at again when it comes, goes or gains or loses its
    selector (nothing else about it matters to mirroring)."""

    def on_add(self, obj: Service, queue: WorkQueue[Request]) -> None:
        queue.add(Request.for_object(obj))

    def on_update(self, old: Service, new: Service, queue: WorkQueue[Request]) -> None:
        if bool(old.spec.selector) != bool(new.spec.selector):
            queue.add(Request.for_object(new))

    def on_delete(self, obj: Service, queue: WorkQueue[Request]) -> None:
        queue.add(Request.for_object(obj))


def controller(context: ControllerContext) -> ControllerSpec:
    """The mirroring controller on the cluster's shared informers."""
    reconciler = EndpointSliceMirroringReconciler(
        client=context.client,
        services=context.informers.informer(Service),
        endpoints=context.informers.informer(Endpoints),
        slices=context.informers.informer(EndpointSlice),
    )
    return ControllerSpec(
        for_=Endpoints,
        watches=[(Service, _ServiceEvents()), (EndpointSlice, SliceEvents(CONTROLLER_NAME))],
        reconciler=reconciler,
        workers=WORKERS,
        name="endpointslicemirroring",
    )
