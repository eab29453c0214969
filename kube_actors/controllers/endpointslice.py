"""The EndpointSlice controller: each Service's endpoints, in slices of at most 100.

Kubernetes' ``pkg/controller/endpointslice``, beside the endpoints controller (both run, as in
Kubernetes: Endpoints for older readers, slices for kube-proxy). Requests name a Service,
queued when it changes, when a Pod it selects comes, goes or changes, and when one of its
slices changes or is deleted by someone else. Reconcile:

- a Service of type ExternalName, or without a selector, gets nothing from this controller
  (slices of a Service without a selector are written by hand, or mirrored from its Endpoints
  by the mirroring controller); a Service that is gone loses its slices to the garbage
  collector (they name it as their controller owner);
- every selected Pod with an IP that has not finished for good is an endpoint, terminating
  ones included: ``serving`` is its readiness, ``ready`` is serving and not terminating (or
  always, with ``publishNotReadyAddresses``), ``terminating`` its deletion mark; with its
  node, the node's zone, its hostname under a Service that is its subdomain, and a reference
  to the Pod;
- endpoints are grouped by the ports their Pod gives the Service's ports, and each group is
  packed into slices with little churn (``_slice_packing``); a Service with no endpoints at
  all keeps one empty placeholder slice, as Kubernetes' does;
- slices carry the Service's labels, ``kubernetes.io/service-name`` and
  ``endpointslice.kubernetes.io/managed-by``.

The informer's cache may be behind this controller's own writes (a slice it created is not
listed yet): reconciling then would create it twice, so a reconcile that finds the cache older
than what it wrote waits (a requeue; the slice's event usually comes first), as Kubernetes'
endpointSliceTracker makes it wait.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

from ..api import (
    MANAGED_BY_LABEL,
    SERVICE_NAME_LABEL,
    Endpoint,
    EndpointConditions,
    EndpointSlice,
    EndpointSlicePort,
    Node,
    ObjectReference,
    Pod,
    Selector,
    Service,
    is_pod_ready,
)
from ..client import Client, SharedInformer
from ..reconcile import ControllerSpec, Request, Result
from ._context import ControllerContext
from ._selectors import SelectorCache
from ._slice_packing import endpoint_key
from ._slice_writer import MAX_ENDPOINTS_PER_SLICE, PortSet, SliceEvents, SliceWriter, port_set
from .endpoints import HEADLESS_LABEL, ServicePodEvents, should_be_in_endpoints, target_ports

__all__ = [
    "COMPONENT",
    "CONTROLLER_NAME",
    "EndpointSliceReconciler",
    "MAX_ENDPOINTS_PER_SLICE",
    "WORKERS",
    "controller",
    "desired_endpoints",
]

#: The Event source and client name, as kube-controller-manager names this controller.
COMPONENT = "endpointslice-controller"
#: kube-controller-manager's ``--concurrent-service-endpoint-syncs`` (5 there).
WORKERS = 2
#: The value of ``endpointslice.kubernetes.io/managed-by`` on this controller's slices.
CONTROLLER_NAME: Final = "endpointslice-controller.k8s.io"
ZONE_LABEL: Final = "topology.kubernetes.io/zone"


def _ports(pod: Pod, service: Service) -> PortSet:
    """The slice ports a Pod gives ``service``'s ports (those it has), in canonical order."""
    return port_set(tuple(target_ports(pod, service, EndpointSlicePort)))


def _endpoint(pod: Pod, service: Service, zone: str | None) -> Endpoint:
    meta, spec = pod.metadata, pod.spec
    publish = bool(service.spec.publish_not_ready_addresses)
    serving = publish or is_pod_ready(pod)
    terminating = meta.deletion_timestamp is not None
    named = (
        spec.hostname
        and spec.subdomain == service.metadata.name
        and meta.namespace == service.metadata.namespace
    )
    return Endpoint(
        addresses=(pod.status.pod_ip,),
        conditions=EndpointConditions(
            ready=publish or (serving and not terminating),
            serving=serving,
            terminating=terminating,
        ),
        hostname=spec.hostname if named else None,
        target_ref=ObjectReference(
            kind="Pod", namespace=meta.namespace, name=meta.name, uid=meta.uid
        ),
        node_name=spec.node_name or None,
        zone=zone,
    )


