"""The indexer on its own: keys, built-in indexes, custom indexes, updates and removals."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from kube_actors.api import OwnerReference, Pod
from kube_actors.client import Indexer, object_key
from kube_actors.testing import pod


def _names(objs: list[Any]) -> list[str]:
    return [o.metadata.name for o in objs]


def test_objects_are_kept_under_namespace_slash_name() -> None:
    cache: Indexer[Pod] = Indexer()
    web = pod("web", namespace="a")
    cache.put(object_key(web), web)
    assert cache.get("web", "a") is web
    assert cache.get_by_key("a/web") is web
    assert "a/web" in cache
    assert len(cache) == 1


def test_an_update_refiles_the_object_under_its_new_labels_and_owners() -> None:
    cache: Indexer[Pod] = Indexer()
    web = pod("web", labels={"app": "web"}, namespace="a")
    cache.put("a/web", web)
    owned = attrs.evolve(
        web,
        metadata=attrs.evolve(
            web.metadata, labels={"app": "db"}, owner_references=[OwnerReference(uid="u1")]
        ),
    )
    assert cache.put("a/web", owned) is web
    assert cache.by_index("label", "app=web") == []
    assert _names(cache.by_index("label", "app=db")) == ["web"]
    assert _names(cache.by_index("owner_uid", "u1")) == ["web"]
    assert cache.remove("a/web") is owned
    assert cache.index_values("label") == cache.index_values("owner_uid") == []
    assert cache.remove("a/web") is None


def test_an_index_added_to_one_indexer_is_only_that_ones() -> None:
    # Indexers share the built-in index functions until one adds its own.
    plain: Indexer[Pod] = Indexer()
    custom: Indexer[Pod] = Indexer({"first": lambda p: [p.metadata.name[0]]})
    custom.add_index("second", lambda p: [p.metadata.name[1]])
    plain.put("a/ab", pod("ab", namespace="a"))
    assert not plain.has_index("first")
    assert not plain.has_index("second")
    assert Indexer().has_index("namespace")
    assert not Indexer().has_index("second")
    plain.add_index("first", lambda p: ["x"])  # its own, not the other's
    assert _names(plain.by_index("first", "x")) == ["ab"]


def test_a_custom_index_files_what_is_cached_already_and_what_comes_later() -> None:
    cache: Indexer[Pod] = Indexer({"by_length": lambda p: [str(len(p.metadata.name))]})
    cache.put("a/ab", pod("ab", namespace="a"))
    cache.add_index("first", lambda p: [p.metadata.name[0]])
    cache.put("b/abc", pod("abc", namespace="b"))
    assert _names(cache.by_index("first", "a")) == ["ab", "abc"]
    assert _names(cache.by_index("by_length", "3")) == ["abc"]
    assert cache.has_index("first")
    with pytest.raises(ValueError, match="already exists"):
        cache.add_index("first", lambda p: [])
    with pytest.raises(KeyError):
        cache.by_index("nope", "x")


def test_list_filters_by_namespace_and_selector() -> None:
    cache: Indexer[Pod] = Indexer()
    for obj in [
        pod("x", namespace="a", labels={"app": "web"}),
        pod("y", namespace="b", labels={"app": "web"}),
        pod("z", namespace="b"),
    ]:
        cache.put(object_key(obj), obj)
    assert _names(cache.list()) == ["x", "y", "z"]
    assert _names(cache.list("b")) == ["y", "z"]
    assert _names(cache.list("b", "app=web")) == ["y"]
    assert _names(cache.list(label_selector="!app")) == ["z"]
    assert cache.list_keys() == ["a/x", "b/y", "b/z"]
