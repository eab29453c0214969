"""The endpoints controller: each Service's Endpoints, the addresses of the Pods it selects.

Kubernetes' ``pkg/controller/endpoint``. Requests name a Service; one is queued when the
Service changes, when a Pod it selects (before or after the change) comes, goes or changes,
and when its Endpoints object is deleted (so it comes back). Reconcile reads the caches:

- a Service that is gone takes its Endpoints with it; a Service without a selector is left
  alone, its Endpoints written by hand;
- a Pod counts if it has an IP, is not being deleted and has not finished for good (unless
  ``publishNotReadyAddresses``); it goes in ``addresses`` if Ready (or the Service publishes
  not-ready addresses), otherwise in ``notReadyAddresses``;
- each Service port names the Pod's port: a number, or a container port name looked up in the
  Pod (a Pod without that named port is left out of that port); a headless Service without
  ports gets the addresses alone;
- addresses are grouped into subsets by their ports and sorted (Kubernetes' RepackSubsets),
  so the same Pods always give the same Endpoints and an unchanged result writes nothing;
- the Endpoints carry the Service's labels, and ``service.kubernetes.io/headless`` for a
  headless Service.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, Protocol, TypeVar

import attrs

from ..api import (
    TERMINAL_PHASES,
    EndpointAddress,
    EndpointPort,
    Endpoints,
    EndpointSubset,
    ObjectMeta,
    ObjectReference,
    Pod,
    Selector,
    Service,
    ServicePort,
    is_pod_ready,
)
from ..client import Client, SharedInformer
from ..errors import AlreadyExists, Conflict, NotFound
from ..reconcile import ControllerSpec, Request, Result, WorkQueue, reconcile_log
from ._context import ControllerContext
from ._selectors import SelectorCache

__all__ = [
    "COMPONENT",
    "EndpointsReconciler",
    "SelectsPods",
    "ServicePodEvents",
    "WORKERS",
    "controller",
    "endpoint_subsets",
    "find_port",
    "should_be_in_endpoints",
    "target_ports",
]

#: The Event source and client name, as kube-controller-manager names this controller.
COMPONENT = "endpoint-controller"
#: kube-controller-manager's ``--concurrent-endpoint-syncs`` (5 there).
WORKERS = 2

HEADLESS_LABEL: Final = "service.kubernetes.io/headless"

_Port = TypeVar("_Port")


def find_port(pod: Pod, port: ServicePort) -> int | None:
    """The Pod's port a Service port targets (Kubernetes' FindPort): a number as it is, a
    name looked up among the Pod's container ports of the same protocol."""
    target = port.target_port if port.target_port not in (None, "", 0) else port.port
    if isinstance(target, int):
        return target
    if target.isdigit():
        return int(target)
    protocol = port.protocol or "TCP"
    for container in pod.spec.containers:
        for container_port in container.ports:
            if container_port.name == target and (container_port.protocol or "TCP") == protocol:
                return container_port.container_port
    return None


def target_ports(pod: Pod, service: Service, port_type: Callable[..., _Port]) -> list[_Port]:
    """Each of ``service``'s ports that ``pod`` has, with the Pod's port number, built as
    ``port_type`` (``EndpointPort`` here, ``EndpointSlicePort`` for slices: same fields)."""
    ports = []
    for port in service.spec.ports:
        number = find_port(pod, port)
        if number is not None:
            ports.append(
                port_type(
                    name=port.name,
                    port=number,
                    protocol=port.protocol or "TCP",
                    app_protocol=port.app_protocol,
                )
            )
    return ports


def should_be_in_endpoints(pod: Pod, *, include_terminating: bool) -> bool:
    """Kubernetes' ShouldPodBeInEndpoints: an IP, not finished for good, and not being
    deleted unless ``include_terminating`` (slices keep terminating Pods; Endpoints do so only
    for a Service that publishes not-ready addresses)."""
    if not pod.status.pod_ip:
        return False
    if pod.metadata.deletion_timestamp is not None and not include_terminating:
        return False
    phase, policy = pod.status.phase, pod.spec.restart_policy or "Always"
    if policy == "Never" and phase in TERMINAL_PHASES:
        return False
    return not (policy == "OnFailure" and phase == "Succeeded")