def desired_endpoints(
    service: Service, pods: Iterable[Pod], zones: Mapping[str, str] | None = None
) -> dict[PortSet, dict[str, Endpoint]]:
    """The endpoints of ``service`` over ``pods`` (those it selects), by port set and address."""
    zones = zones or {}
    groups: dict[PortSet, dict[str, Endpoint]] = {}
    for pod in pods:
        if not should_be_in_endpoints(pod, include_terminating=True):
            continue
        zone = zones.get(pod.spec.node_name or "")
        endpoint = _endpoint(pod, service, zone)
        groups.setdefault(_ports(pod, service), {})[endpoint_key(endpoint)] = endpoint
    return groups


def _labels(service: Service) -> dict[str, str]:
    labels = dict(service.metadata.labels)
    labels[SERVICE_NAME_LABEL] = service.metadata.name
    labels[MANAGED_BY_LABEL] = CONTROLLER_NAME
    if service.spec.cluster_ip == "None":
        labels[HEADLESS_LABEL] = ""
    else:
        labels.pop(HEADLESS_LABEL, None)
    return labels


class EndpointSliceReconciler:
    """Writes the EndpointSlices of the Service a request names."""

    def __init__(
        self,
        *,
        client: Client,
        services: SharedInformer[Service],
        pods: SharedInformer[Pod],
        slices: SharedInformer[EndpointSlice],
        nodes: SharedInformer[Node],
    ) -> None:
        self.services = services
        self.pods = pods
        self.nodes = nodes
        self.writer = SliceWriter(client=client, slices=slices, managed_by=CONTROLLER_NAME)
        self._selectors = SelectorCache()

    def selector(self, service: Service) -> Selector | None:
        """The compiled selector of ``service``; None when this controller leaves it alone."""
        if not service.spec.selector or service.spec.type == "ExternalName":
            return None
        return self._selectors.of(service)

    def services_selecting(self, pod: Pod) -> Iterable[Request]:
        labels = pod.metadata.labels
        for service in self.services.indexer.list(pod.metadata.namespace):
            selector = self.selector(service)
            if selector is not None and selector.matches(labels):
                yield Request(pod.metadata.namespace, service.metadata.name)

    async def reconcile(self, request: Request) -> Result:
        service = self.services.indexer.get(request.name, request.namespace)
        if service is None:
            self._selectors.retain(lambda uid: self._live(uid, request.namespace))
            self.writer.forget_except({s.metadata.uid for s in self.services.indexer})
            return Result()  # the garbage collector deletes the slices it owned
        selector = self.selector(service)
        if selector is None:
            return Result()
        if not self.writer.cache_current(service):
            return Result(requeue=True)
        pods = [
            p
            for p in self.pods.indexer.list(request.namespace)
            if selector.matches(p.metadata.labels)
        ]
        desired = desired_endpoints(service, pods, self._zones(pods))
        await self.writer.sync(service, desired, _labels(service), placeholder=True)
        return Result()

    def _zones(self, pods: Iterable[Pod]) -> dict[str, str]:
        zones: dict[str, str] = {}
        for pod in pods:
            name = pod.spec.node_name
            if name and name not in zones:
                node = self.nodes.indexer.get(name)
                zone = node.metadata.labels.get(ZONE_LABEL) if node is not None else None
                if zone:
                    zones[name] = zone
        return zones

    def _live(self, uid: str, namespace: str) -> bool:
        return any(s.metadata.uid == uid for s in self.services.indexer.list(namespace))


def controller(context: ControllerContext) -> ControllerSpec:
    """The EndpointSlice controller on the cluster's shared informers."""
    reconciler = EndpointSliceReconciler(
        client=context.client,
        services=context.informers.informer(Service),
        pods=context.informers.informer(Pod),
        slices=context.informers.informer(EndpointSlice),
        nodes=context.informers.informer(Node),
    )
    return ControllerSpec(
        for_=Service,
        watches=[
            (Pod, ServicePodEvents(reconciler)),
            (EndpointSlice, SliceEvents(CONTROLLER_NAME)),
        ],
        reconciler=reconciler,
        workers=WORKERS,
        name="endpointslice",
    )
