"""What the store hands out: key-values and events (``KeyEvent``, etcd's ``mvccpb.Event``: a
change of one key; not ``api.Event``, the Kubernetes kind, nor ``api.WatchEvent``, what an
apiserver watch delivers).

Both are frozen and shared, never copied: the value a caller put is the very object every
reader and watcher gets back, which is why values must be immutable themselves.
"""

from __future__ import annotations

import enum

import attrs

from ..api import quick_init

__all__ = ["KeyEvent", "EventType", "KeyValue"]


class EventType(enum.Enum):
    PUT = "PUT"
    DELETE = "DELETE"


@quick_init
@attrs.frozen(kw_only=True)
class KeyValue:
    """One revision of one key, as etcd's ``mvccpb.KeyValue``.

    ``version`` counts the puts since the key was (re)created: 1 at creation, reset by a
    delete. A deletion is recorded as a *tombstone*: ``version == 0``, no value, and
    ``mod_revision`` the revision of the delete.
    """

    key: str
    value: object
    create_revision: int
    mod_revision: int
    version: int
    lease: int = 0

    @property
    def is_tombstone(self) -> bool:
        return self.version == 0


def tombstone(key: str, revision: int) -> KeyValue:
    return KeyValue(key=key, value=None, create_revision=0, mod_revision=revision, version=0)


@quick_init
@attrs.frozen(kw_only=True)
class KeyEvent:
    """A change: ``kv`` is the new revision (a tombstone for DELETE), ``prev_kv`` the one before.

    Unlike etcd, ``prev_kv`` is always filled when the key existed: the store keeps it at no
    cost, and it stays available even for events at the compacted revision.
    """

    type: EventType
    kv: KeyValue
    prev_kv: KeyValue | None = None

    @property
    def revision(self) -> int:
        return self.kv.mod_revision
