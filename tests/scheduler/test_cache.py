"""The scheduler's cache of assigned pods, kept by the pod informer's events."""

from __future__ import annotations

import attrs

from kube_actors.scheduler._cache import Cache

from ._builders import node, pod


def _cache_with(name: str = "web", **labels: str) -> Cache:
    cache = Cache()
    cache.add_node(node("node-1"))
    cache.add_pod(pod(name, node_name="node-1", labels=labels))
    return cache


def test_a_status_write_of_an_assigned_pod_keeps_its_accounting_and_shows_the_newer_pod() -> None:
    cache = _cache_with(app="web")
    node_info = cache.snapshot.get("node-1")
    assert node_info is not None
    info = node_info.pods["default/web"]
    running = attrs.evolve(info.pod, status=attrs.evolve(info.pod.status, phase="Running"))
    cache.add_pod(running)
    assert node_info.pods["default/web"] is info
    assert info.pod is running
    assert (node_info.req_cpu, len(node_info.pods)) == (100, 1)


def test_an_assigned_pod_relabelled_or_terminating_is_accounted_afresh() -> None:
    cache = _cache_with(app="web")
    node_info = cache.snapshot.get("node-1")
    assert node_info is not None
    before = node_info.pods["default/web"]
    relabelled = attrs.evolve(
        before.pod, metadata=attrs.evolve(before.pod.metadata, labels={"app": "api"})
    )
    cache.add_pod(relabelled)
    after = node_info.pods["default/web"]
    assert after is not before
    assert after.labels == {"app": "api"}
    assert (node_info.req_cpu, len(node_info.pods)) == (100, 1)


def test_a_pod_of_the_same_name_with_another_uid_replaces_the_one_cached() -> None:
    cache = _cache_with()
    node_info = cache.snapshot.get("node-1")
    assert node_info is not None
    before = node_info.pods["default/web"]
    again = pod("web", node_name="node-1")
    again = attrs.evolve(again, metadata=attrs.evolve(again.metadata, uid="uid-web-2"))
    cache.add_pod(again)
    assert node_info.pods["default/web"] is not before
    assert node_info.pods["default/web"].uid == "uid-web-2"
    assert node_info.req_cpu == 100
