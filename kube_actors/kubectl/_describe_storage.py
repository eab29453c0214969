"""``kubectl describe`` of storage: PersistentVolume, PersistentVolumeClaim, StorageClass.

Each is describe.go's layout: a PersistentVolume's claim, reclaim policy, access modes, node
affinity and source; a claim's volume, capacity and the Pods that use it; a class's
provisioner, parameters and binding mode.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from ..api import (
    Event,
    PersistentVolume,
    PersistentVolumeClaim,
    Pod,
    StorageClass,
    VolumeNodeAffinity,
)
from . import _describe_fields as f
from ._columns import since
from ._tabwriter import Page

__all__ = [
    "access_modes",
    "claim_users",
    "describe_persistent_volume",
    "describe_persistent_volume_claim",
    "describe_storage_class",
]

#: The annotation that named a class before ``storageClassName``; it still wins when set.
_BETA_CLASS = "volume.beta.kubernetes.io/storage-class"
_DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class"
_BETA_DEFAULT_CLASS = "storageclass.beta.kubernetes.io/is-default-class"
_MODE_ABBREVIATIONS = (
    ("ReadWriteOnce", "RWO"),
    ("ReadOnlyMany", "ROX"),
    ("ReadWriteMany", "RWX"),
    ("ReadWriteOncePod", "RWOP"),
)


def access_modes(modes: Sequence[str]) -> str:
    """``GetAccessModesAsString``: the abbreviations, in Kubernetes' order, not as given."""
    return ",".join(short for mode, short in _MODE_ABBREVIATIONS if mode in modes)


def _format_labels(values: Mapping[str, str]) -> str:
    """``labels.FormatLabels``: ``k=v`` sorted by key, comma-joined; ``<none>`` if empty."""
    return ",".join(f"{k}={values[k]}" for k in sorted(values)) or "<none>"


def _go_strings(values: Sequence[str]) -> str:
    """Go's ``%v`` of a ``[]string``."""
    return f"[{' '.join(values)}]"


def _status(obj: PersistentVolume | PersistentVolumeClaim, now: dt.datetime) -> str:
    deleted = obj.metadata.deletion_timestamp
    if deleted is not None:
        return f"Terminating (lasts {since(deleted, now)})"
    return obj.status.phase


def _storage(values: Mapping[str, object]) -> str:
    """A ``storage`` quantity as Go prints it; a missing one is Go's zero Quantity, ``0``."""
    value = values.get("storage")
    return "0" if value is None else str(value)


def describe_persistent_volume(
    page: Page, pv: PersistentVolume, events: Sequence[Event], now: dt.datetime
) -> None:
    meta, spec = pv.metadata, pv.spec
    page.write(0, f"Name:\t{meta.name}\n")
    f.label_lines(page, "Labels", meta.labels)
    f.annotation_lines(page, "Annotations", meta.annotations)
    page.write(0, f"Finalizers:\t{_go_strings(meta.finalizers)}\n")
    page.write(0, f"StorageClass:\t{meta.annotations.get(_BETA_CLASS, spec.storage_class_name)}\n")
    page.write(0, f"Status:\t{_status(pv, now)}\n")
    claim = spec.claim_ref
    page.write(0, f"Claim:\t{f'{claim.namespace}/{claim.name}' if claim else ''}\n")
    page.write(0, f"Reclaim Policy:\t{spec.persistent_volume_reclaim_policy}\n")
    page.write(0, f"Access Modes:\t{access_modes(spec.access_modes)}\n")
    if spec.volume_mode is not None:
        page.write(0, f"VolumeMode:\t{spec.volume_mode}\n")
    page.write(0, f"Capacity:\t{_storage(spec.capacity)}\n")
    _node_affinity(page, spec.node_affinity)
    page.write(0, f"Message:\t{pv.status.message}\n")
    page.write(0, "Source:\n")
    if spec.host_path is not None:
        page.write(
            2,
            "Type:\tHostPath (bare host directory volume)\n"
            f"    Path:\t{spec.host_path.path}\n"
            f"    HostPathType:\t{spec.host_path.type or '<none>'}\n",
        )
    else:
        page.write(1, "<unknown>\n")
    f.events(page, events, now)


