"""What a built-in controller is given to build itself: the cluster's shared pieces."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import attrs

from ..api import SubjectAccessReview
from ..client import Client, EventRecorder, InformerFactory, Spawner
from ..reconcile import ControllerSpec

__all__ = ["AccessReview", "BuiltinController", "ControllerContext", "SigningAuthority"]

#: Answers a SubjectAccessReview (its status filled in), as a POST of it to the API does.
AccessReview = Callable[[SubjectAccessReview], Awaitable[SubjectAccessReview]]


@attrs.frozen(kw_only=True)
class SigningAuthority:
    """The CA that signs approved certificates: PEM certificate and key
    (kube-controller-manager's ``--cluster-signing-cert-file`` and ``-key-file``)."""

    cert_pem: bytes
    key_pem: bytes


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
    #: How the csrapproving controller asks its SubjectAccessReviews (None: it POSTs them
    #: through its client, as against a real API server).
    access_review: AccessReview | None = None
    #: The CA the csrsigning controller signs with, read each time it signs (None, or an
    #: answer of None: no CA yet, nothing is signed).
    signing_authority: Callable[[], SigningAuthority | None] | None = None


#: A built-in controller: given the context, the spec that runs it.
BuiltinController = Callable[[ControllerContext], ControllerSpec]
