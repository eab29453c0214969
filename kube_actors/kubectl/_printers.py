"""What ``kubectl get`` and ``kubectl describe`` print, computed from API objects.

``table(kind, objects, now)`` gives kubectl's columns and rows for the kinds a person looks
at most (Nodes, Pods, Deployments, ReplicaSets, Services, Events; anything else by name and
age); ``describe_text(obj, events, now)`` gives ``kubectl describe``'s text, Events included.
The command line renders the tables with rich; ``Cluster.describe`` returns the text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from ..api import (
    Deployment,
    Event,
    Node,
    Pod,
    ReplicaSet,
    Service,
    controller_of,
    dump_manifests,
    get_condition,
)

__all__ = ["age", "describe_text", "pod_ready", "pod_status_reason", "table"]


def age(then: dt.datetime | None, now: dt.datetime) -> str:
    """kubectl's short age: ``45s``, ``3m12s``, ``2h5m``, ``3d``."""
    if then is None:
        return "<unknown>"
    seconds = max(0, int((now - then).total_seconds()))
    if seconds < 120:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 10:
        return f"{minutes}m{seconds}s" if seconds else f"{minutes}m"
    if minutes < 180:
        hours, minutes = divmod(minutes, 60)
        return f"{hours}h{minutes}m" if hours else f"{minutes}m"
    hours = minutes // 60
    return f"{hours}h" if hours < 48 else f"{hours // 24}d"


def pod_ready(pod: Pod) -> str:
    statuses = pod.status.container_statuses
    return f"{sum(1 for s in statuses if s.ready)}/{len(pod.spec.containers)}"


def pod_status_reason(pod: Pod) -> str:
    """The STATUS column of ``kubectl get pods``: the phase, or what a container waits on."""
    if pod.metadata.deletion_timestamp is not None:
        return "Terminating"
    if pod.status.reason:
        return pod.status.reason
    for status in pod.status.init_container_statuses:
        terminated = status.state.terminated
        if terminated is not None and terminated.exit_code == 0:
            continue
        if status.state.waiting is not None and status.state.waiting.reason not in (
            "",
            "PodInitializing",
        ):
            return f"Init:{status.state.waiting.reason}"
        return "Init:0/" + str(len(pod.spec.init_containers))
    for status in pod.status.container_statuses:
        waiting = status.state.waiting
        if waiting is not None and waiting.reason:
            return waiting.reason
        terminated = status.state.terminated
        if terminated is not None and terminated.reason:
            return terminated.reason
    return pod.status.phase or "Pending"


def _restarts(pod: Pod) -> str:
    return str(sum(s.restart_count for s in pod.status.container_statuses))


def _node_status(node: Node) -> str:
    ready = get_condition(node.status.conditions, "Ready")
    status = "Ready" if ready is not None and ready.status == "True" else "NotReady"
    return status + (",SchedulingDisabled" if node.spec.unschedulable else "")


def _roles(node: Node) -> str:
    prefix = "node-role.kubernetes.io/"
    roles = [k[len(prefix) :] for k in node.metadata.labels if k.startswith(prefix)]
    return ",".join(sorted(roles)) or "<none>"


def table(
    kind: type[Any], objects: Iterable[Any], now: dt.datetime, *, wide: bool = False
) -> tuple[list[str], list[list[str]]]:
    """kubectl's columns for ``kind`` and one row per object."""
    rows: list[list[str]] = []
    if kind is Node:
        headers = ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
        if wide:
            headers += ["INTERNAL-IP"]
        for node in objects:
            row = [
                node.metadata.name,
                _node_status(node),
                _roles(node),
                age(node.metadata.creation_timestamp, now),
                node.status.node_info.kubelet_version if node.status.node_info else "",
            ]
            if wide:
                row += [
                    next((a.address for a in node.status.addresses if a.type == "InternalIP"), "")
                ]
            rows.append(row)
        return headers, rows
    if kind is Pod:
        headers = ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
        if wide:
            headers += ["IP", "NODE"]
        for pod in objects:
            row = [
                pod.metadata.name,
                pod_ready(pod),
                pod_status_reason(pod),
                _restarts(pod),
                age(pod.metadata.creation_timestamp, now),
            ]
            if wide:
                row += [pod.status.pod_ip or "<none>", pod.spec.node_name or "<none>"]
            rows.append(row)
        return headers, rows
    if kind is Deployment:
        headers = ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
        for d in objects:
            rows.append(
                [
                    d.metadata.name,
                    f"{d.status.ready_replicas}/{d.spec.replicas or 0}",
                    str(d.status.updated_replicas),
                    str(d.status.available_replicas),
                    age(d.metadata.creation_timestamp, now),
                ]
            )
        return headers, rows
    if kind is ReplicaSet:
        headers = ["NAME", "DESIRED", "CURRENT", "READY", "AGE"]
        for rs in objects:
            rows.append(
                [
                    rs.metadata.name,
                    str(rs.spec.replicas or 0),
                    str(rs.status.replicas),
                    str(rs.status.ready_replicas),
                    age(rs.metadata.creation_timestamp, now),
                ]
            )
        return headers, rows
    if kind is Service:
        headers = ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]
        for svc in objects:
            ports = ",".join(
                f"{p.port}:{p.node_port}/{p.protocol or 'TCP'}"
                if p.node_port
                else f"{p.port}/{p.protocol or 'TCP'}"
                for p in svc.spec.ports
            )
            rows.append(
                [
                    svc.metadata.name,
                    svc.spec.type or "ClusterIP",
                    svc.spec.cluster_ip or "<none>",
                    "<none>",
                    ports or "<none>",
                    age(svc.metadata.creation_timestamp, now),
                ]
            )
        return headers, rows
    if kind is Event:
        headers = ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
        for event in sorted(objects, key=lambda e: e.last_timestamp or now):
            ref = event.involved_object
            rows.append(
                [
                    age(event.last_timestamp, now),
                    event.type,
                    event.reason,
                    f"{ref.kind.lower()}/{ref.name}",
                    event.message,
                ]
            )
        return headers, rows
    headers = ["NAME", "AGE"]
    rows = [[o.metadata.name, age(o.metadata.creation_timestamp, now)] for o in objects]
    return headers, rows


