"""Validation of the core kinds besides Pod: Service, Endpoints, Node, Lease, PriorityClass..."""

from __future__ import annotations

import ipaddress
from typing import Final

from kube_actors.errors import FieldCause

from . import _checks as c
from . import _field as f
from ._core import Binding, Event, Lease, PriorityClass
from ._names import is_dns1123_label
from ._node import Node
from ._service import Endpoints, Service, ServicePort

__all__ = [
    "validate_binding",
    "validate_endpoints",
    "validate_event",
    "validate_lease",
    "validate_node",
    "validate_priority_class",
    "validate_service",
]

Causes = list[FieldCause]

_SERVICE_TYPES: Final = ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName")
_TAINT_EFFECTS: Final = ("NoSchedule", "PreferNoSchedule", "NoExecute")
_HIGHEST_USER_PRIORITY: Final = 1_000_000_000


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def validate_service(obj: Service, old: Service | None) -> Causes:
    spec = obj.spec
    causes = c.one_of("spec.type", spec.type, _SERVICE_TYPES)
    if spec.type == "ExternalName":
        if not spec.external_name:
            causes.append(f.required("spec.externalName"))
    elif not spec.ports:
        causes.append(f.required("spec.ports"))
    names: set[str] = set()
    for i, port in enumerate(spec.ports):
        causes.extend(
            _service_port(f.index("spec.ports", i), port, spec.type, len(spec.ports), names)
        )
    affinity = spec.session_affinity
    causes.extend(c.one_of("spec.sessionAffinity", affinity, ("None", "ClientIP")))
    config = spec.session_affinity_config
    timeout = config.client_ip.timeout_seconds if config and config.client_ip else None
    if timeout is not None and not 0 < timeout <= 86400:
        at = "spec.sessionAffinityConfig.clientIP.timeoutSeconds"
        causes.append(f.invalid(at, timeout, "must be greater than 0 and less than 86400"))
    ip = spec.cluster_ip
    if ip and ip != "None" and not _is_ip(ip):
        causes.append(
            f.invalid("spec.clusterIP", ip, "must be empty, 'None', or a valid IP address")
        )
    causes.extend(c.labels("spec.selector", spec.selector))
    if old is not None and old.spec.cluster_ip:
        causes.extend(c.immutable("spec.clusterIP", spec.cluster_ip, old.spec.cluster_ip))
    return causes


def _service_port(path: str, port: ServicePort, kind: str, count: int, names: set[str]) -> Causes:
    causes: Causes = []
    name_path = f.child(path, "name")
    if not port.name and count > 1:
        causes.append(f.required(name_path))
    elif port.name:
        causes.extend(f.invalid(name_path, port.name, p) for p in is_dns1123_label(port.name))
        if port.name in names:
            causes.append(f.duplicate(name_path, port.name))
        names.add(port.name)
    causes.extend(c.in_port_range(f.child(path, "port"), port.port))
    causes.extend(c.one_of(f.child(path, "protocol"), port.protocol, c.PROTOCOLS))
    if port.target_port is not None and port.target_port != 0:
        causes.extend(c.port_or_name(f.child(path, "targetPort"), port.target_port))
    if port.node_port:
        if kind not in ("NodePort", "LoadBalancer"):
            detail = f"may not be used when `type` is '{kind or 'ClusterIP'}'"
            causes.append(f.forbidden(f.child(path, "nodePort"), detail))
        causes.extend(c.in_port_range(f.child(path, "nodePort"), port.node_port))
    return causes


def validate_endpoints(obj: Endpoints, old: Endpoints | None) -> Causes:
    causes: Causes = []
    for i, subset in enumerate(obj.subsets):
        at = f.index("subsets", i)
        for field, addresses in (
            ("addresses", subset.addresses),
            ("notReadyAddresses", subset.not_ready_addresses),
        ):
            for j, address in enumerate(addresses):
                ip_path = f.child(f.index(f.child(at, field), j), "ip")
                if not _is_ip(address.ip):
                    causes.append(f.invalid(ip_path, address.ip, "must be a valid IP address"))
        for j, port in enumerate(subset.ports):
            port_path = f.index(f.child(at, "ports"), j)
            causes.extend(c.in_port_range(f.child(port_path, "port"), port.port))
            causes.extend(c.one_of(f.child(port_path, "protocol"), port.protocol, c.PROTOCOLS))
    return causes


