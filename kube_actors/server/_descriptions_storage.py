"""What the fields of persistent volumes, their claims and storage classes mean (see
_descriptions); the wording is ours.
"""

from __future__ import annotations

__all__ = ["DESCRIPTIONS"]

DESCRIPTIONS: dict[str, dict[str, str]] = {
    "PersistentVolume": {
        "": "PersistentVolume (PV) is a piece of storage in the cluster, provisioned by an "
        "administrator or dynamically by a storage class, and bound to at most one claim. More "
        "info: https://kubernetes.io/docs/concepts/storage/persistent-volumes",
        "spec": "What the volume is and how it may be used, as its administrator or provisioner "
        "defined it.",
        "status": "The volume's current phase (Available, Bound, Released...). Populated by the "
        "system. Read-only.",
    },
    "PersistentVolumeSpec": {
        "": "PersistentVolumeSpec is the specification of a persistent volume.",
        "capacity": "The volume's capacity: its storage size.",
        "accessModes": "How the volume can be mounted: ReadWriteOnce, ReadOnlyMany, "
        "ReadWriteMany or ReadWriteOncePod.",
        "claimRef": "The claim this volume is bound to, part of the two-way binding between "
        "PersistentVolume and PersistentVolumeClaim. Set on a new volume, it reserves the volume "
        "for that claim.",
        "persistentVolumeReclaimPolicy": "What happens to the volume when its claim is released: "
        "Retain (the default for volumes made by hand: an administrator reclaims it), Delete (the "
        "default for provisioned volumes), or Recycle (deprecated).",
        "storageClassName": "The StorageClass the volume belongs to; empty means no class.",
        "volumeMode": "Whether the volume is meant to hold a filesystem (Filesystem, the "
        "default) or be used as a raw block device (Block).",
        "nodeAffinity": "The nodes the volume can be reached from; pods using it are scheduled "
        "onto them.",
        "hostPath": "A directory of the node the volume is, for single-node development and "
        "testing only.",
        "mountOptions": 'Mount options, such as ["ro", "soft"]; not validated: a wrong one '
        "makes the mount fail.",
    },
    "PersistentVolumeStatus": {
        "": "PersistentVolumeStatus is the current status of a persistent volume.",
        "phase": "The volume's phase: Pending (not available yet), Available (free, not yet "
        "bound), Bound (to a claim), Released (its claim was deleted, the volume is not yet "
        "reclaimed) or Failed (automatic reclamation failed).",
        "message": "A human-readable message saying why the volume is in this state.",
        "reason": "A brief CamelCase string describing any failure, for machines to read and "
        "tidily show in the CLI.",
    },
    "PersistentVolumeClaim": {
        "": "PersistentVolumeClaim is a user's request for, and claim to, a persistent volume.",
        "metadata": "Standard object's metadata. More info: "
        "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
        "spec": "The storage the claim asks for, as its author defined it.",
        "status": "The current status of the claim: its phase and the capacity bound. Populated "
        "by the system. Read-only.",
    },
    "PersistentVolumeClaimSpec": {
        "": "PersistentVolumeClaimSpec describes the common attributes of storage devices and "
        "allows a source for provider-specific attributes.",
        "accessModes": "The access modes the volume must offer: ReadWriteOnce, ReadOnlyMany, "
        "ReadWriteMany or ReadWriteOncePod.",
        "selector": "A label query over volumes to consider for binding.",
        "resources": "The least resources the volume must have: its storage size.",
        "volumeName": "The name of the PersistentVolume to bind to, binding this claim to that "
        "volume only.",
        "storageClassName": "The StorageClass the claim asks for; unset means the default class, "
        '"" means no class.',
        "volumeMode": "Whether the volume is to hold a filesystem (Filesystem, the default) or "
        "be a raw block device (Block).",
    },
    "PersistentVolumeClaimStatus": {
        "": "PersistentVolumeClaimStatus is the current status of a persistent volume claim.",
        "phase": "The claim's phase: Pending, Bound or Lost.",
        "accessModes": "The access modes the volume bound to the claim actually offers.",
        "capacity": "The actual resources of the volume bound to the claim.",
    },
    "VolumeNodeAffinity": {
        "": "VolumeNodeAffinity defines the constraints that limit which nodes a volume can be "
        "reached from.",
        "required": "The nodes the volume can be reached from.",
    },
    "VolumeResourceRequirements": {
        "": "VolumeResourceRequirements describes the storage resource requirements of a volume.",
        "limits": "The most storage the volume may have.",
        "requests": "The least storage the volume must have. Defaults to limits when unset and "
        "limits is set.",
    },
    "StorageClass": {
        "": "StorageClass describes the parameters of a class of storage for which "
        "PersistentVolumes can be dynamically provisioned. Cluster-scoped, and its fields cannot "
        "be changed after creation.",
        "provisioner": "The name of the provisioner that makes the volumes of this class. "
        "Required.",
        "parameters": "Parameters passed to the provisioner when it makes a volume of this class.",
        "reclaimPolicy": "What happens to the volumes made for this class when their claim is "
        "released: Delete (the default) or Retain.",
        "mountOptions": "Mount options the volumes made for this class are mounted with, such as "
        '["ro", "soft"]; not validated.',
        "allowVolumeExpansion": "Whether the volumes of this class may be expanded by raising "
        "their claim's request.",
        "volumeBindingMode": "When volumes are provisioned and bound: Immediate (the default: "
        "when the claim is made) or WaitForFirstConsumer (when a pod using the claim is "
        "scheduled).",
    },
}
