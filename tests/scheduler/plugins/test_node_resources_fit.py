"""NodeResourcesFit: requests must fit what the node has left (and one more pod); scores by
Kubernetes' strategies over CPU and memory, weight 1 each:

* LeastAllocated: ``(allocatable - requested) * 100 / allocatable``;
* MostAllocated: ``requested * 100 / allocatable``;
* RequestedToCapacityRatio: the shape (utilisation %, score 0..10 times 10) interpolated.
"""

from kube_actors.scheduler import Profile
from kube_actors.scheduler.framework import Code
from kube_actors.scheduler.plugins import NodeResourcesFitArgs, ResourceSpec

from .._builders import filter_statuses, node, passing, plugin_scores, pod

# 4 CPU, 32Gi each; "busy" already runs 2 CPU and 8Gi.
NODES = [node("empty"), node("busy")]
BUSY = [pod("existing", cpu="2", memory="8Gi", node_name="busy")]
INCOMING = pod("p", cpu="1", memory="8Gi")


def _profile(**args: object) -> Profile:
    return Profile(plugin_args={"NodeResourcesFit": NodeResourcesFitArgs(**args)})  # type: ignore[arg-type]


def test_a_pod_that_needs_more_than_is_left_is_rejected_but_preemption_could_help() -> None:
    statuses = filter_statuses("NodeResourcesFit", NODES, BUSY, pod("p", cpu="3"))
    assert passing(statuses) == {"empty"}
    assert statuses["busy"].code is Code.UNSCHEDULABLE
    assert statuses["busy"].reasons == ("Insufficient cpu",)


def test_a_pod_bigger_than_the_node_cannot_be_helped_and_every_shortage_is_named() -> None:
    statuses = filter_statuses("NodeResourcesFit", NODES, BUSY, pod("p", cpu="5", memory="30Gi"))
    assert statuses["empty"].code is Code.UNSCHEDULABLE_AND_UNRESOLVABLE
    assert statuses["busy"].reasons == ("Insufficient cpu", "Insufficient memory")


def test_a_full_node_says_too_many_pods_even_for_a_pod_without_requests() -> None:
    nodes = [node("tiny", pods=1)]
    occupied = [pod("existing", node_name="tiny")]
    statuses = filter_statuses("NodeResourcesFit", nodes, occupied, pod("p", cpu=None, memory=None))
    assert statuses["tiny"].reasons == ("Too many pods",)


def test_least_allocated_prefers_the_emptiest_node() -> None:
    # empty: cpu (4000-1000)*100/4000 = 75, memory (32-8)*100/32 = 75 -> 75
    # busy:  cpu (4000-3000)*100/4000 = 25, memory (32-16)*100/32 = 50 -> 37
    assert plugin_scores("NodeResourcesFit", NODES, BUSY, INCOMING) == {"empty": 75, "busy": 37}


def test_most_allocated_prefers_the_fullest_node() -> None:
    # empty: 25 and 25 -> 25; busy: 75 and 50 -> 62
    scores = plugin_scores(
        "NodeResourcesFit", NODES, BUSY, INCOMING, profile=_profile(strategy="MostAllocated")
    )
    assert scores == {"empty": 25, "busy": 62}


def test_requested_to_capacity_ratio_follows_its_shape() -> None:
    # A falling shape, 10 (x10) at 0 % down to 0 at 100 %: empty 75; busy (25 + 50) / 2 = 37.
    falling = _profile(strategy="RequestedToCapacityRatio", shape=[(0, 10), (100, 0)])
    assert plugin_scores("NodeResourcesFit", NODES, BUSY, INCOMING, profile=falling) == {
        "empty": 75,
        "busy": 37,
    }
    # Bin packing up to 50 %, then flat: empty (25 % -> 5) 50; busy (75 % and 50 %) 100.
    rising = _profile(strategy="RequestedToCapacityRatio", shape=[(0, 0), (50, 10), (100, 10)])
    assert plugin_scores("NodeResourcesFit", NODES, BUSY, INCOMING, profile=rising) == {
        "empty": 50,
        "busy": 100,
    }


def test_resource_weights_weigh_the_average() -> None:
    cpu_heavy = _profile(resources=[ResourceSpec("cpu", 3), ResourceSpec("memory", 1)])
    # busy: (25 * 3 + 50) / 4 = 31
    scores = plugin_scores("NodeResourcesFit", NODES, BUSY, INCOMING, profile=cpu_heavy)
    assert scores == {"empty": 75, "busy": 31}


def test_a_pod_without_requests_scores_as_100m_and_200mi() -> None:
    # cpu (4000-100)*100/4000 = 97; memory (32768-200)*100/32768 = 99 -> 98
    scores = plugin_scores("NodeResourcesFit", [node("empty")], [], pod("p", cpu=None, memory=None))
    assert scores == {"empty": 98}
