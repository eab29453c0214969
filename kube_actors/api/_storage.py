"""Storage: PersistentVolume, PersistentVolumeClaim (core/v1) and StorageClass (storage.k8s.io/v1).

A claim asks for storage of a class; the PersistentVolume controller binds it to a volume
that fits, or has the class's provisioner make one (here: the built-in local-path
provisioner, a directory per volume). Phases are Kubernetes': a claim is Pending, Bound or
Lost; a volume is Pending, Available, Bound, Released or Failed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Final

import attrs

from ._affinity import NodeSelector
from ._base import EMPTY, freeze_map, freeze_seq
from ._container import quantities
from ._meta import LabelSelector, ObjectMeta, ObjectReference
from ._quantity import Quantity
from ._volumes import HostPathVolumeSource

__all__ = [
    "DEFAULT_CLASS_ANNOTATION",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "PersistentVolumeClaimSpec",
    "PersistentVolumeClaimStatus",
    "PersistentVolumeSpec",
    "PersistentVolumeStatus",
    "StorageClass",
    "VolumeNodeAffinity",
    "VolumeResourceRequirements",
]

#: The annotation that makes a StorageClass the default for claims that name none.
DEFAULT_CLASS_ANNOTATION: Final = "storageclass.kubernetes.io/is-default-class"


@attrs.frozen(kw_only=True)
class VolumeResourceRequirements:
    limits: Mapping[str, Quantity] = attrs.field(default=EMPTY, converter=quantities)
    requests: Mapping[str, Quantity] = attrs.field(default=EMPTY, converter=quantities)


@attrs.frozen(kw_only=True)
class PersistentVolumeClaimSpec:
    access_modes: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)
    selector: LabelSelector | None = None
    resources: VolumeResourceRequirements = attrs.field(default=VolumeResourceRequirements())
    volume_name: str = ""
    storage_class_name: str | None = None
    volume_mode: str | None = None


@attrs.frozen(kw_only=True)
class PersistentVolumeClaimStatus:
    phase: str = ""  # Pending, Bound, Lost
    access_modes: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)
    capacity: Mapping[str, Quantity] = attrs.field(default=EMPTY, converter=quantities)


@attrs.frozen(kw_only=True)
class PersistentVolumeClaim:
    """A request for storage; also the shape of a StatefulSet's ``volumeClaimTemplates``."""

    api_version: ClassVar[str] = "v1"
    kind: ClassVar[str] = "PersistentVolumeClaim"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    spec: PersistentVolumeClaimSpec = attrs.field(default=PersistentVolumeClaimSpec())
    status: PersistentVolumeClaimStatus = attrs.field(default=PersistentVolumeClaimStatus())


@attrs.frozen(kw_only=True)
class VolumeNodeAffinity:
    required: NodeSelector | None = None


@attrs.frozen(kw_only=True)
class PersistentVolumeSpec:
    capacity: Mapping[str, Quantity] = attrs.field(default=EMPTY, converter=quantities)
    access_modes: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)
    claim_ref: ObjectReference | None = None
    persistent_volume_reclaim_policy: str = ""  # Retain (the default), Delete, Recycle
    storage_class_name: str = ""
    volume_mode: str | None = None
    node_affinity: VolumeNodeAffinity | None = None
    host_path: HostPathVolumeSource | None = None
    mount_options: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)


@attrs.frozen(kw_only=True)
class PersistentVolumeStatus:
    phase: str = ""  # Pending, Available, Bound, Released, Failed
    message: str = ""
    reason: str = ""


@attrs.frozen(kw_only=True)
class PersistentVolume:
    """A piece of storage in the cluster (cluster-scoped), bound to at most one claim."""

    api_version: ClassVar[str] = "v1"
    kind: ClassVar[str] = "PersistentVolume"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    spec: PersistentVolumeSpec = attrs.field(default=PersistentVolumeSpec())
    status: PersistentVolumeStatus = attrs.field(default=PersistentVolumeStatus())


@attrs.frozen(kw_only=True)
class StorageClass:
    """storage.k8s.io/v1 StorageClass: who makes a class's volumes, and when (fields on top)."""

    api_version: ClassVar[str] = "storage.k8s.io/v1"
    kind: ClassVar[str] = "StorageClass"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    provisioner: str = ""
    parameters: Mapping[str, str] = attrs.field(default=EMPTY, converter=freeze_map)
    reclaim_policy: str | None = None  # Delete (the default) or Retain
    mount_options: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)
    allow_volume_expansion: bool | None = None
    volume_binding_mode: str | None = None  # Immediate (the default) or WaitForFirstConsumer
