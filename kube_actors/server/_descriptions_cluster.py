"""What the fields of Lease, CustomResourceDefinition and the metrics API's kinds mean (see
_descriptions); the wording is ours.
"""

from __future__ import annotations

__all__ = ["DESCRIPTIONS"]

DESCRIPTIONS: dict[str, dict[str, str]] = {
    "Lease": {
        "": "Lease defines a lease concept: a holder and how long its hold lasts. Nodes renew "
        "one each as a heartbeat, and leader election takes one per component.",
        "spec": "The holder of the lease and its times. More info: "
        "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status",
    },
    "LeaseSpec": {
        "": "LeaseSpec is the specification of a Lease.",
        "holderIdentity": "The identity of the current holder of the lease.",
        "leaseDurationSeconds": "How long candidates for the lease wait, after its last renewal, "
        "before they may take it over; measured from renewTime.",
        "acquireTime": "When the current holder acquired the lease.",
        "renewTime": "When the current holder last renewed the lease.",
        "leaseTransitions": "How many times the lease has passed from one holder to another.",
    },
    "CustomResourceDefinition": {
        "": "CustomResourceDefinition represents a resource that should be exposed on the API "
        "server. Its name must be in the form <.spec.name>.<.spec.group>.",
        "spec": "What the resource is: its group, names, scope and versions with their schemas.",
        "status": "The actual state of the CustomResourceDefinition: its conditions and accepted "
        "names. Populated by the system. Read-only.",
    },
    "PodMetrics": {
        "": "PodMetrics sets resource usage metrics of a pod: the usage of each of its "
        "containers over a window.",
        "timestamp": "The end of the window the usage was measured over: [timestamp - window, "
        "timestamp].",
        "window": "The length of the window the usage was measured over, as a duration (such as "
        '"10s").',
        "containers": "The usage of each container of the pod.",
    },
    "NodeMetrics": {
        "": "NodeMetrics sets resource usage metrics of a node over a window.",
        "timestamp": "The end of the window the usage was measured over: [timestamp - window, "
        "timestamp].",
        "window": "The length of the window the usage was measured over, as a duration (such as "
        '"10s").',
        "usage": "The node's resource usage: cpu (in cores) and memory (in bytes).",
    },
    "ContainerMetrics": {
        "": "ContainerMetrics sets resource usage metrics of a container.",
        "name": "The name of the container, as in the pod's spec.",
        "usage": "The container's resource usage: cpu (in cores) and memory (in bytes).",
    },
}
