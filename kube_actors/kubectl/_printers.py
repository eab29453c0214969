"""What ``kubectl get`` prints, computed from API objects.

``table(kind, objects, now)`` gives kubectl's columns and rows (``_kind_columns``: the same
columns the HTTP API's Tables carry); the command line renders them with rich.
``kubectl describe`` is ``_describe``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from ..api import Event
from ._columns import since
from ._kind_columns import columns_for

__all__ = ["age", "table"]


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
