"""The scheduler: its framework (extension points, Status, CycleState, registry, profiles),
Kubernetes' default plugins, the snapshot of nodes they run over, and the Scheduler actor."""

from ._actor import Scheduler as Scheduler
from ._actor import SchedulerSettings as SchedulerSettings
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
    "Snapshot",
    "in_tree_registry",
]