def validate_node(obj: Node, old: Node | None) -> Causes:
    causes: Causes = []
    seen: set[tuple[str, str]] = set()
    for i, taint in enumerate(obj.spec.taints):
        at = f.index("spec.taints", i)
        if not taint.key:
            causes.append(f.required(f.child(at, "key")))
        else:
            causes.extend(c.qualified_names(f.child(at, "key"), [taint.key]))
        causes.extend(c.one_of(f.child(at, "effect"), taint.effect, _TAINT_EFFECTS, required=True))
        if (taint.key, taint.effect) in seen:
            causes.append(f.duplicate(at, f"{taint.key}:{taint.effect}"))
        seen.add((taint.key, taint.effect))
    causes.extend(c.resource_amounts("status.capacity", obj.status.capacity))
    causes.extend(c.resource_amounts("status.allocatable", obj.status.allocatable))
    return causes


def validate_lease(obj: Lease, old: Lease | None) -> Causes:
    spec = obj.spec
    causes = c.at_least("spec.leaseDurationSeconds", spec.lease_duration_seconds, 1)
    causes.extend(c.at_least("spec.leaseTransitions", spec.lease_transitions, 0))
    return causes


def validate_priority_class(obj: PriorityClass, old: PriorityClass | None) -> Causes:
    causes: Causes = []
    if obj.value > _HIGHEST_USER_PRIORITY and not obj.metadata.name.startswith("system-"):
        detail = f"maximum allowed value of a user defined priority is {_HIGHEST_USER_PRIORITY}"
        causes.append(f.forbidden("value", detail))
    policy = obj.preemption_policy or ""
    causes.extend(c.one_of("preemptionPolicy", policy, ("PreemptLowerPriority", "Never")))
    if old is not None:
        causes.extend(c.immutable("value", obj.value, old.value))
        causes.extend(c.immutable("preemptionPolicy", obj.preemption_policy, old.preemption_policy))
    return causes


def validate_binding(obj: Binding, old: Binding | None) -> Causes:
    causes: Causes = []
    if not obj.target.name:
        causes.append(f.required("target.name"))
    if obj.target.kind not in ("", "Node"):
        causes.append(f.not_supported("target.kind", obj.target.kind, ("Node",)))
    return causes


# Kubernetes' limits on an Event with an eventTime (its events.go), in bytes as Go's len.
_EVENT_REPORTING_INSTANCE_LIMIT: Final = 128
_EVENT_ACTION_LIMIT: Final = 128
_EVENT_REASON_LIMIT: Final = 128
_EVENT_NOTE_LIMIT: Final = 1024
#: The namespaces an Event about a cluster-scoped object may sit in: none, or ``default``
#: for old clients' sake (an Event with an eventTime may also sit in ``kube-system``).
_CLUSTER_EVENT_NAMESPACES: Final = ("", "default")
_CLUSTER_EVENT_NAMESPACES_NEW: Final = ("default", "kube-system")


def validate_event(obj: Event, old: Event | None) -> Causes:
    """Kubernetes' legacyValidateEvent, all a core/v1 Event's create and update are checked
    by (no more, for old clients' sake): the Event sits in its object's namespace; one with
    an eventTime (the events.k8s.io recorder's) names who reported it and what it did, each
    within its limit. Its namespace's own check is metadata's (a label, stricter)."""
    causes: Causes = []
    namespace, involved = obj.metadata.namespace, obj.involved_object.namespace
    if obj.event_time is None:
        if involved:
            mismatched = namespace != involved
        else:  # about a cluster-scoped object
            mismatched = namespace not in _CLUSTER_EVENT_NAMESPACES
        if mismatched:
            causes.append(_namespace_mismatch(involved))
        return causes
    if not involved and namespace not in _CLUSTER_EVENT_NAMESPACES_NEW:
        causes.append(_namespace_mismatch(involved))
    # Go's field is ReportingController (reportingComponent on the wire); its path is it.
    if not obj.reporting_component:
        causes.append(f.required("reportingController"))
    causes.extend(c.qualified_names("reportingController", [obj.reporting_component]))
    for path, value, limit, required in (
        ("reportingInstance", obj.reporting_instance, _EVENT_REPORTING_INSTANCE_LIMIT, True),
        ("action", obj.action, _EVENT_ACTION_LIMIT, True),
        ("reason", obj.reason, _EVENT_REASON_LIMIT, True),
        ("message", obj.message, _EVENT_NOTE_LIMIT, False),
    ):
        if required and not value:
            causes.append(f.required(path))
        if len(value.encode()) > limit:
            causes.append(f.invalid(path, "", f"can have at most {limit} characters"))
    return causes


def _namespace_mismatch(involved: str) -> FieldCause:
    return f.invalid("involvedObject.namespace", involved, "does not match event.namespace")
