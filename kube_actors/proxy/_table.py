"""The service table: what kube-proxy knows, built from Services and EndpointSlices.

One ``ServicePortEntry`` per port of each Service with a ClusterIP (headless and ExternalName
Services have no virtual address to serve): the ClusterIP and port, the NodePort if any, the
protocol, the endpoints that get traffic and the ClientIP affinity timeout. As kube-proxy
reads slices (``pkg/proxy/endpointslicecache.go``, ``topology.go``): a slice port is matched to
a Service port by name and protocol; the ready endpoints get the traffic (an unset condition
counts as ready); when none is ready, the ones still serving while they terminate do, so that
a rollout's last old Pods finish what they can. The table also answers name lookups, as the
cluster's DNS would: ``name.namespace`` (or ``name.namespace.svc.cluster.local``) is the
ClusterIP, or the ready Pods' IPs for a headless Service.

A table is a value: built anew from the informers' caches, compared, handed over whole.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

import attrs

from kube_actors.api import Endpoint, EndpointSlice, Service, split_service_name
from kube_actors.errors import NotFound

__all__ = [
    "Backend",
    "PortKey",
    "ServicePortEntry",
    "ServiceTable",
    "build_table",
]

#: Kubernetes' default ClientIP affinity timeout (three hours).
DEFAULT_AFFINITY_TIMEOUT: Final = 10800

#: A Service port: (namespace, service name, port name).
PortKey = tuple[str, str, str]
#: An endpoint: (pod IP, port).
Backend = tuple[str, int]


@attrs.frozen(kw_only=True)
class ServicePortEntry:
    namespace: str
    name: str
    port_name: str
    protocol: str
    cluster_ip: str
    port: int
    node_port: int | None
    #: The ready endpoints, sorted.
    endpoints: tuple[Backend, ...]
    #: Seconds a client stays with its endpoint (sessionAffinity ClientIP); None: no affinity.
    affinity_timeout: float | None

    @property
    def key(self) -> PortKey:
        return (self.namespace, self.name, self.port_name)

    def __str__(self) -> str:
        port = f":{self.port_name}" if self.port_name else ""
        return f"{self.namespace}/{self.name}{port}"


@attrs.frozen(kw_only=True)
class ServiceTable:
    """Every Service port, and the addresses names resolve to."""

    entries: Mapping[PortKey, ServicePortEntry] = attrs.field(factory=dict)
    #: (namespace, name) -> the addresses the name resolves to.
    names: Mapping[tuple[str, str], tuple[str, ...]] = attrs.field(factory=dict)
    #: (services resourceVersion, slices resourceVersion) the table was built at.
    version: tuple[int, int] = (0, 0)

    def resolve_all(self, name: str) -> tuple[str, ...]:
        """The addresses of ``name.namespace[.svc.cluster.local]``; NotFound if no Service."""
        namespace, service = split_service_name(name)
        found = self.names.get((namespace, service))
        if found is None:
            raise NotFound(f'services "{service}" not found', kind="Service", name=service)
        return found


def _ready(endpoint: Endpoint) -> bool:
    return endpoint.conditions.ready is not False


def _serving_terminating(endpoint: Endpoint) -> bool:
    conditions = endpoint.conditions
    return conditions.serving is not False and conditions.terminating is True


def _by_address(ips: Iterable[str]) -> list[str]:
    return sorted(set(ips), key=lambda ip: int(ipaddress.ip_address(ip)))


def _backends(slices: Sequence[EndpointSlice], port_name: str, protocol: str) -> list[Backend]:
    ready: set[Backend] = set()
    terminating: set[Backend] = set()
    for slice_ in slices:
        for port in slice_.ports:
            if (port.name or "") != port_name or (port.protocol or "TCP") != protocol:
                continue
            if port.port is None:
                continue
            for endpoint in slice_.endpoints:
                if _ready(endpoint):
                    ready.update((ip, port.port) for ip in endpoint.addresses)
                elif _serving_terminating(endpoint):
                    terminating.update((ip, port.port) for ip in endpoint.addresses)
    chosen = ready or terminating
    return sorted(chosen, key=lambda b: (int(ipaddress.ip_address(b[0])), b[1]))


def _ready_ips(slices: Sequence[EndpointSlice]) -> tuple[str, ...]:
    ips = (
        ip
        for slice_ in slices
        for endpoint in slice_.endpoints
        if _ready(endpoint)
        for ip in endpoint.addresses
    )
    return tuple(_by_address(ips))


def _affinity(service: Service) -> float | None:
    if service.spec.session_affinity != "ClientIP":
        return None
    config = service.spec.session_affinity_config
    timeout = config.client_ip.timeout_seconds if config and config.client_ip else None
    return float(timeout if timeout is not None else DEFAULT_AFFINITY_TIMEOUT)


def build_table(
    services: Iterable[Service],
    slices: Mapping[tuple[str, str], Sequence[EndpointSlice]],
    version: tuple[int, int] = (0, 0),
) -> ServiceTable:
    """The table of ``services`` with their EndpointSlices by (namespace, service name)."""
    entries: dict[PortKey, ServicePortEntry] = {}
    names: dict[tuple[str, str], tuple[str, ...]] = {}
    for service in services:
        meta, spec = service.metadata, service.spec
        at = (meta.namespace, meta.name)
        found = slices.get(at, ())
        if spec.type == "ExternalName":
            continue
        if spec.cluster_ip in ("", "None"):
            names[at] = _ready_ips(found)
            continue
        names[at] = (spec.cluster_ip,)
        affinity = _affinity(service)
        for port in spec.ports:
            protocol = port.protocol or "TCP"
            entry = ServicePortEntry(
                namespace=meta.namespace,
                name=meta.name,
                port_name=port.name,
                protocol=protocol,
                cluster_ip=spec.cluster_ip,
                port=port.port,
                node_port=port.node_port or None,
                endpoints=tuple(_backends(found, port.name, protocol)),
                affinity_timeout=affinity,
            )
            entries[entry.key] = entry
    return ServiceTable(entries=entries, names=names, version=version)
