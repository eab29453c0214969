"""NodeName: a pod that names its node fits only there."""

from kube_actors.scheduler.framework import Code

from .._builders import filter_statuses, node, passing, pod

NODES = [node("a"), node("b"), node("c")]


def test_a_pod_naming_a_node_fits_only_that_node_and_the_others_cannot_be_helped() -> None:
    statuses = filter_statuses("NodeName", NODES, [], pod("p", node_name="b"))
    assert passing(statuses) == {"b"}
    assert statuses["a"].code is Code.UNSCHEDULABLE_AND_UNRESOLVABLE
    assert statuses["a"].reasons == ("node(s) didn't match the requested node name",)


def test_a_pod_without_a_node_name_fits_every_node() -> None:
    assert passing(filter_statuses("NodeName", NODES, [], pod("p"))) == {"a", "b", "c"}


def test_a_pod_naming_an_unknown_node_fits_nowhere() -> None:
    assert passing(filter_statuses("NodeName", NODES, [], pod("p", node_name="zz"))) == set()
