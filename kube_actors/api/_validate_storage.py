"""Defaulting and validation of PersistentVolume, PersistentVolumeClaim and StorageClass."""

from __future__ import annotations

from typing import Final

from kube_actors.errors import FieldCause

from . import _checks as c
from . import _field as f
from ._base import evolve
from ._storage import PersistentVolume, PersistentVolumeClaim, StorageClass

__all__ = [
    "default_claim",
    "default_storage_class",
    "default_volume",
    "validate_claim",
    "validate_storage_class",
    "validate_volume",
]

Causes = list[FieldCause]

ACCESS_MODES: Final = ("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod")
_RECLAIM: Final = ("Delete", "Recycle", "Retain")
_BINDING: Final = ("Immediate", "WaitForFirstConsumer")


def default_claim(obj: PersistentVolumeClaim) -> PersistentVolumeClaim:
    spec = obj.spec if obj.spec.volume_mode else evolve(obj.spec, volume_mode="Filesystem")
    status = obj.status if obj.status.phase else evolve(obj.status, phase="Pending")
    return evolve(obj, spec=spec, status=status)


def default_volume(obj: PersistentVolume) -> PersistentVolume:
    spec = obj.spec
    if not spec.persistent_volume_reclaim_policy:
        spec = evolve(spec, persistent_volume_reclaim_policy="Retain")
    if not spec.volume_mode:
        spec = evolve(spec, volume_mode="Filesystem")
    status = obj.status if obj.status.phase else evolve(obj.status, phase="Pending")
    return evolve(obj, spec=spec, status=status)


def default_storage_class(obj: StorageClass) -> StorageClass:
    return evolve(
        obj,
        reclaim_policy=obj.reclaim_policy or "Delete",
        volume_binding_mode=obj.volume_binding_mode or "Immediate",
    )


def _access_modes(path: str, modes: tuple[str, ...]) -> Causes:
    if not modes:
        return [f.required(path, "at least 1 access mode is required")]
    causes: Causes = []
    for mode in modes:
        if mode not in ACCESS_MODES:
            causes.append(f.not_supported(path, mode, ACCESS_MODES))
    if "ReadWriteOncePod" in modes and len(modes) > 1:
        causes.append(f.forbidden(path, "may not use ReadWriteOncePod with other access modes"))
    return causes


def validate_claim(obj: PersistentVolumeClaim, old: PersistentVolumeClaim | None) -> Causes:
    spec = obj.spec
    causes = _access_modes("spec.accessModes", spec.access_modes)
    if "storage" not in spec.resources.requests:
        causes.append(f.required("spec.resources[storage]"))
    else:
        causes.extend(c.resource_amounts("spec.resources.requests", spec.resources.requests))
    if old is not None and old.status.phase == "Bound":
        # Once bound, a claim's spec stays (but for growing its request, which needs expansion).
        fixed = evolve(spec, resources=old.spec.resources)
        if fixed != old.spec:
            causes.append(
                f.forbidden(
                    "spec",
                    "spec is immutable after creation except resources.requests "
                    "and volumeAttributesClassName for bound claims",
                )
            )
    return causes


def validate_volume(obj: PersistentVolume, old: PersistentVolume | None) -> Causes:
    spec = obj.spec
    causes = _access_modes("spec.accessModes", spec.access_modes)
    if "storage" not in spec.capacity:
        causes.append(f.required("spec.capacity"))
    causes.extend(
        c.one_of(
            "spec.persistentVolumeReclaimPolicy", spec.persistent_volume_reclaim_policy, _RECLAIM
        )
    )
    if spec.host_path is None:
        causes.append(f.required("spec", "must specify a volume type"))
    return causes


def validate_storage_class(obj: StorageClass, old: StorageClass | None) -> Causes:
    causes: Causes = []
    if not obj.provisioner:
        causes.append(f.required("provisioner"))
    causes.extend(c.one_of("reclaimPolicy", obj.reclaim_policy or "", _RECLAIM[::2]))
    causes.extend(c.one_of("volumeBindingMode", obj.volume_binding_mode or "", _BINDING))
    if old is not None:
        causes.extend(c.immutable("provisioner", obj.provisioner, old.provisioner))
        causes.extend(c.immutable("parameters", dict(obj.parameters), dict(old.parameters)))
        causes.extend(c.immutable("reclaimPolicy", obj.reclaim_policy, old.reclaim_policy))
        causes.extend(
            c.immutable("volumeBindingMode", obj.volume_binding_mode, old.volume_binding_mode)
        )
    return causes
