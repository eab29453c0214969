"""Informers: list, then watch, into an indexed cache; handlers told each change."""

from __future__ import annotations

from typing import Any

import anyio
import attrs
import pytest
from structlog.testing import capture_logs

from kube_actors.actors import monotonic
from kube_actors.api import List, Namespace, OwnerReference, Pod, Watch
from kube_actors.client import CachedReader, EventHandlerFuncs, SharedInformer, hears_updates
from kube_actors.errors import Gone, NotFound, TooManyRequests
from kube_actors.testing import pod

from ._fake_apiserver import BreakWatches, Compact, FailNext, Requests
from ._harness import Harness, Recorder, namespace, running_apiserver


async def _started(h: Harness, kind: type[Any]) -> tuple[SharedInformer[Any], Recorder]:
    informer = h.informers.informer(kind)
    recorder = Recorder()
    informer.add_event_handler(recorder)
    await h.informers.start(h.system)
    await informer.wait_synced()
    return informer, recorder


async def test_an_informer_lists_what_exists_then_hears_each_change() -> None:
    async with running_apiserver() as h:
        await h.client.create(pod("a"))
        informer, recorder = await _started(h, Pod)
        assert informer.has_synced
        assert recorder.take() == ["add default/a"]
        b = await h.client.create(pod("b"))
        await h.client.patch(Pod, "a", {"metadata": {"labels": {"x": "1"}}}, namespace="default")
        await h.client.delete(Pod, "b", namespace="default")
        await h.system.settle()
        assert recorder.take() == ["add default/b", "update default/a", "delete default/b"]
        old, new = recorder.updates[0]
        assert (dict(old.metadata.labels), dict(new.metadata.labels)) == ({}, {"x": "1"})
        assert informer.indexer.get("b", "default") is None
        assert informer.resource_version == "4"
        assert b.metadata.name == "b"


async def test_the_cache_holds_the_objects_the_apiserver_sent_not_copies() -> None:
    async with running_apiserver() as h:
        informer, _ = await _started(h, Pod)
        created = await h.client.create(pod("a"))
        await h.system.settle()
        assert informer.indexer.get("a", "default") is created


async def test_the_cache_is_indexed_by_namespace_label_owner_and_custom_indexes() -> None:
    owner = OwnerReference(kind="ReplicaSet", name="rs", uid="rs-uid", controller=True)
    async with running_apiserver() as h:
        await h.client.create(
            pod("a", namespace="one", labels={"app": "web"}, owner_references=[owner])
        )
        await h.client.create(pod("b", namespace="one", labels={"app": "db"}))
        await h.client.create(pod("c", namespace="two", labels={"app": "web", "tier": "1"}))
        informer = h.informers.informer(
            Pod, indexers={"first_letter": lambda p: [p.metadata.name[0]]}
        )
        await h.informers.start(h.system)
        await informer.wait_synced()
        cache = informer.indexer

        def names(objs: list[Any]) -> list[str]:
            return [o.metadata.name for o in objs]

        assert names(cache.by_index("namespace", "one")) == ["a", "b"]
        assert names(cache.by_index("label", "app=web")) == ["a", "c"]
        assert names(cache.by_index("owner_uid", "rs-uid")) == ["a"]
        assert names(cache.by_index("first_letter", "c")) == ["c"]
        assert names(cache.list(namespace="two")) == ["c"]
        assert names(cache.list(label_selector="app=web,tier")) == ["c"]
        assert names(cache.list("one", {"app": "db"})) == ["b"]
        await h.client.patch(Pod, "a", {"metadata": {"labels": {"app": "db"}}}, namespace="one")
        await h.client.delete(Pod, "b", namespace="one")
        await h.system.settle()
        assert names(cache.by_index("label", "app=web")) == ["c"]
        assert names(cache.by_index("label", "app=db")) == ["a"]
        assert cache.by_index("namespace", "one") == [cache.get("a", "one")]
        assert sorted(cache.index_values("label")) == ["app=db", "app=web", "tier=1"]


async def test_a_watch_closed_for_being_too_slow_makes_the_informer_re_list() -> None:
    async with running_apiserver() as h:
        await h.client.create(pod("a"))
        informer, recorder = await _started(h, Pod)
        await h.apiserver.tell(BreakWatches())
        await h.system.settle()
        await h.client.create(pod("b"))
        await h.system.settle()
        assert informer.statistics().lists == 2
        assert informer.statistics().watches == 2
        assert recorder.take() == ["add default/a", "add default/b"], "no duplicate events"


async def test_a_gone_resource_version_makes_the_informer_re_list() -> None:
    async with running_apiserver() as h:
        await h.apiserver.ask(FailNext(Watch, Gone("too old resource version")))
        informer, recorder = await _started(h, Pod)
        await h.system.settle()
        requests = await h.apiserver.ask(Requests())
        assert (requests["List"], requests["Watch"]) == (2, 2)
        assert informer.statistics().lists == 2
        await h.client.create(pod("a"))
        await h.system.settle()
        assert recorder.take() == ["add default/a"]


async def test_a_re_list_tells_handlers_only_what_changed_while_nobody_watched() -> None:
    async with running_apiserver() as h:
        for name in ["kept", "changed", "removed"]:
            await h.client.create(pod(name))
        informer, recorder = await _started(h, Pod)
        recorder.take()
        await h.informers.stop()
        await h.client.create(pod("added"))
        await h.client.patch(
            Pod, "changed", {"metadata": {"labels": {"v": "2"}}}, namespace="default"
        )
        removed = await h.client.delete(Pod, "removed", namespace="default")
        await h.apiserver.tell(Compact())
        await h.informers.start(h.system)
        await h.system.settle()
        assert sorted(recorder.take()) == [
            "add default/added",
            "delete default/removed",
            "update default/changed",
        ]
        assert informer.indexer.list_keys() == ["default/changed", "default/kept", "default/added"]
        assert removed is not None


