"""Defaulting and validation of EndpointSlices, as Kubernetes' discovery API does them."""

from __future__ import annotations

import ipaddress
from typing import Final

import attrs

from kube_actors.errors import FieldCause

from . import _checks as c
from . import _field as f
from ._endpoint_slice import ADDRESS_TYPES, Endpoint, EndpointSlice, EndpointSlicePort
from ._names import is_dns1123_label, is_dns1123_subdomain

__all__ = ["default_endpoint_slice", "validate_endpoint_slice"]

Causes = list[FieldCause]

MAX_ENDPOINTS: Final = 1000
MAX_ADDRESSES: Final = 100
MAX_PORTS: Final = 100


def default_endpoint_slice(obj: EndpointSlice) -> EndpointSlice:
    """A port's name defaults to "" and its protocol to TCP."""
    if all(p.name is not None and p.protocol is not None for p in obj.ports):
        return obj
    ports = tuple(
        attrs.evolve(p, name=p.name if p.name is not None else "", protocol=p.protocol or "TCP")
        for p in obj.ports
    )
    return attrs.evolve(obj, ports=ports)


def _too_many(path: str, count: int, limit: int) -> FieldCause:
    return FieldCause(
        field=path,
        message=f"Too many: {count}: must have at most {limit} items",
        type="FieldValueTooMany",
    )


def _address_problem(address_type: str, address: str) -> str | None:
    if address_type == "FQDN":
        problems = is_dns1123_subdomain(address)
        return problems[0] if problems else None
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        parsed = None
    wanted = 4 if address_type == "IPv4" else 6
    if parsed is None or parsed.version != wanted:
        return f"must be a valid {address_type} address"
    return None


def _validate_endpoint(path: str, endpoint: Endpoint, address_type: str) -> Causes:
    causes: Causes = []
    addresses = f.child(path, "addresses")
    if not endpoint.addresses:
        causes.append(f.required(addresses, "must contain at least 1 address"))
    elif len(endpoint.addresses) > MAX_ADDRESSES:
        causes.append(_too_many(addresses, len(endpoint.addresses), MAX_ADDRESSES))
    for i, address in enumerate(endpoint.addresses):
        problem = _address_problem(address_type, address)
        if problem is not None:
            causes.append(f.invalid(f.index(addresses, i), address, problem))
    if endpoint.hostname:
        causes.extend(
            f.invalid(f.child(path, "hostname"), endpoint.hostname, problem)
            for problem in is_dns1123_label(endpoint.hostname)
        )
    if endpoint.node_name:
        causes.extend(
            f.invalid(f.child(path, "nodeName"), endpoint.node_name, problem)
            for problem in is_dns1123_subdomain(endpoint.node_name)
        )
    return causes


def _validate_ports(ports: tuple[EndpointSlicePort, ...]) -> Causes:
    causes: Causes = []
    if len(ports) > MAX_PORTS:
        causes.append(_too_many("ports", len(ports), MAX_PORTS))
    names: set[str] = set()
    for i, port in enumerate(ports):
        at = f.index("ports", i)
        name = port.name or ""
        if name:
            causes.extend(
                f.invalid(f.child(at, "name"), name, problem) for problem in is_dns1123_label(name)
            )
        if name in names:
            causes.append(f.duplicate(f.child(at, "name"), name))
        names.add(name)
        if port.protocol is None:
            causes.append(f.required(f.child(at, "protocol")))
        else:
            causes.extend(c.one_of(f.child(at, "protocol"), port.protocol, c.PROTOCOLS))
        if port.port is not None:
            causes.extend(c.in_port_range(f.child(at, "port"), port.port))
        if port.app_protocol:
            causes.extend(c.qualified_names(f.child(at, "appProtocol"), [port.app_protocol]))
    return causes


def validate_endpoint_slice(obj: EndpointSlice, old: EndpointSlice | None) -> Causes:
    causes: Causes = []
    if not obj.address_type:
        causes.append(f.required("addressType"))
    elif obj.address_type not in ADDRESS_TYPES:
        causes.append(f.not_supported("addressType", obj.address_type, sorted(ADDRESS_TYPES)))
    if len(obj.endpoints) > MAX_ENDPOINTS:
        causes.append(_too_many("endpoints", len(obj.endpoints), MAX_ENDPOINTS))
    if obj.address_type in ADDRESS_TYPES:
        for i, endpoint in enumerate(obj.endpoints):
            causes.extend(_validate_endpoint(f.index("endpoints", i), endpoint, obj.address_type))
    causes.extend(_validate_ports(obj.ports))
    if old is not None:
        causes.extend(c.immutable("addressType", obj.address_type, old.address_type))
    return causes
