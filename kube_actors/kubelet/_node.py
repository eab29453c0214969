"""The Node object and the Lease a kubelet keeps for its node.

Conditions as a healthy kubelet reports them: Ready True (``KubeletReady``, "kubelet is
posting ready status"), and the pressure conditions False. ``lastHeartbeatTime`` moves when
the kubelet reports; ``lastTransitionTime`` only when a condition's status changes.
"""

from __future__ import annotations

import datetime as dt

import attrs

from kube_actors.api import (
    Lease,
    LeaseSpec,
    Node,
    NodeAddress,
    NodeCondition,
    NodeSpec,
    NodeStatus,
    NodeSystemInfo,
    ObjectMeta,
    owner_reference,
)

from ._config import CONTROL_PLANE_LABEL, NodeConfig

__all__ = [
    "KUBELET_VERSION",
    "LEASE_NAMESPACE",
    "condition_events",
    "conditions_differ",
    "desired_node",
    "lease_for",
    "node_status",
    "status_essence",
]

KUBELET_VERSION = "v1.31.0-kube-actors"
LEASE_NAMESPACE = "kube-node-lease"

_CONDITIONS = (
    (
        "MemoryPressure",
        "False",
        "KubeletHasSufficientMemory",
        "kubelet has sufficient memory available",
    ),
    ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
    ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
)


def desired_node(config: NodeConfig, address: str) -> Node:
    """The Node a kubelet registers: labels, taints and pod CIDR from its config."""
    labels = {
        "kubernetes.io/hostname": config.name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "beta.kubernetes.io/arch": "amd64",
        **config.labels,
    }
    if config.control_plane:
        labels[CONTROL_PLANE_LABEL] = ""
    spec = NodeSpec(
        pod_cidr=config.pod_cidr,
        pod_cidrs=(config.pod_cidr,) if config.pod_cidr else (),
        taints=config.taints,
    )
    return Node(metadata=ObjectMeta(name=config.name, labels=labels), spec=spec)


def node_status(
    config: NodeConfig, address: str, now: dt.datetime, previous: NodeStatus | None
) -> NodeStatus:
    """The status the kubelet reports now; transition times kept from ``previous``."""
    before = {c.type: c for c in previous.conditions} if previous is not None else {}
    conditions = []
    for kind, status, reason, message in _CONDITIONS:
        old = before.get(kind)
        transition = old.last_transition_time if old is not None and old.status == status else now
        conditions.append(
            NodeCondition(
                type=kind,
                status=status,
                reason=reason,
                message=message,
                last_heartbeat_time=now,
                last_transition_time=transition,
            )
        )
    return NodeStatus(
        capacity=config.capacity,
        allocatable=config.allocatable,
        conditions=conditions,
        addresses=[
            NodeAddress(type="InternalIP", address=address),
            NodeAddress(type="Hostname", address=config.name),
        ],
        node_info=NodeSystemInfo(
            kubelet_version=KUBELET_VERSION,
            kube_proxy_version=KUBELET_VERSION,
            operating_system="linux",
            architecture="amd64",
            os_image="kube-actors",
            container_runtime_version="kube-actors://1",
        ),
    )


#: The Event reason the kubelet's status setters record when a condition becomes this status.
_EVENT_REASONS = {
    ("MemoryPressure", "False"): "NodeHasSufficientMemory",
    ("MemoryPressure", "True"): "NodeHasInsufficientMemory",
    ("DiskPressure", "False"): "NodeHasNoDiskPressure",
    ("DiskPressure", "True"): "NodeHasDiskPressure",
    ("PIDPressure", "False"): "NodeHasSufficientPID",
    ("PIDPressure", "True"): "NodeHasInsufficientPID",
    ("Ready", "True"): "NodeReady",
    ("Ready", "False"): "NodeNotReady",
}


def condition_events(reported: NodeStatus, desired: NodeStatus) -> list[str]:
    """The reasons of the Events for conditions that are new or changed status, in the
    kubelet's order (``NodeHasSufficientMemory`` ... ``NodeReady``).

    The Ready condition is the exception, as in the kubelet's status setters: a pressure
    condition starts as Unknown when it is new, so its first status is a change and is
    recorded, but a new Ready condition is appended as it is and only a later change of its
    status records ``NodeReady`` or ``NodeNotReady`` (a node Ready at registration records
    none; one back from Unknown does)."""
    before = {c.type: c.status for c in reported.conditions}
    reasons = []
    for condition in desired.conditions:
        was = before.get(condition.type)
        if was != condition.status and (was is not None or condition.type != "Ready"):
            reason = _EVENT_REASONS.get((condition.type, condition.status))
            if reason is not None:
                reasons.append(reason)
    return reasons


def status_essence(status: NodeStatus) -> object:
    """A status without its times: what must change for the kubelet to report at once."""
    return (
        status.capacity,
        status.allocatable,
        tuple((c.type, c.status, c.reason) for c in status.conditions),
        status.addresses,
    )


def conditions_differ(reported: NodeStatus, desired: NodeStatus) -> bool:
    """Whether anything but heartbeat times differs: the kubelet then reports at once."""
    return status_essence(reported) != status_essence(desired)


def lease_for(node: Node, duration: int, now: dt.datetime) -> Lease:
    """The node's Lease in kube-node-lease, renewed ``now``, owned by the Node."""
    return Lease(
        metadata=ObjectMeta(
            name=node.metadata.name,
            namespace=LEASE_NAMESPACE,
            owner_references=[attrs.evolve(owner_reference(node), controller=None)],
        ),
        spec=LeaseSpec(
            holder_identity=node.metadata.name,
            lease_duration_seconds=duration,
            renew_time=now,
        ),
    )
