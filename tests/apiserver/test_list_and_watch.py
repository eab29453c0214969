from __future__ import annotations

import anyio
import pytest

from kube_actors import Cluster
from kube_actors.api import Namespace, ObjectMeta, Pod, WatchEvent
from kube_actors.errors import BadRequest, Gone
from kube_actors.testing import pod

from ._objects import relabel


async def _next(stream: object) -> list[tuple[str, str]]:
    batch = await stream.next_batch()  # type: ignore[attr-defined]
    return [
        (e.type, e.obj.metadata.name if e.obj is not None else e.resource_version) for e in batch
    ]


async def test_lists_filter_by_namespace_labels_and_fields() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        await cluster.client.create(Namespace(metadata=ObjectMeta(name="other")))
        await cluster.client.create(pod("a", labels={"app": "web", "tier": "front"}))
        await cluster.client.create(pod("b", labels={"app": "web", "tier": "back"}))
        await cluster.client.create(pod("c", labels={"app": "db"}))
        await cluster.client.create(pod("d", namespace="other", labels={"app": "web"}))

        def names(pods: list[Pod]) -> list[str]:
            return [p.metadata.name for p in pods]

        assert names(await cluster.client.list(Pod)) == ["a", "b", "c", "d"]
        assert names(await cluster.client.list(Pod, namespace="default")) == ["a", "b", "c"]
        assert names(await cluster.client.list(Pod, label_selector="app=web,tier!=back")) == [
            "a",
            "d",
        ]
        assert names(await cluster.client.list(Pod, label_selector={"app": "db"})) == ["c"]
        assert names(await cluster.client.list(Pod, field_selector="metadata.namespace=other")) == [
            "d"
        ]
        with pytest.raises(BadRequest):
            await cluster.client.list(Pod, label_selector="app in (web")


async def test_a_chunked_list_pages_through_one_consistent_snapshot() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        for i in range(7):
            await cluster.client.create(pod(f"p{i}"))
        first = await cluster.client.list_page(Pod, limit=3)
        assert [p.metadata.name for p in first.items] == ["p0", "p1", "p2"]
        await cluster.client.create(pod("p3a"))  # after the snapshot: not in these pages
        await cluster.client.delete(Pod, "p5", namespace="default")
        second = await cluster.client.list_page(Pod, limit=3, continue_token=first.continue_token)
        third = await cluster.client.list_page(Pod, limit=3, continue_token=second.continue_token)
        names = [p.metadata.name for page in (first, second, third) for p in page.items]
        assert names == [f"p{i}" for i in range(7)]
        assert third.continue_token == ""
        assert first.resource_version == second.resource_version == third.resource_version


async def test_a_watch_from_now_starts_with_the_current_state_then_every_change() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        await cluster.client.create(pod("a"))
        stream = await cluster.client.watch(Pod, namespace="default")
        assert await _next(stream) == [("ADDED", "a")]
        created = await cluster.client.create(pod("b"))
        await cluster.client.update(relabel(created, x="1"))
        await cluster.client.delete(Pod, "a", namespace="default")
        assert await _next(stream) == [("ADDED", "b"), ("MODIFIED", "b"), ("DELETED", "a")]
        stream.close()


async def test_a_watch_resumes_exactly_after_the_resource_version_it_saw() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        a = await cluster.client.create(pod("a"))
        await cluster.client.create(pod("b"))
        await cluster.client.create(pod("c"))
        stream = await cluster.client.watch(Pod, resource_version=a.metadata.resource_version)
        assert await _next(stream) == [("ADDED", "b"), ("ADDED", "c")]


async def test_objects_that_start_or_stop_matching_arrive_as_added_or_deleted() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        stream = await cluster.client.watch(Pod, label_selector="app=web")
        created = await cluster.client.create(pod("a", labels={"app": "db"}))
        moved = await cluster.client.update(relabel(created, app="web"))
        await cluster.client.update(relabel(moved, app="db"))
        events = await stream.next_batch()
        assert [(e.type, e.obj.metadata.labels["app"]) for e in events] == [
            ("ADDED", "web"),
            ("DELETED", "web"),
        ]


async def test_a_watch_from_a_version_older_than_the_cache_holds_is_gone() -> None:
    async with Cluster(controllers=(), scheduler=False, watch_cache_size=4) as cluster:
        first = await cluster.client.create(pod("first"))
        for i in range(3000):
            await cluster.client.create(pod(f"p{i}"))
        with pytest.raises(Gone, match="too old resource version"):
            await cluster.client.watch(Pod, resource_version=first.metadata.resource_version)


