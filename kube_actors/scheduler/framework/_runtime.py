"""``Framework``: one profile's plugins, run at each extension point.

``schedule`` is kube-scheduler's ``schedulePod``: PreFilter, then Filter until enough feasible
nodes are found (``num_feasible_nodes_to_find``, starting where the last cycle stopped), then
PreScore, Score, NormalizeScore and the weighted sum, then the best node (ties broken with the
seeded random source). The binding-cycle points (Reserve, Permit, PreBind, Bind, PostBind)
follow.

Two ways to run Filter and Score, with the same results:

* vectorised (the default): a plugin that implements ``filter_nodes`` / ``score_nodes`` is
  called once for every node, over the snapshot's numpy columns; others per node;
* reference (``vectorized=False``): every plugin per node, node by node, in plain Python, as
  Kubernetes runs them. The tests compare the two, decision for decision.
"""

from __future__ import annotations

import random as _random
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, overload

import attrs
import numpy as np
import numpy.typing as npt

from ._cycle_state import CycleState
from ._diagnosis import FitError
from ._interfaces import (
    BatchFilterPlugin,
    BatchScorePlugin,
    BindPlugin,
    EnqueueExtensions,
    FilterPlugin,
    NodeToStatus,
    NormalizeScorePlugin,
    PermitPlugin,
    Plugin,
    PostBindPlugin,
    PostFilterPlugin,
    PostFilterResult,
    PreBindPlugin,
    PreEnqueuePlugin,
    PreFilterPlugin,
    PreScorePlugin,
    QueueSortPlugin,
    ReservePlugin,
    ScorePlugin,
    check_declared,
)
from ._pod_info import PodInfo
from ._profile import Profile
from ._registry import Registry
from ._snapshot import NodeInfo, Snapshot
from ._status import SUCCESS, Code, Status

if TYPE_CHECKING:
    from kube_actors.api import Selector
    from kube_actors.client import Client

__all__ = ["FeasibleNodes", "Framework", "ScheduleResult", "num_feasible_nodes_to_find"]

IntArray = npt.NDArray[np.int64]

#: What ``run_pre_bind_pre_flights`` returns when no PreBind plugin has work.
_SKIP = Status.skip()

MIN_FEASIBLE_NODES_TO_FIND = 100
MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5


class FeasibleNodes(Sequence[NodeInfo]):
    """The feasible nodes PreScore is given: the NodeInfos at ``positions`` of the
    snapshot's ``nodes``, in that order, listed the first time a plugin reads them.

    The in-tree plugins score from the snapshot's columns and never read them when
    vectorised, and listing the ~500 NodeInfos a cycle scores at 5,000 nodes was ~7 % of
    the cycle. Reading them later is the same as listing them at once because the snapshot
    does not change during a scheduling cycle (cycles are synchronous, and the cache is
    updated only between them)."""

    __slots__ = ("_listed", "_nodes", "_positions")

    def __init__(self, nodes: Sequence[NodeInfo], positions: IntArray) -> None:
        self._nodes = nodes
        self._positions = positions
        self._listed: list[NodeInfo] | None = None

    def _list(self) -> list[NodeInfo]:
        if self._listed is None:
            nodes = self._nodes
            self._listed = [nodes[p] for p in self._positions.tolist()]
        return self._listed

    def __len__(self) -> int:
        return len(self._positions)

    @overload
    def __getitem__(self, index: int) -> NodeInfo: ...

    @overload
    def __getitem__(self, index: slice) -> list[NodeInfo]: ...

    def __getitem__(self, index: int | slice) -> NodeInfo | list[NodeInfo]:
        return self._list()[index]

    def __iter__(self) -> Iterator[NodeInfo]:
        return iter(self._list())


def num_feasible_nodes_to_find(num_all_nodes: int, percentage: int | None = None) -> int:
    """How many feasible nodes to find before scoring (schedule_one.go).

    Under 100 nodes: all. Otherwise ``percentage`` of them (None or 0: the adaptive default,
    ``50 - nodes/125`` percent, at least 5 %), and never fewer than 100.
    """
    if num_all_nodes < MIN_FEASIBLE_NODES_TO_FIND or percentage == 100:
        return num_all_nodes
    if not percentage:
        percentage = 50 - num_all_nodes // 125
        if percentage < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND:
            percentage = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND
    found = num_all_nodes * percentage // 100
    return max(found, MIN_FEASIBLE_NODES_TO_FIND)