def _address(pod: Pod, service: Service) -> EndpointAddress:
    meta = pod.metadata
    # A Pod that names the Service as its subdomain (a StatefulSet's) is known by its hostname
    # there: web-0.nginx.default.svc resolves through this address.
    named = (
        pod.spec.hostname
        and pod.spec.subdomain == service.metadata.name
        and meta.namespace == service.metadata.namespace
    )
    return EndpointAddress(
        ip=pod.status.pod_ip,
        hostname=pod.spec.hostname if named else "",
        node_name=pod.spec.node_name or None,
        target_ref=ObjectReference(
            kind="Pod", namespace=meta.namespace, name=meta.name, uid=meta.uid
        ),
    )


def _address_order(address: EndpointAddress) -> tuple[int, str]:
    uid = address.target_ref.uid if address.target_ref is not None else ""
    return int(ipaddress.ip_address(address.ip)), uid


def endpoint_subsets(service: Service, pods: Iterable[Pod]) -> tuple[EndpointSubset, ...]:
    """The subsets of ``service``'s Endpoints over ``pods`` (those it selects), repacked."""
    publish = bool(service.spec.publish_not_ready_addresses)
    # ports -> (ready addresses, not-ready addresses), each keyed by (ip, uid)
    groups: dict[tuple[EndpointPort, ...], tuple[dict[Any, Any], dict[Any, Any]]] = {}
    for pod in pods:
        if not should_be_in_endpoints(pod, include_terminating=publish):
            continue
        address = _address(pod, service)
        ready = publish or is_pod_ready(pod)
        ports = target_ports(pod, service, EndpointPort)
        if service.spec.ports and not ports:
            continue
        key = tuple(sorted(ports, key=lambda p: (p.name, p.port, p.protocol)))
        ready_set, not_ready_set = groups.setdefault(key, ({}, {}))
        (ready_set if ready else not_ready_set)[_address_order(address)] = address
    subsets = [
        EndpointSubset(
            addresses=[ready[k] for k in sorted(ready)],
            not_ready_addresses=[not_ready[k] for k in sorted(not_ready)],
            ports=ports,
        )
        for ports, (ready, not_ready) in groups.items()
    ]
    subsets.sort(key=_subset_order)
    return tuple(subsets)


def _subset_order(subset: EndpointSubset) -> tuple[Any, ...]:
    first = subset.addresses or subset.not_ready_addresses
    return (_address_order(first[0]) if first else (0, ""), [p.port for p in subset.ports])


def _labels(service: Service) -> Mapping[str, str]:
    labels = dict(service.metadata.labels)
    if service.spec.cluster_ip == "None":
        labels[HEADLESS_LABEL] = ""
    else:
        labels.pop(HEADLESS_LABEL, None)
    return labels


