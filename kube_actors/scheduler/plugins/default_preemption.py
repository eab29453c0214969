"""DefaultPreemption: when a pod fits nowhere, evict lower-priority pods to make room.

For each node where preemption might help (its Filter status was ``Unschedulable``, not
``UnschedulableAndUnresolvable``), remove every lower-priority pod and check the pod fits;
then give back as many of them as still let it fit, most important first, and those whose
PodDisruptionBudget has no disruption left before the others: the rest are the victims.
Among the candidate nodes, pick as Kubernetes' ``pickOneNodeForPreemption`` does: the fewest
victims whose budget they would break, then the lowest highest-priority victim, then the
lowest sum of priorities, then the fewest victims, then the latest start of the
highest-priority victims, then the first. As in Kubernetes, the dry runs start at a random
node and stop once 10 % of the nodes (at least 100) are candidates. Then set the pod's
``nominatedNodeName`` and delete the victims gracefully.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import attrs

from kube_actors.api import Pod, PodDisruptionBudget, compile_selector
from kube_actors.errors import ApiError

from ..framework import (
    SUCCESS,
    Code,
    CycleState,
    Handle,
    NodeInfo,
    NodeToStatus,
    PodInfo,
    PostFilterPlugin,
    PostFilterResult,
    Status,
    fit_message,
)

__all__ = ["Candidate", "DefaultPreemption", "num_candidates", "pick_one"]

NOT_HELPFUL = "Preemption is not helpful for scheduling"
NO_VICTIMS = "No preemption victims found for incoming pod"
_OFFSET = 2**31  # MaxInt32 + 1: makes every priority positive before summing
_NEVER = dt.datetime.max.replace(tzinfo=dt.UTC)


@attrs.frozen
class Candidate:
    node: NodeInfo
    #: Most important first.
    victims: tuple[PodInfo, ...]
    #: How many of the victims their PodDisruptionBudget does not allow to go.
    violations: int = 0


def _start(pod: PodInfo) -> dt.datetime:
    meta, status = pod.pod.metadata, pod.pod.status
    return status.start_time or meta.creation_timestamp or _NEVER


def _importance(pod: PodInfo) -> tuple[int, dt.datetime]:
    """Sorts more important pods first: higher priority, then started earlier."""
    return (-pod.priority, _start(pod))


class DefaultPreemption(PostFilterPlugin):
    name: ClassVar[str] = "DefaultPreemption"

    def __init__(self, handle: Handle) -> None:
        self.handle = handle

    @classmethod
    def new(cls, args: Any, handle: Handle) -> DefaultPreemption:
        return cls(handle)

    async def post_filter(
        self, state: CycleState, pod: PodInfo, statuses: NodeToStatus
    ) -> tuple[PostFilterResult | None, Status]:
        eligible, why = self.eligible(pod)
        if not eligible:
            return None, Status.unschedulable(f"preemption: {why}")
        budgets = await self._budgets()
        candidates, dry_run = self.find_candidates(state, pod, statuses, budgets)
        if not candidates:
            message = fit_message(len(self.handle.snapshot), dry_run)
            return None, Status.unschedulable(f"preemption: {message}")
        best = pick_one(candidates)
        error = await self._prepare(pod, best)
        if error is not None:
            return None, Status.error(error)
        return PostFilterResult(best.node.name), SUCCESS

    def eligible(self, pod: PodInfo) -> tuple[bool, str]:
        if pod.pod.spec.preemption_policy == "Never":
            return False, "not eligible due to preemptionPolicy=Never."
        nominated = self.handle.snapshot.get(pod.pod.status.nominated_node_name)
        if nominated is not None and any(
            p.terminating and p.priority < pod.priority for p in nominated.pods.values()
        ):
            return False, "not eligible due to a terminating pod on the nominated node."
        return True, ""

    async def _budgets(self) -> list[PodDisruptionBudget]:
        """Every PodDisruptionBudget, read once per preemption (none without a client)."""
        client = self.handle.client
        if client is None:
            return []
        try:
            return await client.list(PodDisruptionBudget)
        except ApiError:
            return []

    def find_candidates(
        self,
        state: CycleState,
        pod: PodInfo,
        statuses: NodeToStatus,
        budgets: Sequence[PodDisruptionBudget] = (),
    ) -> tuple[list[Candidate], NodeToStatus]:
        """Dry runs from a random node on, until enough candidates are found (10 % of the
        nodes, at least 100: DefaultPreemptionArgs' defaults)."""
        candidates: list[Candidate] = []
        dry_run: NodeToStatus = {}
        nodes = self.handle.snapshot.nodes
        wanted = num_candidates(len(nodes))
        offset = self.handle.random.randrange(len(nodes)) if nodes else 0
        for i in range(len(nodes)):
            if len(candidates) >= wanted:
                break
            node = nodes[(offset + i) % len(nodes)]
            status = statuses.get(node.name)
            if status is not None and status.code is Code.UNSCHEDULABLE_AND_UNRESOLVABLE:
                dry_run[node.name] = Status.unresolvable(NOT_HELPFUL)
                continue
            victims, status, violations = self.select_victims(state, pod, node, budgets)
            if status.is_success and victims:
                candidates.append(Candidate(node, victims, violations))
            elif status.is_success:
                dry_run[node.name] = Status.error(
                    f"expected at least one victim pod on node {node.name!r}"
                )
            else:
                dry_run[node.name] = status
        return candidates, dry_run

    def select_victims(
        self,
        state: CycleState,
        pod: PodInfo,
        node: NodeInfo,
        budgets: Sequence[PodDisruptionBudget] = (),
    ) -> tuple[tuple[PodInfo, ...], Status, int]:
        what_if = node.clone()
        lower = sorted(
            (p for p in node.pods.values() if p.priority < pod.priority), key=_importance
        )
        if not lower:
            # SelectVictimsOnNode: nothing of lower priority runs here to make room.
            return (), Status.unresolvable(NO_VICTIMS), 0
        for victim in lower:
            what_if.remove_pod(victim.key)
        state = state.clone()
        status = self.handle.run_filters(state, pod, what_if)
        if not status.is_success:
            return (), status, 0
        violating, sparing = _split_by_budget(lower, budgets)
        victims: list[PodInfo] = []
        violations = 0
        # Give back the Pods a budget protects first, so they are the last to be taken.
        for group, breaks_budget in ((violating, True), (sparing, False)):
            for candidate in group:
                what_if.add_pod(candidate)
                if not self.handle.run_filters(state, pod, what_if).is_success:
                    what_if.remove_pod(candidate.key)
                    victims.append(candidate)
                    violations += breaks_budget
        return tuple(sorted(victims, key=_importance)), SUCCESS, violations

    async def _prepare(self, pod: PodInfo, candidate: Candidate) -> str | None:
        client = self.handle.client
        if client is None:
            return None
        meta = pod.pod.metadata
        try:
            await client.patch_status(
                Pod,
                meta.name,
                {"status": {"nominatedNodeName": candidate.node.name}},
                namespace=meta.namespace,
            )
            for victim in candidate.victims:
                vmeta = victim.pod.metadata
                await client.delete(
                    Pod, vmeta.name, namespace=vmeta.namespace, ignore_not_found=True
                )
        except ApiError as error:
            return str(error)
        return None


MIN_CANDIDATE_NODES_PERCENTAGE = 10
MIN_CANDIDATE_NODES_ABSOLUTE = 100


def num_candidates(num_nodes: int) -> int:
    """How many candidate nodes a preemption looks for (``calculateNumCandidates``)."""
    wanted = num_nodes * MIN_CANDIDATE_NODES_PERCENTAGE // 100
    return min(max(wanted, MIN_CANDIDATE_NODES_ABSOLUTE), num_nodes)


def pick_one(candidates: Sequence[Candidate]) -> Candidate:
    """The candidate Kubernetes would pick (pickOneNodeForPreemption)."""
    criteria: list[Callable[[Candidate], Any]] = [
        lambda c: -c.violations,  # the fewest disruption budgets broken
        lambda c: -c.victims[0].priority,  # the lowest highest-priority victim
        lambda c: -sum(v.priority + _OFFSET for v in c.victims),  # the lowest sum
        lambda c: -len(c.victims),  # the fewest victims
        lambda c: _latest_start(c.victims),  # the latest start of the top victims
    ]
    remaining = list(candidates)
    for key in criteria:
        best = max(key(c) for c in remaining)
        remaining = [c for c in remaining if key(c) == best]
        if len(remaining) == 1:
            break
    return remaining[0]


def _split_by_budget(
    pods: Sequence[PodInfo], budgets: Sequence[PodDisruptionBudget]
) -> tuple[list[PodInfo], list[PodInfo]]:
    """The Pods whose going would break a budget, and the others (``filterPodsWithPDBViolation``):
    each budget's allowed disruptions are spent on its Pods in order, most important first."""
    allowed = [b.status.disruptions_allowed for b in budgets]
    violating: list[PodInfo] = []
    sparing: list[PodInfo] = []
    for info in pods:
        meta = info.pod.metadata
        breaks = False
        for i, budget in enumerate(budgets):
            selector = budget.spec.selector
            if budget.metadata.namespace != meta.namespace or not meta.labels:
                continue
            if selector is None or (not selector.match_labels and not selector.match_expressions):
                continue  # Kubernetes skips an empty selector here
            if not compile_selector(selector).matches(meta.labels):
                continue
            if meta.name in budget.status.disrupted_pods:
                continue  # already counted by an eviction
            allowed[i] -= 1
            breaks = breaks or allowed[i] < 0
        (violating if breaks else sparing).append(info)
    return violating, sparing


def _latest_start(victims: tuple[PodInfo, ...]) -> dt.datetime:
    top = victims[0].priority
    return min(_start(v) for v in victims if v.priority == top)
