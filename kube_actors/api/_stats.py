"""The kubelet's Summary API (``stats/v1alpha1``): what a node measured of itself and its pods.

A scraper (metrics-server) reads cumulative CPU time, not rates: ``usage_core_nano_seconds``
counts the CPU time used since ``start_time`` and never decreases while the container lives,
so a rate is the difference of two samples over the time between them. Memory is the
working set in bytes at ``time``.
"""

from __future__ import annotations

import datetime as dt

import attrs

from ._base import freeze_seq

__all__ = ["ContainerStats", "NodeStats", "PodReference", "PodStats", "Summary"]


@attrs.frozen(kw_only=True)
class ContainerStats:
    """One running container instance, sampled at ``time``."""

    name: str
    start_time: dt.datetime
    time: dt.datetime
    usage_core_nano_seconds: int
    working_set_bytes: int


@attrs.frozen(kw_only=True)
class PodReference:
    name: str
    namespace: str
    uid: str = ""


@attrs.frozen(kw_only=True)
class PodStats:
    pod_ref: PodReference
    start_time: dt.datetime
    containers: tuple[ContainerStats, ...] = attrs.field(default=(), converter=freeze_seq)


@attrs.frozen(kw_only=True)
class NodeStats:
    """The node as a whole: here, the sum over every container it has run (see the kubelet's
    ``StatsProvider``)."""

    node_name: str
    start_time: dt.datetime
    time: dt.datetime
    usage_core_nano_seconds: int
    working_set_bytes: int


@attrs.frozen(kw_only=True)
class Summary:
    node: NodeStats
    pods: tuple[PodStats, ...] = attrs.field(default=(), converter=freeze_seq)
