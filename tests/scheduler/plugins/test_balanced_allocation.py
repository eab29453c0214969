"""NodeResourcesBalancedAllocation: ``(1 - std of the CPU and memory fractions) * 100``, the
fractions counting the requests as written and capped at 1."""

from .._builders import node, plugin_scores, pod

NODES = [node("empty"), node("cpu-heavy")]
EXISTING = [pod("existing", cpu="2", memory="0", node_name="cpu-heavy")]


def test_equal_shares_of_cpu_and_memory_score_100() -> None:
    # empty: 1000/4000 = 0.25 and 8Gi/32Gi = 0.25
    scores = plugin_scores(
        "NodeResourcesBalancedAllocation", NODES, EXISTING, pod("p", cpu="1", memory="8Gi")
    )
    assert scores["empty"] == 100


def test_unequal_shares_lose_half_their_difference() -> None:
    # cpu-heavy: 3000/4000 = 0.75 and 0.25 -> std 0.25 -> 75
    scores = plugin_scores(
        "NodeResourcesBalancedAllocation", NODES, EXISTING, pod("p", cpu="1", memory="8Gi")
    )
    assert scores == {"empty": 100, "cpu-heavy": 75}


def test_fractions_are_capped_at_one() -> None:
    # cpu 6/4 -> 1, memory 0.25 -> std 0.375 -> 62
    scores = plugin_scores(
        "NodeResourcesBalancedAllocation", [node("n")], [], pod("p", cpu="6", memory="8Gi")
    )
    assert scores == {"n": 62}


def test_a_best_effort_pod_is_not_scored() -> None:
    scores = plugin_scores(
        "NodeResourcesBalancedAllocation", NODES, EXISTING, pod("p", cpu=None, memory=None)
    )
    assert scores == {"empty": 0, "cpu-heavy": 0}
