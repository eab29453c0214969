"""An update of an indexer with only the built-in indices, when it leaves the object's owners
and labels as they were (a status write, a Lease renewal), refiles nothing: the indices are
what the general path, which asks each index, leaves (``Indexer.put``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kube_actors.api import ObjectMeta, OwnerReference, Pod, evolve
from kube_actors.client import Indexer
from kube_actors.client import _indexer as indexer_module

_owners = st.sampled_from([(), (OwnerReference(uid="u1"),), (OwnerReference(uid="u2"),)])
_labels = st.sampled_from([{}, {"app": "web"}, {"app": "db"}, {"app": "web", "tier": "x"}])
_versions = st.lists(
    st.tuples(st.sampled_from(["web", "db"]), _owners, _labels, st.booleans()), max_size=8
)


def _indices(updates: list[tuple[str, Any, dict[str, str], bool]], general: bool) -> Any:
    cache: Indexer[Pod] = Indexer()
    if general:  # the same built-in indices, asked one by one
        cache._funcs = dict(indexer_module._BUILT_IN)
    last: dict[str, Pod] = {}
    for name, owners, labels, same_metadata in updates:
        meta = ObjectMeta(name=name, namespace="a", owner_references=owners, labels=labels)
        if same_metadata and name in last:
            # Equal owners and labels in a new metadata copy (the resourceVersion moved).
            meta = evolve(last[name].metadata, resource_version=str(len(last) + 1))
        last[name] = Pod(metadata=meta)
        cache.put(f"a/{name}", last[name])
    return cache._indices, [cache.get_by_key(f"a/{n}") for n in ("web", "db")]


@given(updates=_versions)
def test_the_usual_update_files_as_asking_every_index_does(
    updates: list[tuple[str, Any, dict[str, str], bool]],
) -> None:
    assert _indices(updates, general=False) == _indices(updates, general=True)


def test_an_update_that_keeps_owners_and_labels_asks_no_index(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cache: Indexer[Pod] = Indexer()
    web = Pod(metadata=ObjectMeta(name="web", namespace="a", labels={"app": "web"}))
    cache.put("a/web", web)
    asked: list[str] = []

    def counted(name: str, same: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
        def test(old: Any, new: Any) -> bool:
            asked.append(name)
            return same(old, new)

        return test

    monkeypatch.setattr(
        indexer_module, "_SAME", {k: counted(k, f) for k, f in indexer_module._SAME.items()}
    )
    renewed = evolve(web, metadata=evolve(web.metadata, resource_version="7"))
    assert cache.put("a/web", renewed) is web
    assert asked == []
    assert cache.by_index("label", "app=web") == [renewed]
