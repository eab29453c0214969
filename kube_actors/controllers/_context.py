"""What a built-in controller is given to build itself: the cluster's shared pieces."""

from __future__ import annotations

from collections.abc import Callable

import attrs

from ..client import Client, EventRecorder, InformerFactory, Spawner
from ..reconcile import ControllerSpec

__all__ = ["BuiltinController", "ControllerContext"]


@attrs.frozen(kw_only=True)
class ControllerContext:
    """The client, the shared informers, and a maker of event recorders."""

    client: Client
    informers: InformerFactory
    #: ``recorder(component)``: an EventRecorder whose source is ``component``.
    recorder: Callable[[str], EventRecorder]
    #: kube-controller-manager's ``--node-monitor-grace-period``, in seconds.
    node_monitor_grace_period: float = 50.0
    #: kube-controller-manager's ``--terminated-pod-gc-threshold`` (0: keep them all).
    terminated_pod_gc_threshold: int = 12500
    #: Where the local-path provisioner makes volumes ("": a directory under the system's
    #: temporary directory).
    storage_dir: str = ""
    #: Where informers started after the controllers are spawned (the cluster's actor
    #: system); a controller that watches kinds served at run time needs it.
    spawner: Spawner | None = None
    #: Whether a metrics server serves ``metrics.k8s.io`` (``Cluster(metric_resolution=)``):
    #: the HPA reads Pods' usage from it, else from the fake runtime's script.
    resource_metrics: bool = False


#: A built-in controller: given the context, the spec that runs it.
BuiltinController = Callable[[ControllerContext], ControllerSpec]
