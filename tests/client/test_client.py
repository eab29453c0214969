"""Client: typed verbs sent to the apiserver actor."""

from __future__ import annotations

import attrs
import pytest

from kube_actors.api import Namespace, NamespaceStatus, ObjectMeta, Pod
from kube_actors.client import ignore_not_found
from kube_actors.errors import AlreadyExists, Conflict, NotFound
from kube_actors.testing import pod

from ._fake_apiserver import Requests
from ._harness import namespace, running_apiserver


async def test_a_created_object_comes_back_stored_and_can_be_read() -> None:
    async with running_apiserver() as h:
        created = await h.client.create(pod("web-0", labels={"app": "web"}))
        assert created.metadata.resource_version
        assert created.metadata.uid
        got = await h.client.get(Pod, "web-0", namespace="default")
        assert got is created, "the client hands out the stored object itself, not a copy"


async def test_generate_name_gives_a_fresh_name() -> None:
    async with running_apiserver() as h:
        created = await h.client.create(
            Pod(metadata=ObjectMeta(generate_name="web-", namespace="default"))
        )
        assert created.metadata.name.startswith("web-")


async def test_reading_a_missing_object_raises_not_found_unless_ignored() -> None:
    async with running_apiserver() as h:
        with pytest.raises(NotFound, match='pods "nope" not found'):
            await h.client.get(Pod, "nope", namespace="default")
        assert await ignore_not_found(h.client.get(Pod, "nope", namespace="default")) is None


async def test_creating_an_object_twice_is_already_exists() -> None:
    async with running_apiserver() as h:
        await h.client.create(namespace("shop"))
        with pytest.raises(AlreadyExists):
            await h.client.create(namespace("shop"))


async def test_list_filters_by_namespace_and_label_selector() -> None:
    async with running_apiserver() as h:
        await h.client.create(pod("a", namespace="one", labels={"app": "web"}))
        await h.client.create(pod("b", namespace="one", labels={"app": "db"}))
        await h.client.create(pod("c", namespace="two", labels={"app": "web"}))
        names = [p.metadata.name for p in await h.client.list(Pod)]
        assert names == ["a", "b", "c"]
        in_one = await h.client.list(Pod, namespace="one")
        assert [p.metadata.name for p in in_one] == ["a", "b"]
        web = await h.client.list(Pod, label_selector="app=web")
        assert [p.metadata.name for p in web] == ["a", "c"]
        web_in_two = await h.client.list(Pod, namespace="two", label_selector={"app": "web"})
        assert [p.metadata.name for p in web_in_two] == ["c"]


async def test_list_with_a_limit_follows_the_continue_tokens_to_the_end() -> None:
    async with running_apiserver() as h:
        for i in range(7):
            await h.client.create(pod(f"p{i}"))
        pods = await h.client.list(Pod, limit=3)
        assert [p.metadata.name for p in pods] == [f"p{i}" for i in range(7)]
        assert (await h.apiserver.ask(Requests()))["List"] == 3


async def test_list_page_returns_one_page_with_its_continue_token() -> None:
    async with running_apiserver() as h:
        for i in range(5):
            await h.client.create(pod(f"p{i}"))
        page = await h.client.list_page(Pod, limit=2)
        assert len(page.items) == 2
        assert page.continue_token
        assert page.resource_version == "5"
        rest = await h.client.list_page(Pod, limit=10, continue_token=page.continue_token)
        assert [p.metadata.name for p in rest.items] == ["p2", "p3", "p4"]
        assert rest.continue_token == ""


async def test_update_replaces_the_object_and_a_stale_version_is_a_conflict() -> None:
    async with running_apiserver() as h:
        created = await h.client.create(namespace("shop"))
        labelled = attrs.evolve(
            created, metadata=attrs.evolve(created.metadata, labels={"team": "a"})
        )
        updated = await h.client.update(labelled)
        assert updated.metadata.labels == {"team": "a"}
        assert updated.metadata.resource_version != created.metadata.resource_version
        with pytest.raises(Conflict):
            await h.client.update(labelled)  # still carries the old resourceVersion


async def test_update_status_writes_the_status_subresource() -> None:
    async with running_apiserver() as h:
        created = await h.client.create(namespace("shop"))
        terminating = attrs.evolve(created, status=NamespaceStatus(phase="Terminating"))
        stored = await h.client.update_status(terminating)
        assert stored.status.phase == "Terminating"
        assert (await h.client.get(Namespace, "shop")).status.phase == "Terminating"


async def test_patch_merges_into_the_stored_object() -> None:
    async with running_apiserver() as h:
        await h.client.create(namespace("shop", labels={"a": "1"}))
        patched = await h.client.patch(Namespace, "shop", {"metadata": {"labels": {"b": "2"}}})
        assert patched.metadata.labels == {"a": "1", "b": "2"}
        status = await h.client.patch_status(Namespace, "shop", {"status": {"phase": "Active"}})
        assert status.status.phase == "Active"


async def test_delete_answers_the_object_and_can_ignore_one_already_gone() -> None:
    async with running_apiserver() as h:
        await h.client.create(pod("web-0"))
        deleted = await h.client.delete(Pod, "web-0", namespace="default")
        assert deleted is not None
        assert deleted.metadata.name == "web-0"
        with pytest.raises(NotFound):
            await h.client.delete(Pod, "web-0", namespace="default")
        gone = await h.client.delete(
            Pod, "web-0", namespace="default", ignore_not_found=True, propagation_policy="Orphan"
        )
        assert gone is None


async def test_watch_streams_the_changes_after_a_resource_version() -> None:
    async with running_apiserver() as h:
        await h.client.create(pod("old"))
        page = await h.client.list_page(Pod)
        stream = await h.client.watch(Pod, resource_version=page.resource_version)
        await h.client.create(pod("new"))
        await h.client.delete(Pod, "old", namespace="default")
        batch = await stream.next_batch()
        assert [(e.type, e.obj.metadata.name) for e in batch] == [
            ("ADDED", "new"),
            ("DELETED", "old"),
        ]
        stream.close()
        assert await stream.next_batch() == ()
