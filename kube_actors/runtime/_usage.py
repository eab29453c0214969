"""Scripted resource usage of fake containers: what the resource metrics API reports for them.

A fake container uses what its pod's annotations say, as a step curve over the time since the
container started (each step holds until the next)::

    metadata:
      annotations:
        fake.kube-actors.io/cpu-usage: "100m"                       # every container, always
        fake.kube-actors.io/web.cpu-usage: "0s=100m,2m=900m,10m=50m"  # container "web" only
        fake.kube-actors.io/memory-usage: "64Mi"

A container with no such annotation reports no usage of that resource (its metrics are
missing, as a Pod that metrics-server has not scraped yet).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from ..api import Pod, Quantity
from ._script import ANNOTATION_PREFIX, parse_duration

__all__ = ["USAGE_RESOURCES", "scripted_usage"]

USAGE_RESOURCES = ("cpu", "memory")


def scripted_usage(pod: Pod, now: dt.datetime) -> dict[str, dict[str, Quantity]]:
    """Each running container's scripted usage at ``now``, by container then resource."""
    annotations = pod.metadata.annotations
    started = {
        s.name: s.state.running.started_at
        for s in pod.status.container_statuses
        if s.state.running is not None and s.state.running.started_at is not None
    }
    usage: dict[str, dict[str, Quantity]] = {}
    for container in pod.spec.containers:
        since = started.get(container.name)
        if since is None:
            continue
        for resource in USAGE_RESOURCES:
            curve = _curve(annotations, container.name, resource)
            if curve is not None:
                value = _at(curve, (now - since).total_seconds())
                usage.setdefault(container.name, {})[resource] = value
    return usage


def _curve(annotations: Mapping[str, str], container: str, resource: str) -> str | None:
    own = annotations.get(f"{ANNOTATION_PREFIX}{container}.{resource}-usage")
    return own if own is not None else annotations.get(f"{ANNOTATION_PREFIX}{resource}-usage")


def _at(curve: str, elapsed: float) -> Quantity:
    value = Quantity(0)
    for step in curve.split(","):
        when, sep, amount = step.strip().rpartition("=")
        if sep and parse_duration(when) > elapsed:
            break
        value = Quantity(amount.strip())
    return value
