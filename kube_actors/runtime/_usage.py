"""Scripted resource usage of fake containers: what the resource metrics API reports for them.

A fake container uses what its pod's annotations say, as a step curve over the time since the
container started (each step holds until the next)::

    metadata:
      annotations:
        fake.kube-actors.io/cpu-usage: "100m"                       # every container, always
        fake.kube-actors.io/web.cpu-usage: "0s=100m,2m=900m,10m=50m"  # container "web" only
        fake.kube-actors.io/memory-usage: "64Mi"

The fake runtime reports it as a real one does (``scripted_stats``): the CPU time used since
the container started (the integral of its CPU curve) and the memory working set now, which
the metrics server turns back into a rate over its window. A container with neither
annotation reports no usage (its metrics are missing, as a Pod that metrics-server has not
scraped yet); with one of the two, the other is 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from ..api import Pod, Quantity
from ._script import ANNOTATION_PREFIX, parse_duration

__all__ = ["USAGE_RESOURCES", "scripted_stats", "scripted_usage"]

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


def scripted_stats(
    annotations: Mapping[str, str], container: str, elapsed: dt.timedelta
) -> tuple[int, int] | None:
    """A fake container's (CPU nanoseconds used since its start, working set bytes) once it
    has run for ``elapsed``; None if its pod scripts no usage for it."""
    cpu = _curve(annotations, container, "cpu")
    memory = _curve(annotations, container, "memory")
    if cpu is None and memory is None:
        return None
    micros = elapsed // dt.timedelta(microseconds=1)
    used = 0
    if cpu is not None:
        steps = _steps(cpu)
        for i, (start, amount) in enumerate(steps):
            end = steps[i + 1][0] if i + 1 < len(steps) else None
            span = (min(micros, end) if end is not None else micros) - start
            if span > 0:
                used += amount.nano_value * span // 1_000_000
    working_set = _at(memory, micros / 1e6).value() if memory is not None else 0
    return used, working_set


def _curve(annotations: Mapping[str, str], container: str, resource: str) -> str | None:
    own = annotations.get(f"{ANNOTATION_PREFIX}{container}.{resource}-usage")
    return own if own is not None else annotations.get(f"{ANNOTATION_PREFIX}{resource}-usage")


def _steps(curve: str) -> list[tuple[int, Quantity]]:
    """The curve's steps as (microseconds from the start, amount), in order."""
    steps: list[tuple[int, Quantity]] = []
    for step in curve.split(","):
        when, sep, amount = step.strip().rpartition("=")
        start = round(parse_duration(when) * 1e6) if sep else 0
        steps.append((start, Quantity(amount.strip())))
    return steps


def _at(curve: str, elapsed: float) -> Quantity:
    value = Quantity(0)
    for start, amount in _steps(curve):
        if start > round(elapsed * 1e6):
            break
        value = amount
    return value
