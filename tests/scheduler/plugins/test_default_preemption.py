"""DefaultPreemption: the fewest, least important victims per node, and among the nodes
Kubernetes' pickOneNodeForPreemption order: the lowest highest-priority victim, the lowest
sum of priorities, the fewest victims, the latest start of the top victims, then the first."""

from __future__ import annotations

import datetime as dt

import attrs

from kube_actors.api import (
    LabelSelector,
    ObjectMeta,
    PodDisruptionBudget,
    PodDisruptionBudgetSpec,
    PodDisruptionBudgetStatus,
    PodStatus,
    Taint,
)
from kube_actors.scheduler import CycleState, FitError, PodInfo
from kube_actors.scheduler.plugins import Candidate
from kube_actors.scheduler.plugins.default_preemption import num_candidates, pick_one

from .._builders import framework, node, pod, snapshot_of

T0 = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def _low(name: str, node_name: str, priority: int, cpu: str = "1", started: int = 0) -> object:
    p = pod(name, cpu=cpu, priority=priority, node_name=node_name)
    return attrs.evolve(p, status=PodStatus(start_time=T0 + dt.timedelta(minutes=started)))


def _candidates(nodes: list, pods: list, incoming: object) -> tuple[list[Candidate], str]:  # type: ignore[type-arg]
    fw = framework(snapshot_of(nodes, pods))
    state, info = CycleState(), PodInfo(incoming)  # type: ignore[arg-type]
    result = fw.schedule(state, info)
    assert isinstance(result, FitError), result
    candidates, dry_run = fw.plugin("DefaultPreemption").find_candidates(
        state, info, result.statuses
    )
    return candidates, "; ".join(f"{k}: {v.message}" for k, v in sorted(dry_run.items()))


def _victims(candidate: Candidate) -> list[str]:
    return [v.name for v in candidate.victims]


HIGH = pod("high", cpu="2", priority=100)


def test_the_most_important_lower_priority_pods_are_reprieved_first() -> None:
    # 4 CPU full with p1 (1), p2 (1), p5 (2); the incoming pod needs 2. All three removed,
    # then given back most important first: p5 still leaves room, then neither p2 nor p1 does.
    nodes = [node("n")]
    pods = [_low("p1", "n", 1), _low("p2", "n", 2), _low("p5", "n", 5, cpu="2")]
    candidates, _ = _candidates(nodes, pods, HIGH)
    assert [_victims(c) for c in candidates] == [["p2", "p1"]]


def test_pods_of_equal_or_higher_priority_are_never_victims() -> None:
    nodes = [node("n", cpu="2")]
    pods = [_low("peer", "n", 100, cpu="2")]
    candidates, message = _candidates(nodes, pods, HIGH)
    assert candidates == []
    assert message == "n: No preemption victims found for incoming pod"


def test_nodes_preemption_cannot_help_are_not_candidates() -> None:
    tainted = node("t", cpu="2", taints=[Taint(key="k", effect="NoSchedule")])
    pods = [_low("p", "t", 1, cpu="2")]
    candidates, message = _candidates([tainted], pods, HIGH)
    assert candidates == []
    assert message == "t: Preemption is not helpful for scheduling"


def test_the_node_whose_highest_victim_has_the_lowest_priority_wins() -> None:
    nodes = [node("n1", cpu="2"), node("n2", cpu="2")]
    pods = [_low("a", "n1", 10, cpu="2"), _low("b", "n2", 5, cpu="2")]
    candidates, _ = _candidates(nodes, pods, HIGH)
    assert pick_one(candidates).node.name == "n2"


def test_then_the_lowest_sum_of_priorities_wins() -> None:
    nodes = [node("n1", cpu="2"), node("n2", cpu="2")]
    pods = [
        _low("a1", "n1", 5),
        _low("a2", "n1", 5),
        _low("b1", "n2", 5),
        _low("b2", "n2", 1),
    ]
    candidates, _ = _candidates(nodes, pods, HIGH)
    assert pick_one(candidates).node.name == "n2"


