"""The kubelet actor: pod workers, restarts and back-off, probes, status, heartbeats."""

from ._actor import AbandonContainers as AbandonContainers
from ._actor import Kubelet as Kubelet
from ._backoff import Backoff as Backoff
from ._config import CONTROL_PLANE_LABEL as CONTROL_PLANE_LABEL
from ._config import CONTROL_PLANE_TAINT as CONTROL_PLANE_TAINT
from ._config import KubeletTimings as KubeletTimings
from ._config import NodeConfig as NodeConfig
from ._stats import GetSummary as GetSummary
from ._stats import StatsProvider as StatsProvider
from ._streams import pod_sandbox as pod_sandbox
from ._streams import running_container as running_container
from ._streams import streaming as streaming

__all__ = [
    "CONTROL_PLANE_LABEL",
    "CONTROL_PLANE_TAINT",
    "AbandonContainers",
    "Backoff",
    "GetSummary",
    "Kubelet",
    "KubeletTimings",
    "NodeConfig",
    "StatsProvider",
    "pod_sandbox",
    "running_container",
    "streaming",
]
