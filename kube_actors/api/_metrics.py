"""metrics.k8s.io/v1beta1: the resource metrics API (``kubectl top``, the HPA's resource metrics).

Kubernetes serves these kinds from metrics-server, an aggregated API: they are never stored,
only read (get and list). Each object is a measurement: ``usage`` is the rate of CPU (cores)
over ``window`` ending at ``timestamp``, and the memory working set at ``timestamp``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import ClassVar

import attrs

from ._base import EMPTY, freeze_seq
from ._container import quantities
from ._meta import ObjectMeta
from ._quantity import Quantity

__all__ = ["ContainerMetrics", "NodeMetrics", "PodMetrics", "format_window", "parse_window"]


def format_window(seconds: float) -> str:
    """A window as metav1.Duration writes it (``15s``, ``1m0.5s``, ``1h0m0s``)."""
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs = f"{rest // 1000}" if rest % 1000 == 0 else f"{rest / 1000:.3f}".rstrip("0")
    if hours:
        return f"{hours}h{minutes}m{secs}s"
    if minutes:
        return f"{minutes}m{secs}s"
    return f"{secs}s"


def parse_window(text: str) -> float:
    """Seconds of a metav1.Duration (``15s``, ``1m0.5s``, ``250ms``); ValueError if malformed."""
    units = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
    total, number, rest = 0.0, "", text.strip()
    if not rest:
        raise ValueError(f"invalid duration {text!r}")
    while rest:
        if rest[0].isdigit() or rest[0] == ".":
            number, rest = number + rest[0], rest[1:]
            continue
        unit = "ms" if rest.startswith("ms") else rest[0]
        if unit not in units or not number:
            raise ValueError(f"invalid duration {text!r}")
        total += float(number) * units[unit]
        number, rest = "", rest[len(unit) :]
    if number:
        raise ValueError(f"invalid duration {text!r}: missing unit")
    return total


@attrs.frozen(kw_only=True)
class ContainerMetrics:
    """One container's usage: ``cpu`` (cores, as nanocores ``123456789n``) and ``memory``."""

    name: str = ""
    usage: Mapping[str, Quantity] = attrs.field(default=EMPTY, converter=quantities)


@attrs.frozen(kw_only=True)
class PodMetrics:
    """A Pod's containers' usage over ``window`` up to ``timestamp``."""

    api_version: ClassVar[str] = "metrics.k8s.io/v1beta1"
    kind: ClassVar[str] = "PodMetrics"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    timestamp: dt.datetime | None = None
    window: str = ""
    containers: tuple[ContainerMetrics, ...] = attrs.field(default=(), converter=freeze_seq)


@attrs.frozen(kw_only=True)
class NodeMetrics:
    """A Node's usage over ``window`` up to ``timestamp``."""

    api_version: ClassVar[str] = "metrics.k8s.io/v1beta1"
    kind: ClassVar[str] = "NodeMetrics"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    timestamp: dt.datetime | None = None
    window: str = ""
    usage: Mapping[str, Quantity] = attrs.field(default=EMPTY, converter=quantities)
