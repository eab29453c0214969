"""What the fields of pod and node status, container states and probe actions mean, beyond
_descriptions_pod (see _descriptions); the wording is ours.
"""

from __future__ import annotations

__all__ = ["DESCRIPTIONS"]

DESCRIPTIONS: dict[str, dict[str, str]] = {
    "PodStatus": {
        "hostIPs": "The IP addresses of the node the pod runs on, at most one per IP family; the "
        "first is hostIP. Empty until the pod is bound to a node.",
    },
    "PodIP": {
        "": "PodIP is one IP address of the pod.",
        "ip": "The IP address.",
    },
    "HostIP": {
        "": "HostIP is one IP address of the pod's node.",
        "ip": "The IP address.",
    },
    "ContainerPort": {
        "hostIP": "The node IP the host port is bound to.",
    },
    "ContainerState": {
        "": "ContainerState is the state a container is in: exactly one of its members is set. "
        "Waiting is the default when none is given.",
        "waiting": "Details of a container that is not running yet.",
        "running": "Details of a running container.",
        "terminated": "Details of a container that has finished.",
    },
    "ContainerStateWaiting": {
        "": "ContainerStateWaiting is a container that is not running yet, and why.",
        "reason": "A brief CamelCase reason the container is not running yet (ContainerCreating, "
        "CrashLoopBackOff, ImagePullBackOff...).",
        "message": "A message with details of why the container is not running yet.",
    },
    "ContainerStateRunning": {
        "": "ContainerStateRunning is a container that is running.",
        "startedAt": "When the container was last started.",
    },
    "ContainerStateTerminated": {
        "": "ContainerStateTerminated is a container that has finished, and how.",
        "exitCode": "The exit status of the container's last run.",
        "signal": "The signal that ended the container, if one did.",
        "reason": "A brief CamelCase reason the container finished (Completed, Error, "
        "OOMKilled...).",
        "message": "A message with details of how the container finished.",
        "startedAt": "When the container's last run started.",
        "finishedAt": "When the container's last run finished.",
        "containerID": "The container's id, as '<type>://<container_id>'.",
    },
    "ContainerImage": {
        "": "ContainerImage is an image present on a node.",
        "names": "The names the image is known by, such as "
        '["registry.k8s.io/hyperkube:v1.0.7", '
        '"dockerhub.io/google_containers/hyperkube:v1.0.7"].',
        "sizeBytes": "The size of the image, in bytes.",
    },
    "ExecAction": {
        "": 'ExecAction describes a "run in container" action.',
        "command": "The command line to run inside the container; its working directory is the "
        "container's root ('/'). It is not run in a shell, so shell features (pipes...) need a "
        "shell called explicitly. Exit status 0 is healthy; anything else is not.",
    },
    "HTTPGetAction": {
        "": "HTTPGetAction describes an action based on HTTP GET requests.",
        "path": "The path to request on the HTTP server.",
        "port": "The port to connect to, a number between 1 and 65535 or the name of a container "
        "port (an IANA_SVC_NAME).",
        "host": 'The host name to connect to; the pod\'s IP by default. Set "Host" in '
        "httpHeaders instead, most of the time.",
        "scheme": "The scheme to connect with: HTTP (the default) or HTTPS.",
        "httpHeaders": "Headers to set in the request. HTTP allows repeated headers.",
    },
    "HTTPHeader": {
        "": "HTTPHeader is a header to send in an HTTP probe.",
        "name": "The header field's name. Normalized when sent, so names differing only in case "
        "are one header.",
        "value": "The header field's value.",
    },
    "TCPSocketAction": {
        "": "TCPSocketAction describes an action based on opening a socket.",
        "port": "The port to connect to, a number between 1 and 65535 or the name of a container "
        "port (an IANA_SVC_NAME).",
        "host": "The host name to connect to; the pod's IP by default.",
    },
    "NodeStatus": {
        "phase": "Deprecated: NodePhase is the recently observed lifecycle phase of the node. "
        "Never populated, and now deprecated.",
    },
    "NodeSystemInfo": {
        "machineID": "The machine id reported by the node. For unique machine identification in "
        "the cluster this field is preferred.",
        "systemUUID": "The system UUID reported by the node. For unique machine identification "
        "MachineID is preferred; this field is specific to Red Hat hosts.",
        "bootID": "The boot id reported by the node; it changes when the node reboots.",
    },
    "NamespaceCondition": {
        "": "NamespaceCondition contains details about the state of a namespace.",
        "type": "The type of the namespace condition (NamespaceDeletionContentFailure, "
        "NamespaceContentRemaining...).",
        "status": "The status of the condition: True, False or Unknown.",
        "lastTransitionTime": "The last time the condition went from one status to another.",
        "reason": "A unique, one-word, CamelCase reason for the condition's last transition.",
        "message": "A human-readable message with details of the transition.",
    },
    "EventSource": {
        "": "EventSource names the component that reported an event.",
        "component": "The component that reported the event.",
        "host": "The node the event was reported on.",
    },
    "Binding": {
        "": "Binding ties one object to another; for example, a pod is bound to a node by a "
        "scheduler.",
        "target": "The object to bind the pod to: a Node.",
    },
}
