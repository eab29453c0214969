"""What a node is (``NodeConfig``) and the kubelet's timings (Kubernetes' defaults)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from kube_actors.api import FrozenDict, Quantity, Taint

__all__ = ["CONTROL_PLANE_LABEL", "CONTROL_PLANE_TAINT", "KubeletTimings", "NodeConfig"]

CONTROL_PLANE_LABEL = "node-role.kubernetes.io/control-plane"
#: kubeadm's taint on control-plane nodes (minikube leaves them schedulable).
CONTROL_PLANE_TAINT = Taint(key=CONTROL_PLANE_LABEL, effect="NoSchedule")


def _quantities(value: Mapping[str, str | int | Quantity]) -> FrozenDict[str, Quantity]:
    if isinstance(value, FrozenDict) and all(isinstance(v, Quantity) for v in value.values()):
        return value  # converted already (the defaults every node shares): frozen, kept
    return FrozenDict({k: v if isinstance(v, Quantity) else Quantity(v) for k, v in value.items()})


def _taints(value: Iterable[Taint]) -> tuple[Taint, ...]:
    return tuple(value)


def _labels(value: Mapping[str, str]) -> FrozenDict[str, str]:
    return value if isinstance(value, FrozenDict) else FrozenDict(value)


def _bytes(value: str | int | Quantity) -> int:
    return Quantity(value).value()


#: A node's capacity unless told otherwise, and no reservation: one frozen mapping each,
#: shared by every node (a cluster of thousands parsed and kept them once a node).
_DEFAULT_CAPACITY = _quantities(
    {"cpu": "4", "memory": "32Gi", "pods": "110", "ephemeral-storage": "100Gi"}
)
_NOTHING_RESERVED: FrozenDict[str, Quantity] = FrozenDict()
_NO_LABELS: FrozenDict[str, str] = FrozenDict()


def _default_capacity() -> FrozenDict[str, Quantity]:
    return _DEFAULT_CAPACITY


def _nothing_reserved() -> FrozenDict[str, Quantity]:
    return _NOTHING_RESERVED


def _no_labels() -> FrozenDict[str, str]:
    return _NO_LABELS


@attrs.frozen(kw_only=True)
class NodeConfig:
    """A node to run: its name, capacity, labels and taints, and its pod network.

    ``reserved`` is what the kubelet keeps for the system (kube-reserved plus
    system-reserved): allocatable is capacity minus it. ``pod_cidr`` is the range from which
    the node's pods get their IPs: of 127.0.0.0/8, or one that other hosts route to
    ``node_ip`` (its pods' addresses are then put on the host's ``lo``).
    ``container_log_max_size`` (a quantity: ``"10Mi"``) and ``container_log_max_files``
    bound each container's log.
    """

    name: str
    capacity: Mapping[str, Quantity] = attrs.field(factory=_default_capacity, converter=_quantities)
    reserved: Mapping[str, Quantity] = attrs.field(factory=_nothing_reserved, converter=_quantities)
    labels: Mapping[str, str] = attrs.field(factory=_no_labels, converter=_labels)
    taints: tuple[Taint, ...] = attrs.field(default=(), converter=_taints)
    pod_cidr: str = ""
    #: The Node's InternalIP (kubelet's ``--node-ip``); empty: a loopback address of its own.
    node_ip: str = ""
    control_plane: bool = False
    #: The kubelet's containerLogMaxSize ("10Mi"): a container's log file is rotated there.
    container_log_max_size: int = attrs.field(default=10 * 1024 * 1024, converter=_bytes)
    #: The kubelet's containerLogMaxFiles: the current log file and the rotated ones kept.
    container_log_max_files: int = 5

    @property
    def allocatable(self) -> dict[str, Quantity]:
        return {
            name: amount - self.reserved[name] if name in self.reserved else amount
            for name, amount in self.capacity.items()
        }


@attrs.frozen(kw_only=True)
class KubeletTimings:
    """The kubelet's clocks, in seconds, with Kubernetes' defaults."""

    #: A node's Lease lasts this long; the kubelet renews it every quarter of it.
    node_lease_duration: int = 40
    lease_renew_interval: float = 10.0
    #: How often the kubelet checks its Node status, and how often it reports it unchanged.
    node_status_update_frequency: float = 10.0
    node_status_report_frequency: float = 300.0
    #: CrashLoopBackOff and ImagePullBackOff: 10 s doubling to 300 s.
    backoff_initial: float = 10.0
    backoff_max: float = 300.0
    #: How often a pod worker retries a status write the apiserver did not take.
    status_retry: float = 10.0
    #: The kubelet's syncFrequency: a pod is synced again this long after its last sync,
    #: which rewrites its ConfigMap, Secret, downward API and projected volumes where their
    #: sources changed (Kubernetes adds up to 50% of jitter; here the period is exact).
    sync_frequency: float = 60.0
