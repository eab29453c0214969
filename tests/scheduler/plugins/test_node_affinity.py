"""NodeAffinity: nodeSelector and required terms filter (terms ORed, requirements ANDed;
In, NotIn, Exists, DoesNotExist, Gt, Lt; matchFields on metadata.name), preferred terms
score their weights, scaled so the best node has 100."""

from kube_actors.api import (
    Affinity,
    NodeAffinity,
    NodeSelector,
    NodeSelectorRequirement,
    NodeSelectorTerm,
    PreferredSchedulingTerm,
)
from kube_actors.scheduler.framework import Code

from .._builders import ZONE, filter_statuses, node, passing, plugin_scores, pod

NODES = [
    node("a1", labels={ZONE: "a", "disk": "ssd", "cores": "8"}),
    node("a2", labels={ZONE: "a", "cores": "16"}),
    node("b1", labels={ZONE: "b", "disk": "ssd", "cores": "x"}),
    node("bare"),
]


def _req(key: str, op: str, *values: str) -> NodeSelectorRequirement:
    return NodeSelectorRequirement(key=key, operator=op, values=list(values))


def _required(*terms: NodeSelectorTerm) -> Affinity:
    return Affinity(
        node_affinity=NodeAffinity(
            required_during_scheduling_ignored_during_execution=NodeSelector(
                node_selector_terms=list(terms)
            )
        )
    )


def _fits(*terms: NodeSelectorTerm, selector: dict[str, str] | None = None) -> set[str]:
    incoming = pod("p", affinity=_required(*terms) if terms else None, node_selector=selector)
    return passing(filter_statuses("NodeAffinity", NODES, [], incoming))


def _expr(*reqs: NodeSelectorRequirement) -> NodeSelectorTerm:
    return NodeSelectorTerm(match_expressions=list(reqs))


def test_node_selector_needs_every_label_and_cannot_be_helped() -> None:
    incoming = pod("p", node_selector={ZONE: "a", "disk": "ssd"})
    statuses = filter_statuses("NodeAffinity", NODES, [], incoming)
    assert passing(statuses) == {"a1"}
    assert statuses["a2"].code is Code.UNSCHEDULABLE_AND_UNRESOLVABLE
    assert statuses["a2"].reasons == ("node(s) didn't match Pod's node affinity/selector",)


def test_in_and_not_in_where_not_in_matches_nodes_without_the_label() -> None:
    assert _fits(_expr(_req(ZONE, "In", "a"))) == {"a1", "a2"}
    assert _fits(_expr(_req(ZONE, "NotIn", "a"))) == {"b1", "bare"}


def test_exists_and_does_not_exist() -> None:
    assert _fits(_expr(_req("disk", "Exists"))) == {"a1", "b1"}
    assert _fits(_expr(_req("disk", "DoesNotExist"))) == {"a2", "bare"}


def test_gt_and_lt_compare_integers_and_a_non_integer_label_never_matches() -> None:
    assert _fits(_expr(_req("cores", "Gt", "8"))) == {"a2"}
    assert _fits(_expr(_req("cores", "Lt", "16"))) == {"a1"}


def test_requirements_of_a_term_are_anded_and_terms_are_ored() -> None:
    both = _expr(_req(ZONE, "In", "a"), _req("disk", "Exists"))
    assert _fits(both) == {"a1"}
    assert _fits(both, _expr(_req(ZONE, "In", "b"))) == {"a1", "b1"}


def test_match_fields_selects_nodes_by_name() -> None:
    by_name = NodeSelectorTerm(match_fields=[_req("metadata.name", "In", "a2", "bare")])
    assert _fits(by_name) == {"a2", "bare"}


def test_an_empty_term_matches_no_node() -> None:
    assert _fits(NodeSelectorTerm()) == set()


def test_node_selector_and_required_affinity_must_both_match() -> None:
    assert _fits(_expr(_req("disk", "Exists")), selector={ZONE: "b"}) == {"b1"}


def test_preferred_terms_add_their_weights_scaled_so_the_best_node_scores_100() -> None:
    preferred = Affinity(
        node_affinity=NodeAffinity(
            preferred_during_scheduling_ignored_during_execution=[
                PreferredSchedulingTerm(weight=2, preference=_expr(_req(ZONE, "In", "a"))),
                PreferredSchedulingTerm(weight=6, preference=_expr(_req("disk", "In", "ssd"))),
            ]
        )
    )
    scores = plugin_scores("NodeAffinity", NODES, [], pod("p", affinity=preferred))
    assert scores == {"a1": 100, "a2": 25, "b1": 75, "bare": 0}


def test_without_preferred_terms_node_affinity_does_not_score() -> None:
    assert set(plugin_scores("NodeAffinity", NODES, [], pod("p")).values()) == {0}
