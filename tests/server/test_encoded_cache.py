"""The encoded-object cache: each stored version encoded once per encoding, reused by gets,
lists and watches, bounded in bytes, never stale, and never fed a dry run's answer."""

from __future__ import annotations

import json
from typing import Any

import anyio
import attrs
import pytest

from kube_actors import Cluster
from kube_actors.api import Pod, from_dict
from kube_actors.server._encoded_cache import EncodedCache

from .conftest import serving

PODS = "/api/v1/namespaces/default/pods"


@attrs.frozen
class Meta:
    uid: str
    resource_version: str


@attrs.frozen
class Obj:
    metadata: Meta


def encoder(calls: list[str]) -> Any:
    def encode(obj: Obj) -> bytes:
        calls.append(obj.metadata.uid)
        return b"x" * 10

    return encode


def test_a_version_is_encoded_once_per_form() -> None:
    cache, calls = EncodedCache(100), list[str]()
    obj = Obj(Meta("a", "1"))
    assert cache.encoded(obj, "json", encoder(calls)) == b"x" * 10
    cache.encoded(obj, "json", encoder(calls))
    cache.encoded(obj, "protobuf", encoder(calls))
    cache.encoded(Obj(Meta("a", "2")), "json", encoder(calls))
    assert calls == ["a", "a", "a"]
    stats = cache.statistics()
    assert (stats.hits, stats.misses, stats.entries, stats.bytes) == (1, 3, 3, 30)


def test_the_least_recently_used_go_first_when_the_bytes_run_out() -> None:
    cache, calls = EncodedCache(30), list[str]()
    first, second, third, fourth = (Obj(Meta(uid, "1")) for uid in "abcd")
    for obj in (first, second, third):
        cache.encoded(obj, "json", encoder(calls))
    cache.encoded(first, "json", encoder(calls))  # used again: now the most recent
    cache.encoded(fourth, "json", encoder(calls))  # evicts b, the least recently used
    calls.clear()
    for obj in (first, second, third, fourth):
        cache.encoded(obj, "json", encoder(calls))
    assert "b" in calls
    assert "a" not in calls
    assert cache.statistics().bytes <= 30


def test_objects_without_a_version_and_a_cache_of_zero_bytes_encode_every_time() -> None:
    calls: list[str] = []
    cache = EncodedCache(100)
    for _ in range(2):
        cache.encoded(Obj(Meta("a", "")), "json", encoder(calls))
        EncodedCache(0).encoded(Obj(Meta("b", "1")), "json", encoder(calls))
    assert calls == ["a", "b", "a", "b"]


@pytest.mark.real_time
async def test_a_negative_bound_is_refused() -> None:
    async with Cluster(clock="real") as cluster:
        with pytest.raises(ValueError, match="encoded_cache_bytes must be 0 or more, not -1"):
            cluster.serve(encoded_cache_bytes=-1)


def pod(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name},
        "spec": {"containers": [{"name": "main", "image": "nginx"}]},
    }


@pytest.mark.real_time
async def test_lists_and_gets_reuse_what_a_create_encoded() -> None:
    async with serving() as api:
        for i in range(5):
            await api.call("POST", PODS, pod(f"p{i}"))
        cache = api.server.encoded_cache
        before = cache.statistics()
        await api.call("GET", PODS)
        await api.call("GET", PODS)
        await api.call("GET", f"{PODS}/p0")
        after = cache.statistics()
        assert after.hits - before.hits == 11
        assert after.misses == before.misses


@pytest.mark.real_time
async def test_an_answer_is_never_stale_nor_a_dry_run() -> None:
    async with serving() as api:
        await api.call("POST", PODS, pod("p"))
        await api.call("GET", PODS)  # its version now cached
        code, dry, _ = await api.call(
            "PATCH",
            f"{PODS}/p?dryRun=All",
            {"metadata": {"labels": {"dry": "run"}}},
            content_type="application/merge-patch+json",
        )
        assert (code, dry["metadata"]["labels"]) == (200, {"dry": "run"})
        _, got, _ = await api.call("GET", f"{PODS}/p")
        assert "labels" not in got["metadata"]
        await api.call(
            "PATCH",
            f"{PODS}/p",
            {"metadata": {"labels": {"real": "yes"}}},
            content_type="application/merge-patch+json",
        )
        _, listed, _ = await api.call("GET", PODS)
        assert listed["items"][0]["metadata"]["labels"] == {"real": "yes"}


@pytest.mark.real_time
async def test_a_pod_leaving_a_selector_is_not_cached_as_its_new_version() -> None:
    """The DELETED event of a selector's watch carries the previous version at the revision
    of the change: it must not stand for that revision's true version."""
    async with serving() as api:
        _, listed, _ = await api.call("GET", PODS)
        version = listed["metadata"]["resourceVersion"]
        url = f"{api.served.url}{PODS}?watch=1&labelSelector=app%3Da&resourceVersion={version}"
        async with api.session.get(url, headers=api.headers) as response:
            # In-process writes: no HTTP answer puts the new version in the cache first.
            meta = {"name": "p", "namespace": "default", "labels": {"app": "a"}}
            await api.cluster.client.create(from_dict(pod("p") | {"metadata": meta}))
            relabel = {"metadata": {"labels": {"app": "b"}}}
            await api.cluster.client.patch(
                Pod, "p", relabel, namespace="default", patch_type="merge"
            )
            with anyio.fail_after(10):
                added = json.loads(await response.content.readline())
                deleted = json.loads(await response.content.readline())
        assert (added["type"], deleted["type"]) == ("ADDED", "DELETED")
        assert deleted["object"]["metadata"]["labels"] == {"app": "a"}
        _, got, _ = await api.call("GET", f"{PODS}/p")
        assert got["metadata"]["labels"] == {"app": "b"}
        same_version = deleted["object"]["metadata"]["resourceVersion"]
        assert got["metadata"]["resourceVersion"] == same_version
