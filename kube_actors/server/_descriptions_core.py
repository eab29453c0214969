"""What the fields of core/v1's kinds mean (see ``_descriptions``); the wording is ours."""

from __future__ import annotations

__all__ = ["DESCRIPTIONS"]

DESCRIPTIONS: dict[str, dict[str, str]] = {
    "Pod": {
        "": "Pod is a collection of containers that can run on a host. This resource is "
        "created by clients and scheduled onto hosts.",
        "spec": "Specification of the desired behavior of the pod.",
        "status": "Most recently observed status of the pod. This data may not be up to date. "
        "Populated by the system. Read-only.",
    },
    "PodTemplateSpec": {
        "": "PodTemplateSpec describes the data a pod should have when created from a template.",
        "metadata": "Standard object's metadata.",
        "spec": "Specification of the desired behavior of the pod.",
    },
    "PodSpec": {
        "": "PodSpec is a description of a pod.",
        "containers": "List of containers belonging to the pod. Containers cannot currently be "
        "added or removed. There must be at least one container in a Pod. Cannot be updated.",
        "initContainers": "List of initialization containers belonging to the pod. Init "
        "containers run in order before the containers are started; if any fails, the pod is "
        "considered to have failed and is handled according to its restartPolicy.",
        "restartPolicy": "Restart policy for all containers within the pod. One of Always, "
        "OnFailure, Never. Default to Always.",
        "terminationGracePeriodSeconds": "Optional duration in seconds the pod needs to "
        "terminate gracefully. Defaults to 30 seconds.",
        "nodeSelector": "A selector which must be true for the pod to fit on a node: the node's "
        "labels must match it for the pod to be scheduled on that node.",
        "nodeName": "Indicates in which node this pod is scheduled. If empty, the pod is a "
        "candidate for scheduling by the scheduler named in schedulerName.",
        "serviceAccountName": "The name of the ServiceAccount to use to run this pod.",
        "tolerations": "If specified, the pod's tolerations.",
        "affinity": "If specified, the pod's scheduling constraints.",
        "priorityClassName": "If specified, indicates the pod's priority. The PriorityClass of "
        "that name must exist; without one, the pod's priority is the default or zero.",
        "volumes": "List of volumes that can be mounted by containers belonging to the pod.",
    },
    "Container": {
        "": "A single application container that you want to run within a pod.",
        "name": "Name of the container specified as a DNS_LABEL. Each container in a pod must "
        "have a unique name (DNS_LABEL). Cannot be updated.",
        "image": "Container image name. This field is optional to allow higher level config "
        "management to default or override container images in workload controllers like "
        "Deployments and StatefulSets.",
        "command": "Entrypoint array. Not executed within a shell. The image's ENTRYPOINT is "
        "used if this is not provided. Cannot be updated.",
        "args": "Arguments to the entrypoint. The image's CMD is used if this is not provided. "
        "Cannot be updated.",
        "ports": "The ports the container exposes, for information and for naming them: a "
        "port the container listens on is reachable whether or not it is listed here. Cannot "
        "be updated.",
        "env": "List of environment variables to set in the container. Cannot be updated.",
        "resources": "Compute Resources required by this container. Cannot be updated.",
        "livenessProbe": "Periodic probe of container liveness. The container is restarted if "
        "the probe fails. Cannot be updated.",
        "readinessProbe": "Periodic probe of container service readiness. The container is "
        "removed from service endpoints if the probe fails. Cannot be updated.",
        "imagePullPolicy": "Image pull policy. One of Always, Never, IfNotPresent. Defaults to "
        "Always if :latest tag is specified, or IfNotPresent otherwise. Cannot be updated.",
        "stdin": "Whether the container runtime keeps a stdin open for this container, which "
        "attach sessions write to. Without it the container reads EOF from stdin. Default is "
        "false.",
        "stdinOnce": "Whether the runtime closes the container's stdin once the first attach "
        "session that opened it ends; the container then reads EOF until it is restarted. "
        "Without it stdin stays open across attach sessions. Default is false.",
        "tty": "Whether the container runs on a terminal of its own (its stdout and stderr are "
        "then one stream); attach sessions are then terminals too. Used with stdin. Default is "
        "false.",
    },
    "Service": {
        "": "Service is a named abstraction of software service (for example, mysql) "
        "consisting of local port (for example 3306) that the proxy listens on, and the "
        "selector that determines which pods will answer requests sent through the proxy.",
        "spec": "Spec defines the behavior of a service.",
        "status": "Most recently observed status of the service. Populated by the system. "
        "Read-only.",
    },
    "ServiceSpec": {
        "": "ServiceSpec describes the attributes that a user creates on a service.",
        "ports": "The list of ports that are exposed by this service.",
        "selector": "Route service traffic to pods with label keys and values matching this "
        "selector. If empty or not present, the service is assumed to have an external process "
        "managing its endpoints, which Kubernetes will not modify.",
        "clusterIP": "clusterIP is the IP address of the service, usually assigned randomly. "
        'It may be set to "None" for a headless service.',
        "type": "type determines how the Service is exposed. Defaults to ClusterIP. Valid "
        "options are ExternalName, ClusterIP, NodePort, and LoadBalancer.",
        "sessionAffinity": 'Supports "ClientIP" and "None". Used to maintain session affinity. '
        "Defaults to None.",
    },
    "ServicePort": {
        "": "ServicePort contains information on service's port.",
        "name": "The name of this port within the service. This must be a DNS_LABEL and all "
        "ports within a ServiceSpec must have unique names.",
        "protocol": 'The IP protocol for this port. Supports "TCP", "UDP", and "SCTP". Default '
        "is TCP.",
        "port": "The port that will be exposed by this service.",
        "targetPort": "Number or name of the port to access on the pods targeted by the "
        "service. Defaults to the value of the 'port' field.",
        "nodePort": "The port on each node on which this service is exposed when type is "
        "NodePort or LoadBalancer. Usually assigned by the system.",
    },
    "Namespace": {
        "": "Namespace provides a scope for Names. Use of multiple namespaces is optional.",
        "spec": "Spec defines the behavior of the Namespace.",
        "status": "Status describes the current status of a Namespace.",
    },
    "NamespaceSpec": {
        "": "NamespaceSpec describes the attributes of a Namespace.",
        "finalizers": "Finalizers is an opaque list of values that must be empty before the "
        "namespace is removed from storage.",
    },
    "NamespaceStatus": {
        "": "NamespaceStatus is information about the current status of a Namespace.",
        "phase": "Phase is the current lifecycle phase of the namespace: Active, or "
        "Terminating while its content is being removed.",
        "conditions": "The latest available observations of the namespace's current state.",
    },
    "PodStatus": {
        "": "PodStatus represents information about the status of a pod. Status may trail "
        "the actual state of a system, especially if the node that hosts the pod cannot "
        "contact the control plane.",
        "phase": "The phase of a Pod is a simple, high-level summary of where the Pod is in "
        "its lifecycle: Pending (accepted, but not all containers have started), Running "
        "(bound to a node and all containers started, at least one still running), Succeeded "
        "(all containers terminated successfully and will not restart), Failed (all "
        "containers terminated, at least one in failure), or Unknown.",
        "conditions": "Current service state of pod.",
        "message": "A human readable message indicating details about why the pod is in this "
        "condition.",
        "reason": "A brief CamelCase message indicating details about why the pod is in this "
        "state. e.g. 'Evicted'",
        "nominatedNodeName": "Set only when this pod preempts other pods on a node, but "
        "cannot be scheduled right away as preemption victims receive their graceful "
        "termination periods: the node the scheduler intends to place it on.",
        "hostIP": "The IP address of the host to which the pod is assigned. Empty if the pod "
        "has not started yet.",
        "podIP": "The IP address allocated to the pod. Routable at least within the cluster. "
        "Empty if not yet allocated.",
        "podIPs": "The IP addresses allocated to the pod; the first one is podIP.",
        "startTime": "RFC 3339 date and time at which the object was acknowledged by the "
        "Kubelet. This is before the Kubelet pulled the container image(s) for the pod.",
        "containerStatuses": "Statuses of the containers in this pod, one per container in "
        "the manifest.",
        "initContainerStatuses": "Statuses of the init containers in this pod.",
        "qosClass": "The Quality of Service (QOS) classification assigned to the pod based on "
        "resource requirements.",
    },
    "ContainerStatus": {
        "": "ContainerStatus contains details for the current status of this container.",
        "name": "Name is a DNS_LABEL representing the unique name of the container.",
        "state": "State holds details about the container's current condition.",
        "lastState": "LastTerminationState holds the last termination state of the "
        "container, to help debug container crashes and restarts.",
        "ready": "Ready specifies whether the container is currently passing its readiness check.",
        "restartCount": "RestartCount holds the number of times the container has been restarted.",
        "image": "Image is the name of container image that the container is running.",
        "imageID": "ImageID is the image ID of the container's image.",
        "containerID": "ContainerID is the ID of the container, in the format "
        "'<type>://<container_id>'.",
        "started": "Started indicates whether the container has finished its postStart "
        "lifecycle hook and passed its startup probe.",
    },
    "PodCondition": {
        "": "PodCondition contains details for the current condition of this pod.",
        "type": "Type is the type of the condition (PodScheduled, Initialized, "
        "ContainersReady, Ready...).",
        "status": "Status is the status of the condition. Can be True, False, Unknown.",
        "lastProbeTime": "Last time we probed the condition.",
        "lastTransitionTime": "Last time the condition transitioned from one status to another.",
        "reason": "Unique, one-word, CamelCase reason for the condition's last transition.",
        "message": "Human-readable message indicating details about last transition.",
    },
    "ContainerPort": {
        "": "ContainerPort represents a network port in a single container.",
        "name": "If specified, this must be an IANA_SVC_NAME and unique within the pod. Each "
        "named port in a pod must have a unique name; services may refer to it by name.",
        "containerPort": "Number of port to expose on the pod's IP address. This must be a "
        "valid port number, 0 < x < 65536.",
        "hostPort": "Number of port to expose on the host. Most containers do not need this.",
        "protocol": 'Protocol for port. Must be UDP, TCP, or SCTP. Defaults to "TCP".',
    },
    "EnvVar": {
        "": "EnvVar represents an environment variable present in a Container.",
        "name": "Name of the environment variable.",
        "value": "The variable's value. $(VAR_NAME) references to variables defined earlier "
        'in the container are expanded. Defaults to "".',
        "valueFrom": "Source for the environment variable's value. Cannot be used if value is "
        "not empty.",
    },
    "ResourceRequirements": {
        "": "ResourceRequirements describes the compute resource requirements.",
        "limits": "Limits describes the maximum amount of compute resources allowed.",
        "requests": "Requests describes the minimum amount of compute resources required. "
        "If omitted for a container, it defaults to Limits if that is explicitly specified.",
    },
    "Node": {
        "": "Node is a worker node in Kubernetes. Each node will have a unique identifier in "
        "the cache (i.e. in etcd).",
        "spec": "Spec defines the behavior of a node.",
        "status": "Most recently observed status of the node. Populated by the system. Read-only.",
    },
    "NodeSpec": {
        "": "NodeSpec describes the attributes that a node is created with.",
        "podCIDR": "PodCIDR represents the pod IP range assigned to the node.",
        "podCIDRs": "podCIDRs represents the IP ranges assigned to the node for usage by "
        "Pods on that node. If this field is specified, the first entry must match podCIDR.",
        "unschedulable": "Unschedulable controls node schedulability of new pods. By default, "
        "node is schedulable.",
        "taints": "If specified, the node's taints.",
        "providerID": "ID of the node assigned by the cloud provider in the format: "
        "<ProviderName>://<ProviderSpecificNodeID>",
    },
    "NodeStatus": {
        "": "NodeStatus is information about the current status of a node.",
        "capacity": "Capacity represents the total resources of a node.",
        "allocatable": "Allocatable represents the resources of a node that are available "
        "for scheduling. Defaults to Capacity.",
        "conditions": "Conditions is an array of current observed node conditions.",
        "addresses": "List of addresses reachable to the node.",
        "nodeInfo": "Set of ids/uuids to uniquely identify the node.",
        "images": "List of container images on this node.",
    },
    "NodeCondition": {
        "": "NodeCondition contains condition information for a node.",
        "type": "Type of node condition.",
        "status": "Status of the condition, one of True, False, Unknown.",
        "lastHeartbeatTime": "Last time we got an update on a given condition.",
        "lastTransitionTime": "Last time the condition transit from one status to another.",
        "reason": "(brief) reason for the condition's last transition.",
        "message": "Human readable message indicating details about last transition.",
    },
    "NodeAddress": {
        "": "NodeAddress contains information for the node's address.",
        "type": "Node address type, one of Hostname, ExternalIP or InternalIP.",
        "address": "The node address.",
    },
    "NodeSystemInfo": {
        "": "NodeSystemInfo is a set of ids/uuids to uniquely identify the node.",
        "kubeletVersion": "Kubelet Version reported by the node.",
        "kubeProxyVersion": "Deprecated: KubeProxy Version reported by the node.",
        "osImage": "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux "
        "7 (wheezy)).",
        "kernelVersion": "Kernel Version reported by the node from 'uname -r' (e.g. "
        "3.16.0-0.bpo.4-amd64).",
        "containerRuntimeVersion": "ContainerRuntime Version reported by the node through "
        "runtime remote API (e.g. containerd://1.4.2).",
        "operatingSystem": "The Operating System reported by the node",
        "architecture": "The Architecture reported by the node",
    },
    "ServiceStatus": {
        "": "ServiceStatus represents the current status of a service.",
        "loadBalancer": "LoadBalancer contains the current status of the load-balancer, if "
        "one is present.",
    },
}
