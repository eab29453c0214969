"""``kubectl get`` columns of EndpointSlices, as Kubernetes' printers define them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..api import EndpointSlice
from ._columns import AGE, NAME, Column

__all__ = ["DISCOVERY_COLUMNS", "first_three"]


def first_three(items: Iterable[str]) -> str:
    """At most three items joined by commas, then ``+ N more...``; ``<unset>`` for none."""
    shown: list[str] = []
    count = 0
    for item in items:
        count += 1
        if len(shown) < 3:
            shown.append(item)
    text = ",".join(shown)
    if count > 3:
        return f"{text} + {count - 3} more..."
    return text or "<unset>"


def _ports(slice_: EndpointSlice) -> str:
    # A port without a number is shown by its name, or as "*" (every port).
    return first_three(
        str(p.port) if p.port is not None else (p.name if p.name is not None else "*")
        for p in slice_.ports
    )


def _endpoints(slice_: EndpointSlice) -> str:
    return first_three(address for e in slice_.endpoints for address in e.addresses)


DISCOVERY_COLUMNS: dict[type[Any], tuple[Column, ...]] = {
    EndpointSlice: (
        NAME,
        Column(
            name="AddressType",
            description="The type of address every endpoint of this slice has.",
            cell=lambda s, now: s.address_type,
        ),
        Column(
            name="Ports",
            description="The ports every endpoint of this slice exposes.",
            cell=lambda s, now: _ports(s),
        ),
        Column(
            name="Endpoints",
            description="The addresses of the endpoints in this slice.",
            cell=lambda s, now: _endpoints(s),
        ),
        AGE,
    ),
}
