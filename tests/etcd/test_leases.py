"""Leases on the memory backend: time is passed in, never read."""

from __future__ import annotations

import pytest

from kube_actors.errors import LeaseNotFound, StoreError
from kube_actors.etcd import DeleteRange, EventType, MemoryBackend, Put, Range, SqliteBackend

from .conftest import StoreFactory


@pytest.fixture
def new_store(new_local_store: StoreFactory) -> StoreFactory:
    """The local stores only: these tests drive lease expiry by the clock they pass in,
    where a real etcd expires leases on its own clock."""
    return new_local_store


def keys(store: MemoryBackend | SqliteBackend) -> list[str]:
    return [kv.key for kv in store.range(Range.prefix("")).kvs]


def test_a_granted_lease_gets_a_deterministic_id_and_its_ttl(new_store: StoreFactory) -> None:
    store = new_store()
    first = store.lease_grant(10, now=0.0)
    second = store.lease_grant(5, now=0.0)
    assert (first.id, first.ttl, second.id) == (1, 10, 2)
    assert store.revision == 1  # granting writes no key


def test_a_lease_id_may_be_chosen_once(new_store: StoreFactory) -> None:
    store = new_store()
    store.lease_grant(10, id=7, now=0.0)
    with pytest.raises(StoreError, match="already exists"):
        store.lease_grant(10, id=7, now=0.0)


def test_putting_with_an_unknown_lease_fails_and_writes_nothing(new_store: StoreFactory) -> None:
    store = new_store()
    with pytest.raises(LeaseNotFound):
        store.put(Put(key="a", value=1, lease=3))
    assert store.revision == 1


def test_revoking_a_lease_deletes_its_keys_at_one_revision(new_store: StoreFactory) -> None:
    store = new_store()
    lease = store.lease_grant(10, now=0.0).id
    for key in ["b", "a", "c"]:
        store.put(Put(key=key, value=1, lease=lease if key != "c" else 0))
    response = store.lease_revoke(lease)
    assert response.revision == 5
    assert [(e.type, e.kv.key) for e in store.changes(5, 5)] == [
        (EventType.DELETE, "a"),
        (EventType.DELETE, "b"),
    ]
    assert keys(store) == ["c"]
    with pytest.raises(LeaseNotFound):
        store.lease_revoke(lease)


def test_a_key_put_again_without_its_lease_leaves_the_lease(new_store: StoreFactory) -> None:
    store = new_store()
    lease = store.lease_grant(10, now=0.0).id
    store.put(Put(key="a", value=1, lease=lease))
    store.put(Put(key="b", value=1, lease=lease))
    store.put(Put(key="a", value=2))
    store.delete(DeleteRange(key="b"))
    assert store.lease_time_to_live(lease, now=0.0, keys=True).keys == ()
    revision = store.revision
    store.lease_revoke(lease)
    assert store.revision == revision  # nothing left to delete
    assert keys(store) == ["a"]


def test_leases_expire_when_the_caller_says_the_time_has_come(new_store: StoreFactory) -> None:
    store = new_store()
    short = store.lease_grant(5, now=100.0).id
    long = store.lease_grant(50, now=100.0).id
    store.put(Put(key="short", value=1, lease=short))
    store.put(Put(key="long", value=1, lease=long))
    assert store.next_lease_deadline() == 105.0
    assert store.expire_leases(104.9) == []
    assert store.expire_leases(105.0) == [short]
    assert keys(store) == ["long"]
    assert store.next_lease_deadline() == 150.0


def test_keep_alive_restarts_the_ttl(new_store: StoreFactory) -> None:
    store = new_store()
    lease = store.lease_grant(10, now=0.0).id
    assert store.lease_keep_alive(lease, now=8.0).ttl == 10
    assert store.expire_leases(17.0) == []
    assert store.lease_time_to_live(lease, now=17.0).ttl == 1
    assert store.expire_leases(18.0) == [lease]


def test_keeping_alive_a_lease_past_its_deadline_finds_it_gone(new_store: StoreFactory) -> None:
    store = new_store()
    lease = store.lease_grant(10, now=0.0).id
    store.put(Put(key="a", value=1, lease=lease))
    with pytest.raises(LeaseNotFound):
        store.lease_keep_alive(lease, now=10.0)
    assert keys(store) == []


def test_time_to_live_reports_the_rounded_up_rest_and_minus_one_for_no_lease(
    new_store: StoreFactory,
) -> None:
    store = new_store()
    lease = store.lease_grant(10, now=0.0).id
    store.put(Put(key="k", value=1, lease=lease))
    answer = store.lease_time_to_live(lease, now=2.5, keys=True)
    assert (answer.ttl, answer.granted_ttl, answer.keys) == (8, 10, ("k",))
    assert store.lease_time_to_live(99, now=0.0).ttl == -1


def test_a_lease_needs_a_positive_ttl(new_store: StoreFactory) -> None:
    with pytest.raises(ValueError, match="positive TTL"):
        new_store().lease_grant(0, now=0.0)
