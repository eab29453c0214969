"""The store's public surface is on purpose: this pins it."""

from __future__ import annotations

import kube_actors.etcd


def test_the_etcd_package_exports_exactly_its_public_names() -> None:
    assert kube_actors.etcd.__all__ == [
        "FROM_KEY",
        "Backend",
        "Compact",
        "CompactResponse",
        "Compare",
        "CompareOp",
        "CompareTarget",
        "Delete",
        "DeleteResponse",
        "EtcdActor",
        "Event",
        "EventType",
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
        "SnapshotStatus",
        "SqliteBackend",
        "Status",
        "StatusResponse",
        "StoreStatistics",
        "Txn",
        "TxnOp",
        "TxnResponse",
        "Watch",
        "WatchHub",
        "WatchHubStatistics",
        "Watcher",
        "prefix_end",
        "restore_snapshot",
        "save_snapshot",
        "snapshot_status",
    ]
    for name in kube_actors.etcd.__all__:
        assert getattr(kube_actors.etcd, name) is not None


def test_the_memory_backend_fulfils_the_backend_protocol() -> None:
    backend: kube_actors.etcd.Backend = kube_actors.etcd.MemoryBackend()
    assert backend.revision == 1