async def test_a_watcher_that_cannot_keep_up_is_closed_with_gone_instead_of_buffering() -> None:
    async with Cluster(
        controllers=(), scheduler=False, watch_cache_size=10, max_watch_lag=100
    ) as cluster:
        slow = await cluster.client.watch(Pod, resource_version="0")
        fast = await cluster.client.watch(Pod, resource_version="0")
        created = await cluster.client.create(pod("busy"))
        seen = 0
        for i in range(1100):  # nobody reads ``slow`` meanwhile
            created = await cluster.client.update(relabel(created, n=str(i)))
            seen += len(await fast.next_batch())
        assert seen == 1101
        events = await slow.next_batch()
        assert [e.type for e in events] == ["ERROR"]
        assert isinstance(events[0].error, Gone)
        assert "re-list" in str(events[0].error)
        assert await slow.next_batch() == ()


async def test_watchers_get_bookmarks_of_the_current_resource_version() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        stream = await cluster.client.watch(Pod, resource_version="0")
        ns = await cluster.client.create(Namespace(metadata=ObjectMeta(name="elsewhere")))
        await cluster.settle(horizon=61)
        events = await stream.next_batch()
        assert events == [
            WatchEvent(type="BOOKMARK", resource_version=ns.metadata.resource_version)
        ]


async def test_an_invalid_resource_version_is_a_bad_request() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        with pytest.raises(BadRequest, match="invalid resource version 'yesterday'"):
            await cluster.client.watch(Pod, resource_version="yesterday")


async def test_a_watch_pinned_to_one_node_sees_that_nodes_pods_and_only_them() -> None:
    from kube_actors.api import Binding, Create, ObjectReference

    async def bind(cluster: Cluster, name: str, node: str) -> None:
        binding = Binding(
            metadata=ObjectMeta(name=name, namespace="default"),
            target=ObjectReference(kind="Node", name=node),
        )
        await cluster.apiserver.ask(Create(obj=binding))

    async with Cluster(controllers=(), scheduler=False) as cluster:
        mine = await cluster.client.watch(Pod, field_selector="spec.nodeName=n1")
        others = await cluster.client.watch(Pod, field_selector="spec.nodeName=n2")
        await cluster.client.create(pod("a"))
        await cluster.client.create(pod("b"))
        await bind(cluster, "a", "n1")
        await bind(cluster, "b", "n2")
        seen_a = await cluster.client.get(Pod, "a", namespace="default")
        await cluster.client.update(relabel(seen_a, x="1"))
        await cluster.client.delete(Pod, "a", namespace="default", grace_period_seconds=0)
        assert await _next(mine) == [("ADDED", "a"), ("MODIFIED", "a"), ("DELETED", "a")]
        assert await _next(others) == [("ADDED", "b")]
        resumed = await cluster.client.watch(
            Pod,
            field_selector="spec.nodeName=n1",
            resource_version=seen_a.metadata.resource_version,
        )
        assert await _next(resumed) == [("MODIFIED", "a"), ("DELETED", "a")]


async def test_a_node_watch_from_before_its_log_began_gets_the_changes_in_between() -> None:
    """A kubelet lists its Pods, other writes land, then it watches from the list: the
    changes between the list and the node's own log come from the main log, once each."""
    from kube_actors.api import Binding, Create, ObjectReference

    async def bind(cluster: Cluster, name: str, node: str) -> None:
        binding = Binding(
            metadata=ObjectMeta(name=name, namespace="default"),
            target=ObjectReference(kind="Node", name=node),
        )
        await cluster.apiserver.ask(Create(obj=binding))

    async with Cluster(controllers=(), scheduler=False) as cluster:
        listed = await cluster.client.list_page(Pod, field_selector="spec.nodeName=n1")
        await cluster.client.create(pod("a"))
        await cluster.client.create(pod("b"))
        await bind(cluster, "a", "n1")
        await bind(cluster, "b", "n2")
        late = await cluster.client.watch(
            Pod, field_selector="spec.nodeName=n1", resource_version=listed.resource_version
        )
        assert await _next(late) == [("ADDED", "a")]
        # A second watcher from the same list, now that the node's log has a reader.
        again = await cluster.client.watch(
            Pod, field_selector="spec.nodeName=n1", resource_version=listed.resource_version
        )
        assert await _next(again) == [("ADDED", "a")]
        seen_a = await cluster.client.get(Pod, "a", namespace="default")
        await cluster.client.update(relabel(seen_a, x="1"))
        assert await _next(late) == [("MODIFIED", "a")]
        assert await _next(again) == [("MODIFIED", "a")]


