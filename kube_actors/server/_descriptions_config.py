"""What the fields of ConfigMaps, Secrets, service accounts and where environment variables come
from mean (see _descriptions); the wording is ours.
"""

from __future__ import annotations

__all__ = ["DESCRIPTIONS"]

DESCRIPTIONS: dict[str, dict[str, str]] = {
    "ConfigMap": {
        "": "ConfigMap holds configuration data, as keys and values, for pods to consume.",
        "immutable": "If true, the data of this ConfigMap cannot be changed once it is set (only "
        "its metadata can); it can still be deleted and created again. Unset means it can be "
        "updated.",
        "data": "The configuration data as UTF-8 strings. Each key must consist of alphanumeric "
        "characters, '-', '_' or '.'. A key may not also appear in binaryData.",
        "binaryData": "Configuration data that is not UTF-8, its values base64-encoded on the "
        "wire. Each key must consist of alphanumeric characters, '-', '_' or '.'. A key may not "
        "also appear in data.",
    },
    "Secret": {
        "": "Secret holds a small amount of sensitive data, such as a password, a token or a "
        "key. Each value is at most 1 MiB together with the others.",
        "immutable": "If true, the data of this Secret cannot be changed once it is set (only "
        "its metadata can); it can still be deleted and created again. Unset means it can be "
        "updated.",
        "data": "The secret's data: keys of alphanumeric characters, '-', '_' or '.', values "
        "base64-encoded bytes on the wire.",
        "stringData": "A write-only convenience: plain string values that the server merges into "
        "data on write (a key here wins over the same key in data). Never read back.",
        "type": "Used to help programs handle the secret's data: Opaque (the default), "
        "kubernetes.io/service-account-token, kubernetes.io/dockerconfigjson, kubernetes.io/tls, "
        "kubernetes.io/basic-auth and others.",
    },
    "ConfigMapEnvSource": {
        "": "ConfigMapEnvSource selects a ConfigMap whose keys become environment variables of "
        "the container.",
        "name": "Name of the ConfigMap, in the pod's namespace.",
        "optional": "If true, the container starts even when the ConfigMap does not exist.",
    },
    "ConfigMapKeySelector": {
        "": "ConfigMapKeySelector selects one key of a ConfigMap.",
        "name": "Name of the ConfigMap, in the pod's namespace.",
        "key": "The key whose value to take.",
        "optional": "If true, the container starts even when the ConfigMap or its key does not "
        "exist.",
    },
    "SecretEnvSource": {
        "": "SecretEnvSource selects a Secret whose keys become environment variables of the "
        "container.",
        "name": "Name of the Secret, in the pod's namespace.",
        "optional": "If true, the container starts even when the Secret does not exist.",
    },
    "SecretKeySelector": {
        "": "SecretKeySelector selects one key of a Secret.",
        "name": "Name of the Secret, in the pod's namespace.",
        "key": "The key of the secret whose value to take. Must be a valid secret key.",
        "optional": "If true, the container starts even when the Secret or its key does not exist.",
    },
    "EnvFromSource": {
        "": "EnvFromSource names a source of a set of environment variables: a ConfigMap or a "
        "Secret.",
        "prefix": "An optional string put in front of every key of the source to make the "
        "variable's name. Must be a C identifier.",
        "configMapRef": "The ConfigMap to take the variables from.",
        "secretRef": "The Secret to take the variables from.",
    },
    "EnvVarSource": {
        "": "EnvVarSource is where an environment variable's value comes from; only one of its "
        "fields may be set.",
        "fieldRef": "A field of the pod: metadata.name, metadata.namespace, "
        "metadata.labels['<KEY>'], metadata.annotations['<KEY>'], spec.nodeName, "
        "spec.serviceAccountName, status.hostIP, status.podIP, status.podIPs.",
        "resourceFieldRef": "A resource of the container: its limits or requests of cpu, memory "
        "or ephemeral-storage.",
        "configMapKeyRef": "A key of a ConfigMap in the pod's namespace.",
        "secretKeyRef": "A key of a Secret in the pod's namespace.",
    },
    "ObjectFieldSelector": {
        "": "ObjectFieldSelector selects a field of the object, by its path in the given API "
        "version.",
        "fieldPath": "The path of the field to select, in the given API version.",
        "apiVersion": 'The version of the schema fieldPath is written in; "v1" by default.',
    },
    "ResourceFieldSelector": {
        "": "ResourceFieldSelector selects a resource of a container (its limits or requests of "
        "cpu, memory or ephemeral-storage) and the unit to express it in.",
        "containerName": "The container whose resource to select; required for volumes, optional "
        "for environment variables (the container itself).",
        "resource": "The resource to select: limits.cpu, limits.memory, "
        "limits.ephemeral-storage, requests.cpu, requests.memory or requests.ephemeral-storage.",
        "divisor": 'The unit the value is expressed in, "1" by default; the value is rounded '
        "up to a whole number of it.",
    },
    "LocalObjectReference": {
        "": "LocalObjectReference names an object in the same namespace.",
        "name": "Name of the referent. More info: "
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names",
    },
    "ServiceAccount": {
        "": "ServiceAccount binds together a name that pods run as and that users and systems "
        "can authenticate as, the secrets it may use, and the image pull secrets its pods get.",
        "secrets": "Secrets in the same namespace that pods running as this account may use. "
        "Pods are held to this list only when the account has the (deprecated) "
        'kubernetes.io/enforce-mountable-secrets annotation set to "true"; not a place to find '
        "generated token secrets for use outside pods.",
        "imagePullSecrets": "Secrets in the same namespace used to pull the images of every pod "
        "that runs as this account; added to each such pod. More info: "
        "https://kubernetes.io/docs/concepts/containers/images/#specifying-imagepullsecrets-on-a-pod",
        "automountServiceAccountToken": "Whether pods running as this account get an API token "
        "mounted automatically. A pod's own automountServiceAccountToken overrides it.",
    },
    "Container": {
        "envFrom": "Sources whose keys become environment variables of the container. A key that "
        "is not a valid variable name is skipped and reported as an event. When a key is defined "
        "in several sources, the last one wins; a variable in env wins over them all. Cannot be "
        "updated.",
    },
}
