"""Facts about Kubernetes' API types that their Python classes do not carry.

Kubernetes marks its Go types with comments (``+patchMergeKey``, ``+patchStrategy``,
``+listType``, ``+listMapKey``, ``+required``) that end up in the OpenAPI schema as
``x-kubernetes-*`` extensions; clients build strategic merge patches and server-side apply
merges from them. They are keyed here by the class name and the field's wire name, as
Kubernetes' ``types.go`` files declare them.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ENUMS", "INT64_FIELDS", "LIST_MARKERS", "MICRO_TIME_FIELDS", "REQUIRED"]


def _map(*keys: str, merge: str | None = None, strategy: str = "merge") -> dict[str, Any]:
    """A list of objects keyed by ``keys``, merged on ``merge`` by strategic merge patch."""
    marker: dict[str, Any] = {
        "x-kubernetes-list-type": "map",
        "x-kubernetes-list-map-keys": list(keys),
    }
    if merge is not None:
        marker["x-kubernetes-patch-merge-key"] = merge
        marker["x-kubernetes-patch-strategy"] = strategy
    return marker


_ATOMIC: dict[str, Any] = {"x-kubernetes-list-type": "atomic"}
_SET: dict[str, Any] = {"x-kubernetes-list-type": "set"}
_CONDITIONS = _map("type", merge="type")

LIST_MARKERS: dict[tuple[str, str], dict[str, Any]] = {
    ("ObjectMeta", "finalizers"): {**_SET, "x-kubernetes-patch-strategy": "merge"},
    ("ObjectMeta", "ownerReferences"): _map("uid", merge="uid"),
    ("ObjectMeta", "managedFields"): _ATOMIC,
    ("LabelSelector", "matchExpressions"): _ATOMIC,
    ("LabelSelectorRequirement", "values"): _ATOMIC,
    ("PodSpec", "containers"): _map("name", merge="name"),
    ("PodSpec", "initContainers"): _map("name", merge="name"),
    ("PodSpec", "ephemeralContainers"): _map("name", merge="name"),
    ("PodSpec", "volumes"): _map("name", merge="name", strategy="merge,retainKeys"),
    ("PodSpec", "imagePullSecrets"): _map("name", merge="name"),
    ("PodSpec", "tolerations"): _ATOMIC,
    ("PodSpec", "readinessGates"): _ATOMIC,
    ("PodSpec", "topologySpreadConstraints"): _map(
        "topologyKey", "whenUnsatisfiable", merge="topologyKey"
    ),
    ("Container", "command"): _ATOMIC,
    ("Container", "args"): _ATOMIC,
    ("Container", "env"): _map("name", merge="name"),
    ("Container", "ports"): _map("containerPort", "protocol", merge="containerPort"),
    ("Container", "volumeMounts"): _map("mountPath", merge="mountPath"),
    ("PodStatus", "conditions"): _CONDITIONS,
    ("PodStatus", "podIPs"): _map("ip", merge="ip"),
    ("PodStatus", "hostIPs"): _map("ip", merge="ip"),
    ("PodStatus", "containerStatuses"): _ATOMIC,
    ("PodStatus", "initContainerStatuses"): _ATOMIC,
    ("ServiceSpec", "ports"): _map("port", "protocol", merge="port"),
    ("ServiceSpec", "clusterIPs"): _ATOMIC,
    ("ServiceSpec", "externalIPs"): _ATOMIC,
    ("Endpoints", "subsets"): _ATOMIC,
    ("EndpointSubset", "addresses"): _ATOMIC,
    ("EndpointSubset", "notReadyAddresses"): _ATOMIC,
    ("EndpointSubset", "ports"): _ATOMIC,
    ("NodeSpec", "podCIDRs"): {**_SET, "x-kubernetes-patch-strategy": "merge"},
    ("NodeSpec", "taints"): _ATOMIC,
    ("NodeStatus", "conditions"): _CONDITIONS,
    ("NodeStatus", "addresses"): {
        **_ATOMIC,
        "x-kubernetes-patch-merge-key": "type",
        "x-kubernetes-patch-strategy": "merge",
    },
    ("NodeStatus", "images"): _ATOMIC,
    ("NamespaceStatus", "conditions"): _CONDITIONS,
    ("DeploymentSpec", "strategy"): {"x-kubernetes-patch-strategy": "retainKeys"},
    ("DeploymentStatus", "conditions"): _CONDITIONS,
    ("ReplicaSetStatus", "conditions"): _CONDITIONS,
    ("DaemonSetStatus", "conditions"): _CONDITIONS,
    ("StatefulSetStatus", "conditions"): _CONDITIONS,
    ("StatefulSetSpec", "volumeClaimTemplates"): _ATOMIC,
    ("JobStatus", "conditions"): {
        **_ATOMIC,
        "x-kubernetes-patch-merge-key": "type",
        "x-kubernetes-patch-strategy": "merge",
    },
    ("NodeSelector", "nodeSelectorTerms"): _ATOMIC,
    ("NodeSelectorTerm", "matchExpressions"): _ATOMIC,
    ("NodeSelectorTerm", "matchFields"): _ATOMIC,
    ("NodeSelectorRequirement", "values"): _ATOMIC,
    ("ServiceAccount", "secrets"): _map("name", merge="name"),
    ("ServiceAccount", "imagePullSecrets"): _ATOMIC,
}

# The fields Kubernetes declares without omitempty (and marks required).
REQUIRED: dict[str, tuple[str, ...]] = {
    "Container": ("name",),
    "ContainerPort": ("containerPort",),
    "DeploymentSpec": ("selector", "template"),
    "ReplicaSetSpec": ("selector",),
    "DaemonSetSpec": ("selector", "template"),
    "StatefulSetSpec": ("selector", "template"),
    "JobSpec": ("template",),
    "PodSpec": ("containers",),
    "ServicePort": ("port",),
    "EnvVar": ("name",),
    "VolumeMount": ("name", "mountPath"),
    "Volume": ("name",),
    "OwnerReference": ("apiVersion", "kind", "name", "uid"),
    "LabelSelectorRequirement": ("key", "operator"),
    "NodeSelectorRequirement": ("key", "operator"),
    "NodeSelector": ("nodeSelectorTerms",),
    "Taint": ("key", "effect"),
    "NodeAddress": ("type", "address"),
    "ContainerImage": (),
    "HTTPGetAction": ("port",),
    "TCPSocketAction": ("port",),
    "EndpointAddress": ("ip",),
    "EndpointPort": ("port",),
    "Event": ("metadata", "involvedObject"),
    "Binding": ("target",),
    "PriorityClass": ("value",),
    "PodCondition": ("type", "status"),
    "NodeCondition": ("type", "status"),
    "DeploymentCondition": ("type", "status"),
    "ReplicaSetCondition": ("type", "status"),
    "DaemonSetCondition": ("type", "status"),
    "StatefulSetCondition": ("type", "status"),
    "JobCondition": ("type", "status"),
    "NamespaceCondition": ("type", "status"),
    "ContainerStatus": ("name", "ready", "restartCount", "image", "imageID"),
    "HostPathVolumeSource": ("path",),
    "PersistentVolumeClaimVolumeSource": ("claimName",),
    "HostIP": ("ip",),
    "PodIP": ("ip",),
    "HTTPHeader": ("name", "value"),
    "PodAffinityTerm": ("topologyKey",),
    "WeightedPodAffinityTerm": ("weight", "podAffinityTerm"),
    "PreferredSchedulingTerm": ("weight", "preference"),
    "TopologySpreadConstraint": ("maxSkew", "topologyKey", "whenUnsatisfiable"),
}

# Integer fields that Kubernetes declares int64 (every other integer is an int32).
INT64_FIELDS = frozenset(
    {
        "activeDeadlineSeconds",
        "deletionGracePeriodSeconds",
        "expirationSeconds",
        "fsGroup",
        "generation",
        "observedGeneration",
        "runAsGroup",
        "runAsUser",
        "sizeBytes",
        "terminationGracePeriodSeconds",
        "tolerationSeconds",
    }
)

# Timestamps with microseconds (metav1.MicroTime) rather than seconds (metav1.Time).
MICRO_TIME_FIELDS = frozenset(
    {("Event", "eventTime"), ("LeaseSpec", "acquireTime"), ("LeaseSpec", "renewTime")}
)

# String fields Kubernetes declares as enums (``+enum``): their possible values, sorted.
ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("DeploymentStrategy", "type"): ("Recreate", "RollingUpdate"),
    ("DaemonSetUpdateStrategy", "type"): ("OnDelete", "RollingUpdate"),
    ("StatefulSetUpdateStrategy", "type"): ("OnDelete", "RollingUpdate"),
    ("StatefulSetSpec", "podManagementPolicy"): ("OrderedReady", "Parallel"),
    ("ServiceSpec", "type"): ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort"),
    ("ServiceSpec", "sessionAffinity"): ("ClientIP", "None"),
    ("ServiceSpec", "externalTrafficPolicy"): ("Cluster", "Local"),
    ("ServiceSpec", "internalTrafficPolicy"): ("Cluster", "Local"),
    ("ServicePort", "protocol"): ("SCTP", "TCP", "UDP"),
    ("ContainerPort", "protocol"): ("SCTP", "TCP", "UDP"),
    ("Container", "imagePullPolicy"): ("Always", "IfNotPresent", "Never"),
    ("PodSpec", "restartPolicy"): ("Always", "Never", "OnFailure"),
    ("PodSpec", "dnsPolicy"): ("ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"),
    ("PodStatus", "phase"): ("Failed", "Pending", "Running", "Succeeded", "Unknown"),
    ("PodStatus", "qosClass"): ("BestEffort", "Burstable", "Guaranteed"),
    ("NamespaceStatus", "phase"): ("Active", "Terminating"),
    ("Taint", "effect"): ("NoExecute", "NoSchedule", "PreferNoSchedule"),
    ("Toleration", "effect"): ("NoExecute", "NoSchedule", "PreferNoSchedule"),
    ("Toleration", "operator"): ("Equal", "Exists"),
    ("PriorityClass", "preemptionPolicy"): ("Never", "PreemptLowerPriority"),
    ("JobSpec", "completionMode"): ("Indexed", "NonIndexed"),
}
