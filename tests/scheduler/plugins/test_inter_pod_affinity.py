"""InterPodAffinity: required affinity needs a matching pod in the node's domain (the first
pod of a group that matches itself may go anywhere with the key), required anti-affinity
forbids domains with a matching pod, existing pods' anti-affinity is honoured both ways;
preferred terms score their weights per matching pod, scaled between the lowest and the
highest node."""

from kube_actors.api import (
    Affinity,
    LabelSelector,
    PodAffinity,
    PodAffinityTerm,
    PodAntiAffinity,
    WeightedPodAffinityTerm,
)
from kube_actors.scheduler.framework import Code

from .._builders import HOSTNAME, ZONE, filter_statuses, node, passing, plugin_scores, pod

NODES = [
    node("a1", labels={ZONE: "a"}),
    node("a2", labels={ZONE: "a"}),
    node("b1", labels={ZONE: "b"}),
    node("nozone"),
]
DB = pod("db", labels={"app": "db"}, node_name="a1")


def _term(app: str, key: str = ZONE) -> PodAffinityTerm:
    return PodAffinityTerm(
        label_selector=LabelSelector(match_labels={"app": app}), topology_key=key
    )


def _affinity(*terms: PodAffinityTerm) -> Affinity:
    return Affinity(
        pod_affinity=PodAffinity(required_during_scheduling_ignored_during_execution=terms)
    )


def _anti(*terms: PodAffinityTerm) -> Affinity:
    return Affinity(
        pod_anti_affinity=PodAntiAffinity(required_during_scheduling_ignored_during_execution=terms)
    )


def test_required_affinity_admits_only_the_domain_of_a_matching_pod() -> None:
    incoming = pod("web", labels={"app": "web"}, affinity=_affinity(_term("db")))
    statuses = filter_statuses("InterPodAffinity", NODES, [DB], incoming)
    assert passing(statuses) == {"a1", "a2"}
    assert statuses["b1"].code is Code.UNSCHEDULABLE_AND_UNRESOLVABLE
    assert statuses["b1"].reasons == ("node(s) didn't match pod affinity rules",)


def test_without_any_matching_pod_required_affinity_admits_nothing() -> None:
    incoming = pod("web", labels={"app": "web"}, affinity=_affinity(_term("db")))
    assert passing(filter_statuses("InterPodAffinity", NODES, [], incoming)) == set()


def test_the_first_pod_of_a_group_matching_its_own_term_goes_wherever_the_key_is() -> None:
    incoming = pod("web", labels={"app": "web"}, affinity=_affinity(_term("web")))
    assert passing(filter_statuses("InterPodAffinity", NODES, [DB], incoming)) == {
        "a1",
        "a2",
        "b1",
    }


def test_required_anti_affinity_forbids_the_domain_of_a_matching_pod() -> None:
    incoming = pod("web", labels={"app": "web"}, affinity=_anti(_term("db")))
    statuses = filter_statuses("InterPodAffinity", NODES, [DB], incoming)
    assert passing(statuses) == {"b1", "nozone"}
    assert statuses["a2"].code is Code.UNSCHEDULABLE
    assert statuses["a2"].reasons == ("node(s) didn't match pod anti-affinity rules",)


def test_anti_affinity_per_hostname_forbids_only_that_node() -> None:
    incoming = pod("web", labels={"app": "web"}, affinity=_anti(_term("db", HOSTNAME)))
    assert passing(filter_statuses("InterPodAffinity", NODES, [DB], incoming)) == {
        "a2",
        "b1",
        "nozone",
    }


def test_an_existing_pods_anti_affinity_keeps_out_the_pods_it_matches() -> None:
    loner = pod("loner", labels={"app": "db"}, node_name="b1", affinity=_anti(_term("web")))
    statuses = filter_statuses(
        "InterPodAffinity", NODES, [loner], pod("web", labels={"app": "web"})
    )
    assert passing(statuses) == {"a1", "a2", "nozone"}
    assert statuses["b1"].reasons == ("node(s) didn't satisfy existing pods anti-affinity rules",)
    other = pod("other", labels={"app": "cache"})
    assert passing(filter_statuses("InterPodAffinity", NODES, [loner], other)) == {
        n.metadata.name for n in NODES
    }


def test_anti_affinity_selects_pods_of_the_pods_namespace_only() -> None:
    elsewhere = pod("db", namespace="other", labels={"app": "db"}, node_name="a1")
    incoming = pod("web", labels={"app": "web"}, affinity=_anti(_term("db")))
    assert len(passing(filter_statuses("InterPodAffinity", NODES, [elsewhere], incoming))) == 4


def test_preferred_affinity_and_anti_affinity_score_per_matching_pod_scaled_min_to_max() -> None:
    cache = pod("cache", labels={"app": "cache"}, node_name="b1")
    preferred = Affinity(
        pod_affinity=PodAffinity(
            preferred_during_scheduling_ignored_during_execution=[
                WeightedPodAffinityTerm(weight=10, pod_affinity_term=_term("db"))
            ]
        ),
        pod_anti_affinity=PodAntiAffinity(
            preferred_during_scheduling_ignored_during_execution=[
                WeightedPodAffinityTerm(weight=5, pod_affinity_term=_term("cache"))
            ]
        ),
    )
    incoming = pod("web", labels={"app": "web"}, affinity=preferred)
    # a: +10, b: -5, no zone: 0 -> (s + 5) * 100 / 15
    assert plugin_scores("InterPodAffinity", NODES, [DB, cache], incoming) == {
        "a1": 100,
        "a2": 100,
        "b1": 0,
        "nozone": 33,
    }


def test_an_existing_pods_required_affinity_attracts_the_pods_it_matches_with_weight_1() -> None:
    follower = pod("f", labels={"app": "f"}, node_name="b1", affinity=_affinity(_term("web")))
    scores = plugin_scores("InterPodAffinity", NODES, [follower], pod("web", labels={"app": "web"}))
    assert scores == {"a1": 0, "a2": 0, "b1": 100, "nozone": 0}
