"""Kubernetes' default plugins, one module each, and the registry that names them."""

from ..framework import Registry
from .balanced_allocation import BalancedAllocation as BalancedAllocation
from .default_binder import DefaultBinder as DefaultBinder
from .default_preemption import Candidate as Candidate
from .default_preemption import DefaultPreemption as DefaultPreemption
from .image_locality import ImageLocality as ImageLocality
from .inter_pod_affinity import InterPodAffinity as InterPodAffinity
from .node_affinity import NodeAffinity as NodeAffinity
from .node_name import NodeName as NodeName
from .node_ports import NodePorts as NodePorts
from .node_resources_fit import NodeResourcesFit as NodeResourcesFit
from .node_resources_fit import NodeResourcesFitArgs as NodeResourcesFitArgs
from .node_resources_fit import ResourceSpec as ResourceSpec
from .node_unschedulable import NodeUnschedulable as NodeUnschedulable
from .pod_topology_spread import PodTopologySpread as PodTopologySpread
from .queue_sort import PrioritySort as PrioritySort
from .taint_toleration import TaintToleration as TaintToleration
from .volume_binding import VolumeBinding as VolumeBinding

__all__ = [
    "BalancedAllocation",
    "Candidate",
    "DefaultBinder",
    "DefaultPreemption",
    "ImageLocality",
    "InterPodAffinity",
    "NodeAffinity",
    "NodeName",
    "NodePorts",
    "NodeResourcesFit",
    "NodeResourcesFitArgs",
    "NodeUnschedulable",
    "PodTopologySpread",
    "PrioritySort",
    "ResourceSpec",
    "TaintToleration",
    "VolumeBinding",
    "in_tree_registry",
]


def in_tree_registry() -> Registry:
    """Every in-tree plugin by its Kubernetes name."""
    plugins = (
        PrioritySort,
        NodeUnschedulable,
        NodeName,
        TaintToleration,
        NodeAffinity,
        NodePorts,
        NodeResourcesFit,
        PodTopologySpread,
        InterPodAffinity,
        DefaultPreemption,
        BalancedAllocation,
        ImageLocality,
        VolumeBinding,
        DefaultBinder,
    )
    return Registry({plugin.name: plugin.new for plugin in plugins})
