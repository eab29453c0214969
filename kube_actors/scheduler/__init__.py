"""The scheduler: its framework (extension points, Status, CycleState, registry, profiles),
Kubernetes' default plugins, the snapshot of nodes they run over, and the Scheduler actor.

Where it is simpler than kube-scheduler (each a choice, not an oversight):

* **Nominated pods** count in Filter only through the node's own facts (resources, ports, the
  node-local checks): a pod nominated to a node after preemption holds its room against pods of
  no higher priority, but PodTopologySpread's and InterPodAffinity's PreFilter counts do not
  include nominated pods (Kubernetes updates them through the PreFilter extensions' AddPod).
* **Preemption's what-if** removes the victims from the node's facts only: the PreFilter
  state of topology spreading and inter-pod affinity still counts them (Kubernetes calls
  RemovePod on it), so a pod blocked by spreading or affinity alone finds no victims. The dry
  runs stop at 10 % of the nodes (at least 100) from a random start, as Kubernetes' do; there
  are no PodDisruptionBudgets, so every candidate is non-violating.
* **namespaceSelector** of pod (anti-)affinity terms: ``{}`` selects every namespace; one with
  requirements selects none (the scheduler does not watch Namespaces' labels).
* **Permit** has no waiting: a Wait is treated as a rejection (the pod is unreserved and
  retried with back-off); there is no waiting-pods map with allow/reject for other plugins.
  Reserve and Unreserve are run.
* **Assumed pods never expire**: an assumption ends when the informer sees the binding or the
  binding fails, as in Kubernetes since the expiry default became 0.
* **One cycle at a time, no parallelism**: Filter and Score run vectorised over numpy columns
  of the snapshot (the snapshot *is* the cache, updated in place between cycles), rather than
  on 16 goroutines over a per-cycle copy.
* **Queueing hints** are the registered event names only (NodeAdd, NodeUpdate,
  AssignedPodAdd, AssignedPodDelete), without per-plugin hint functions.
* **Default spreading** takes the selectors of Services, ReplicaSets and StatefulSets
  (``_owners.py``); kube_actors has no ReplicationController.
"""

from ._actor import Scheduler as Scheduler
from ._actor import SchedulerSettings as SchedulerSettings
from ._actor import SchedulerStatistics as SchedulerStatistics
from .framework import CycleState as CycleState
from .framework import FitError as FitError
from .framework import Framework as Framework
from .framework import PodInfo as PodInfo
from .framework import Profile as Profile
from .framework import ScheduleResult as ScheduleResult
from .framework import Snapshot as Snapshot
from .plugins import in_tree_registry as in_tree_registry

__all__ = [
    "CycleState",
    "FitError",
    "Framework",
    "PodInfo",
    "Profile",
    "ScheduleResult",
    "Scheduler",
    "SchedulerSettings",
    "SchedulerStatistics",
    "Snapshot",
    "in_tree_registry",
]
