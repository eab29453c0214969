"""Facts about Kubernetes' API types that their Python classes do not carry.

Kubernetes marks its Go types with comments and types that end up in the OpenAPI schema:
``+required``, ``+enum``, ``int64`` and ``metav1.MicroTime``. They are keyed here by the class
name and the field's wire name, as Kubernetes' ``types.go`` files declare them. (How fields
merge, ``+listType`` and ``+patchStrategy``, is stated once in ``api.field_type``.)
"""

from __future__ import annotations

__all__ = ["ENUMS", "INT64_FIELDS", "MICRO_TIME_FIELDS", "REQUIRED"]


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
    ("HostPathVolumeSource", "type"): (
        "",
        "BlockDevice",
        "CharDevice",
        "Directory",
        "DirectoryOrCreate",
        "File",
        "FileOrCreate",
        "Socket",
    ),
    ("HTTPGetAction", "scheme"): ("HTTP", "HTTPS"),
    ("HTTPIngressPath", "pathType"): ("Exact", "ImplementationSpecific", "Prefix"),
    ("ServiceSpec", "ipFamilyPolicy"): ("PreferDualStack", "RequireDualStack", "SingleStack"),
    ("EndpointPort", "protocol"): ("SCTP", "TCP", "UDP"),
    ("EndpointSlicePort", "protocol"): ("SCTP", "TCP", "UDP"),
    ("IngressPortStatus", "protocol"): ("SCTP", "TCP", "UDP"),
    ("NodeStatus", "phase"): ("Pending", "Running", "Terminated"),
    ("NodeSelectorRequirement", "operator"): ("DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn"),
    ("TopologySpreadConstraint", "whenUnsatisfiable"): ("DoNotSchedule", "ScheduleAnyway"),
    ("TopologySpreadConstraint", "nodeAffinityPolicy"): ("Honor", "Ignore"),
    ("TopologySpreadConstraint", "nodeTaintsPolicy"): ("Honor", "Ignore"),
    ("PersistentVolumeSpec", "persistentVolumeReclaimPolicy"): ("Delete", "Recycle", "Retain"),
    ("PersistentVolumeSpec", "volumeMode"): ("Block", "Filesystem"),
    ("PersistentVolumeClaimSpec", "volumeMode"): ("Block", "Filesystem"),
    ("PersistentVolumeStatus", "phase"): ("Available", "Bound", "Failed", "Pending", "Released"),
    ("PersistentVolumeClaimStatus", "phase"): ("Bound", "Lost", "Pending"),
    ("StorageClass", "reclaimPolicy"): ("Delete", "Recycle", "Retain"),
    ("StorageClass", "volumeBindingMode"): ("Immediate", "WaitForFirstConsumer"),
    ("PodDisruptionBudgetSpec", "unhealthyPodEvictionPolicy"): ("AlwaysAllow", "IfHealthyBudget"),
    ("ScopedResourceSelectorRequirement", "operator"): ("DoesNotExist", "Exists", "In", "NotIn"),
    ("ScopedResourceSelectorRequirement", "scopeName"): (
        "BestEffort",
        "CrossNamespacePodAffinity",
        "NotBestEffort",
        "NotTerminating",
        "PriorityClass",
        "Terminating",
    ),
}