@attrs.frozen
class ScheduleResult:
    """Where the pod goes, and how the cycle got there."""

    node: NodeInfo
    #: Nodes the Filter plugins looked at (where the next cycle starts).
    evaluated: int
    feasible: int
    #: The feasible nodes (snapshot positions) and their total scores, for inspection.
    positions: IntArray = attrs.field(eq=False, repr=False)
    totals: IntArray = attrs.field(eq=False, repr=False)
    #: Per score plugin, its weighted, normalised score of each feasible node.
    plugin_scores: dict[str, IntArray] = attrs.field(eq=False, repr=False)


class Framework:
    """The plugins of one profile, instantiated, sorted by extension point."""

    def __init__(
        self,
        profile: Profile,
        registry: Registry,
        *,
        snapshot: Snapshot,
        client: Client | None = None,
        rng: _random.Random | None = None,
        default_spread_selector: Callable[[PodInfo], Selector | None] | None = None,
        percentage_of_nodes_to_score: int | None = None,
        vectorized: bool = True,
        nominated: Callable[[], Mapping[str, Mapping[str, PodInfo]]] | None = None,
    ) -> None:
        self.profile = profile
        self._snapshot = snapshot
        self._client = client
        self._random = rng if rng is not None else _random.Random(0)
        self._spread_selector = default_spread_selector
        self.percentage_of_nodes_to_score = percentage_of_nodes_to_score
        self.vectorized = vectorized
        self._nominated = nominated
        self.plugins: dict[str, Plugin] = {}
        self.weights: dict[str, int] = {}
        for ref in profile.plugins():
            if ref.name not in registry:
                raise ValueError(f"profile {profile.scheduler_name!r}: no plugin {ref.name!r}")
            args = profile.plugin_args.get(ref.name)
            plugin = registry[ref.name](args, self)
            check_declared(plugin)
            self.plugins[ref.name] = plugin
            self.weights[ref.name] = ref.weight or 1
        every = list(self.plugins.values())
        sorters = [p for p in every if isinstance(p, QueueSortPlugin)]
        if len(sorters) != 1:
            raise ValueError(f"profile {profile.scheduler_name!r} needs one QueueSort plugin")
        self.queue_sort: QueueSortPlugin = sorters[0]
        self.pre_enqueue = [p for p in every if isinstance(p, PreEnqueuePlugin)]
        self.pre_filter = [p for p in every if isinstance(p, PreFilterPlugin)]
        self.filter = [p for p in every if isinstance(p, FilterPlugin)]
        self.post_filter = [p for p in every if isinstance(p, PostFilterPlugin)]
        self.pre_score = [p for p in every if isinstance(p, PreScorePlugin)]
        self.score = [p for p in every if isinstance(p, ScorePlugin)]
        self.reserve = [p for p in every if isinstance(p, ReservePlugin)]
        self.permit = [p for p in every if isinstance(p, PermitPlugin)]
        self.pre_bind = [p for p in every if isinstance(p, PreBindPlugin)]
        self.bind = [p for p in every if isinstance(p, BindPlugin)]
        #: Each PreBind plugin's name and PreBindPreFlight (None: it has none).
        self._pre_bind_pre_flights: list[tuple[str, Callable[..., Status] | None]] = [
            (p.name, getattr(p, "pre_bind_pre_flight", None)) for p in self.pre_bind
        ]
        self.post_bind = [p for p in every if isinstance(p, PostBindPlugin)]
        self._batch_filter = {p.name for p in self.filter if isinstance(p, BatchFilterPlugin)}
        self._batch_score = {p.name for p in self.score if isinstance(p, BatchScorePlugin)}
        self._normalize = {p.name for p in self.score if isinstance(p, NormalizeScorePlugin)}
        self.events: dict[str, frozenset[str]] = {
            p.name: p.events_to_register() for p in every if isinstance(p, EnqueueExtensions)
        }

    def __repr__(self) -> str:
        return f"<Framework {self.profile.scheduler_name} plugins={list(self.plugins)}>"

    # ---------------------------------------------------------------------- Handle

    @property
    def snapshot(self) -> Snapshot:
        return self._snapshot

    @property
    def client(self) -> Client | None:
        return self._client

    @property
    def random(self) -> _random.Random:
        return self._random

    @property
    def profile_name(self) -> str:
        return self.profile.scheduler_name

    def default_spread_selector(self, pod: PodInfo) -> Selector | None:
        return self._spread_selector(pod) if self._spread_selector is not None else None

    # ------------------------------------------------------------ scheduling cycle

    def run_pre_enqueue(self, pod: PodInfo) -> Status:
        for plugin in self.pre_enqueue:
            status = plugin.pre_enqueue(pod)
            if not status.is_success:
                return status.with_plugin(plugin.name)
        return SUCCESS

    def run_pre_filters(self, state: CycleState, pod: PodInfo) -> Status:
        state.skip_filter_plugins.clear()
        for plugin in self.pre_filter:
            status = plugin.pre_filter(state, pod, self._snapshot)
            if status.is_skip:
                state.skip_filter_plugins.add(plugin.name)
            elif not status.is_success:
                return status.with_plugin(plugin.name)
        return SUCCESS

    def run_filters(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status:
        skip = state.skip_filter_plugins
        for plugin in self.filter:
            if plugin.name in skip:
                continue
            status = plugin.filter(state, pod, node)
            if not status.is_success:
                return status.with_plugin(plugin.name)
        return SUCCESS

    def find_feasible(
        self, state: CycleState, pod: PodInfo, start: int, limit: int
    ) -> tuple[IntArray, int]:
        """Up to ``limit`` feasible nodes (positions, in the order checked from ``start``)
        and how many nodes were checked to find them."""
        n = len(self._snapshot)
        if not self.vectorized:
            return self._find_feasible_per_node(state, pod, start, limit, self.filter)
        skip = state.skip_filter_plugins
        mask: npt.NDArray[np.bool_] | None = None
        per_node: list[FilterPlugin] = []
        for plugin in self.filter:
            if plugin.name in skip:
                continue
            if plugin.name in self._batch_filter:
                passed = plugin.filter_nodes(state, pod, self._snapshot)  # type: ignore[attr-defined]
                mask = passed if mask is None else mask & passed
            else:
                per_node.append(plugin)
        if mask is None:
            candidates = np.arange(n, dtype=np.int64)
        else:
            candidates = np.flatnonzero(mask).astype(np.int64, copy=False)
        blocked = self.blocked_by_nominated(state, pod)
        if blocked:
            candidates = candidates[~np.isin(candidates, np.fromiter(blocked, np.int64))]
        cut = int(np.searchsorted(candidates, start))
        rotated = np.concatenate((candidates[cut:], candidates[:cut])) if cut else candidates
        if per_node:
            return self._check_per_node(state, pod, rotated, start, limit, per_node)
        if len(rotated) < limit:
            return rotated, n
        found = rotated[:limit]
        return found, (int(found[-1]) - start) % n + 1

    def _find_feasible_per_node(
        self,
        state: CycleState,
        pod: PodInfo,
        start: int,
        limit: int,
        plugins: Sequence[FilterPlugin],
    ) -> tuple[IntArray, int]:
        n = len(self._snapshot)
        order = np.array([(start + i) % n for i in range(n)], np.int64)
        return self._check_per_node(state, pod, order, start, limit, plugins)

    def _check_per_node(
        self,
        state: CycleState,
        pod: PodInfo,
        order: IntArray,
        start: int,
        limit: int,
        plugins: Sequence[FilterPlugin],
    ) -> tuple[IntArray, int]:
        nodes = self._snapshot.nodes
        n = len(nodes)
        skip = state.skip_filter_plugins
        found: list[int] = []
        blocked = self.blocked_by_nominated(state, pod) if not self.vectorized else {}
        for position in order.tolist():
            if position in blocked:
                continue
            node = nodes[position]
            for plugin in plugins:
                if plugin.name not in skip and not plugin.filter(state, pod, node).is_success:
                    break
            else:
                found.append(position)
                if len(found) == limit:
                    return np.array(found, np.int64), (position - start) % n + 1
        return np.array(found, np.int64), n

    def diagnose(self, state: CycleState, pod: PodInfo) -> NodeToStatus:
        """Why each node rejects the pod: the first Filter plugin to say no, per node."""
        statuses: NodeToStatus = {}
        blocked = self.blocked_by_nominated(state, pod)
        for node in self._snapshot.nodes:
            status = blocked.get(node.index) or self.run_filters(state, pod, node)
            if not status.is_success:
                statuses[node.name] = status
        return statuses

    def blocked_by_nominated(self, state: CycleState, pod: PodInfo) -> dict[int, Status]:
        """Nodes (snapshot positions) where the pod fits only if the pods nominated there
        with at least its priority are ignored: Kubernetes' ``addNominatedPods``, applied to
        the node's own facts (the PreFilter states of spreading and affinity are not
        updated with the nominated pods)."""
        if self._nominated is None:
            return {}
        blocked: dict[int, Status] = {}
        for name, pods in self._nominated().items():
            node = self._snapshot.get(name)
            if node is None:
                continue
            others = [p for p in pods.values() if p.key != pod.key and p.priority >= pod.priority]
            if not others:
                continue
            what_if = node.clone()
            for other in others:
                what_if.add_pod(other)
            status = self.run_filters(state, pod, what_if)
            if not status.is_success:
                blocked[node.index] = status
        return blocked

    def run_pre_scores(self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]) -> Status:
        state.skip_score_plugins.clear()
        for plugin in self.pre_score:
            status = plugin.pre_score(state, pod, nodes)
            if status.is_skip:
                state.skip_score_plugins.add(plugin.name)
            elif not status.is_success:
                return status.with_plugin(plugin.name)
        return SUCCESS

    def run_scores(
        self, state: CycleState, pod: PodInfo, positions: IntArray
    ) -> tuple[IntArray, dict[str, IntArray]]:
        """The weighted total of each node, and each plugin's weighted share."""
        totals = np.zeros(len(positions), np.int64)
        shares: dict[str, IntArray] = {}
        nodes = self._snapshot.nodes
        for plugin in self.score:
            name = plugin.name
            if name in state.skip_score_plugins:
                continue
            if self.vectorized and name in self._batch_score:
                raw = plugin.score_nodes(state, pod, self._snapshot, positions)  # type: ignore[attr-defined]
            else:
                raw = np.array(
                    [plugin.score(state, pod, nodes[p]) for p in positions.tolist()], np.int64
                )
            if name in self._normalize:
                raw = plugin.normalize_scores(state, pod, raw)  # type: ignore[attr-defined]
            share = raw * self.weights[name]
            shares[name] = share
            totals += share
        return totals, shares

    def select_host(self, positions: IntArray, totals: IntArray) -> int:
        """The best-scored node; among equals, one chosen at random (seeded)."""
        best = np.flatnonzero(totals == totals.max())
        if len(best) == 1:
            return int(positions[best[0]])
        return int(positions[best[self._random.randrange(len(best))]])

    def schedule(
        self, state: CycleState, pod: PodInfo, start: int = 0
    ) -> ScheduleResult | FitError | Status:
        """One scheduling cycle's decision: a node, a ``FitError``, or an Error status."""
        snapshot = self._snapshot
        n = len(snapshot)
        if n == 0:
            return FitError(0, pre_filter_message="no nodes available to schedule pods")
        status = self.run_pre_filters(state, pod)
        if status.is_rejected:
            statuses = {node.name: status for node in snapshot.nodes}
            return FitError(n, statuses, pre_filter_message=status.message)
        if not status.is_success:
            return status
        if self.vectorized:
            snapshot.arrays  # noqa: B018  (positions are valid once the columns are)
        else:
            for i, node in enumerate(snapshot.nodes):
                node.index = i
        limit = num_feasible_nodes_to_find(n, self.percentage_of_nodes_to_score)
        positions, evaluated = self.find_feasible(state, pod, start % n, limit)
        if len(positions) == 0:
            statuses = self.diagnose(state, pod)
            for status in statuses.values():
                if status.code is Code.ERROR:  # a plugin failed: retry with back-off
                    return status
            return FitError(n, statuses)
        nodes = snapshot.nodes
        if len(positions) == 1:
            one = np.zeros(1, np.int64)
            return ScheduleResult(nodes[int(positions[0])], evaluated, 1, positions, one, {})
        status = self.run_pre_scores(state, pod, FeasibleNodes(nodes, positions))
        if not status.is_success:
            return status
        totals, shares = self.run_scores(state, pod, positions)
        chosen = self.select_host(positions, totals)
        return ScheduleResult(nodes[chosen], evaluated, len(positions), positions, totals, shares)

    async def run_post_filters(
        self, state: CycleState, pod: PodInfo, statuses: NodeToStatus
    ) -> tuple[PostFilterResult | None, Status]:
        messages: list[str] = []
        for plugin in self.post_filter:
            result, status = await plugin.post_filter(state, pod, statuses)
            if status.is_success:
                return result, status
            if status.code is Code.ERROR:
                return None, status.with_plugin(plugin.name)
            if status.message:
                messages.append(status.message)
        return None, Status(Code.UNSCHEDULABLE, tuple(messages))

    # --------------------------------------------------------------- binding cycle

    def run_reserve(self, state: CycleState, pod: PodInfo, node: str) -> Status:
        for i, plugin in enumerate(self.reserve):
            status = plugin.reserve(state, pod, node)
            if not status.is_success:
                for done in reversed(self.reserve[: i + 1]):
                    done.unreserve(state, pod, node)
                return status.with_plugin(plugin.name)
        return SUCCESS

    def run_unreserve(self, state: CycleState, pod: PodInfo, node: str) -> None:
        for plugin in reversed(self.reserve):
            plugin.unreserve(state, pod, node)

    def run_permit(self, state: CycleState, pod: PodInfo, node: str) -> tuple[Status, float]:
        """Success, a rejection, or Wait with the longest timeout asked for."""
        wait = 0.0
        for plugin in self.permit:
            status, timeout = plugin.permit(state, pod, node)
            if status.code is Code.WAIT:
                wait = max(wait, timeout)
            elif not status.is_success:
                return status.with_plugin(plugin.name), 0.0
        return (Status(Code.WAIT), wait) if wait else (SUCCESS, 0.0)

    def run_pre_bind_pre_flights(self, state: CycleState, pod: PodInfo, node: str) -> Status:
        """Kubernetes' RunPreBindPreFlights: Skip when no PreBind plugin has anything to do
        for ``pod`` on ``node``, so PreBind need not run; Success when one has (a plugin
        without ``pre_bind_pre_flight`` is taken to have), or the first error."""
        result = _SKIP
        for name, pre_flight in self._pre_bind_pre_flights:
            if pre_flight is None:
                result = SUCCESS
                continue
            status: Status = pre_flight(state, pod, node)
            code = status.code
            if code is Code.SUCCESS:
                result = SUCCESS
            elif code is not Code.SKIP:
                return status.with_plugin(name)
        return result

    async def run_pre_bind(self, state: CycleState, pod: PodInfo, node: str) -> Status:
        for plugin in self.pre_bind:
            status = await plugin.pre_bind(state, pod, node)
            if not status.is_success:
                return status.with_plugin(plugin.name)
        return SUCCESS

    async def run_bind(self, state: CycleState, pod: PodInfo, node: str) -> Status:
        for plugin in self.bind:
            status = await plugin.bind(state, pod, node)
            if status.is_success:
                return status  # as Kubernetes' RunBindPlugins: only a failure names its plugin
            if not status.is_skip:
                return status.with_plugin(plugin.name)
        return Status.error("no Bind plugin bound the pod")

    def run_post_bind(self, state: CycleState, pod: PodInfo, node: str) -> None:
        for plugin in self.post_bind:
            plugin.post_bind(state, pod, node)

    def plugin(self, name: str) -> Any:
        return self.plugins[name]
