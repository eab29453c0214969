"""TaintToleration: NoSchedule and NoExecute taints filter, PreferNoSchedule taints score;
tolerations match by key (empty with Exists: every key), operator Equal or Exists, effect
(empty: every effect)."""

from kube_actors.api import Taint, Toleration
from kube_actors.scheduler.framework import Code

from .._builders import filter_statuses, node, passing, plugin_scores, pod

GPU = Taint(key="gpu", value="a100", effect="NoSchedule")
EVICT = Taint(key="maintenance", value="", effect="NoExecute")
SPOT = Taint(key="spot", value="yes", effect="PreferNoSchedule")
FLAKY = Taint(key="flaky", value="", effect="PreferNoSchedule")
NODES = [node("plain"), node("gpu", taints=[GPU]), node("evict", taints=[EVICT])]


def _fits(*tolerations: Toleration) -> set[str]:
    return passing(filter_statuses("TaintToleration", NODES, [], pod("p", tolerations=tolerations)))


def test_an_untolerated_no_schedule_or_no_execute_taint_rejects_the_node_for_good() -> None:
    statuses = filter_statuses("TaintToleration", NODES, [], pod("p"))
    assert passing(statuses) == {"plain"}
    assert statuses["gpu"].code is Code.UNSCHEDULABLE_AND_UNRESOLVABLE
    assert statuses["gpu"].reasons == ("node(s) had untolerated taint {gpu: a100}",)
    assert statuses["evict"].reasons == ("node(s) had untolerated taint {maintenance: }",)


def test_a_prefer_no_schedule_taint_never_filters() -> None:
    nodes = [node("spot", taints=[SPOT])]
    assert passing(filter_statuses("TaintToleration", nodes, [], pod("p"))) == {"spot"}


def test_equal_tolerates_only_the_same_value() -> None:
    assert _fits(Toleration(key="gpu", operator="Equal", value="a100", effect="NoSchedule")) == {
        "plain",
        "gpu",
    }
    assert _fits(Toleration(key="gpu", operator="Equal", value="h100", effect="NoSchedule")) == {
        "plain"
    }


def test_exists_tolerates_any_value_of_its_key() -> None:
    assert _fits(Toleration(key="gpu", operator="Exists", effect="NoSchedule")) == {"plain", "gpu"}


def test_a_toleration_for_another_effect_does_not_tolerate() -> None:
    assert _fits(Toleration(key="gpu", operator="Exists", effect="NoExecute")) == {"plain"}


def test_an_empty_effect_tolerates_every_effect_of_the_key() -> None:
    assert _fits(Toleration(key="maintenance", operator="Exists")) == {"plain", "evict"}


def test_an_empty_key_with_exists_tolerates_every_taint() -> None:
    assert _fits(Toleration(operator="Exists")) == {"plain", "gpu", "evict"}


def test_fewer_untolerated_prefer_no_schedule_taints_score_higher_scaled_in_reverse() -> None:
    nodes = [node("clean"), node("one", taints=[SPOT]), node("two", taints=[SPOT, FLAKY])]
    assert plugin_scores("TaintToleration", nodes, [], pod("p")) == {
        "clean": 100,
        "one": 50,
        "two": 0,
    }


def test_tolerated_prefer_no_schedule_taints_do_not_count() -> None:
    nodes = [node("clean"), node("spot", taints=[SPOT])]
    tolerate = Toleration(key="spot", operator="Exists", effect="PreferNoSchedule")
    assert plugin_scores("TaintToleration", nodes, [], pod("p", tolerations=[tolerate])) == {
        "clean": 100,
        "spot": 100,
    }
