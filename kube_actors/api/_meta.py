"""ObjectMeta and the small shared types every kind uses: owner references, label selectors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar, Protocol

import attrs

from ._base import EMPTY, freeze_map, freeze_seq, freeze_tree, omitempty

__all__ = [
    "KubeObject",
    "LabelSelector",
    "LabelSelectorRequirement",
    "ManagedFieldsEntry",
    "ObjectMeta",
    "ObjectReference",
    "OwnerReference",
    "controller_of",
    "namespaced_name",
    "owner_reference",
]


@attrs.frozen(kw_only=True)
class OwnerReference:
    api_version: str = ""
    kind: str = ""
    name: str = ""
    uid: str = ""
    controller: bool | None = None
    block_owner_deletion: bool | None = None


@attrs.frozen(kw_only=True)
class ManagedFieldsEntry:
    """Which fields one manager set, and how (``Apply``: server-side apply; ``Update``: any
    other write). ``fields_v1`` is a set of field paths in Kubernetes' FieldsV1 form:
    ``{"f:spec": {"f:replicas": {}}}``, list items as ``k:{"name":"web"}`` (by merge key) or
    ``v:"a"`` (by value), ``".": {}`` marking an item or map that is owned itself."""

    manager: str = ""
    operation: str = ""
    api_version: str = ""
    time: dt.datetime | None = None
    fields_type: str = ""
    fields_v1: Mapping[str, Any] = attrs.field(default=EMPTY, converter=freeze_tree)
    subresource: str = ""


@attrs.frozen(kw_only=True)
class ObjectMeta:
    name: str = ""
    generate_name: str = ""
    namespace: str = ""
    uid: str = ""
    resource_version: str = ""
    generation: int = omitempty(0)
    creation_timestamp: dt.datetime | None = None
    deletion_timestamp: dt.datetime | None = None
    deletion_grace_period_seconds: int | None = None
    labels: Mapping[str, str] = attrs.field(default=EMPTY, converter=freeze_map)
    annotations: Mapping[str, str] = attrs.field(default=EMPTY, converter=freeze_map)
    owner_references: tuple[OwnerReference, ...] = attrs.field(default=(), converter=freeze_seq)
    finalizers: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)
    managed_fields: tuple[ManagedFieldsEntry, ...] = attrs.field(default=(), converter=freeze_seq)


@attrs.frozen(kw_only=True)
class ObjectReference:
    """A reference to any object (an Event's involvedObject, a Binding's target)."""

    api_version: str = ""
    kind: str = ""
    namespace: str = ""
    name: str = ""
    uid: str = ""
    resource_version: str = ""
    field_path: str = ""


@attrs.frozen(kw_only=True)
class LabelSelectorRequirement:
    key: str = ""
    operator: str = ""  # In, NotIn, Exists, DoesNotExist
    values: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)


@attrs.frozen(kw_only=True)
class LabelSelector:
    """A selector as objects carry it; compile it with ``compile_selector`` to match."""

    match_labels: Mapping[str, str] = attrs.field(default=EMPTY, converter=freeze_map)
    match_expressions: tuple[LabelSelectorRequirement, ...] = attrs.field(
        default=(), converter=freeze_seq
    )


class KubeObject(Protocol):
    """What every top-level kind looks like: ClassVars for the type, then metadata."""

    api_version: ClassVar[str]
    kind: ClassVar[str]

    @property
    def metadata(self) -> ObjectMeta: ...


def namespaced_name(obj: KubeObject) -> str:
    """``namespace/name``, or ``name`` for a cluster-scoped object: the key logs and caches use."""
    meta = obj.metadata
    return f"{meta.namespace}/{meta.name}" if meta.namespace else meta.name


def controller_of(obj: KubeObject) -> OwnerReference | None:
    """The owner reference marked ``controller: true``, if any."""
    for ref in obj.metadata.owner_references:
        if ref.controller:
            return ref
    return None


def owner_reference(owner: KubeObject, *, controller: bool = True) -> OwnerReference:
    """A reference to ``owner`` as a controller sets it on what it creates."""
    meta = owner.metadata
    return OwnerReference(
        api_version=owner.api_version,
        kind=owner.kind,
        name=meta.name,
        uid=meta.uid,
        controller=controller,
        block_owner_deletion=controller,
    )
