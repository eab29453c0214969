"""The watch of the store finds each event's resource cache by what comes before the key's
last ``/`` (``ApiServer._cache_of_key``, remembered in ``_caches_by_prefix``): the very cache
``resource_of`` names for the whole key, for every key a cluster writes and for keys of any
shape, whichever comes first."""

from __future__ import annotations

import itertools
import random

from kube_actors import Cluster
from kube_actors.api import ConfigMap, ObjectMeta, Service, ServicePort, ServiceSpec
from kube_actors.apiserver import ApiServer
from kube_actors.apiserver._keys import ROOT, resource_of
from kube_actors.etcd import Range
from kube_actors.etcd._keys import prefix_end

#: Segments of the keys made up: resources stored under their plural (core and other
#: groups), under a special prefix (nodes as ``minions``, services' specs and endpoints), a
#: group's, unknown ones; namespaces and names.
_FIRST = ("pods", "leases", "minions", "services", "events", "deployments", "example.com", "nope")
_SECOND = ("specs", "endpoints", "widgets", "default", "kube-node-lease", "a")
_THIRD = ("default", "b", "")
_FOURTH = ("c", "")


def _made_up_keys() -> list[str]:
    keys = []
    for segments in itertools.product(_FIRST, _SECOND, _THIRD, _FOURTH):
        if segments[2] == "" and segments[3] != "":
            continue
        keys.append(ROOT + "/".join(s for s in segments if s))
    return keys


def _looked_up(server: ApiServer, key: str) -> object:
    """``_apply``'s lookup of ``key``'s cache."""
    cache = server._caches_by_prefix.get(key[: key.rfind("/")])
    return cache if cache is not None else server._cache_of_key(key)


async def test_each_key_finds_the_cache_its_resource_has() -> None:
    async with Cluster(nodes=2, clock="virtual") as cluster:
        await cluster.settle(timeout=60)
        client = cluster.client
        await client.create(ConfigMap(metadata=ObjectMeta(name="c", namespace="default")))
        await client.create(
            Service(
                metadata=ObjectMeta(name="s", namespace="default"),
                spec=ServiceSpec(ports=[ServicePort(port=80)], selector={"app": "a"}),
            )
        )
        await cluster.settle(timeout=60)
        ref = cluster.system.lookup("kube-apiserver")
        assert ref is not None
        server = ref._cell.instance
        assert isinstance(server, ApiServer)
        stored = await server.etcd.ask(Range(key=ROOT, range_end=prefix_end(ROOT)))
        written = [kv.key for kv in stored.kvs]
        assert any(key.startswith(f"{ROOT}leases/") for key in written)
        made_up = _made_up_keys()
        for order in range(3):  # whichever key of a prefix comes first
            server._caches_by_prefix.clear()
            keys = written + made_up
            random.Random(order).shuffle(keys)
            for key in keys * 2:  # the second time, from what the first remembered
                expected = server._cache_of_resource(*resource_of(key))
                assert _looked_up(server, key) is expected, key
        assert server._caches_by_prefix  # the usual keys are remembered
