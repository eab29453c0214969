"""The small core kinds: Namespace, ServiceAccount, Event, Binding, PriorityClass, Lease."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import attrs

from ._base import freeze_seq, omitempty
from ._meta import ObjectMeta, ObjectReference

__all__ = [
    "Binding",
    "Event",
    "EventSource",
    "LocalObjectReference",
    "Lease",
    "LeaseSpec",
    "Namespace",
    "NamespaceCondition",
    "NamespaceSpec",
    "NamespaceStatus",
    "PriorityClass",
    "ServiceAccount",
]


@attrs.frozen(kw_only=True)
class NamespaceSpec:
    finalizers: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)


@attrs.frozen(kw_only=True)
class NamespaceCondition:
    type: str = ""
    status: str = ""
    last_transition_time: dt.datetime | None = None
    reason: str = ""
    message: str = ""


@attrs.frozen(kw_only=True)
class NamespaceStatus:
    phase: str = ""  # Active, Terminating
    conditions: tuple[NamespaceCondition, ...] = attrs.field(default=(), converter=freeze_seq)


@attrs.frozen(kw_only=True)
class Namespace:
    api_version: ClassVar[str] = "v1"
    kind: ClassVar[str] = "Namespace"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    spec: NamespaceSpec = attrs.field(default=NamespaceSpec())
    status: NamespaceStatus = attrs.field(default=NamespaceStatus())


@attrs.frozen(kw_only=True)
class LocalObjectReference:
    name: str = ""


@attrs.frozen(kw_only=True)
class ServiceAccount:
    """A ServiceAccount has no spec or status in Kubernetes; its few fields sit at the top."""

    api_version: ClassVar[str] = "v1"
    kind: ClassVar[str] = "ServiceAccount"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    secrets: tuple[ObjectReference, ...] = attrs.field(default=(), converter=freeze_seq)
    image_pull_secrets: tuple[LocalObjectReference, ...] = attrs.field(
        default=(), converter=freeze_seq
    )
    automount_service_account_token: bool | None = None


@attrs.frozen(kw_only=True)
class Binding:
    """Binds a Pod to a Node: ``target`` names the node (the scheduler's write)."""

    api_version: ClassVar[str] = "v1"
    kind: ClassVar[str] = "Binding"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    target: ObjectReference = attrs.field(default=ObjectReference())


@attrs.frozen(kw_only=True)
class EventSource:
    component: str = ""
    host: str = ""


@attrs.frozen(kw_only=True)
class Event:
    """A core/v1 Event: what happened to ``involved_object``, and how often."""

    api_version: ClassVar[str] = "v1"
    kind: ClassVar[str] = "Event"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    involved_object: ObjectReference = attrs.field(default=ObjectReference())
    reason: str = ""
    message: str = ""
    source: EventSource | None = None
    first_timestamp: dt.datetime | None = None
    last_timestamp: dt.datetime | None = None
    count: int = omitempty(0)
    type: str = ""  # Normal or Warning
    event_time: dt.datetime | None = None
    action: str = ""
    reporting_component: str = ""
    reporting_instance: str = ""


@attrs.frozen(kw_only=True)
class PriorityClass:
    """scheduling.k8s.io/v1 PriorityClass: a name for a Pod priority; fields at the top."""

    api_version: ClassVar[str] = "scheduling.k8s.io/v1"
    kind: ClassVar[str] = "PriorityClass"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    value: int = 0
    global_default: bool | None = None
    description: str = ""
    preemption_policy: str | None = None


@attrs.frozen(kw_only=True)
class LeaseSpec:
    holder_identity: str | None = None
    lease_duration_seconds: int | None = None
    acquire_time: dt.datetime | None = None
    renew_time: dt.datetime | None = None
    lease_transitions: int | None = None


@attrs.frozen(kw_only=True)
class Lease:
    """coordination.k8s.io/v1 Lease: node heartbeats and leader election."""

    api_version: ClassVar[str] = "coordination.k8s.io/v1"
    kind: ClassVar[str] = "Lease"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    spec: LeaseSpec = attrs.field(default=LeaseSpec())
