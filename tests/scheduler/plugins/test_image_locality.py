"""ImageLocality: the pod's images already on a node, each weighed by its size times the
share of nodes holding it, clamped between 23 MB and 1000 MB per container and scaled to
0..100."""

from kube_actors.api import ContainerImage

from .._builders import node, plugin_scores, pod

MB = 1024 * 1024


def _image(name: str, mb: int) -> ContainerImage:
    return ContainerImage(names=[name], size_bytes=mb * MB)


def test_an_image_on_one_of_two_nodes_counts_half_its_size_there() -> None:
    nodes = [node("has", images=[_image("web:1", 500)]), node("lacks")]
    # 500 MB * 1/2 = 250 MB -> 100 * (250 - 23) / (1000 - 23) = 23
    assert plugin_scores("ImageLocality", nodes, [], pod("p", image="web:1")) == {
        "has": 23,
        "lacks": 0,
    }


def test_an_image_on_every_node_counts_its_full_size_everywhere() -> None:
    nodes = [node("a", images=[_image("web:1", 500)]), node("b", images=[_image("web:1", 500)])]
    # 100 * (500 - 23) / 977 = 48
    assert plugin_scores("ImageLocality", nodes, [], pod("p", image="web:1")) == {"a": 48, "b": 48}


def test_a_small_image_scores_nothing_and_a_huge_one_at_most_100() -> None:
    nodes = [
        node("small", images=[_image("tiny:1", 20)]),
        node("huge", images=[_image("big:1", 4000)]),
    ]
    assert plugin_scores("ImageLocality", nodes, [], pod("p", image="tiny:1"))["small"] == 0
    # 4000 MB * 1/2 = 2000 MB, clamped to 1000 MB
    assert plugin_scores("ImageLocality", nodes, [], pod("p", image="big:1"))["huge"] == 100


def test_an_image_without_a_tag_is_the_latest_tag_on_the_node() -> None:
    nodes = [node("has", images=[_image("docker.io/library/busybox:latest", 1000)]), node("no")]
    incoming = pod("p", image="docker.io/library/busybox")
    assert plugin_scores("ImageLocality", nodes, [], incoming) == {"has": 48, "no": 0}


def test_images_no_node_holds_score_nothing_anywhere_and_a_held_one_still_counts() -> None:
    # The vectorised path skips the scaling when no node holds any of the pod's images; the
    # reference (which plugin_scores checks it against) scales every total.
    nodes = [node("has", images=[_image("web:1", 500)]), node("lacks")]
    assert plugin_scores("ImageLocality", nodes, [], pod("p", image="other:1")) == {
        "has": 0,
        "lacks": 0,
    }
    assert plugin_scores("ImageLocality", [node("a"), node("b")], [], pod("p")) == {
        "a": 0,
        "b": 0,
    }
