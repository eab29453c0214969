"""Hypothesis strategies for kube_actors' objects, valid by construction (the apiserver
takes them), with knobs: each argument takes a value or a strategy::

    from hypothesis import given, strategies as st
    from kube_actors.testing import strategies as ks

    @given(ks.deployments(replicas=st.integers(0, 5), namespace="default"))
    def test_my_thing(deployment): ...

Also manifests (YAML text and dicts ``Cluster.apply`` takes), node sets for
``Cluster(nodes=...)``, and invalid variants (``invalid_pods()``...) that pair an object the
apiserver must refuse with the field path its ``Invalid`` error names.
"""

from ._core import leases as leases
from ._core import namespaces as namespaces
from ._core import nodes as nodes
from ._core import priority_classes as priority_classes
from ._core import service_accounts as service_accounts
from ._core import services as services
from ._core import taints as taints
from ._invalid import InvalidVariant as InvalidVariant
from ._invalid import invalid_deployments as invalid_deployments
from ._invalid import invalid_jobs as invalid_jobs
from ._invalid import invalid_namespaces as invalid_namespaces
from ._invalid import invalid_nodes as invalid_nodes
from ._invalid import invalid_pods as invalid_pods
from ._invalid import invalid_replica_sets as invalid_replica_sets
from ._invalid import invalid_services as invalid_services
from ._invalid import invalid_stateful_sets as invalid_stateful_sets
from ._manifests import any_workload as any_workload
from ._manifests import manifest_dicts as manifest_dicts
from ._manifests import manifest_texts as manifest_texts
from ._names import Knob as Knob
from ._names import as_strategy as as_strategy
from ._names import dns_labels as dns_labels
from ._names import label_keys as label_keys
from ._names import label_values as label_values
from ._names import labels as labels
from ._names import names as names
from ._node_sets import node_configs as node_configs
from ._node_sets import node_sets as node_sets
from ._pods import containers as containers
from ._pods import pod_specs as pod_specs
from ._pods import pod_templates as pod_templates
from ._pods import pods as pods
from ._pods import quantities as quantities
from ._pods import resource_requirements as resource_requirements
from ._pods import tolerations as tolerations
from ._workloads import daemon_sets as daemon_sets
from ._workloads import deployment_strategies as deployment_strategies
from ._workloads import deployments as deployments
from ._workloads import jobs as jobs
from ._workloads import replica_sets as replica_sets
from ._workloads import stateful_sets as stateful_sets

__all__ = [
    "InvalidVariant",
    "Knob",
    "any_workload",
    "as_strategy",
    "containers",
    "daemon_sets",
    "deployment_strategies",
    "deployments",
    "dns_labels",
    "invalid_deployments",
    "invalid_jobs",
    "invalid_namespaces",
    "invalid_nodes",
    "invalid_pods",
    "invalid_replica_sets",
    "invalid_services",
    "invalid_stateful_sets",
    "jobs",
    "label_keys",
    "label_values",
    "labels",
    "leases",
    "manifest_dicts",
    "manifest_texts",
    "names",
    "namespaces",
    "node_configs",
    "node_sets",
    "nodes",
    "pod_specs",
    "pod_templates",
    "pods",
    "priority_classes",
    "quantities",
    "replica_sets",
    "resource_requirements",
    "service_accounts",
    "services",
    "stateful_sets",
    "taints",
    "tolerations",
]
