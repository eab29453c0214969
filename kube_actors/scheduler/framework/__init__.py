"""The scheduling framework: extension points as Protocols, Status and Code, CycleState,
the snapshot of nodes, the plugin registry, profiles, and the runtime that runs them."""

from ._cycle_state import CycleState as CycleState
from ._cycle_state import StateKey as StateKey
from ._diagnosis import FitError as FitError
from ._diagnosis import fit_message as fit_message
from ._interfaces import EXTENSION_POINTS as EXTENSION_POINTS
from ._interfaces import MAX_NODE_SCORE as MAX_NODE_SCORE
from ._interfaces import BatchFilterPlugin as BatchFilterPlugin
from ._interfaces import BatchScorePlugin as BatchScorePlugin
from ._interfaces import BindPlugin as BindPlugin
from ._interfaces import ClusterEvent as ClusterEvent
from ._interfaces import EnqueueExtensions as EnqueueExtensions
from ._interfaces import FilterPlugin as FilterPlugin
from ._interfaces import Handle as Handle
from ._interfaces import NodeToStatus as NodeToStatus
from ._interfaces import NormalizeScorePlugin as NormalizeScorePlugin
from ._interfaces import PermitPlugin as PermitPlugin
from ._interfaces import Plugin as Plugin
from ._interfaces import PluginFactory as PluginFactory
from ._interfaces import PostBindPlugin as PostBindPlugin
from ._interfaces import PostFilterPlugin as PostFilterPlugin
from ._interfaces import PostFilterResult as PostFilterResult
from ._interfaces import PreBindPlugin as PreBindPlugin
from ._interfaces import PreEnqueuePlugin as PreEnqueuePlugin
from ._interfaces import PreFilterPlugin as PreFilterPlugin
from ._interfaces import PreScorePlugin as PreScorePlugin
from ._interfaces import QueuedPodInfo as QueuedPodInfo
from ._interfaces import QueueSortPlugin as QueueSortPlugin
from ._interfaces import ReservePlugin as ReservePlugin
from ._interfaces import ScorePlugin as ScorePlugin
from ._interfaces import check_declared as check_declared
from ._pod_info import DEFAULT_MEMORY_REQUEST as DEFAULT_MEMORY_REQUEST
from ._pod_info import DEFAULT_MILLI_CPU_REQUEST as DEFAULT_MILLI_CPU_REQUEST
from ._pod_info import AffinityTerm as AffinityTerm
from ._pod_info import PodInfo as PodInfo
from ._pod_info import WeightedAffinityTerm as WeightedAffinityTerm
from ._pod_info import normalized_image_name as normalized_image_name
from ._profile import DEFAULT_PLUGINS as DEFAULT_PLUGINS
from ._profile import DEFAULT_SCHEDULER_NAME as DEFAULT_SCHEDULER_NAME
from ._profile import PluginRef as PluginRef
from ._profile import Profile as Profile
from ._registry import Registry as Registry
from ._runtime import Framework as Framework
from ._runtime import ScheduleResult as ScheduleResult
from ._runtime import num_feasible_nodes_to_find as num_feasible_nodes_to_find
from ._snapshot import LabelColumn as LabelColumn
from ._snapshot import NodeArrays as NodeArrays
from ._snapshot import NodeInfo as NodeInfo
from ._snapshot import Snapshot as Snapshot
from ._snapshot import TermKind as TermKind
from ._status import SUCCESS as SUCCESS
from ._status import Code as Code
from ._status import Status as Status

__all__ = [
    "AffinityTerm",
    "BatchFilterPlugin",
    "BatchScorePlugin",
    "BindPlugin",
    "ClusterEvent",
    "Code",
    "CycleState",
    "DEFAULT_MEMORY_REQUEST",
    "DEFAULT_MILLI_CPU_REQUEST",
    "DEFAULT_PLUGINS",
    "DEFAULT_SCHEDULER_NAME",
    "EXTENSION_POINTS",
    "EnqueueExtensions",
    "FilterPlugin",
    "FitError",
    "Framework",
    "Handle",
    "LabelColumn",
    "MAX_NODE_SCORE",
    "NodeArrays",
    "NodeInfo",
    "NodeToStatus",
    "NormalizeScorePlugin",
    "PermitPlugin",
    "Plugin",
    "PluginFactory",
    "PluginRef",
    "PodInfo",
    "PostBindPlugin",
    "PostFilterPlugin",
    "PostFilterResult",
    "PreBindPlugin",
    "PreEnqueuePlugin",
    "PreFilterPlugin",
    "PreScorePlugin",
    "Profile",
    "QueueSortPlugin",
    "QueuedPodInfo",
    "Registry",
    "ReservePlugin",
    "SUCCESS",
    "ScheduleResult",
    "ScorePlugin",
    "Snapshot",
    "StateKey",
    "Status",
    "TermKind",
    "WeightedAffinityTerm",
    "check_declared",
    "fit_message",
    "normalized_image_name",
    "num_feasible_nodes_to_find",
]
