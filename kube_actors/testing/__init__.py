"""What users need to test their own code against kube_actors.

- ``kube_actors.testing.strategies``: hypothesis strategies for every built-in kind (valid
  by construction, with knobs), manifests, node sets, and invalid variants with the field
  Kubernetes' error names.
- ``ClusterStateMachine``: a hypothesis state machine over a virtual-time cluster, with
  rules for workloads and faults, to subclass with your controllers, rules and invariants.
- The invariants it checks, for your own tests: ``assert_converged``,
  ``assert_single_controller_owner``, ``assert_no_overcommit``, ``assert_rollout_bounds``.
- ``ClusterHost`` and ``ClusterDriver``: a running cluster usable from any task, or from
  synchronous code on a virtual-time loop of its own.
- ``capture_cluster_logs`` and ``ClusterLogs``: structlog events as data.
- ``etcd_servers`` / ``EtcdServers``: real etcd servers (one member or three) for a test of
  a cluster on ``store="etcd://..."``.
- ``HostNetwork`` / ``Host``: hosts as network namespaces joined by veth pairs and routes,
  for nodes (``kube-actors agent``) on hosts of their own; ``host_network_unavailable()``
  says why a machine cannot make them.
- ``run_with_cluster``: a fresh cluster per call, for ``@given`` tests (a cluster per
  example, not one shared by all examples as a fixture would be).
- The pytest plugin (``kube_actors.testing.pytest_plugin``, loaded by pytest on its own):
  the ``cluster`` and ``cluster_logs`` fixtures and the ``cluster`` marker.

hypothesis is a test dependency, not a dependency of kube_actors; pytest imports this
package when it loads the plugin, so the names that need hypothesis (the state machine)
are imported on first use rather than here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._driver import ClusterDriver as ClusterDriver
from ._etcd import EtcdNotFound as EtcdNotFound
from ._etcd import EtcdServers as EtcdServers
from ._etcd import etcd_binary as etcd_binary
from ._etcd import etcd_servers as etcd_servers
from ._host import ClusterHost as ClusterHost
from ._host_network import Host as Host
from ._host_network import HostNetwork as HostNetwork
from ._host_network import NetworkNamespacesUnavailable as NetworkNamespacesUnavailable
from ._host_network import host_network_unavailable as host_network_unavailable
from ._invariants import RolloutBounds as RolloutBounds
from ._invariants import assert_converged as assert_converged
from ._invariants import assert_no_overcommit as assert_no_overcommit
from ._invariants import assert_rollout_bounds as assert_rollout_bounds
from ._invariants import assert_single_controller_owner as assert_single_controller_owner
from ._invariants import is_live as is_live
from ._invariants import rollout_bounds as rollout_bounds
from ._logs import ClusterLogs as ClusterLogs
from ._logs import capture_cluster_logs as capture_cluster_logs
from ._per_example import run_with_cluster as run_with_cluster
from ._workloads import daemon_set as daemon_set
from ._workloads import deployment as deployment
from ._workloads import job as job
from ._workloads import pod as pod
from ._workloads import pod_template as pod_template
from ._workloads import replica_set as replica_set
from ._workloads import stateful_set as stateful_set

if TYPE_CHECKING:
    from ._machine import ClusterStateMachine as ClusterStateMachine
    from ._machine import Workload as Workload

__all__ = [
    "ClusterDriver",
    "ClusterHost",
    "ClusterLogs",
    "ClusterStateMachine",
    "EtcdNotFound",
    "EtcdServers",
    "Host",
    "HostNetwork",
    "NetworkNamespacesUnavailable",
    "RolloutBounds",
    "Workload",
    "assert_converged",
    "assert_no_overcommit",
    "assert_rollout_bounds",
    "assert_single_controller_owner",
    "capture_cluster_logs",
    "daemon_set",
    "deployment",
    "etcd_binary",
    "etcd_servers",
    "host_network_unavailable",
    "is_live",
    "job",
    "pod",
    "pod_template",
    "replica_set",
    "rollout_bounds",
    "run_with_cluster",
    "stateful_set",
]

_NEEDS_HYPOTHESIS = {"ClusterStateMachine", "Workload"}


def __getattr__(name: str) -> Any:
    if name in _NEEDS_HYPOTHESIS:
        from . import _machine

        return getattr(_machine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
