"""The watch cache's per-namespace index answers as a scan of the kind would."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kube_actors.api import ConfigMap, ObjectMeta, kind_info
from kube_actors.apiserver._cache import KindCache
from kube_actors.apiserver._keys import object_key
from kube_actors.etcd import EventType, KeyEvent, KeyValue

NAMESPACES = ("default", "kube-system", "team-a")
NAMES = ("a", "b", "c")
INFO = kind_info(ConfigMap)

steps = st.lists(
    st.tuples(st.booleans(), st.sampled_from(NAMESPACES), st.sampled_from(NAMES)), max_size=40
)


def _config_map(namespace: str, name: str) -> ConfigMap:
    return ConfigMap(metadata=ObjectMeta(namespace=namespace, name=name))


@given(steps)
def test_a_namespace_lists_what_a_scan_of_the_kind_finds_there(
    ops: list[tuple[bool, str, str]],
) -> None:
    cache = KindCache(INFO, retain=8, max_lag=8)
    cache.load([], 1)
    for revision, (put, namespace, name) in enumerate(ops, start=2):
        key = object_key(INFO, namespace, name)
        previous = cache.objects.get(key)
        if put:
            kv = KeyValue(
                key=key,
                value=_config_map(namespace, name),
                create_revision=revision,
                mod_revision=revision,
                version=1,
            )
            cache.apply(KeyEvent(type=EventType.PUT, kv=kv))
        elif previous is not None:
            tombstone = KeyValue(
                key=key, value=None, create_revision=0, mod_revision=revision, version=0
            )
            cache.apply(KeyEvent(type=EventType.DELETE, kv=tombstone))
    everything = list(cache.in_namespace(""))
    assert everything == [cache.objects[k] for k in sorted(cache.objects)]
    for namespace in NAMESPACES:
        expected = [o for o in everything if o.metadata.namespace == namespace]
        assert list(cache.in_namespace(namespace)) == expected
