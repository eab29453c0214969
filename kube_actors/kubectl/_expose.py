"""``kubectl expose`` and Service name resolution over a ``Client``.

``expose`` builds the Service kubectl's generator would for a Deployment, ReplicaSet, Pod or
Service: named like the object, with its labels, selecting what the object selects (a Pod's
labels), a port from ``port`` or else from the containers' ports (named ``port-1``,
``port-2``... when there are several), ``targetPort`` defaulting to the port, the protocol
defaulting to the containers' (else TCP). ``resolve_all`` answers as the cluster's DNS does:
a ClusterIP, the ready Pods' IPs for a headless Service, the external name for an
ExternalName Service.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from ..api import (
    Deployment,
    Endpoints,
    IntOrString,
    ObjectMeta,
    Pod,
    PodTemplateSpec,
    ReplicaSet,
    Service,
    ServicePort,
    ServiceSpec,
    StatefulSet,
    split_service_name,
)
from ..client import Client
from ..errors import BadRequest, NotFound

__all__ = ["expose", "resolve_all"]

_KINDS: Mapping[str, type[Any]] = {
    "deployment": Deployment,
    "deployments": Deployment,
    "deploy": Deployment,
    "replicaset": ReplicaSet,
    "replicasets": ReplicaSet,
    "rs": ReplicaSet,
    "pod": Pod,
    "pods": Pod,
    "po": Pod,
    "service": Service,
    "services": Service,
    "svc": Service,
    "statefulset": StatefulSet,
    "statefulsets": StatefulSet,
    "sts": StatefulSet,
}


def _kind(kind: str | type[Any]) -> type[Any]:
    if isinstance(kind, type):
        if kind in _KINDS.values():
            return kind
        raise BadRequest(f"cannot expose a {kind.__name__}")
    found = _KINDS.get(kind.lower())
    if found is None:
        raise BadRequest(f"cannot expose a {kind}")
    return found


def _selector(obj: Any) -> Mapping[str, str]:
    if isinstance(obj, Pod):
        return obj.metadata.labels
    if isinstance(obj, Service):
        return obj.spec.selector
    selector = obj.spec.selector
    if selector is None:
        return {}
    if selector.match_expressions:
        raise BadRequest(
            f'couldn\'t convert expressions - "{selector.match_expressions}" to map-based '
            f"selector format: the {type(obj).__name__.lower()} {obj.metadata.name} cannot "
            "be exposed"
        )
    labels: Mapping[str, str] = selector.match_labels
    return labels


def _container_ports(obj: Any) -> list[tuple[int, str]]:
    if isinstance(obj, Service):
        return [(p.port, p.protocol or "TCP") for p in obj.spec.ports]
    spec = obj.spec if isinstance(obj, Pod) else _template(obj).spec
    return [
        (port.container_port, port.protocol or "TCP")
        for container in spec.containers
        for port in container.ports
    ]


def _template(obj: Any) -> PodTemplateSpec:
    template: PodTemplateSpec = obj.spec.template
    return template


async def expose(
    client: Client,
    kind: str | type[Any],
    name: str,
    *,
    port: int | None = None,
    target_port: IntOrString | None = None,
    type: str = "ClusterIP",
    service_name: str | None = None,
    protocol: str | None = None,
    namespace: str = "default",
    session_affinity: str | None = None,
    cluster_ip: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> Service:
    """``kubectl expose <kind> <name> --port=... [--target-port] [--type] [--name]``."""
    cls = _kind(kind)
    obj = await client.get(cls, name, namespace=namespace)
    selector = _selector(obj)
    if not selector:
        raise BadRequest("couldn't retrieve selectors via --selector flag or introspection")
    found = _container_ports(obj)
    if port is not None:
        wanted = [(port, protocol or (found[0][1] if len(found) == 1 else "TCP"))]
    elif found:
        wanted = [(p, protocol or proto) for p, proto in found]
    else:
        raise BadRequest("couldn't find port via --port flag or introspection")
    ports = [
        ServicePort(
            name=f"port-{i + 1}" if len(wanted) > 1 else "",
            port=number,
            protocol=proto,
            target_port=target_port if target_port is not None else number,
        )
        for i, (number, proto) in enumerate(wanted)
    ]
    service = Service(
        metadata=ObjectMeta(
            name=service_name or name,
            namespace=namespace,
            labels=obj.metadata.labels if labels is None else labels,
        ),
        spec=ServiceSpec(
            type=type,
            selector=selector,
            ports=ports,
            session_affinity=session_affinity or "",
            cluster_ip=cluster_ip or "",
        ),
    )
    created: Service = await client.create(service)
    return created


async def resolve_all(client: Client, name: str) -> list[str]:
    """What ``name.namespace[.svc.cluster.local]`` resolves to, read from the apiserver."""
    namespace, service_name = split_service_name(name)
    service = await client.get(Service, service_name, namespace=namespace)
    spec = service.spec
    if spec.type == "ExternalName":
        return [spec.external_name]
    if spec.cluster_ip not in ("", "None"):
        return [spec.cluster_ip]
    try:
        endpoints = await client.get(Endpoints, service_name, namespace=namespace)
    except NotFound:  # no Endpoints yet: no ready Pod
        return []
    ips = {a.ip for subset in endpoints.subsets for a in subset.addresses}
    return sorted(ips, key=lambda ip: int(ipaddress.ip_address(ip)))