async def test_a_handler_added_after_sync_is_first_told_every_cached_object() -> None:
    async with running_apiserver() as h:
        await h.client.create(namespace("a"))
        await h.client.create(namespace("b"))
        informer, _ = await _started(h, Namespace)
        late = Recorder()
        informer.add_event_handler(late)
        assert late.take() == ["add a", "add b"]


async def test_a_removed_handler_hears_nothing_more() -> None:
    async with running_apiserver() as h:
        informer, recorder = await _started(h, Namespace)
        seen: list[str] = []
        registration = informer.add_event_handler(
            EventHandlerFuncs(on_add=lambda ns: seen.append(ns.metadata.name))
        )
        await h.client.create(namespace("a"))
        await h.system.settle()
        informer.remove_event_handler(registration)
        await h.client.create(namespace("b"))
        await h.system.settle()
        assert seen == ["a"]
        assert recorder.take() == ["add a", "add b"]


class _IgnoringUpdates(Recorder):
    ignores_updates = True


async def test_a_handler_that_ignores_updates_is_told_adds_and_deletes_alone() -> None:
    async with running_apiserver() as h:
        informer, recorder = await _started(h, Pod)
        ignoring = _IgnoringUpdates()
        informer.add_event_handler(ignoring)
        updates: list[str] = []
        informer.add_event_handler(
            EventHandlerFuncs(on_update=lambda old, new: updates.append(new.metadata.name))
        )
        await h.client.create(pod("a"))
        await h.client.patch(Pod, "a", {"metadata": {"labels": {"x": "1"}}}, namespace="default")
        await h.client.delete(Pod, "a", namespace="default")
        await h.system.settle()
        assert ignoring.take() == ["add default/a", "delete default/a"]
        assert recorder.take() == ["add default/a", "update default/a", "delete default/a"]
        assert updates == ["a"]
    assert not hears_updates(EventHandlerFuncs(on_add=print))  # no on_update of its own
    assert hears_updates(Recorder())


async def test_a_failing_handler_is_logged_and_the_others_still_hear_the_event() -> None:
    def explode(obj: Any) -> None:
        raise RuntimeError("handler bug")

    async with running_apiserver() as h:
        informer = h.informers.informer(Namespace)
        informer.add_event_handler(EventHandlerFuncs(on_add=explode))
        informer, recorder = await _started(h, Namespace)
        with capture_logs() as logs:
            await h.client.create(namespace("a"))
            await h.system.settle()
        assert recorder.take() == ["add a"]
        assert [e["event"] for e in logs] == ["informer_handler_failed"]


async def test_an_unavailable_apiserver_is_retried_with_a_doubling_back_off() -> None:
    async with running_apiserver() as h:
        await h.apiserver.ask(FailNext(List, TooManyRequests("slow down"), count=3))
        informer = h.informers.informer(Pod)
        start = monotonic()
        with capture_logs() as logs:
            await h.informers.start(h.system)
            await informer.wait_synced()
        assert monotonic() - start == pytest.approx(0.8 + 1.6 + 3.2)
        assert [e["retry"] for e in logs if e["event"] == "informer_list_watch_failed"] == [
            0.8,
            1.6,
            3.2,
        ]


async def test_informers_are_shared_per_kind_so_two_users_share_one_watch() -> None:
    async with running_apiserver() as h:
        first = h.informers.informer(Pod)
        second = h.informers.informer(Pod)
        assert first is second
        one, two = Recorder(), Recorder()
        first.add_event_handler(one)
        second.add_event_handler(two)
        async with anyio.create_task_group() as tg:
            tg.start_soon(h.informers.start, h.system)
            tg.start_soon(h.informers.start, h.system)
        await h.informers.wait_synced()
        await h.client.create(pod("a"))
        await h.system.settle()
        assert one.take() == two.take() == ["add default/a"]
        requests = await h.apiserver.ask(Requests())
        assert (requests["List"], requests["Watch"]) == (1, 1)
        assert "informers/pods" in h.system


async def test_informer_statistics_count_lists_watches_and_events() -> None:
    async with running_apiserver() as h:
        informer, _ = await _started(h, Pod)
        await h.client.create(pod("a"))
        await h.system.settle()
        stats = informer.statistics()
        assert attrs.asdict(stats) == {
            "kind": "pods",
            "synced": True,
            "objects": 1,
            "handlers": 1,
            "lists": 1,
            "watches": 1,
            "events": 1,
            "resource_version": "1",
        }


async def test_a_cached_reader_starts_the_informer_and_reads_from_its_cache() -> None:
    async with running_apiserver() as h:
        await h.client.create(namespace("a", labels={"team": "red"}))
        await h.client.create(namespace("b"))
        reader = CachedReader(h.informers, h.system)
        assert (await reader.get(Namespace, "a")).metadata.labels == {"team": "red"}
        with pytest.raises(NotFound, match='namespaces "zz" not found'):
            await reader.get(Namespace, "zz")
        assert [n.metadata.name for n in await reader.list(Namespace)] == ["a", "b"]
        red = await reader.list(Namespace, label_selector="team=red")
        assert [n.metadata.name for n in red] == ["a"]
        by_name = await reader.list(Namespace, field_selector="metadata.name=b")
        assert [n.metadata.name for n in by_name] == ["b"]
        requests = await h.apiserver.ask(Requests())
        assert (requests["List"], requests["Watch"], "Get" in requests) == (1, 1, False)
