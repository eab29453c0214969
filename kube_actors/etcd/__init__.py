"""The etcd store: an MVCC key-value store with etcd's semantics, and the actor serving it.

- ``EtcdActor``: the store as an actor; ``ask`` it the request messages.
- ``MemoryBackend``: the store itself, synchronous and pure (``Backend`` is its contract).
- ``SqliteBackend``: the same store kept in an SQLite file, every write on disk before it is
  answered; a restart on the file comes back with every key, revision and lease.
- ``RemoteBackend``: the store in a real etcd cluster over its gRPC API (async calls), and
  ``RemoteEtcdActor``, the etcd actor over it; ``RemoteWatcher`` is its watch; ``EtcdTLS``
  the files of TLS to it.
- ``save_snapshot`` / ``restore_snapshot`` / ``snapshot_status``: snapshots of a store file.
- ``WatchHub`` / ``Watcher``: the watch fan-out, one event log with a cursor per watcher.
- The request messages, by etcd's RPC names (``Range``, ``Put``, ``DeleteRange``, ``Txn``,
  ``Compact``, ``Lease*``, ``WatchCreate``, ``EndpointStatus``; ``TxnBatch``, several ``Txn``
  in one request, each at its own revision) and what they answer
  (``*Response``, ``KeyValue``, ``KeyEvent``): keys and revisions, where ``kube_actors.api``'s
  requests (``Get``, ``List``, ``Watch``, ``Delete``) are about Kubernetes objects.

The names before etcd's (``Delete``, ``DeleteResponse``, ``Watch``, ``Status``,
``StatusResponse``, ``Event``) still import, with a ``DeprecationWarning``, for one release.
"""

import warnings

from ._actor import EtcdActor as EtcdActor
from ._backend import Backend as Backend
from ._keys import FROM_KEY as FROM_KEY
from ._keys import prefix_end as prefix_end
from ._memory import MemoryBackend as MemoryBackend
from ._memory import StoreStatistics as StoreStatistics
from ._messages import Compact as Compact
from ._messages import Compare as Compare
from ._messages import CompareOp as CompareOp
from ._messages import CompareTarget as CompareTarget
from ._messages import DeleteRange as DeleteRange
from ._messages import EndpointStatus as EndpointStatus
from ._messages import LeaseGrant as LeaseGrant
from ._messages import LeaseKeepAlive as LeaseKeepAlive
from ._messages import LeaseRevoke as LeaseRevoke
from ._messages import LeaseTimeToLive as LeaseTimeToLive
from ._messages import Pipelined as Pipelined
from ._messages import Put as Put
from ._messages import Range as Range
from ._messages import Txn as Txn
from ._messages import TxnBatch as TxnBatch
from ._messages import TxnOp as TxnOp
from ._messages import WatchCreate as WatchCreate
from ._remote import RemoteBackend as RemoteBackend
from ._remote_actor import RemoteEtcdActor as RemoteEtcdActor
from ._remote_tls import EtcdTLS as EtcdTLS
from ._remote_watch import RemoteWatcher as RemoteWatcher
from ._responses import CompactResponse as CompactResponse
from ._responses import DeleteRangeResponse as DeleteRangeResponse
from ._responses import EndpointStatusResponse as EndpointStatusResponse
from ._responses import LeaseGrantResponse as LeaseGrantResponse
from ._responses import LeaseKeepAliveResponse as LeaseKeepAliveResponse
from ._responses import LeaseRevokeResponse as LeaseRevokeResponse
from ._responses import LeaseTimeToLiveResponse as LeaseTimeToLiveResponse
from ._responses import OpResponse as OpResponse
from ._responses import PipelinedResponse as PipelinedResponse
from ._responses import PutResponse as PutResponse
from ._responses import RangeResponse as RangeResponse
from ._responses import TxnBatchResponse as TxnBatchResponse
from ._responses import TxnResponse as TxnResponse
from ._snapshot import SnapshotStatus as SnapshotStatus
from ._snapshot import restore_snapshot as restore_snapshot
from ._snapshot import save_snapshot as save_snapshot
from ._snapshot import snapshot_status as snapshot_status
from ._sqlite import SqliteBackend as SqliteBackend
from ._types import EventType as EventType
from ._types import KeyEvent as KeyEvent
from ._types import KeyValue as KeyValue
from ._watch import Watcher as Watcher
from ._watch import WatchHub as WatchHub
from ._watch import WatchHubStatistics as WatchHubStatistics

__all__ = [
    "FROM_KEY",
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
    "EtcdTLS",
    "EventType",
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
    "Pipelined",
    "PipelinedResponse",
    "Put",
    "PutResponse",
    "Range",
    "RangeResponse",
    "RemoteBackend",
    "RemoteEtcdActor",
    "RemoteWatcher",
    "SnapshotStatus",
    "SqliteBackend",
    "StoreStatistics",
    "Txn",
    "TxnBatch",
    "TxnBatchResponse",
    "TxnOp",
    "TxnResponse",
    "WatchCreate",
    "WatchHub",
    "WatchHubStatistics",
    "Watcher",
    "prefix_end",
    "restore_snapshot",
    "save_snapshot",
    "snapshot_status",
]

_DEPRECATED = {
    "Delete": "DeleteRange",
    "DeleteResponse": "DeleteRangeResponse",
    "Event": "KeyEvent",
    "Status": "EndpointStatus",
    "StatusResponse": "EndpointStatusResponse",
    "Watch": "WatchCreate",
}


def __getattr__(name: str) -> object:
    # The names before etcd's own RPC names, for one release (see the module docstring).
    new = _DEPRECATED.get(name)
    if new is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    warnings.warn(
        f"kube_actors.etcd.{name} is now {new}, after etcd's RPC name",
        DeprecationWarning,
        stacklevel=2,
    )
    return globals()[new]
