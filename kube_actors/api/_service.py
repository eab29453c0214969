"""Service and Endpoints: a stable address in front of a changing set of Pods."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

import attrs

from ._base import EMPTY, freeze_map, freeze_seq
from ._intstr import IntOrString
from ._meta import ObjectMeta, ObjectReference

__all__ = [
    "ClientIPConfig",
    "EndpointAddress",
    "EndpointPort",
    "EndpointSubset",
    "Endpoints",
    "LoadBalancerIngress",
    "LoadBalancerStatus",
    "Service",
    "ServicePort",
    "ServiceSpec",
    "ServiceStatus",
    "SessionAffinityConfig",
]


@attrs.frozen(kw_only=True)
class ServicePort:
    name: str = ""
    protocol: str = ""
    port: int = 0
    target_port: IntOrString | None = None
    node_port: int | None = None
    app_protocol: str | None = None


@attrs.frozen(kw_only=True)
class ClientIPConfig:
    timeout_seconds: int | None = None


@attrs.frozen(kw_only=True)
class SessionAffinityConfig:
    client_ip: ClientIPConfig | None = None


@attrs.frozen(kw_only=True)
class ServiceSpec:
    type: str = ""  # ClusterIP, NodePort, LoadBalancer, ExternalName
    selector: Mapping[str, str] = attrs.field(default=EMPTY, converter=freeze_map)
    ports: tuple[ServicePort, ...] = attrs.field(default=(), converter=freeze_seq)
    cluster_ip: str = ""
    cluster_ips: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)
    external_name: str = ""
    session_affinity: str = ""  # None or ClientIP
    session_affinity_config: SessionAffinityConfig | None = None
    publish_not_ready_addresses: bool | None = None
    internal_traffic_policy: str | None = None
    external_traffic_policy: str = ""
    ip_families: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)
    ip_family_policy: str | None = None
    allocate_load_balancer_node_ports: bool | None = None


@attrs.frozen(kw_only=True)
class LoadBalancerIngress:
    """Where a load balancer answers for a Service (set by whatever provides it)."""

    ip: str = ""
    hostname: str = ""


@attrs.frozen(kw_only=True)
class LoadBalancerStatus:
    ingress: tuple[LoadBalancerIngress, ...] = attrs.field(default=(), converter=freeze_seq)


@attrs.frozen(kw_only=True)
class ServiceStatus:
    # kubectl's generators send ``status: {loadBalancer: {}}`` with every Service they make.
    load_balancer: LoadBalancerStatus = attrs.field(default=LoadBalancerStatus())


@attrs.frozen(kw_only=True)
class Service:
    api_version: ClassVar[str] = "v1"
    kind: ClassVar[str] = "Service"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    spec: ServiceSpec = attrs.field(default=ServiceSpec())
    status: ServiceStatus = attrs.field(default=ServiceStatus())


@attrs.frozen(kw_only=True)
class EndpointAddress:
    ip: str = ""
    hostname: str = ""
    node_name: str | None = None
    target_ref: ObjectReference | None = None


@attrs.frozen(kw_only=True)
class EndpointPort:
    name: str = ""
    port: int = 0
    protocol: str = ""
    app_protocol: str | None = None


@attrs.frozen(kw_only=True)
class EndpointSubset:
    addresses: tuple[EndpointAddress, ...] = attrs.field(default=(), converter=freeze_seq)
    not_ready_addresses: tuple[EndpointAddress, ...] = attrs.field(default=(), converter=freeze_seq)
    ports: tuple[EndpointPort, ...] = attrs.field(default=(), converter=freeze_seq)


@attrs.frozen(kw_only=True)
class Endpoints:
    """Endpoints has no spec: its ``subsets`` sit at the top, as in Kubernetes."""

    api_version: ClassVar[str] = "v1"
    kind: ClassVar[str] = "Endpoints"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    subsets: tuple[EndpointSubset, ...] = attrs.field(default=(), converter=freeze_seq)
