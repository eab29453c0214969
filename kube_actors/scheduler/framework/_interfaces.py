"""One small Protocol per extension point, as in Kubernetes' ``framework/interface.go``.

A plugin is any object with a ``name`` that implements one or more of these; the runtime
looks at what it implements and calls it at those points. A plugin class should *declare* its
extension points by naming them as bases (``class NodeName(PreFilterPlugin, FilterPlugin)``),
as Kubernetes writes ``var _ framework.FilterPlugin = &NodeName{}``: mypy then checks each
method's signature, and a profile refuses a plugin that declares an extension point and lacks
one of its methods (a misspelled ``filer`` is an error, not a Filter that never runs).

Filter and Score take one node at a time, as in Kubernetes. A plugin may also implement the
vectorised twin (``BatchFilterPlugin``, ``BatchScorePlugin``): the runtime then calls that once
for all nodes instead; both must agree, which the reference comparison tests check for the
default plugins.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

import attrs
import numpy as np
import numpy.typing as npt

from ._cycle_state import CycleState
from ._pod_info import PodInfo
from ._snapshot import NodeInfo, Snapshot
from ._status import Status

if TYPE_CHECKING:
    import random

    from kube_actors.api import Selector
    from kube_actors.client import Client

__all__ = [
    "MAX_NODE_SCORE",
    "BatchFilterPlugin",
    "BatchScorePlugin",
    "BindPlugin",
    "ClusterEvent",
    "EnqueueExtensions",
    "FilterPlugin",
    "Handle",
    "NodeToStatus",
    "NormalizeScorePlugin",
    "PermitPlugin",
    "Plugin",
    "PostBindPlugin",
    "PostFilterPlugin",
    "PostFilterResult",
    "PreBindPlugin",
    "PreEnqueuePlugin",
    "PreFilterPlugin",
    "PreScorePlugin",
    "QueueSortPlugin",
    "QueuedPodInfo",
    "ReservePlugin",
    "ScorePlugin",
]

#: The highest score a Score plugin gives (after NormalizeScore).
MAX_NODE_SCORE = 100

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: The events that can make an unschedulable pod schedulable (the queue's requeue triggers).
ClusterEvent = str  # "NodeAdd", "NodeUpdate", "AssignedPodDelete", "AssignedPodAdd", "PodUpdate"

#: Per node name, why the pod did not fit there.
NodeToStatus = dict[str, Status]


@attrs.define(eq=False)
class QueuedPodInfo:
    """A pod in the scheduling queue, with its bookkeeping."""

    pod_info: PodInfo
    #: When the pod entered the queue (the running clock): PrioritySort's tie-breaker.
    timestamp: float
    #: Scheduling attempts so far (back-off grows with them).
    attempts: int = 0
    #: When the first attempt started (for the end-to-end latency).
    initial_attempt: float | None = None
    #: The plugins that rejected the pod in its last attempt.
    unschedulable_plugins: frozenset[str] = frozenset()
    #: Monotonic sequence number: a stable last tie-breaker.
    seq: int = 0


@attrs.frozen
class PostFilterResult:
    """What a PostFilter plugin found: the node the pod is nominated to, if any."""

    nominated_node_name: str = ""


class Handle(Protocol):
    """What plugins may use besides their arguments: the snapshot, the client, randomness."""

    @property
    def snapshot(self) -> Snapshot: ...

    @property
    def client(self) -> Client | None: ...

    @property
    def random(self) -> random.Random: ...

    @property
    def profile_name(self) -> str: ...

    @property
    def vectorized(self) -> bool:
        """Whether Filter and Score run vectorised (False: the per-node reference)."""
        ...

    def default_spread_selector(self, pod: PodInfo) -> Selector | None:
        """The selector system-default topology spreading uses (from the pod's owners)."""
        ...

    def run_filters(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status:
        """Every Filter plugin of the profile on one node (preemption's what-if)."""
        ...

    def run_pre_filters(self, state: CycleState, pod: PodInfo) -> Status:
        """Every PreFilter plugin again (preemption, after changing the snapshot)."""
        ...


@runtime_checkable
class Plugin(Protocol):
    name: ClassVar[str]


@runtime_checkable
class PreEnqueuePlugin(Plugin, Protocol):
    def pre_enqueue(self, pod: PodInfo) -> Status: ...


@runtime_checkable
class QueueSortPlugin(Plugin, Protocol):
    def less(self, a: QueuedPodInfo, b: QueuedPodInfo) -> bool: ...

    def sort_key(self, pod: QueuedPodInfo) -> Any:
        """A key that orders like ``less`` (the queue is a heap of these)."""
        ...


@runtime_checkable
class EnqueueExtensions(Plugin, Protocol):
    def events_to_register(self) -> frozenset[ClusterEvent]:
        """The cluster events that may make a pod this plugin rejected schedulable."""
        ...


@runtime_checkable
class PreFilterPlugin(Plugin, Protocol):
    def pre_filter(self, state: CycleState, pod: PodInfo, snapshot: Snapshot) -> Status: ...


@runtime_checkable
class FilterPlugin(Plugin, Protocol):
    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status: ...


@runtime_checkable
class BatchFilterPlugin(FilterPlugin, Protocol):
    def filter_nodes(self, state: CycleState, pod: PodInfo, snapshot: Snapshot) -> BoolArray:
        """``filter`` over every node of the snapshot at once: True where it passes."""
        ...


@runtime_checkable
class PostFilterPlugin(Plugin, Protocol):
    async def post_filter(
        self, state: CycleState, pod: PodInfo, statuses: NodeToStatus
    ) -> tuple[PostFilterResult | None, Status]: ...


@runtime_checkable
class PreScorePlugin(Plugin, Protocol):
    def pre_score(self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]) -> Status: ...


@runtime_checkable
class ScorePlugin(Plugin, Protocol):
    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int: ...


@runtime_checkable
class BatchScorePlugin(ScorePlugin, Protocol):
    def score_nodes(
        self, state: CycleState, pod: PodInfo, snapshot: Snapshot, nodes: IntArray
    ) -> IntArray:
        """``score`` for the nodes at those snapshot positions, at once."""
        ...


@runtime_checkable
class NormalizeScorePlugin(Plugin, Protocol):
    def normalize_scores(self, state: CycleState, pod: PodInfo, scores: IntArray) -> IntArray:
        """Map the raw scores of the feasible nodes to 0..100 (a new array or in place)."""
        ...


@runtime_checkable
class ReservePlugin(Plugin, Protocol):
    def reserve(self, state: CycleState, pod: PodInfo, node_name: str) -> Status: ...

    def unreserve(self, state: CycleState, pod: PodInfo, node_name: str) -> None: ...


@runtime_checkable
class PermitPlugin(Plugin, Protocol):
    def permit(self, state: CycleState, pod: PodInfo, node_name: str) -> tuple[Status, float]:
        """Success, Wait (with a timeout in seconds) or a rejection."""
        ...


@runtime_checkable
class PreBindPlugin(Plugin, Protocol):
    """PreBind. A plugin may also offer Kubernetes' PreBindPreFlight,
    ``pre_bind_pre_flight(state, pod, node_name) -> Status``: Skip when its PreBind has
    nothing to do for the pod on that node (``Framework.run_pre_bind_pre_flights``)."""

    async def pre_bind(self, state: CycleState, pod: PodInfo, node_name: str) -> Status: ...


@runtime_checkable
class BindPlugin(Plugin, Protocol):
    async def bind(self, state: CycleState, pod: PodInfo, node_name: str) -> Status:
        """Bind, or return Skip to let the next Bind plugin do it."""
        ...


@runtime_checkable
class PostBindPlugin(Plugin, Protocol):
    def post_bind(self, state: CycleState, pod: PodInfo, node_name: str) -> None: ...


#: Builds a plugin from its arguments (None: the defaults) and the framework's handle.
PluginFactory = Callable[[Any, Handle], Plugin]

#: Every extension point, in the order a pod meets them.
EXTENSION_POINTS: tuple[type[Plugin], ...] = (
    PreEnqueuePlugin,
    QueueSortPlugin,
    EnqueueExtensions,
    PreFilterPlugin,
    FilterPlugin,
    BatchFilterPlugin,
    PostFilterPlugin,
    PreScorePlugin,
    ScorePlugin,
    BatchScorePlugin,
    NormalizeScorePlugin,
    ReservePlugin,
    PermitPlugin,
    PreBindPlugin,
    BindPlugin,
    PostBindPlugin,
)


def check_declared(plugin: object) -> None:
    """Raise ``TypeError`` if ``plugin`` declares an extension point (names it as a base) but
    one of that point's methods is found only on the Protocol itself, not implemented."""
    cls = type(plugin)
    for point in EXTENSION_POINTS:
        if point not in cls.__mro__:
            continue
        for method in _methods(point):
            owner = next(c for c in cls.__mro__ if method in vars(c))
            if owner in EXTENSION_POINTS:
                raise TypeError(
                    f"plugin {getattr(cls, 'name', cls.__name__)!r} declares "
                    f"{point.__name__} but does not implement {method}()"
                )


def _methods(point: type[Plugin]) -> list[str]:
    return [
        name for name, value in vars(point).items() if callable(value) and not name.startswith("_")
    ]


__all__ += ["EXTENSION_POINTS", "PluginFactory", "check_declared"]
