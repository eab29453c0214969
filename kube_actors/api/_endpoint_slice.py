"""EndpointSlice (discovery.k8s.io/v1): a Service's endpoints in slices of at most 100.

Endpoints (core/v1) puts every address of a Service in one object, rewritten whole on every
change; EndpointSlices split them so that a change rewrites one slice. kube-proxy reads slices,
as it does in Kubernetes; the Endpoints object is still written beside them for older readers.
A slice names its Service in the label ``kubernetes.io/service-name`` and its writer in
``endpointslice.kubernetes.io/managed-by``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Final

import attrs

from ._base import EMPTY, freeze_map, freeze_seq
from ._meta import ObjectMeta, ObjectReference

__all__ = [
    "ADDRESS_TYPES",
    "Endpoint",
    "EndpointConditions",
    "EndpointHints",
    "EndpointSlice",
    "EndpointSlicePort",
    "ForZone",
    "MANAGED_BY_LABEL",
    "SERVICE_NAME_LABEL",
    "SKIP_MIRROR_LABEL",
]

#: The label naming the Service a slice belongs to.
SERVICE_NAME_LABEL: Final = "kubernetes.io/service-name"
#: The label naming the controller that writes a slice.
MANAGED_BY_LABEL: Final = "endpointslice.kubernetes.io/managed-by"
#: Endpoints carrying this label set to "true" are not mirrored into slices (their writer
#: writes the slices itself, as the API server does for ``kubernetes``).
SKIP_MIRROR_LABEL: Final = "endpointslice.kubernetes.io/skip-mirror"
ADDRESS_TYPES: Final = ("IPv4", "IPv6", "FQDN")


@attrs.frozen(kw_only=True)
class EndpointConditions:
    """What a consumer should know of an endpoint; None is "unknown" (treated as true for
    ``ready`` and ``serving``, false for ``terminating``)."""

    ready: bool | None = None
    serving: bool | None = None
    terminating: bool | None = None


@attrs.frozen(kw_only=True)
class ForZone:
    name: str = ""


@attrs.frozen(kw_only=True)
class EndpointHints:
    for_zones: tuple[ForZone, ...] = attrs.field(default=(), converter=freeze_seq)


@attrs.frozen(kw_only=True)
class Endpoint:
    addresses: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)
    conditions: EndpointConditions = attrs.field(default=EndpointConditions())
    hostname: str | None = None
    target_ref: ObjectReference | None = None
    deprecated_topology: Mapping[str, str] = attrs.field(default=EMPTY, converter=freeze_map)
    node_name: str | None = None
    zone: str | None = None
    hints: EndpointHints | None = None


@attrs.frozen(kw_only=True)
class EndpointSlicePort:
    name: str | None = None
    protocol: str | None = None
    port: int | None = None
    app_protocol: str | None = None


@attrs.frozen(kw_only=True)
class EndpointSlice:
    """Like Endpoints, a slice has no spec: its fields sit at the top."""

    api_version: ClassVar[str] = "discovery.k8s.io/v1"
    kind: ClassVar[str] = "EndpointSlice"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    address_type: str = ""
    endpoints: tuple[Endpoint, ...] = attrs.field(default=(), converter=freeze_seq)
    ports: tuple[EndpointSlicePort, ...] = attrs.field(default=(), converter=freeze_seq)
