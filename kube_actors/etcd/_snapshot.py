"""Snapshots of an SQLite store, as ``etcdctl snapshot save``/``etcdutl snapshot restore``.

``save_snapshot`` copies a store file with SQLite's backup API through a read-only
connection: it takes no lock a running cluster holds, and the copy is the store as of one
commit (every write acknowledged before it began), however busy the store is meanwhile.
A running cluster can also save its own (``SqliteBackend.save_snapshot``, through its writer
thread). ``restore_snapshot`` checks that a snapshot is a readable store and copies it to a
new store file, refusing to overwrite one, as etcd refuses an existing data directory.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import attrs

from ..errors import StoreError
from ._sqlite_file import StoreFile

__all__ = ["SnapshotStatus", "restore_snapshot", "save_snapshot", "snapshot_status"]


@attrs.frozen(kw_only=True)
class SnapshotStatus:
    """What a store or snapshot file holds, as ``etcdutl snapshot status`` reports it."""

    revision: int
    #: Live keys (objects) at ``revision``.
    keys: int
    #: Rows of history kept (revisions since the last compaction).
    rows: int
    size: int


def save_snapshot(store: str | os.PathLike[str], target: str | os.PathLike[str]) -> SnapshotStatus:
    """Copy the store file ``store`` (in use or not) to the new file ``target``."""
    store, target = Path(store), Path(target)
    if not store.exists():
        raise StoreError(f"there is no store at {store}")
    if target.exists():
        raise FileExistsError(f"{target} exists: a snapshot is written to a new file")
    source = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
    except sqlite3.DatabaseError as error:
        target.unlink(missing_ok=True)
        raise StoreError(f"cannot read the store {store}: {error}") from error
    finally:
        source.close()
    return snapshot_status(target)


def restore_snapshot(
    snapshot: str | os.PathLike[str], store: str | os.PathLike[str]
) -> SnapshotStatus:
    """Make the new store file ``store`` from ``snapshot``, after checking the snapshot."""
    snapshot, store = Path(snapshot), Path(store)
    if store.exists():
        raise FileExistsError(
            f"{store} exists: restore into a new data directory (or move the old store away)"
        )
    status = snapshot_status(snapshot)
    store.parent.mkdir(parents=True, exist_ok=True)
    partial = store.with_name(store.name + ".restoring")
    shutil.copyfile(snapshot, partial)
    os.replace(partial, store)  # all or nothing: never a half-copied store
    return status


def snapshot_status(path: str | os.PathLike[str]) -> SnapshotStatus:
    """Check that ``path`` is a readable store (``StoreError`` if not) and describe it."""
    path = Path(path)
    if not path.exists():
        raise StoreError(f"there is no snapshot at {path}")
    checked = StoreFile(path, synchronous="normal", lock=False, create=False)
    checked.close()
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        revision, rows = db.execute(
            "SELECT coalesce(max(revision), 1), count(*) FROM kv"
        ).fetchone()
        (keys,) = db.execute(
            "SELECT count(*) FROM kv WHERE id IN (SELECT max(id) FROM kv GROUP BY key)"
            " AND version > 0"
        ).fetchone()
    finally:
        db.close()
    return SnapshotStatus(revision=revision, keys=keys, rows=rows, size=path.stat().st_size)
