"""What ``kubectl get`` and ``kubectl describe`` print, computed from API objects.

``table(kind, objects, now)`` gives kubectl's columns and rows (``_kind_columns``: the same
columns the HTTP API's Tables carry); ``describe_text(obj, events, now)`` gives
``kubectl describe``'s text, Events included.
The command line renders the tables with rich; ``Cluster.describe`` returns the text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from ..api import Event, Pod, controller_of, dump_manifests
from ._columns import since
from ._kind_columns import columns_for

__all__ = ["age", "describe_text", "table"]


def age(then: dt.datetime | None, now: dt.datetime) -> str:
    """kubectl's AGE: ``45s``, ``3m12s``, ``42m``, ``5h3m``, ``3d4h`` (``<unknown>`` if unset)."""
    return since(then, now)


def table(
    kind: type[Any], objects: Iterable[Any], now: dt.datetime, *, wide: bool = False
) -> tuple[list[str], list[list[str]]]:
    """kubectl's headers for ``kind`` and one row per object (the wide columns with ``wide``).

    The columns are the ones the HTTP API's Tables carry (``columns_for``); Events are listed
    oldest first, as ``kubectl get events`` shows them.
    """
    columns = [c for c in columns_for(kind) if wide or c.priority == 0]
    items = list(objects)
    if kind is Event:
        items.sort(key=lambda e: e.last_timestamp or e.first_timestamp or now)
    headers = [c.name.upper() for c in columns]
    rows = [[_text(c.cell(obj, now)) for c in columns] for obj in items]
    return headers, rows


def _text(cell: Any) -> str:
    if cell is None:
        return "<none>"
    if isinstance(cell, bool):
        return str(cell).lower()
    return str(cell)


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
