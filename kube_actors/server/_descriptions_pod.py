"""What more of a Pod's fields mean (see ``_descriptions``): scheduling, probes, volumes,
tolerations; and the rest of a Service's spec, Events and object references. Our wording."""

from __future__ import annotations

__all__ = ["DESCRIPTIONS"]

DESCRIPTIONS: dict[str, dict[str, str]] = {
    "PodSpec": {
        "activeDeadlineSeconds": "How long, in seconds from its start on a node, the pod may "
        "run before the kubelet tries to stop it and marks it failed. A positive integer.",
        "dnsPolicy": "How the pod's DNS is set up: ClusterFirst (the default), "
        "ClusterFirstWithHostNet, Default (the node's resolver) or None (only dnsConfig).",
        "automountServiceAccountToken": "Whether the service account's token is mounted "
        "into the pod.",
        "hostNetwork": "Whether the pod uses the node's network namespace (ports included). "
        "Defaults to false.",
        "hostname": "The pod's hostname; defaults to a value the system chooses.",
        "subdomain": "With it, the pod's fully qualified name is "
        '"<hostname>.<subdomain>.<namespace>.svc.<cluster domain>".',
        "schedulerName": "Which scheduler places the pod; the default scheduler when empty.",
        "priority": "The pod's priority, filled in from its priorityClassName by admission; "
        "the higher, the more important.",
        "preemptionPolicy": "Whether the pod may preempt pods of lower priority: "
        "PreemptLowerPriority (the default) or Never.",
        "overhead": "Resources the pod's runtime itself takes on top of its containers', "
        "set by admission from the RuntimeClass.",
        "topologySpreadConstraints": "How the pod's group should spread across topology "
        "domains (zones, nodes...); the scheduler honours all of them together.",
        "enableServiceLinks": "Whether information about services goes into the pod's "
        "environment variables, as Docker links did. Defaults to true.",
    },
    "Container": {
        "workingDir": "The container's working directory; the image's when not given. "
        "Cannot be updated.",
        "volumeMounts": "The pod's volumes to mount into the container's filesystem. Cannot "
        "be updated.",
        "startupProbe": "A probe that must succeed once before the other probes start; the "
        "container is restarted if it fails. Cannot be updated.",
        "restartPolicy": "For an init container only: Always makes it a sidecar that keeps "
        "running beside the pod's containers.",
        "terminationMessagePath": "The file whose content becomes the container's "
        "termination message. Defaults to /dev/termination-log. Cannot be updated.",
        "terminationMessagePolicy": "Where the termination message comes from: File (the "
        "default) or FallbackToLogsOnError (the log's tail when the file is empty and the "
        "container failed). Cannot be updated.",
    },
    "ServiceSpec": {
        "clusterIPs": "The service's IP addresses, one per IP family; the first is clusterIP.",
        "externalName": "For type ExternalName: the DNS name the cluster's DNS answers as a "
        "CNAME for the service.",
        "sessionAffinityConfig": "The settings of session affinity.",
        "publishNotReadyAddresses": "Whether the service's endpoints include pods that are "
        "not ready, for clients that need peers before they are ready.",
        "internalTrafficPolicy": "Whether traffic from inside the cluster goes to every "
        "endpoint (Cluster, the default) or only to endpoints on the sender's node (Local).",
        "externalTrafficPolicy": "Whether traffic from outside through node ports and load "
        "balancers goes to every endpoint (Cluster) or only to endpoints on the receiving "
        "node (Local), keeping the client's source address.",
    },
    "Probe": {
        "": "A diagnostic the kubelet runs against a container, periodically, to tell whether "
        "it is alive or ready.",
        "exec": "Runs a command in the container; exit status 0 is success.",
        "httpGet": "Sends an HTTP GET; a status from 200 to 399 is success.",
        "tcpSocket": "Opens a TCP connection; connecting is success.",
        "initialDelaySeconds": "Seconds after the container starts before the first probe.",
        "timeoutSeconds": "Seconds after which a probe times out. Defaults to 1.",
        "periodSeconds": "How often, in seconds, to probe. Defaults to 10.",
        "successThreshold": "Consecutive successes after a failure to count as success. "
        "Defaults to 1; must be 1 for liveness and startup probes.",
        "failureThreshold": "Consecutive failures to count as failure. Defaults to 3.",
        "terminationGracePeriodSeconds": "For liveness and startup probes: the grace period "
        "a container killed for failing gets, instead of the pod's.",
    },
    "VolumeMount": {
        "": "VolumeMount describes a mounting of a Volume within a container.",
        "name": "Which of the pod's volumes to mount.",
        "mountPath": "Where in the container the volume appears; must not contain ':'.",
        "readOnly": "Mounted read-only when true, read-write otherwise (the default).",
        "subPath": "A path within the volume to mount instead of its root.",
    },
    "Volume": {
        "": "A named volume in a pod that any container in the pod can mount.",
        "name": "The volume's name, a DNS_LABEL unique within the pod.",
        "emptyDir": "A temporary directory that lives as long as the pod.",
        "hostPath": "A file or directory of the node, exposed to the container.",
        "configMap": "A ConfigMap's keys as files.",
        "secret": "A Secret's keys as files.",
        "persistentVolumeClaim": "The volume bound to a PersistentVolumeClaim in the pod's "
        "namespace.",
    },
    "Toleration": {
        "": "Attached to a pod, a toleration lets it be placed on (or stay on) a node whose "
        "taint it matches.",
        "key": "The taint key it applies to; empty matches every key (with operator Exists).",
        "operator": "How key and value are compared: Exists (any value) or Equal (the default).",
        "value": "The taint value it matches; empty with operator Exists.",
        "effect": "The taint effect it matches (NoSchedule, PreferNoSchedule, NoExecute); "
        "empty matches every effect.",
        "tolerationSeconds": "For NoExecute only: how long the pod stays bound after the "
        "taint appears; unset means forever, zero or less means evict at once.",
    },
    "Event": {
        "": "Event is a report of an event somewhere in the cluster.",
        "involvedObject": "The object this event is about.",
        "reason": "A short, CamelCase reason for the transition into the object's current "
        "status, meant for machines.",
        "message": "A description of the event for people.",
        "source": "The component reporting this event.",
        "firstTimestamp": "When the event was first recorded.",
        "lastTimestamp": "When the most recent occurrence of the event was recorded.",
        "count": "How many times the event has occurred.",
        "type": "Type of this event (Normal, Warning).",
        "eventTime": "When the event was first observed, with microseconds.",
        "action": "What action was taken, or failed, on the object.",
        "reportingComponent": "Name of the controller that emitted the event.",
        "reportingInstance": "ID of the controller instance that emitted the event.",
    },
    "ObjectReference": {
        "": "ObjectReference contains enough information to let you inspect or modify the "
        "referred object.",
        "apiVersion": "API version of the referent.",
        "kind": "Kind of the referent.",
        "namespace": "Namespace of the referent.",
        "name": "Name of the referent.",
        "uid": "UID of the referent.",
        "resourceVersion": "The referent's resourceVersion this reference was made at.",
        "fieldPath": "A part of the object rather than the whole, such as one container: "
        '"spec.containers{name}".',
    },
    "EndpointSubset": {
        "": "A group of addresses that share the same ports.",
        "addresses": "Addresses with the ports that are ready to take traffic.",
        "notReadyAddresses": "Addresses with the ports that are not ready yet, or no longer.",
        "ports": "The port numbers available on the addresses.",
    },
}
