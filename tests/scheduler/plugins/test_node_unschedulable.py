"""NodeUnschedulable: a cordoned node takes only pods tolerating its unschedulable taint."""

from kube_actors.api import Toleration
from kube_actors.scheduler.framework import Code

from .._builders import filter_statuses, node, passing, pod

NODES = [node("open"), node("cordoned", unschedulable=True)]


def test_a_cordoned_node_rejects_a_pod_for_good() -> None:
    statuses = filter_statuses("NodeUnschedulable", NODES, [], pod("p"))
    assert passing(statuses) == {"open"}
    assert statuses["cordoned"].code is Code.UNSCHEDULABLE_AND_UNRESOLVABLE
    assert statuses["cordoned"].reasons == ("node(s) were unschedulable",)


def test_a_pod_tolerating_the_unschedulable_taint_may_go_to_a_cordoned_node() -> None:
    tolerate = Toleration(
        key="node.kubernetes.io/unschedulable", operator="Exists", effect="NoSchedule"
    )
    statuses = filter_statuses("NodeUnschedulable", NODES, [], pod("p", tolerations=[tolerate]))
    assert passing(statuses) == {"open", "cordoned"}


def test_a_toleration_of_everything_also_tolerates_a_cordon() -> None:
    everything = Toleration(operator="Exists")
    statuses = filter_statuses("NodeUnschedulable", NODES, [], pod("p", tolerations=[everything]))
    assert passing(statuses) == {"open", "cordoned"}


def test_a_toleration_for_another_effect_does_not_tolerate_a_cordon() -> None:
    other = Toleration(
        key="node.kubernetes.io/unschedulable", operator="Exists", effect="NoExecute"
    )
    statuses = filter_statuses("NodeUnschedulable", NODES, [], pod("p", tolerations=[other]))
    assert passing(statuses) == {"open"}
