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
    "CertificateSigningRequest": {
        "": "CertificateSigningRequest asks a signer for an x509 certificate: a kubelet's "
        "client certificate, for one.",
        "spec": "The request and the signer asked; who asked is filled in by the server.",
        "status": "Whether the request was approved or denied, and the issued certificate.",
    },
    "CertificateSigningRequestSpec": {
        "": "CertificateSigningRequestSpec holds the request and the signer it is meant for.",
        "request": "A PEM-encoded x509 certificate request (a CERTIFICATE REQUEST block).",
        "signerName": "The signer asked to issue the certificate, as a qualified name: "
        "kubernetes.io/kube-apiserver-client-kubelet for kubelets' client certificates.",
        "expirationSeconds": "The duration the issued certificate should be valid for; the "
        "signer may issue a shorter one. At least 600 seconds.",
        "usages": "The key usages asked for in the certificate (digital signature, client auth).",
        "username": "The name of the user that created the request. Set by the server.",
        "uid": "The uid of the user that created the request. Set by the server.",
        "groups": "The groups of the user that created the request. Set by the server.",
        "extra": "The extra attributes of the user that created the request. Set by the server.",
    },
    "CertificateSigningRequestStatus": {
        "": "CertificateSigningRequestStatus holds the approval conditions and the certificate.",
        "conditions": "Approved, Denied or Failed, with why.",
        "certificate": "The issued PEM-encoded certificate, once the request is approved and "
        "signed.",
    },
    "CertificateSigningRequestCondition": {
        "": "CertificateSigningRequestCondition is one decision about a request.",
        "type": "Approved, Denied or Failed.",
        "status": "True, False or Unknown.",
        "reason": "A brief reason, as one CamelCase word.",
        "message": "A human-readable account of the decision.",
        "lastUpdateTime": "When the condition was last updated.",
        "lastTransitionTime": "When the condition last went from one status to another.",
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
