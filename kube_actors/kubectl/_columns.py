"""The columns of ``kubectl get``: one definition per kind, for the CLI and the HTTP Table alike.

Kubernetes computes these server-side (``pkg/printers/internalversion/printers.go``) and
kubectl prints the Table it gets; kube_actors keeps the definitions here, where both its own
printers (``table``) and the HTTP server's ``meta.k8s.io/v1`` Tables read them. A column has
Kubernetes' name (``Nominated Node``; kubectl prints it upper-cased), type, priority (1: only
with ``-o wide``) and a cell function. The built-in kinds' columns are in ``_kind_columns``;
a user kind's come from its ``printer_columns`` (as a CRD's ``additionalPrinterColumns``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs

from ..api import PrinterColumn, to_dict

__all__ = [
    "AGE",
    "NAME",
    "Column",
    "declared_columns",
    "format_labels",
    "human_duration",
    "integer_column",
    "since",
]

Cell = str | int | bool | None


@attrs.frozen(kw_only=True)
class Column:
    """One column of a Table: its definition and how to compute a cell from an object."""

    name: str
    cell: Callable[[Any, dt.datetime], Cell]
    type: str = "string"
    format: str = ""
    description: str = ""
    priority: int = 0


def human_duration(seconds: float) -> str:
    """Kubernetes' ``duration.HumanDuration``: about two significant figures of a duration."""
    whole = int(seconds)
    if whole < -1:
        return "<invalid>"
    if whole < 0:
        return "0s"
    if whole < 120:
        return f"{whole}s"
    minutes = whole // 60
    if minutes < 10:
        rest = whole % 60
        return f"{minutes}m{rest}s" if rest else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    hours = whole // 3600
    if hours < 8:
        rest = minutes % 60
        return f"{hours}h{rest}m" if rest else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        rest = hours % 24
        return f"{hours // 24}d{rest}h" if rest else f"{hours // 24}d"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        rest = (hours // 24) % 365
        return f"{hours // 24 // 365}y{rest}d" if rest else f"{hours // 24 // 365}y"
    return f"{hours // 24 // 365}y"


def since(then: dt.datetime | None, now: dt.datetime) -> str:
    """How long ago ``then`` was, as kubectl shows an AGE (``<unknown>`` when unset)."""
    if then is None:
        return "<unknown>"
    return human_duration((now - then).total_seconds())


NAME_DESCRIPTION = (
    "The object's name, unique among the objects of its kind in its namespace; required on "
    "create unless the server is asked to generate one."
)
AGE_DESCRIPTION = (
    "When the server created the object (creationTimestamp, RFC 3339, UTC), shown as the time "
    "since then."
)

NAME = Column(
    name="Name",
    format="name",
    description=NAME_DESCRIPTION,
    cell=lambda obj, now: obj.metadata.name,
)
AGE = Column(
    name="Age",
    description=AGE_DESCRIPTION,
    cell=lambda obj, now: since(obj.metadata.creation_timestamp, now),
)


def format_labels(labels: Any) -> str:
    """``k=v,k2=v2`` sorted by key, as Kubernetes' labels.FormatLabels (``<none>`` if empty)."""
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items())) or "<none>"


def integer_column(name: str, description: str, cell: Callable[[Any, dt.datetime], Cell]) -> Column:
    return Column(name=name, type="integer", description=description, cell=cell)


def declared_columns(columns: tuple[PrinterColumn, ...]) -> tuple[Column, ...]:
    """A user kind's columns: NAME, then what it declared; NAME and AGE if it declared none."""
    if not columns:
        return (NAME, AGE)
    return (NAME, *(_declared(c) for c in columns))


def _declared(column: PrinterColumn) -> Column:
    path = _parse_path(column.json_path)

    def cell(obj: Any, now: dt.datetime) -> Cell:
        value = _lookup(to_dict(obj), path)
        if column.type == "date" and isinstance(value, str):
            return since(dt.datetime.fromisoformat(value.replace("Z", "+00:00")), now)
        if value is None or isinstance(value, str | int | bool):
            return value
        return str(value)

    return Column(
        name=column.name,
        type="string" if column.type == "date" else column.type,
        format=column.format,
        description=column.description,
        priority=column.priority,
        cell=cell,
    )


def _parse_path(json_path: str) -> tuple[str | int, ...]:
    """``.spec.ports[0].port`` → ``("spec", "ports", 0, "port")`` (the simple JSONPath CRDs use)."""
    steps: list[str | int] = []
    for part in json_path.strip().lstrip("{").rstrip("}").lstrip(".").split("."):
        name, _, rest = part.partition("[")
        if name:
            steps.append(name)
        while rest:
            index, _, rest = rest.partition("]")
            steps.append(int(index))
            rest = rest.lstrip("[")
    return tuple(steps)


def _lookup(document: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        if isinstance(step, int):
            if not isinstance(document, list) or step >= len(document):
                return None
        elif not isinstance(document, dict):
            return None
        document = document[step] if isinstance(step, int) else document.get(step)
    return document
