"""``kubectl describe`` of core kinds beside Pods: Service, Node, Namespace, ConfigMap, Secret.

Each takes the object and what kubectl fetches besides it (a Service's EndpointSlices, a
Node's pods and Lease, a Namespace's quotas and limit ranges); the layout is describe.go's.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Mapping, Sequence

from ..api import (
    ConfigMap,
    EndpointSlice,
    Event,
    Lease,
    Namespace,
    Node,
    Pod,
    Quantity,
    ResourceQuota,
    Secret,
    Service,
)
from . import _describe_fields as f
from ._columns import since
from ._tabwriter import Page

__all__ = [
    "describe_config_map",
    "describe_namespace",
    "describe_node",
    "describe_secret",
    "describe_service",
    "format_endpoints",
]


def describe_service(
    page: Page,
    svc: Service,
    slices: Sequence[EndpointSlice],
    events: Sequence[Event],
    now: dt.datetime,
) -> None:
    meta, spec = svc.metadata, svc.spec
    f.named_header(page, meta)
    selector = ",".join(f"{k}={v}" for k, v in sorted(spec.selector.items()))
    page.write(0, f"Selector:\t{selector}\n")
    page.write(0, f"Type:\t{spec.type}\n")
    if spec.ip_family_policy is not None:
        page.write(0, f"IP Family Policy:\t{spec.ip_family_policy}\n")
    page.write(0, f"IP Families:\t{','.join(spec.ip_families) or '<none>'}\n")
    page.write(0, f"IP:\t{spec.cluster_ip}\n")
    page.write(0, f"IPs:\t{','.join(spec.cluster_ips) or '<none>'}\n")
    if spec.external_name:
        page.write(0, f"External Name:\t{spec.external_name}\n")
    ingress = svc.status.load_balancer.ingress
    if ingress:
        listed = ", ".join(i.ip or i.hostname for i in ingress)
        page.write(0, f"LoadBalancer Ingress:\t{listed}\n")
    for port in spec.ports:
        name = port.name or "<unset>"
        page.write(0, f"Port:\t{name}\t{port.port}/{port.protocol}\n")
        target = port.target_port if port.target_port is not None else 0
        page.write(0, f"TargetPort:\t{target}/{port.protocol}\n")
        if port.node_port:
            page.write(0, f"NodePort:\t{name}\t{port.node_port}/{port.protocol}\n")
        page.write(0, f"Endpoints:\t{format_endpoints(slices, port.name)}\n")
    page.write(0, f"Session Affinity:\t{spec.session_affinity}\n")
    if spec.external_traffic_policy:
        page.write(0, f"External Traffic Policy:\t{spec.external_traffic_policy}\n")
    if spec.internal_traffic_policy is not None:
        page.write(0, f"Internal Traffic Policy:\t{spec.internal_traffic_policy}\n")
    f.events(page, events, now)


def format_endpoints(slices: Sequence[EndpointSlice], port_name: str) -> str:
    """``formatEndpointSlices``: the first three ready ``address:port``, then ``+ N more...``."""
    listed: list[str] = []
    count = 0
    for eps in slices:
        if not eps.ports:
            pairs = [(e, "") for e in eps.endpoints]
        else:
            pairs = [
                (e, f":{p.port}")
                for p in eps.ports
                if (p.name or "") == port_name
                for e in eps.endpoints
            ]
        for endpoint, port in pairs:
            conditions = endpoint.conditions
            if conditions is not None and conditions.ready is False:
                continue
            if len(listed) < 3:
                listed.append(endpoint.addresses[0] + port)
            count += 1
    if not listed:
        return "<none>"
    more = f" + {count - len(listed)} more..." if count > len(listed) else ""
    return ",".join(listed) + more


def describe_node(
    page: Page,
    node: Node,
    pods: Sequence[Pod],
    lease: Lease | None,
    events: Sequence[Event],
    now: dt.datetime,
) -> None:
    meta, spec, status = node.metadata, node.spec, node.status
    page.write(0, f"Name:\t{meta.name}\n")
    page.write(0, f"Roles:\t{_roles(meta.labels) or '<none>'}\n")
    f.label_lines(page, "Labels", meta.labels)
    f.annotation_lines(page, "Annotations", meta.annotations)
    page.write(0, f"CreationTimestamp:\t{f.when(meta.creation_timestamp)}\n")
    f.taints(page, "Taints", spec.taints)
    page.write(0, f"Unschedulable:\t{f.go_bool(spec.unschedulable)}\n")
    page.write(0, "Lease:\n")
    holder = lease.spec.holder_identity if lease is not None else None
    page.write(1, f"HolderIdentity:\t{holder if holder is not None else '<unset>'}\n")
    acquired = lease.spec.acquire_time if lease is not None else None
    page.write(1, f"AcquireTime:\t{f.when(acquired) if acquired else '<unset>'}\n")
    renewed = lease.spec.renew_time if lease is not None else None
    page.write(1, f"RenewTime:\t{f.when(renewed) if renewed else '<unset>'}\n")
    if status.conditions:
        page.write(
            0,
            "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n",
        )
        page.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in status.conditions:
            page.write(
                1,
                f"{c.type} \t{c.status} \t{f.when(c.last_heartbeat_time)} \t"
                f"{f.when(c.last_transition_time)} \t{c.reason} \t{c.message}\n",
            )
    page.write(0, "Addresses:\n")
    for address in status.addresses:
        page.write(1, f"{address.type}:\t{address.address}\n")
    for title, values in (("Capacity", status.capacity), ("Allocatable", status.allocatable)):
        if values:
            page.write(0, f"{title}:\n")
            for name in sorted(values):
                page.write(0, f"  {name}:\t{values[name]}\n")
    info = status.node_info
    page.write(0, "System Info:\n")
    for title, field in (
        ("Machine ID", "machine_id"),
        ("System UUID", "system_uuid"),
        ("Boot ID", "boot_id"),
        ("Kernel Version", "kernel_version"),
        ("OS Image", "os_image"),
        ("Operating System", "operating_system"),
        ("Architecture", "architecture"),
        ("Container Runtime Version", "container_runtime_version"),
        ("Kubelet Version", "kubelet_version"),
        ("Kube-Proxy Version", "kube_proxy_version"),
    ):
        page.write(0, f"  {title}:\t{getattr(info, field, '') if info is not None else ''}\n")
    if spec.pod_cidr:
        page.write(0, f"PodCIDR:\t{spec.pod_cidr}\n")
    if spec.pod_cidrs:
        page.write(0, f"PodCIDRs:\t{','.join(spec.pod_cidrs)}\n")
    if spec.provider_id:
        page.write(0, f"ProviderID:\t{spec.provider_id}\n")
    _node_resources(page, node, pods, now)
    f.events(page, events, now)


def _roles(labels: Mapping[str, str]) -> str:
    prefix = "node-role.kubernetes.io/"
    roles = {k[len(prefix) :] for k in labels if k.startswith(prefix)}
    roles.add(labels.get("kubernetes.io/role", ""))
    return ",".join(sorted(r for r in roles if r))


def _pod_totals(pod: Pod) -> tuple[dict[str, Quantity], dict[str, Quantity]]:
    """``PodRequestsAndLimits``: the containers' sums, raised to any init container's, plus
    the overhead."""
    totals: list[dict[str, Quantity]] = [{}, {}]
    for container in pod.spec.containers:
        for total, values in zip(
            totals, (container.resources.requests, container.resources.limits), strict=True
        ):
            for name, q in values.items():
                total[name] = total.get(name, Quantity(0)) + q
    for container in pod.spec.init_containers:
        for total, values in zip(
            totals, (container.resources.requests, container.resources.limits), strict=True
        ):
            for name, q in values.items():
                if name not in total or total[name] < q:
                    total[name] = q
    for total in totals:
        for name, q in pod.spec.overhead.items():
            if name in total:
                total[name] = total[name] + q
    return totals[0], totals[1]


def _share(q: Quantity, allocatable: Quantity | None, milli: bool) -> int:
    whole = (allocatable.milli_value() if milli else allocatable.value()) if allocatable else 0
    if not whole:
        return 0
    part = q.milli_value() if milli else q.value()
    return int(part / whole * 100)


def _node_resources(page: Page, node: Node, pods: Sequence[Pod], now: dt.datetime) -> None:
    allocatable = node.status.allocatable or node.status.capacity
    page.write(0, f"Non-terminated Pods:\t({len(pods)} in total)\n")
    page.write(
        1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n"
    )
    page.write(
        1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n"
    )
    cpu, memory = allocatable.get("cpu"), allocatable.get("memory")
    sums: list[dict[str, Quantity]] = [{}, {}]
    for pod in pods:
        requests, limits = _pod_totals(pod)
        for total, values in zip(sums, (requests, limits), strict=True):
            for name, q in values.items():
                total[name] = total.get(name, Quantity(0)) + q
        cells = []
        for values, name, whole in (
            (requests, "cpu", cpu),
            (limits, "cpu", cpu),
            (requests, "memory", memory),
            (limits, "memory", memory),
        ):
            q = values.get(name, Quantity(0))
            cells.append(f"{q} ({_share(q, whole, name == 'cpu')}%)")
        page.write(
            1,
            f"{pod.metadata.namespace}\t{pod.metadata.name}\t\t{chr(9).join(cells)}\t"
            f"{since(pod.metadata.creation_timestamp, now)}\n",
        )
    page.write(
        0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n"
    )
    page.write(1, "Resource\tRequests\tLimits\n")
    page.write(1, "--------\t--------\t------\n")
    for name in ("cpu", "memory", "ephemeral-storage"):
        whole = allocatable.get(name)
        req, lim = sums[0].get(name, Quantity(0)), sums[1].get(name, Quantity(0))
        milli = name == "cpu"
        page.write(
            1,
            f"{name}\t{req} ({_share(req, whole, milli)}%)\t{lim} ({_share(lim, whole, milli)}%)\n",
        )
    standard = {"cpu", "memory", "ephemeral-storage", "pods", "storage"}
    for name in sorted(allocatable):
        if name.startswith("hugepages-"):
            req, lim = sums[0].get(name, Quantity(0)), sums[1].get(name, Quantity(0))
            whole = allocatable[name]
            shares = f"{req} ({_share(req, whole, False)}%)\t{lim} ({_share(lim, whole, False)}%)"
            page.write(1, f"{name}\t{shares}\n")
    for name in sorted(allocatable):
        if name not in standard and not name.startswith(("hugepages-", "requests.", "limits.")):
            page.write(
                1, f"{name}\t{sums[0].get(name, Quantity(0))}\t{sums[1].get(name, Quantity(0))}\n"
            )


def describe_namespace(
    page: Page, ns: Namespace, quotas: Sequence[ResourceQuota], limit_ranges: Sequence[object]
) -> None:
    meta = ns.metadata
    page.write(0, f"Name:\t{meta.name}\n")
    f.label_lines(page, "Labels", meta.labels)
    f.annotation_lines(page, "Annotations", meta.annotations)
    page.write(0, f"Status:\t{ns.status.phase}\n")
    if ns.status.conditions:
        page.write(0, "Conditions:\n")
        page.write(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n")
        page.write(1, "----\t------\t------------------\t------\t-------\n")
        for c in ns.status.conditions:
            page.write(
                1,
                f"{c.type}\t{c.status}\t{f.when(c.last_transition_time)}\t{c.reason}\t{c.message}\n",
            )
    page.write(0, "\n")
    if not quotas:
        page.write(0, "No resource quota.\n")
    else:
        page.write(0, "Resource Quotas\n")
        for quota in sorted(quotas, key=lambda q: q.metadata.name):
            page.write(1, f"Name:\t{quota.metadata.name}\n")
            page.write(1, "Resource\tUsed\tHard\n")
            page.write(1, "--------\t---\t---\n")
            hard, used = quota.status.hard, quota.status.used
            for name in sorted(hard):
                page.write(1, f"{name}\t{used.get(name, Quantity(0))}\t{hard[name]}\n")
    page.write(0, "\n")
    if not limit_ranges:
        page.write(0, "No LimitRange resource.\n")


def describe_config_map(
    page: Page, cm: ConfigMap, events: Sequence[Event], now: dt.datetime
) -> None:
    meta = cm.metadata
    f.named_header(page, meta)
    # kubectl walks Go maps, in an order of its own; ours are sorted by key.
    page.write(0, "\nData\n====\n")
    for key in sorted(cm.data):
        page.write(0, f"{key}:\n----\n{cm.data[key]}\n\n")
    page.write(0, "\nBinaryData\n====\n")
    for key in sorted(cm.binary_data):
        page.write(0, f"{key}: {len(_decoded(cm.binary_data[key]))} bytes\n")
    page.write(0, "\n")
    f.events(page, events, now)


def describe_secret(page: Page, secret: Secret) -> None:
    meta = secret.metadata
    f.named_header(page, meta)
    page.write(0, f"\nType:\t{secret.type}\n")
    page.write(0, "\nData\n====\n")
    for key in sorted(secret.data):
        value = _decoded(secret.data[key])
        if key == "token" and secret.type == "kubernetes.io/service-account-token":
            page.write(0, f"{key}:\t{value.decode(errors='replace')}\n")
        else:
            page.write(0, f"{key}:\t{len(value)} bytes\n")


def _decoded(value: object) -> bytes:
    """A Secret's or ConfigMap's binary value: bytes, or base64 text as on the wire."""
    if isinstance(value, bytes):
        return value
    return base64.b64decode(str(value))