def describe_text(obj: Any, events: Sequence[Event], now: dt.datetime) -> str:
    """``kubectl describe``: a Pod in kubectl's layout; other kinds as YAML; Events last."""
    lines = _describe_pod(obj, now) if isinstance(obj, Pod) else [dump_manifests(obj).rstrip()]
    lines.append(_events_section(events, now))
    return "\n".join(lines) + "\n"


def _describe_pod(pod: Pod, now: dt.datetime) -> list[str]:
    meta, spec, status = pod.metadata, pod.spec, pod.status
    labels = [f"{k}={v}" for k, v in sorted(meta.labels.items())] or ["<none>"]
    owner = controller_of(pod)
    lines = [
        f"Name:             {meta.name}",
        f"Namespace:        {meta.namespace}",
        f"Priority:         {spec.priority or 0}",
        f"Service Account:  {spec.service_account_name or 'default'}",
        f"Node:             {spec.node_name or '<none>'}"
        + (f"/{status.host_ip}" if status.host_ip else ""),
        f"Start Time:       {_when(status.start_time)}",
        f"Labels:           {labels[0]}",
        *[f"                  {label}" for label in labels[1:]],
        f"Status:           {'Terminating' if meta.deletion_timestamp else status.phase}",
        f"IP:               {status.pod_ip or ''}",
        f"Controlled By:    {owner.kind}/{owner.name}" if owner else "Controlled By:    <none>",
        "Containers:",
    ]
    by_name = {s.name: s for s in status.container_statuses}
    for container in spec.containers:
        cs = by_name.get(container.name)
        lines += [
            f"  {container.name}:",
            f"    Container ID:   {cs.container_id if cs else ''}",
            f"    Image:          {container.image}",
        ]
        if container.command:
            lines.append(f"    Command:        {' '.join(container.command)}")
        if cs is not None:
            state = cs.state
            if state.running is not None:
                lines += [
                    "    State:          Running",
                    f"      Started:      {_when(state.running.started_at)}",
                ]
            elif state.terminated is not None:
                lines += [
                    "    State:          Terminated",
                    f"      Reason:       {state.terminated.reason}",
                    f"      Exit Code:    {state.terminated.exit_code}",
                ]
            elif state.waiting is not None:
                lines += [
                    "    State:          Waiting",
                    f"      Reason:       {state.waiting.reason}",
                ]
            last = cs.last_state.terminated
            if last is not None:
                lines += [
                    "    Last State:     Terminated",
                    f"      Reason:       {last.reason}",
                    f"      Exit Code:    {last.exit_code}",
                ]
            lines += [f"    Ready:          {cs.ready}", f"    Restart Count:  {cs.restart_count}"]
    lines.append("Conditions:")
    lines.append("  Type                        Status")
    for condition in status.conditions:
        lines.append(f"  {condition.type:<27} {condition.status}")
    if spec.tolerations:
        rendered = [
            f"{t.key}:{t.effect} op={t.operator or 'Equal'}"
            + (f" for {t.toleration_seconds}s" if t.toleration_seconds is not None else "")
            for t in spec.tolerations
        ]
        lines.append(f"Tolerations:      {rendered[0]}")
        lines += [f"                  {r}" for r in rendered[1:]]
    return lines


def _events_section(events: Sequence[Event], now: dt.datetime) -> str:
    if not events:
        return "Events:           <none>"
    rows = [
        ["Type", "Reason", "Age", "From", "Message"],
        ["----", "------", "----", "----", "-------"],
    ]
    for event in events:  # in the order given: oldest first
        seen = age(event.first_timestamp, now)
        if event.count > 1:
            first = age(event.first_timestamp, now)
            seen = f"{age(event.last_timestamp, now)} (x{event.count} over {first})"
        source = event.source.component if event.source else event.reporting_component
        rows.append([event.type, event.reason, seen, source, event.message])
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    body = [
        "  " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4]
        for row in rows
    ]
    return "Events:\n" + "\n".join(body)


def _when(value: dt.datetime | None) -> str:
    return value.strftime("%a, %d %b %Y %H:%M:%S +0000") if value else "<none>"