async def test_many_pages_with_writes_between_them_all_show_the_first_pages_snapshot() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        client = cluster.client
        names = [f"p{i:03}" for i in range(60)]
        for name in names:
            await client.create(pod(name))
        seen: list[str] = []
        versions: set[str] = set()
        writes = 0
        page = await client.list_page(Pod, limit=7)
        while True:
            seen += [p.metadata.name for p in page.items]
            versions.add(page.resource_version)
            if not page.continue_token:
                break
            # Writes behind the cursor, ahead of it, and to the pages still to come.
            writes += 1
            await client.create(pod(f"p{len(seen):03}x"))
            await client.delete(Pod, names[-writes], namespace="default")
            patch = {"metadata": {"labels": {"changed": "yes"}}}
            await client.patch(Pod, names[writes], patch, namespace="default")
            page = await client.list_page(Pod, limit=7, continue_token=page.continue_token)
        assert seen == names
        assert versions == {page.resource_version}
        assert writes == 8
        assert len(await client.list(Pod)) == 60


async def test_a_continue_token_whose_revision_was_compacted_is_expired() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        client = cluster.client
        for i in range(3):
            await client.create(pod(f"p{i}"))
        first = await client.list_page(Pod, limit=2)
        await client.create(pod("later"))
        await anyio.sleep(601)  # the second compaction (at 600 s) removes that revision
        with pytest.raises(Gone) as caught:
            await client.list_page(Pod, limit=2, continue_token=first.continue_token)
        assert caught.value.reason == "Expired"
        assert str(caught.value) == (
            "The provided continue parameter is too old to display a consistent list result. "
            "You can start a new list without the continue parameter."
        )


async def test_a_watch_of_one_node_by_name_is_not_held_back_by_other_nodes_writes() -> None:
    """A kubelet's watch of its own Node follows that Node's log alone: the heartbeats of
    every other node neither wake it nor count against how far behind it may fall."""
    from kube_actors.api import Node

    async with Cluster(controllers=(), scheduler=False, max_watch_lag=4) as cluster:
        for name in ("n1", "n2"):
            await cluster.client.create(Node(metadata=ObjectMeta(name=name)))
        mine = await cluster.client.watch(Node, field_selector="metadata.name=n1")
        assert await _next(mine) == [("ADDED", "n1")]
        for i in range(8):
            other = await cluster.client.get(Node, "n2")
            await cluster.client.update(relabel(other, beat=str(i)))
        n1 = await cluster.client.get(Node, "n1")
        await cluster.client.update(relabel(n1, beat="0"))
        assert await _next(mine) == [("MODIFIED", "n1")]


async def test_a_selector_pinned_to_a_name_lists_and_watches_just_that_object() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        await cluster.client.create(Namespace(metadata=ObjectMeta(name="other")))
        for name, namespace in (("a", "default"), ("b", "default"), ("a", "other")):
            await cluster.client.create(pod(name, namespace=namespace, labels={"app": name}))

        def names(pods: list[Pod]) -> list[tuple[str, str]]:
            return [(p.metadata.namespace, p.metadata.name) for p in pods]

        pinned = "metadata.name=a"
        assert names(await cluster.client.list(Pod, field_selector=pinned)) == [
            ("default", "a"),
            ("other", "a"),
        ]
        assert names(await cluster.client.list(Pod, namespace="other", field_selector=pinned)) == [
            ("other", "a")
        ]
        assert await cluster.client.list(Pod, field_selector="metadata.name=z") == []
        assert await cluster.client.list(Pod, field_selector=pinned, label_selector="app=b") == []
        assert (
            await cluster.client.list(
                Pod, namespace="default", field_selector=f"{pinned},metadata.namespace=other"
            )
            == []
        )
        initial = await cluster.client.watch(
            Pod, namespace="default", field_selector=pinned, resource_version="0"
        )
        assert await _next(initial) == [("ADDED", "a")]