def test_then_the_fewest_victims_win() -> None:
    # Equal highest priorities and, offset by 2^31 each, a lower sum needs fewer victims.
    nodes = [node("n1", cpu="2"), node("n2", cpu="2")]
    pods = [_low("a1", "n1", 5), _low("a2", "n1", 5), _low("b", "n2", 5, cpu="2")]
    candidates, _ = _candidates(nodes, pods, HIGH)
    chosen = pick_one(candidates)
    assert (chosen.node.name, _victims(chosen)) == ("n2", ["b"])


def test_then_the_node_whose_top_victims_started_last_wins() -> None:
    nodes = [node("n1", cpu="2"), node("n2", cpu="2"), node("n3", cpu="2")]
    pods = [
        _low("early", "n1", 5, cpu="2", started=0),
        _low("late", "n2", 5, cpu="2", started=30),
        _low("middle", "n3", 5, cpu="2", started=10),
    ]
    candidates, _ = _candidates(nodes, pods, HIGH)
    assert pick_one(candidates).node.name == "n2"


def test_a_pod_that_never_preempts_is_not_eligible() -> None:
    fw = framework(snapshot_of([node("n")]))
    never = PodInfo(pod("p", priority=100, preemption_policy="Never"))
    assert fw.plugin("DefaultPreemption").eligible(never) == (
        False,
        "not eligible due to preemptionPolicy=Never.",
    )


def test_preemption_looks_for_a_tenth_of_the_nodes_but_at_least_100() -> None:
    assert [num_candidates(n) for n in (5, 100, 500, 5000)] == [5, 100, 100, 500]


def _guarded(name: str, node_name: str, priority: int, started: int) -> object:
    p = pod(name, cpu="2", priority=priority, node_name=node_name, labels={"app": "guarded"})
    return attrs.evolve(p, status=PodStatus(start_time=T0 + dt.timedelta(minutes=started)))


def _budget(allowed: int) -> PodDisruptionBudget:
    return PodDisruptionBudget(
        metadata=ObjectMeta(name="guard", namespace="default"),
        spec=PodDisruptionBudgetSpec(selector=LabelSelector(match_labels={"app": "guarded"})),
        status=PodDisruptionBudgetStatus(disruptions_allowed=allowed),
    )


def _with_budgets(nodes: list, pods: list, budgets: list) -> list[Candidate]:  # type: ignore[type-arg]
    fw = framework(snapshot_of(nodes, pods))
    state, info = CycleState(), PodInfo(HIGH)
    result = fw.schedule(state, info)
    assert isinstance(result, FitError), result
    candidates, _ = fw.plugin("DefaultPreemption").find_candidates(
        state, info, result.statuses, budgets
    )
    assert isinstance(candidates, list)
    return candidates


def test_a_pod_its_budget_protects_is_given_back_before_the_others() -> None:
    # Two equal Pods fill the node; one must go. Without a budget the later-started one goes
    # (it is the less important); with a budget allowing no disruption, the other one does.
    nodes = [node("n")]
    pods = [_low("free", "n", 1, cpu="2", started=0), _guarded("guarded", "n", 1, started=5)]
    (plain,) = _with_budgets(nodes, pods, [])
    assert (_victims(plain), plain.violations) == (["guarded"], 0)
    (guarded,) = _with_budgets(nodes, pods, [_budget(0)])
    assert (_victims(guarded), guarded.violations) == (["free"], 0)
    (allowed,) = _with_budgets(nodes, pods, [_budget(1)])
    assert _victims(allowed) == ["guarded"]


def test_the_node_whose_victims_break_fewer_budgets_is_picked_first() -> None:
    # On a the only victim is guarded (priority 1); on b it is free but more important (5):
    # without budgets a wins (lower victim priority), with a budget b does.
    nodes = [node("a", cpu="2"), node("b", cpu="2")]
    pods = [_guarded("guarded", "a", 1, started=0), _low("free", "b", 5, cpu="2")]
    assert pick_one(_with_budgets(nodes, pods, [])).node.name == "a"
    best = pick_one(_with_budgets(nodes, pods, [_budget(0)]))
    assert (best.node.name, _victims(best), best.violations) == ("b", ["free"], 0)
