"""kubectl's columns for the core kinds: Pod, Service, Endpoints, Node, Namespace, Event...

As Kubernetes' printers show them: a Pod's READY, STATUS and RESTARTS (``_pod_cells``), a
Service's ``<pending>`` external IP for a LoadBalancer, a Node's roles from its labels, an
Event's OBJECT as ``kind/name``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..api import (
    Endpoints,
    Event,
    Lease,
    Namespace,
    Node,
    Pod,
    PriorityClass,
    Service,
    ServiceAccount,
    get_condition,
)
from ._columns import AGE, NAME, Column, format_labels, integer_column, since
from ._pod_cells import pod_ready, pod_restarts, pod_status_reason

__all__ = ["CORE_COLUMNS"]

CORE_COLUMNS: dict[type[Any], tuple[Column, ...]] = {}

CORE_COLUMNS[Pod] = (
    NAME,
    Column(
        name="Ready",
        description="The aggregate readiness state of this pod for accepting traffic.",
        cell=lambda p, now: pod_ready(p),
    ),
    Column(
        name="Status",
        description="The aggregate status of the containers in this pod.",
        cell=lambda p, now: pod_status_reason(p),
    ),
    Column(
        name="Restarts",
        description="The number of times the containers in this pod have been restarted and "
        "when the last container in this pod has restarted.",
        cell=pod_restarts,
    ),
    AGE,
    Column(
        name="IP",
        priority=1,
        description="The IP address allocated to the pod.",
        cell=lambda p, now: p.status.pod_ip or "<none>",
    ),
    Column(
        name="Node",
        priority=1,
        description="The node this pod is scheduled onto.",
        cell=lambda p, now: p.spec.node_name or "<none>",
    ),
    Column(
        name="Nominated Node",
        priority=1,
        description="The node the scheduler nominated for this pod after a preemption.",
        cell=lambda p, now: p.status.nominated_node_name or "<none>",
    ),
    Column(
        name="Readiness Gates",
        priority=1,
        description="Readiness gates of the pod.",
        cell=lambda p, now: "<none>",
    ),
)


def _service_external_ip(svc: Service) -> str:
    external = list(getattr(svc.spec, "external_ips", ()) or ())
    if svc.spec.type == "ExternalName":
        return svc.spec.external_name
    if svc.spec.type == "LoadBalancer":
        ingress = [i.ip or i.hostname for i in svc.status.load_balancer.ingress]
        addresses = [a for a in ingress + external if a]
        return ",".join(addresses) if addresses else "<pending>"
    return ",".join(external) if external else "<none>"


def _service_ports(svc: Service) -> str:
    ports = [
        f"{p.port}:{p.node_port}/{p.protocol or 'TCP'}"
        if p.node_port
        else f"{p.port}/{p.protocol or 'TCP'}"
        for p in svc.spec.ports
    ]
    return ",".join(ports) or "<none>"


CORE_COLUMNS[Service] = (
    NAME,
    Column(name="Type", description="How the Service is exposed.", cell=lambda s, now: s.spec.type),
    Column(
        name="Cluster-IP",
        description="The IP address of the service.",
        cell=lambda s, now: (
            (s.spec.cluster_ips[0] if s.spec.cluster_ips else s.spec.cluster_ip) or "<none>"
        ),
    ),
    Column(
        name="External-IP",
        description="IP addresses on which nodes also accept traffic for this service.",
        cell=lambda s, now: _service_external_ip(s),
    ),
    Column(
        name="Port(s)",
        description="The list of ports that are exposed by this service.",
        cell=lambda s, now: _service_ports(s),
    ),
    AGE,
    Column(
        name="Selector",
        priority=1,
        description="Route service traffic to pods with labels matching this selector.",
        cell=lambda s, now: format_labels(s.spec.selector),
    ),
)


def _endpoints(endpoints: Endpoints) -> str:
    """At most three ``ip:port``s, then ``+ N more...`` (``<none>`` without subsets)."""
    shown: list[str] = []
    count = 0
    for subset in endpoints.subsets:
        for port in subset.ports or (None,):
            for address in subset.addresses:
                count += 1
                if len(shown) < 3:
                    shown.append(address.ip if port is None else f"{address.ip}:{port.port}")
    if not endpoints.subsets:
        return "<none>"
    text = ",".join(shown)
    return f"{text} + {count - 3} more..." if count > 3 else text


CORE_COLUMNS[Endpoints] = (
    NAME,
    Column(
        name="Endpoints",
        description="The set of all endpoints is the union of all subsets.",
        cell=lambda e, now: _endpoints(e),
    ),
    AGE,
)


def _node_status(node: Node) -> str:
    ready = get_condition(node.status.conditions, "Ready")
    status = "Unknown" if ready is None else "Ready" if ready.status == "True" else "NotReady"
    return status + (",SchedulingDisabled" if node.spec.unschedulable else "")


def _node_roles(node: Node) -> str:
    prefix = "node-role.kubernetes.io/"
    roles = {k[len(prefix) :] for k in node.metadata.labels if k.startswith(prefix)}
    legacy = node.metadata.labels.get("kubernetes.io/role")
    if legacy:
        roles.add(legacy)
    return ",".join(sorted(r for r in roles if r)) or "<none>"


def _node_address(node: Node, kind: str) -> str:
    return next((a.address for a in node.status.addresses if a.type == kind), "<none>")


def _node_info(node: Node, field: str) -> str:
    info = node.status.node_info
    value = getattr(info, field, "") if info is not None else ""
    return str(value) or "<unknown>"


CORE_COLUMNS[Node] = (
    NAME,
    Column(
        name="Status", description="The status of the node", cell=lambda n, now: _node_status(n)
    ),
    Column(name="Roles", description="The roles of the node", cell=lambda n, now: _node_roles(n)),
    AGE,
    Column(
        name="Version",
        description="Kubelet Version reported by the node.",
        cell=lambda n, now: n.status.node_info.kubelet_version if n.status.node_info else "",
    ),
    *(
        Column(
            name=title,
            priority=1,
            description=text,
            cell=lambda n, now, f=fetch: f(n),  # type: ignore[misc]
        )
        for title, text, fetch in (
            (
                "Internal-IP",
                "The node's internal address.",
                lambda n: _node_address(n, "InternalIP"),
            ),
            (
                "External-IP",
                "The node's external address.",
                lambda n: _node_address(n, "ExternalIP"),
            ),
            ("OS-Image", "OS Image reported by the node.", lambda n: _node_info(n, "os_image")),
            (
                "Kernel-Version",
                "Kernel Version reported by the node.",
                lambda n: _node_info(n, "kernel_version"),
            ),
            (
                "Container-Runtime",
                "ContainerRuntime Version reported by the node.",
                lambda n: _node_info(n, "container_runtime_version"),
            ),
        )
    ),
)

CORE_COLUMNS[Namespace] = (
    NAME,
    Column(
        name="Status", description="The status of the namespace", cell=lambda n, now: n.status.phase
    ),
    AGE,
)

CORE_COLUMNS[ServiceAccount] = (
    NAME,
    Column(
        name="Secrets",
        description="The secrets of the account.",
        cell=lambda s, now: len(s.secrets),
    ),
    AGE,
)

CORE_COLUMNS[Lease] = (
    NAME,
    Column(
        name="Holder",
        description="The holder of the lease.",
        cell=lambda ls, now: ls.spec.holder_identity or "",
    ),
    AGE,
)

CORE_COLUMNS[PriorityClass] = (
    NAME,
    integer_column("Value", "The priority value of pods of this class.", lambda p, now: p.value),
    Column(
        name="Global-Default",
        type="boolean",
        description="Whether this is the default.",
        cell=lambda p, now: bool(p.global_default),
    ),
    AGE,
    Column(
        name="PreemptionPolicy",
        description="The policy for preempting lower priority pods.",
        cell=lambda p, now: p.preemption_policy or "PreemptLowerPriority",
    ),
)


def _event_source(event: Event) -> str:
    if event.source is not None and event.source.component:
        component, instance = event.source.component, event.source.host
    else:
        component, instance = event.reporting_component, event.reporting_instance
    if not component:
        return "<unknown>"
    return f"{component}, {instance}" if instance else component


def _event_first(event: Event, now: dt.datetime) -> str:
    return since(event.first_timestamp or event.event_time, now)


def _event_last(event: Event, now: dt.datetime) -> str:
    if event.last_timestamp is None:
        return _event_first(event, now)
    return since(event.last_timestamp, now)


def _event_object(event: Event) -> str:
    ref = event.involved_object
    return f"{ref.kind.lower()}/{ref.name}" if ref.name else ref.kind.lower()


CORE_COLUMNS[Event] = (
    Column(
        name="Last Seen",
        description="The time at which the most recent occurrence of this event was recorded.",
        cell=_event_last,
    ),
    Column(
        name="Type", description="Type of this event (Normal, Warning).", cell=lambda e, now: e.type
    ),
    Column(
        name="Reason",
        description="A short, machine understandable reason for the event.",
        cell=lambda e, now: e.reason,
    ),
    Column(
        name="Object",
        description="The object that this event is about.",
        cell=lambda e, now: _event_object(e),
    ),
    Column(
        name="Subobject",
        priority=1,
        description="The part of the object the event is about.",
        cell=lambda e, now: e.involved_object.field_path,
    ),
    Column(
        name="Source",
        priority=1,
        description="The component reporting this event.",
        cell=lambda e, now: _event_source(e),
    ),
    Column(
        name="Message",
        description="A human-readable description of the status of this operation.",
        cell=lambda e, now: e.message.strip(),
    ),
    Column(
        name="First Seen",
        priority=1,
        description="The time at which the event was first recorded.",
        cell=_event_first,
    ),
    Column(
        name="Count",
        priority=1,
        description="The number of times this event has occurred.",
        cell=lambda e, now: e.count or 1,
    ),
    Column(
        name="Name",
        priority=1,
        format="name",
        description=NAME.description,
        cell=lambda e, now: e.metadata.name,
    ),
)
