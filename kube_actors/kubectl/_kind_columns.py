"""Kubernetes' ``kubectl get`` columns for the built-in kinds, and how each cell is computed.

Column names, types, priorities and cell values follow Kubernetes' server-side printers
(``pkg/printers/internalversion/printers.go``): a Pod's RESTARTS with ``(5m ago)``, a
Service's ``<pending>`` external IP for a LoadBalancer, a Job's STATUS and DURATION, an
Event's OBJECT as ``kind/name``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..api import (
    DaemonSet,
    Deployment,
    Endpoints,
    Event,
    Job,
    Lease,
    Namespace,
    Node,
    Pod,
    PodTemplateSpec,
    PriorityClass,
    ReplicaSet,
    Service,
    ServiceAccount,
    StatefulSet,
    compile_selector,
    get_condition,
    kind_info,
)
from ._columns import AGE, NAME, Column, declared_columns, human_duration, since
from ._pod_cells import pod_ready, pod_restarts, pod_status_reason

__all__ = ["columns_for"]

BUILT_IN: dict[type[Any], tuple[Column, ...]] = {}


def columns_for(kind: type[Any]) -> tuple[Column, ...]:
    """The columns of ``kind``: Kubernetes' own, the kind's declared ones, or NAME and AGE."""
    built_in = BUILT_IN.get(kind)
    if built_in is not None:
        return built_in
    try:
        declared = kind_info(kind).printer_columns
    except KeyError:
        declared = ()
    return declared_columns(declared)


_CONTAINERS = "Names of each container in the template."
_IMAGES = "Images referenced by each container in the template."


def _template_columns(template: Any, *, selector: bool = True) -> tuple[Column, ...]:
    """CONTAINERS, IMAGES (and SELECTOR) of a workload, shown with ``-o wide``."""

    def spec_of(obj: Any) -> PodTemplateSpec:
        result: PodTemplateSpec = template(obj)
        return result

    columns = [
        Column(
            name="Containers",
            priority=1,
            description=_CONTAINERS,
            cell=lambda o, now: ",".join(c.name for c in spec_of(o).spec.containers),
        ),
        Column(
            name="Images",
            priority=1,
            description=_IMAGES,
            cell=lambda o, now: ",".join(c.image for c in spec_of(o).spec.containers),
        ),
    ]
    if selector:
        columns.append(
            Column(
                name="Selector",
                priority=1,
                description="A label query over pods that should match the replica count.",
                cell=lambda o, now: _selector(o.spec.selector),
            )
        )
    return tuple(columns)


def _selector(selector: Any) -> str:
    return str(compile_selector(selector)) if selector is not None else "<none>"


def _labels(labels: Any) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items())) or "<none>"


def _int(name: str, cell: Any, description: str = "") -> Column:
    return Column(name=name, type="integer", description=description, cell=cell)


def _template(obj: Any) -> Any:
    return obj.spec.template


BUILT_IN[Pod] = (
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

BUILT_IN[Deployment] = (
    NAME,
    Column(
        name="Ready",
        description="Number of the pod with ready state",
        cell=lambda d, now: f"{d.status.ready_replicas}/{d.spec.replicas or 0}",
    ),
    _int("Up-to-date", lambda d, now: d.status.updated_replicas),
    _int("Available", lambda d, now: d.status.available_replicas),
    AGE,
    *_template_columns(_template),
)

BUILT_IN[ReplicaSet] = (
    NAME,
    _int("Desired", lambda r, now: r.spec.replicas or 0),
    _int("Current", lambda r, now: r.status.replicas),
    _int("Ready", lambda r, now: r.status.ready_replicas),
    AGE,
    *_template_columns(_template),
)

BUILT_IN[DaemonSet] = (
    NAME,
    _int("Desired", lambda d, now: d.status.desired_number_scheduled),
    _int("Current", lambda d, now: d.status.current_number_scheduled),
    _int("Ready", lambda d, now: d.status.number_ready),
    _int("Up-to-date", lambda d, now: d.status.updated_number_scheduled),
    _int("Available", lambda d, now: d.status.number_available),
    Column(
        name="Node Selector",
        description="The node selector of the pod template.",
        cell=lambda d, now: _labels(d.spec.template.spec.node_selector),
    ),
    AGE,
    *_template_columns(_template),
)

BUILT_IN[StatefulSet] = (
    NAME,
    Column(
        name="Ready",
        description="Number of the pod with ready state",
        cell=lambda s, now: f"{s.status.ready_replicas}/{s.spec.replicas or 0}",
    ),
    AGE,
    *_template_columns(_template, selector=False),
)


def _job_status(job: Job) -> str:
    def has(kind: str) -> bool:
        condition = get_condition(job.status.conditions, kind)
        return condition is not None and condition.status == "True"

    if has("Complete"):
        return "Complete"
    if has("Failed"):
        return "Failed"
    if job.metadata.deletion_timestamp is not None:
        return "Terminating"
    for kind in ("Suspended", "FailureTarget", "SuccessCriteriaMet"):
        if has(kind):
            return kind
    return "Running"


def _job_completions(job: Job) -> str:
    succeeded, spec = job.status.succeeded, job.spec
    if spec.completions is not None:
        return f"{succeeded}/{spec.completions}"
    if spec.parallelism is not None and spec.parallelism > 1:
        return f"{succeeded}/1 of {spec.parallelism}"
    return f"{succeeded}/1"


def _job_duration(job: Job, now: dt.datetime) -> str:
    start, end = job.status.start_time, job.status.completion_time
    if start is None:
        return ""
    return human_duration(((end or now) - start).total_seconds())


BUILT_IN[Job] = (
    NAME,
    Column(name="Status", description="Status of the job.", cell=lambda j, now: _job_status(j)),
    Column(
        name="Completions",
        description="The number of pods which reached phase Succeeded.",
        cell=lambda j, now: _job_completions(j),
    ),
    Column(name="Duration", description="Time required to complete the job.", cell=_job_duration),
    AGE,
    *_template_columns(_template),
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


BUILT_IN[Service] = (
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
        cell=lambda s, now: _labels(s.spec.selector),
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


BUILT_IN[Endpoints] = (
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


BUILT_IN[Node] = (
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

BUILT_IN[Namespace] = (
    NAME,
    Column(
        name="Status", description="The status of the namespace", cell=lambda n, now: n.status.phase
    ),
    AGE,
)

BUILT_IN[ServiceAccount] = (
    NAME,
    Column(
        name="Secrets",
        description="The secrets of the account.",
        cell=lambda s, now: len(s.secrets),
    ),
    AGE,
)

BUILT_IN[Lease] = (
    NAME,
    Column(
        name="Holder",
        description="The holder of the lease.",
        cell=lambda ls, now: ls.spec.holder_identity or "",
    ),
    AGE,
)

BUILT_IN[PriorityClass] = (
    NAME,
    _int("Value", lambda p, now: p.value),
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


BUILT_IN[Event] = (
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
