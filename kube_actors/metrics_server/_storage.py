"""The metrics server's storage: the last two samples of each node and container, and the
usage they give, as metrics-server keeps them.

A sample carries cumulative CPU time, so a rate needs two: usage is the CPU time between the
previous and the last sample over the time between them (the ``window``), and the memory
working set of the last. A container is reported once it has two samples from one life (a
restart starts over); a container younger than the resolution but at least 10 s old counts
its start as the first sample (zero CPU time then), so a new Pod has metrics after one
scrape. A Pod is reported once every container of its last sample can be.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Final

import attrs

from kube_actors.api import Quantity

__all__ = ["MetricsStorage", "Point", "Usage"]

#: metrics-server's ``freshContainerMinMetricsResolution``: a rate over less is too noisy.
FRESH_CONTAINER_MIN_RESOLUTION: Final = dt.timedelta(seconds=10)

PodKey = tuple[str, str]


@attrs.frozen
class Point:
    """One sample: CPU nanoseconds since ``start``, working set bytes, taken at ``time``."""

    start: dt.datetime
    time: dt.datetime
    cpu: int
    memory: int


@attrs.frozen
class Usage:
    """Resource usage (``cpu``, ``memory``) over ``window`` seconds ending at ``timestamp``."""

    resources: Mapping[str, Quantity]
    timestamp: dt.datetime
    window: float


def usage_between(last: Point, prev: Point) -> Usage | None:
    """The usage two samples give; None where they cannot (a restart, a decrease)."""
    window = (last.time - prev.time).total_seconds()
    if last.start < prev.start or last.cpu < prev.cpu or window <= 0:
        return None
    nanocores = int((last.cpu - prev.cpu) / window)
    memory = (
        Quantity(f"{last.memory // 1024}Ki") if last.memory % 1024 == 0 else Quantity(last.memory)
    )
    return Usage(
        resources={"cpu": Quantity(f"{nanocores}n"), "memory": memory},
        timestamp=last.time,
        window=window,
    )


def _previous(new: Point, last: Point | None, prev: Point | None) -> Point | None:
    """Which sample to keep before ``new`` (metrics-server's rule for one series)."""
    if last is None or not new.start < last.time:
        return None  # first sample of this life
    if new.time > last.time:
        return last
    if prev is not None and prev.time < new.time:
        return prev  # the same sample again: keep the pair
    return None


class MetricsStorage:
    """What the last scrapes found; ``store`` a batch, then read usages."""

    def __init__(self, resolution: float) -> None:
        self.resolution = dt.timedelta(seconds=resolution)
        self._nodes: dict[str, tuple[Point, Point | None]] = {}
        self._pods: dict[PodKey, dict[str, tuple[Point, Point | None]]] = {}

    def store(self, nodes: Mapping[str, Point], pods: Mapping[PodKey, Mapping[str, Point]]) -> None:
        self._nodes = {
            name: (new, _previous(new, *self._nodes.get(name, (None, None))))
            for name, new in nodes.items()
        }
        stored: dict[PodKey, dict[str, tuple[Point, Point | None]]] = {}
        for key, containers in pods.items():
            old = self._pods.get(key, {})
            series: dict[str, tuple[Point, Point | None]] = {}
            for name, new in containers.items():
                age = new.time - new.start
                if FRESH_CONTAINER_MIN_RESOLUTION <= age < self.resolution:
                    series[name] = (new, attrs.evolve(new, time=new.start, cpu=0))
                else:
                    series[name] = (new, _previous(new, *old.get(name, (None, None))))
            stored[key] = series
        self._pods = stored

    def node(self, name: str) -> Usage | None:
        last, prev = self._nodes.get(name, (None, None))
        return usage_between(last, prev) if last is not None and prev is not None else None

    def pod(self, namespace: str, name: str) -> tuple[Usage, dict[str, Usage]] | None:
        """The usage of each container, and the pod's timestamp and window (those of its
        earliest container); None unless every container has a usage."""
        series = self._pods.get((namespace, name))
        if not series:
            return None
        containers: dict[str, Usage] = {}
        for container, (last, prev) in series.items():
            usage = usage_between(last, prev) if prev is not None else None
            if usage is None:
                return None
            containers[container] = usage
        earliest = min(containers.values(), key=lambda u: u.timestamp)
        return earliest, containers
