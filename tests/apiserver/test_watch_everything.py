"""A watch of every object of a kind (no namespace, no selector: a controller's informer)
sees each change without a matcher asked; what it sees is what a namespaced watch of the
same objects sees."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import kube_actors.apiserver._actor as actor_module
from kube_actors import Cluster
from kube_actors.api import Lease, LeaseSpec, ObjectMeta, WatchStream, evolve


async def _events(stream: WatchStream, count: int) -> list[tuple[str, Any]]:
    events: list[tuple[str, Any]] = []
    while len(events) < count:
        events += [(e.type, e.obj) for e in await stream.next_batch() if e.type != "BOOKMARK"]
    stream.close()
    return events


async def test_a_watch_of_everything_asks_no_matcher_and_sees_what_a_namespace_sees(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    general = actor_module._Matches.__call__
    asked: list[str] = []

    def counted(self: Any, obj: Any) -> bool:
        asked.append(obj.metadata.name)
        return general(self, obj)

    monkeypatch.setattr(actor_module._Matches, "__call__", counted)
    async with Cluster(controllers=(), scheduler=False, nodes=0) as cluster:
        client = cluster.client
        created = await client.create(
            Lease(
                metadata=ObjectMeta(name="a", namespace="kube-node-lease"),
                spec=LeaseSpec(renew_time=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)),
            )
        )
        start = str(int(created.metadata.resource_version) - 1)
        everything = await client.watch(Lease, resource_version=start)
        renewal = evolve(created.spec, renew_time=dt.datetime(2026, 1, 1, 0, 0, 10, tzinfo=dt.UTC))
        await client.update(evolve(created, spec=renewal))
        await client.delete(Lease, "a", namespace="kube-node-lease")
        seen = await _events(everything, 3)
        assert asked == []
        namespaced = await client.watch(Lease, namespace="kube-node-lease", resource_version=start)
        assert await _events(namespaced, 3) == seen
    assert [kind for kind, _ in seen] == ["ADDED", "MODIFIED", "DELETED"]
    assert asked  # the namespaced watch asks its matcher