class EndpointsReconciler:
    """Writes the Endpoints of the Service a request names."""

    def __init__(
        self,
        *,
        client: Client,
        services: SharedInformer[Service],
        pods: SharedInformer[Pod],
        endpoints: SharedInformer[Endpoints],
    ) -> None:
        self.client = client
        self.services = services
        self.pods = pods
        self.endpoints = endpoints
        self._selectors = SelectorCache()

    def selector(self, service: Service) -> Selector | None:
        """The compiled selector of ``service``; None for a Service without one."""
        if not service.spec.selector:
            return None
        return self._selectors.of(service)

    def services_selecting(self, pod: Pod) -> Iterable[Request]:
        namespace = pod.metadata.namespace
        labels = pod.metadata.labels
        for service in self.services.indexer.list(namespace):
            selector = self.selector(service)
            if selector is not None and selector.matches(labels):
                yield Request(namespace, service.metadata.name)

    async def reconcile(self, request: Request) -> Result:
        service = self.services.indexer.get(request.name, request.namespace)
        current = self.endpoints.indexer.get(request.name, request.namespace)
        if service is None:
            self._selectors.retain(lambda uid: self._live(uid, request.namespace))
            if current is not None:
                await self._delete(request)
            return Result()
        selector = self.selector(service)
        if selector is None:
            return Result()  # no selector: its Endpoints are someone else's to write
        pods = [
            pod
            for pod in self.pods.indexer.list(request.namespace)
            if selector.matches(pod.metadata.labels)
        ]
        subsets = endpoint_subsets(service, pods)
        labels = _labels(service)
        if current is not None and current.subsets == subsets and current.metadata.labels == labels:
            return Result()
        await self._write(service, current, subsets, labels)
        return Result()

    def _live(self, uid: str, namespace: str) -> bool:
        return any(s.metadata.uid == uid for s in self.services.indexer.list(namespace))

    async def _write(
        self,
        service: Service,
        current: Endpoints | None,
        subsets: tuple[EndpointSubset, ...],
        labels: Mapping[str, str],
    ) -> None:
        meta = service.metadata
        if current is None:
            fresh = Endpoints(
                metadata=ObjectMeta(name=meta.name, namespace=meta.namespace, labels=labels),
                subsets=subsets,
            )
            try:
                await self.client.create(fresh)
            except AlreadyExists:
                # The cache was behind: update what is there, on the next try.
                raise Conflict(f'endpoints "{meta.name}" appeared meanwhile') from None
        else:
            changed = attrs.evolve(
                current, metadata=attrs.evolve(current.metadata, labels=labels), subsets=subsets
            )
            await self.client.update(changed)
        ready = sum(len(s.addresses) for s in subsets)
        not_ready = sum(len(s.not_ready_addresses) for s in subsets)
        reconcile_log().debug("endpoints_written", ready=ready, not_ready=not_ready)

    async def _delete(self, request: Request) -> None:
        try:
            await self.client.delete(Endpoints, request.name, namespace=request.namespace)
        except NotFound:
            return
        reconcile_log().debug("endpoints_deleted")


class SelectsPods(Protocol):
    def services_selecting(self, pod: Pod) -> Iterable[Request]: ...


class ServicePodEvents:
    """A Pod informer's handler: the Services selecting the Pod, before and after (the
    endpoints and endpointslice controllers both follow Pods this way)."""

    __slots__ = ("reconciler",)

    def __init__(self, reconciler: SelectsPods) -> None:
        self.reconciler = reconciler

    def on_add(self, pod: Pod, queue: WorkQueue[Request]) -> None:
        for request in self.reconciler.services_selecting(pod):
            queue.add(request)

    def on_update(self, old: Pod, new: Pod, queue: WorkQueue[Request]) -> None:
        if old.metadata.resource_version == new.metadata.resource_version:
            return
        for request in self.reconciler.services_selecting(new):
            queue.add(request)
        if old.metadata.labels != new.metadata.labels:
            for request in self.reconciler.services_selecting(old):
                queue.add(request)

    def on_delete(self, pod: Pod, queue: WorkQueue[Request]) -> None:
        self.on_add(pod, queue)


class _EndpointsDeleted:
    """An Endpoints object deleted from under its Service is written again."""

    def on_add(self, obj: Endpoints, queue: WorkQueue[Request]) -> None:
        return None

    def on_update(self, old: Endpoints, new: Endpoints, queue: WorkQueue[Request]) -> None:
        return None

    def on_delete(self, obj: Endpoints, queue: WorkQueue[Request]) -> None:
        queue.add(Request.for_object(obj))


def controller(context: ControllerContext) -> ControllerSpec:
    """The endpoints controller on the cluster's shared informers."""
    reconciler = EndpointsReconciler(
        client=context.client,
        services=context.informers.informer(Service),
        pods=context.informers.informer(Pod),
        endpoints=context.informers.informer(Endpoints),
    )
    return ControllerSpec(
        for_=Service,
        watches=[(Pod, ServicePodEvents(reconciler)), (Endpoints, _EndpointsDeleted())],
        reconciler=reconciler,
        workers=WORKERS,
        name="endpoints",
    )
