"""What the fields of a pod's volume sources mean (see _descriptions); the wording is ours."""

from __future__ import annotations

__all__ = ["DESCRIPTIONS"]

DESCRIPTIONS: dict[str, dict[str, str]] = {
    "Volume": {
        "downwardAPI": "Information about the pod (its fields, its containers' resources) as "
        "files.",
        "projected": "Several sources (secrets, config maps, downward API, service account "
        "tokens) projected into one directory.",
    },
    "KeyToPath": {
        "": "KeyToPath maps a key of a ConfigMap or Secret to a file in the volume.",
        "key": "The key to project.",
        "path": "The relative path of the file the key is written to. Must not be absolute, nor "
        "contain '..' or start with it.",
        "mode": "The permission bits of this file, an octal value between 0000 and 0777 (or "
        "decimal 0 to 511 in JSON); defaultMode when unset.",
    },
    "ConfigMapVolumeSource": {
        "": "ConfigMapVolumeSource puts the keys of a ConfigMap into a volume, one file per key "
        "(or the items asked for).",
        "name": "Name of the ConfigMap, in the pod's namespace.",
        "items": "Which keys to project, and to which paths. Unset, every key becomes a file "
        "named after it. A key listed that the ConfigMap lacks is an error unless optional.",
        "defaultMode": "The permission bits of the files, an octal value between 0000 and 0777 "
        "(decimal 0 to 511 in JSON); 0644 by default.",
        "optional": "If true, the volume is set up even when the ConfigMap or a key listed does "
        "not exist.",
    },
    "SecretVolumeSource": {
        "": "SecretVolumeSource puts the keys of a Secret into a volume, one file per key (or "
        "the items asked for).",
        "secretName": "Name of the Secret, in the pod's namespace.",
        "items": "Which keys to project, and to which paths. Unset, every key becomes a file "
        "named after it. A key listed that the Secret lacks is an error unless optional.",
        "defaultMode": "The permission bits of the files, an octal value between 0000 and 0777 "
        "(decimal 0 to 511 in JSON); 0644 by default.",
        "optional": "If true, the volume is set up even when the Secret or a key listed does not "
        "exist.",
    },
    "ConfigMapProjection": {
        "": "ConfigMapProjection projects the keys of a ConfigMap into a projected volume.",
        "name": "Name of the ConfigMap, in the pod's namespace.",
        "items": "Which keys to project, and to which paths. Unset, every key becomes a file "
        "named after it.",
        "optional": "If true, the volume is set up even when the ConfigMap or a key listed does "
        "not exist.",
    },
    "SecretProjection": {
        "": "SecretProjection projects the keys of a Secret into a projected volume.",
        "name": "Name of the Secret, in the pod's namespace.",
        "items": "Which keys to project, and to which paths. Unset, every key becomes a file "
        "named after it.",
        "optional": "If true, the volume is set up even when the Secret or a key listed does not "
        "exist.",
    },
    "DownwardAPIVolumeFile": {
        "": "DownwardAPIVolumeFile is one file of a downward API volume: a field of the pod or a "
        "resource of a container.",
        "path": "The relative path of the file. Must not be absolute, nor contain '..' or start "
        "with it.",
        "fieldRef": "The pod field to write: only annotations, labels, name, namespace and uid "
        "are supported.",
        "resourceFieldRef": "The container resource to write: limits or requests of cpu, memory "
        "or ephemeral-storage.",
        "mode": "The permission bits of this file, an octal value between 0000 and 0777 (decimal "
        "0 to 511 in JSON); defaultMode when unset.",
    },
    "DownwardAPIVolumeSource": {
        "": "DownwardAPIVolumeSource writes information about the pod into files of a volume.",
        "items": "The files to write.",
        "defaultMode": "The permission bits of the files, an octal value between 0000 and 0777 "
        "(decimal 0 to 511 in JSON); 0644 by default.",
    },
    "DownwardAPIProjection": {
        "": "DownwardAPIProjection projects information about the pod into a projected volume.",
        "items": "The files to write.",
    },
    "EmptyDirVolumeSource": {
        "": "EmptyDirVolumeSource is an empty directory that lives as long as the pod does.",
        "medium": 'What storage backs the directory: "" (the node\'s default medium) or '
        '"Memory" (a tmpfs).',
        "sizeLimit": "The most local storage the directory may use. For the Memory medium, the "
        "smaller of this and the sum of the pod's container memory limits applies. Unset means no "
        "limit of its own.",
    },
    "HostPathVolumeSource": {
        "": "HostPathVolumeSource is a file or directory of the node, mounted into the pod.",
        "path": "The path on the node; a symbolic link is followed to its target.",
        "type": 'What must be at the path: "" (no check), DirectoryOrCreate, Directory, '
        "FileOrCreate, File, Socket, CharDevice or BlockDevice.",
    },
    "PersistentVolumeClaimVolumeSource": {
        "": "PersistentVolumeClaimVolumeSource mounts the volume bound to a "
        "PersistentVolumeClaim in the pod's namespace.",
        "claimName": "Name of the PersistentVolumeClaim, in the pod's namespace.",
        "readOnly": "Whether the volume is mounted read-only; false by default.",
    },
    "ProjectedVolumeSource": {
        "": "ProjectedVolumeSource brings several sources into one directory.",
        "sources": "The sources projected into the directory.",
        "defaultMode": "The permission bits of the files, an octal value between 0000 and 0777 "
        "(decimal 0 to 511 in JSON); 0644 by default.",
    },
    "VolumeProjection": {
        "": "VolumeProjection is one source of a projected volume; exactly one of its fields is "
        "set.",
        "configMap": "The keys of a ConfigMap.",
        "secret": "The keys of a Secret.",
        "downwardAPI": "Information about the pod.",
        "serviceAccountToken": "A token of the pod's service account.",
    },
    "ServiceAccountTokenProjection": {
        "": "ServiceAccountTokenProjection writes a token of the pod's service account into a "
        "file, and the kubelet renews it before it expires.",
        "audience": "Who the token is meant for; a recipient must check that it is in the token. "
        "The apiserver's own audience by default.",
        "expirationSeconds": "How long the token is valid for, in seconds. The kubelet renews it "
        "at 80% of that, or after 24 hours. At least 600; 3600 by default.",
        "path": "The relative path of the file the token is written to.",
    },
}
