"""The store's public surface is on purpose: this pins it."""

from __future__ import annotations

import pytest

import kube_actors.etcd


def test_the_etcd_package_exports_exactly_its_public_names() -> None:
    assert kube_actors.etcd.__all__ == [
        "Backend",
        "Compact",
        "CompactResponse",
        "Compare",
        "CompareOp",
        "CompareTarget",
        "DeleteRange",
        "DeleteRangeResponse",
        "EndpointStatus",
        "EndpointStatusResponse",
        "EtcdActor",
        "EventType",
        "FROM_KEY",
        "KeyEvent",
        "KeyValue",
        "LeaseGrant",
        "LeaseGrantResponse",
        "LeaseKeepAlive",
        "LeaseKeepAliveResponse",
        "LeaseRevoke",
        "LeaseRevokeResponse",
        "LeaseTimeToLive",
        "LeaseTimeToLiveResponse",
        "MemoryBackend",
        "OpResponse",
        "Put",
        "PutResponse",
        "Range",
        "RangeResponse",
        "StoreStatistics",
        "Txn",
        "TxnOp",
        "TxnResponse",
        "WatchCreate",
        "WatchHub",
        "WatchHubStatistics",
        "Watcher",
        "prefix_end",
    ]
    for name in kube_actors.etcd.__all__:
        assert getattr(kube_actors.etcd, name) is not None


def test_the_memory_backend_fulfils_the_backend_protocol() -> None:
    backend: kube_actors.etcd.Backend = kube_actors.etcd.MemoryBackend()
    assert backend.revision == 1


def test_the_names_before_etcds_own_still_import_with_a_deprecation_warning() -> None:
    with pytest.warns(DeprecationWarning, match="DeleteRange"):
        old = kube_actors.etcd.Delete
    assert old is kube_actors.etcd.DeleteRange
    with pytest.raises(AttributeError):
        _ = kube_actors.etcd.Nope
