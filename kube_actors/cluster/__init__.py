"""The wiring: ``Cluster`` puts a control plane and nodes together on one actor system.

``Cluster`` (``_cluster``) is the one place that knows every component; ``SyncCluster``
(``_sync``) drives it from synchronous code; ``_nodes`` and ``_link`` build a node's kubelet,
runtime and kube-proxy and the link that a partition cuts; ``_faults`` holds the fault
injection that ``cluster.faults`` hands out; ``_store`` opens the store that
``Cluster(store=...)`` names (memory, or an SQLite file); ``_control_planes`` runs several
control-plane replicas whose scheduler and controllers act only where their Lease is held;
``_agent`` runs one node's kubelet and kube-proxy in a process of its own, over HTTP
(``kube-actors agent``).

Fault injection lives here rather than in the testing kit or the client: every component's
client is wrapped by the cluster when it is wired, the fault handles belong to one cluster
(``cluster.faults``) and draw from its seeded random source, and the testing kit, which builds
clusters, would otherwise import the wiring while the wiring imported it. The kit re-exports
the handles for tests.
"""

from ._agent import NodeAgent as NodeAgent
from ._clock_choice import RealTimeWarning as RealTimeWarning
from ._clock_choice import warn_on_default_real_time as warn_on_default_real_time
from ._cluster import Cluster as Cluster
from ._control_planes import CONTROLLER_MANAGER_LEASE as CONTROLLER_MANAGER_LEASE
from ._control_planes import SCHEDULER_LEASE as SCHEDULER_LEASE
from ._control_planes import ApiServerPool as ApiServerPool
from ._control_planes import ControlPlane as ControlPlane
from ._control_planes import ControlPlanes as ControlPlanes
from ._control_planes import ElectionTimings as ElectionTimings
from ._control_planes import LeadershipHistory as LeadershipHistory
from ._control_planes import Term as Term
from ._faults import Fault as Fault
from ._faults import Faults as Faults
from ._health import COMPONENT_SUPERVISION as COMPONENT_SUPERVISION
from ._health import ComponentHealth as ComponentHealth
from ._service_network import ServiceNetwork as ServiceNetwork
from ._streams import ExecOutput as ExecOutput
from ._sync import SyncCluster as SyncCluster

__all__ = [
    "COMPONENT_SUPERVISION",
    "CONTROLLER_MANAGER_LEASE",
    "SCHEDULER_LEASE",
    "ApiServerPool",
    "Cluster",
    "ComponentHealth",
    "ControlPlane",
    "ControlPlanes",
    "ElectionTimings",
    "ExecOutput",
    "Fault",
    "Faults",
    "LeadershipHistory",
    "NodeAgent",
    "RealTimeWarning",
    "ServiceNetwork",
    "SyncCluster",
    "Term",
    "warn_on_default_real_time",
]