def _node_affinity(page: Page, affinity: VolumeNodeAffinity | None) -> None:
    """``printVolumeNodeAffinity``: each term's expressions, operators in lower case."""
    page.write(0, "Node Affinity:\t")
    if affinity is None or affinity.required is None:
        page.write(0, "<none>\n")
        return
    page.write(0, "\n")
    terms = affinity.required.node_selector_terms
    page.write(1, "Required Terms:\t")
    if not terms:
        page.write(0, "<none>\n")
        return
    page.write(0, "\n")
    for i, term in enumerate(terms):
        page.write(2, f"Term {i}:\t")
        if not term.match_expressions:
            page.write(0, "<none>\n")
        for j, req in enumerate(term.match_expressions):
            if j:
                page.write(2, "\t")
            values = f" [{', '.join(req.values)}]" if req.values else ""
            page.write(0, f"{req.key} {req.operator.lower()}{values}\n")


def claim_users(claim: PersistentVolumeClaim, pods: Sequence[Pod]) -> list[Pod]:
    """``getPodsForPVC``: the namespace's Pods with a volume of the claim, then a Pod that
    owns the claim (a generic ephemeral volume's) if not already among them."""
    users = [
        pod
        for pod in pods
        for volume in pod.spec.volumes
        if volume.persistent_volume_claim is not None
        and volume.persistent_volume_claim.claim_name == claim.metadata.name
    ]
    for ref in claim.metadata.owner_references:
        if ref.kind != "Pod":
            continue
        owner = next((p for p in pods if p.metadata.uid == ref.uid), None)
        if owner is not None and all(p.metadata.uid != ref.uid for p in users):
            users.append(owner)
    return users


def describe_persistent_volume_claim(
    page: Page,
    pvc: PersistentVolumeClaim,
    users: Sequence[Pod],
    events: Sequence[Event],
    now: dt.datetime,
) -> None:
    meta, spec, status = pvc.metadata, pvc.spec, pvc.status
    page.write(0, f"Name:\t{meta.name}\n")
    page.write(0, f"Namespace:\t{meta.namespace}\n")
    storage_class = meta.annotations.get(_BETA_CLASS, spec.storage_class_name or "")
    page.write(0, f"StorageClass:\t{storage_class}\n")
    page.write(0, f"Status:\t{_status(pvc, now)}\n")
    page.write(0, f"Volume:\t{spec.volume_name}\n")
    f.label_lines(page, "Labels", meta.labels)
    f.annotation_lines(page, "Annotations", meta.annotations)
    page.write(0, f"Finalizers:\t{_go_strings(meta.finalizers)}\n")
    bound = bool(spec.volume_name)
    page.write(0, f"Capacity:\t{_storage(status.capacity) if bound else ''}\n")
    page.write(0, f"Access Modes:\t{access_modes(status.access_modes) if bound else ''}\n")
    if spec.volume_mode is not None:
        page.write(0, f"VolumeMode:\t{spec.volume_mode}\n")
    names = sorted(pod.metadata.name for pod in users)
    page.write(0, "Used By:\t")
    page.write(0, "\n\t".join(names) + "\n" if names else "<none>\n")
    f.events(page, events, now)


def describe_storage_class(
    page: Page, sc: StorageClass, events: Sequence[Event], now: dt.datetime
) -> None:
    annotations = sc.metadata.annotations
    default = "true" in (annotations.get(_DEFAULT_CLASS), annotations.get(_BETA_DEFAULT_CLASS))
    page.write(0, f"Name:\t{sc.metadata.name}\n")
    page.write(0, f"IsDefaultClass:\t{'Yes' if default else 'No'}\n")
    page.write(0, f"Annotations:\t{_format_labels(annotations)}\n")
    page.write(0, f"Provisioner:\t{sc.provisioner}\n")
    page.write(0, f"Parameters:\t{_format_labels(sc.parameters)}\n")
    expansion = sc.allow_volume_expansion
    page.write(
        0, f"AllowVolumeExpansion:\t{'<unset>' if expansion is None else f.title_bool(expansion)}\n"
    )
    if not sc.mount_options:
        page.write(0, "MountOptions:\t<none>\n")
    else:
        page.write(0, "MountOptions:\n")
        for option in sc.mount_options:
            page.write(1, f"{option}\n")
    if sc.reclaim_policy is not None:
        page.write(0, f"ReclaimPolicy:\t{sc.reclaim_policy}\n")
    if sc.volume_binding_mode is not None:
        page.write(0, f"VolumeBindingMode:\t{sc.volume_binding_mode}\n")
    f.events(page, events, now)
