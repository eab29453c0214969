"""PodTopologySpread: DoNotSchedule constraints filter by skew (``matching in the domain + 1
- the fewest in any domain <= maxSkew``, the fewest counted as 0 below ``minDomains``),
ScheduleAnyway constraints score (fewer matching pods, higher score), and pods without
constraints get the system defaults over the selector of their owners."""

from typing import Any

from kube_actors.api import LabelSelector, Pod, TopologySpreadConstraint, compile_selector
from kube_actors.scheduler.framework import Code

from .._builders import HOSTNAME, ZONE, filter_statuses, node, passing, plugin_scores, pod

NODES = [
    node("a1", labels={ZONE: "a"}),
    node("a2", labels={ZONE: "a"}),
    node("b1", labels={ZONE: "b"}),
    node("nolabel"),
]
WEB = {"app": "web"}


def _spread(
    max_skew: int = 1, when: str = "DoNotSchedule", key: str = ZONE, min_domains: int | None = None
) -> TopologySpreadConstraint:
    return TopologySpreadConstraint(
        max_skew=max_skew,
        topology_key=key,
        when_unsatisfiable=when,
        label_selector=LabelSelector(match_labels=WEB),
        min_domains=min_domains,
    )


def _web(name: str, node_name: str = "", **kwargs: Any) -> Pod:
    return pod(name, labels=WEB, node_name=node_name, **kwargs)


EXISTING = [_web("w1", "a1"), _web("w2", "a2"), _web("w3", "b1")]  # a: 2, b: 1


def test_a_domain_that_would_exceed_max_skew_is_rejected() -> None:
    statuses = filter_statuses("PodTopologySpread", NODES, EXISTING, _web("p", spread=[_spread()]))
    assert passing(statuses) == {"b1"}  # a: 2 + 1 - 1 = 2 > 1
    assert statuses["a1"].code is Code.UNSCHEDULABLE
    assert statuses["a1"].reasons == ("node(s) didn't match pod topology spread constraints",)


def test_a_node_without_the_topology_key_cannot_be_helped() -> None:
    statuses = filter_statuses("PodTopologySpread", NODES, EXISTING, _web("p", spread=[_spread()]))
    assert statuses["nolabel"].code is Code.UNSCHEDULABLE_AND_UNRESOLVABLE
    assert "missing required label" in statuses["nolabel"].message


def test_a_larger_max_skew_admits_the_fuller_domain() -> None:
    incoming = _web("p", spread=[_spread(max_skew=2)])
    assert passing(filter_statuses("PodTopologySpread", NODES, EXISTING, incoming)) == {
        "a1",
        "a2",
        "b1",
    }


def test_below_min_domains_the_fewest_counts_as_zero() -> None:
    # Two zones, minDomains 3: b would be 1 + 1 - 0 = 2 > 1 as well.
    incoming = _web("p", spread=[_spread(min_domains=3)])
    assert passing(filter_statuses("PodTopologySpread", NODES, EXISTING, incoming)) == set()
    enough = _web("p", spread=[_spread(min_domains=2)])
    assert passing(filter_statuses("PodTopologySpread", NODES, EXISTING, enough)) == {"b1"}


def test_a_pod_not_matching_its_own_selector_does_not_count_itself() -> None:
    incoming = pod("p", labels={"app": "other"}, spread=[_spread()])
    # a: 2 + 0 - 1 = 1 <= 1
    assert passing(filter_statuses("PodTopologySpread", NODES, EXISTING, incoming)) == {
        "a1",
        "a2",
        "b1",
    }


def test_schedule_anyway_never_filters_and_scores_the_emptier_domain_higher() -> None:
    incoming = _web("p", spread=[_spread(when="ScheduleAnyway")])
    assert passing(filter_statuses("PodTopologySpread", NODES, EXISTING, incoming)) == {
        "a1",
        "a2",
        "b1",
        "nolabel",
    }
    nodes = NODES[:3]
    # a: 2 * ln(2 + 2) = 2.77 -> 3, b: 1.39 -> 1; normalised 100 * (3 + 1 - s) / 3
    assert plugin_scores("PodTopologySpread", nodes, EXISTING, incoming) == {
        "a1": 33,
        "a2": 33,
        "b1": 100,
    }


def test_a_node_without_the_key_scores_zero_under_explicit_constraints() -> None:
    incoming = _web("p", spread=[_spread(when="ScheduleAnyway")])
    assert plugin_scores("PodTopologySpread", NODES, EXISTING, incoming)["nolabel"] == 0


def test_hostname_spreading_counts_pods_per_node() -> None:
    incoming = _web("p", spread=[_spread(when="ScheduleAnyway", key=HOSTNAME, max_skew=1)])
    existing = [_web("w1", "a1"), _web("w2", "a1")]
    scores = plugin_scores("PodTopologySpread", NODES[:3], existing, incoming)
    assert scores["a1"] < scores["a2"] == scores["b1"] == 100


def test_system_defaults_spread_the_siblings_an_owner_selects() -> None:
    existing = [_web("w1", "a1"), _web("w2", "a1")]
    siblings = compile_selector(WEB)
    scores = plugin_scores(
        "PodTopologySpread",
        NODES[:3],
        existing,
        _web("p"),
        default_spread_selector=lambda _pod: siblings,
    )
    assert scores["a1"] < scores["b1"]
    assert scores["a2"] < scores["b1"]


def test_without_an_owner_selector_the_system_defaults_do_not_score() -> None:
    scores = plugin_scores("PodTopologySpread", NODES[:3], EXISTING, _web("p"))
    assert set(scores.values()) == {0}
