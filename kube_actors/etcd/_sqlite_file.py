"""The SQLite file of the durable store: its schema, its checks, and the writes to it.

The layout follows kine (k3s' etcd over SQL). One append-only table ``kv`` holds every
change, a deletion as a row of its own (``version`` 0); the row id is the revision shifted
left 20 bits plus the change's place in its revision, so rows sort by revision and a range
of revisions is a range of row ids. ``prev_revision`` points at the key's previous live
row; a unique index on ``(key, prev_revision)`` makes two writers that both update the
same revision of a key fail instead of both landing (the optimistic concurrency etcd's
compare-and-swap gives). Compaction deletes the rows no read from the compacted revision
on can see. ``meta`` records what the file is, its schema version and the compaction;
``leases`` the granted leases (their TTLs, not their deadlines: as in etcd, a lease gets its
full TTL again when the store restarts).

Everything here runs on the store's one writer thread (or before it starts): the
connection is never used from two threads at once.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Literal

import attrs

from ..errors import StoreError
from ._codec import decode_value
from ._layout import upgrade_key
from ._types import KeyEvent, KeyValue

__all__ = ["SCHEMA_VERSION", "Record", "StoreFile", "Synchronous"]

#: The schema this code writes; a file with a newer one is refused, an older one upgraded.
#: 2: keys in Kubernetes' layout (``_layout``): version 1 files are moved to it when opened.
SCHEMA_VERSION = 2
_FORMAT = "kube-actors-store"
_SEQ_BITS = 20

#: SQLite's ``synchronous`` in WAL mode: "normal" survives the process dying (the OS has
#: the write), "full" also the machine losing power (each commit is fsynced).
Synchronous = Literal["normal", "full"]

_SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE kv (
    id INTEGER PRIMARY KEY,
    revision INTEGER NOT NULL,
    key TEXT NOT NULL,
    create_revision INTEGER NOT NULL,
    prev_revision INTEGER NOT NULL,
    version INTEGER NOT NULL,
    lease INTEGER NOT NULL,
    value BLOB
);
CREATE UNIQUE INDEX kv_key_prev_revision ON kv (key, prev_revision) WHERE prev_revision > 0;
CREATE TABLE leases (id INTEGER PRIMARY KEY, ttl INTEGER NOT NULL);
"""

_INSERT_KV = (
    "INSERT INTO kv (id, revision, key, create_revision, prev_revision, version, lease, value)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)

# A row no read at or after R sees: older than R, and either a deletion or followed by a
# newer row older than R too. (A row followed at R or later stays: it is the prev_kv of that
# event, which watchers starting at R get.)
_COMPACT_KV = """
DELETE FROM kv WHERE id < :below AND (
    version = 0 OR EXISTS (
        SELECT 1 FROM kv AS newer
        WHERE newer.key = kv.key AND newer.prev_revision = kv.revision AND newer.id < :below
    )
)
"""


_BUMP_LEASE_ID = (
    "UPDATE meta SET value = max(CAST(value AS INTEGER), ?) WHERE name = 'next_lease_id'"
)


@attrs.frozen
class Record:
    """One durable change: a revision's events, a lease granted or revoked, a compaction."""

    kind: Literal["events", "grant", "revoke", "compact"]
    events: tuple[KeyEvent, ...] = ()
    #: Each event's value as ``_codec`` encoded it (None for a deletion).
    values: tuple[bytes | None, ...] = ()
    number: int = 0  # the lease id or the compacted revision
    ttl: int = 0


@attrs.frozen
class Row:
    """A row of ``kv`` read back: the key-value and the revision of the key's previous one."""

    kv: KeyValue
    prev_revision: int


class StoreFile:
    """An open store file, locked against a second process writing it."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        synchronous: Synchronous,
        lock: bool = True,
        create: bool = True,
    ) -> None:
        """``lock=False, create=False``: only check an existing file (a snapshot)."""
        if synchronous not in ("normal", "full"):
            raise ValueError(f"synchronous must be 'normal' or 'full', not {synchronous!r}")
        self.path = Path(path)
        self._lock: IO[bytes] | None = _lock(self.path) if lock else None
        self._create = create
        try:
            self._db = _connect(self.path)
            self._check_or_create()
            self._db.execute(f"PRAGMA synchronous = {synchronous.upper()}")
        except BaseException:
            if self._lock is not None:
                self._lock.close()
            raise

    # ------------------------------------------------------------------------ reading

    @property
    def compact_revision(self) -> int:
        return int(self._meta("compact_revision"))

    def rows(self) -> Iterator[Row]:
        """Every row, in revision order."""
        query = (
            "SELECT revision, key, create_revision, prev_revision, version, lease, value"
            " FROM kv ORDER BY id"
        )
        for revision, key, created, prev, version, lease, data in self._db.execute(query):
            value = None if version == 0 else decode_value(data, key=key, revision=revision)
            kv = KeyValue(
                key=key,
                value=value,
                create_revision=created,
                mod_revision=revision,
                version=version,
                lease=lease,
            )
            yield Row(kv, prev)

    @property
    def next_lease_id(self) -> int:
        return int(self._meta("next_lease_id"))

    def leases(self) -> list[tuple[int, int]]:
        """The granted leases, as (id, ttl)."""
        return [(i, t) for i, t in self._db.execute("SELECT id, ttl FROM leases ORDER BY id")]

    # ------------------------------------------------------------------------ writing

    def write(self, records: Sequence[Record]) -> None:
        """Write ``records`` in one transaction: one commit (one fsync if "full") for all."""
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            for record in records:
                if record.kind == "events":
                    db.executemany(_INSERT_KV, _kv_rows(record.events, record.values))
                elif record.kind == "grant":
                    db.execute(
                        "INSERT INTO leases (id, ttl) VALUES (?, ?)", (record.number, record.ttl)
                    )
                    # Ids are not handed out twice, not even after a restart.
                    db.execute(_BUMP_LEASE_ID, (record.number + 1,))
                elif record.kind == "revoke":
                    db.execute("DELETE FROM leases WHERE id = ?", (record.number,))
                else:
                    db.execute(_COMPACT_KV, {"below": record.number << _SEQ_BITS})
                    self._set_meta("compact_revision", str(record.number))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def backup(self, target: str | os.PathLike[str]) -> None:
        """Copy the store, as of its last commit, to a new file ``target`` (SQLite's backup
        API: consistent while writes go on)."""
        target = Path(target)
        if target.exists():
            raise FileExistsError(f"{target} exists: a snapshot is written to a new file")
        copy = sqlite3.connect(target)
        try:
            self._db.backup(copy)
        finally:
            copy.close()

    def close(self) -> None:
        """Fold the write-ahead log into the database file and let go of the lock."""
        try:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._db.close()
        finally:
            if self._lock is not None:
                self._lock.close()

    # ------------------------------------------------------------------------- schema

    def _check_or_create(self) -> None:
        db = self._db
        try:
            tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path} is not a kube-actors store: {error}") from error
        if not tables and not self._create:
            raise StoreError(f"{self.path} is not a kube-actors store: it is empty")
        if not tables:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("BEGIN IMMEDIATE")
            db.executescript(_SCHEMA)  # commits
            with db:
                db.executemany(
                    "INSERT INTO meta (name, value) VALUES (?, ?)",
                    [
                        ("format", _FORMAT),
                        ("schema_version", str(SCHEMA_VERSION)),
                        ("compact_revision", "0"),
                        ("next_lease_id", "1"),
                    ],
                )
            return
        try:
            kind = self._meta("format", missing="") if "meta" in tables else ""
        except sqlite3.OperationalError:
            kind = ""  # a meta table of another shape: someone else's
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path} is corrupted: {error}") from error
        if kind != _FORMAT:
            raise StoreError(
                f"{self.path} is an SQLite database of something else (tables: "
                f"{', '.join(sorted(tables))}), not a kube-actors store: it is left as it is"
            )
        version = int(self._meta("schema_version"))
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} has store schema version {version}; this kube-actors reads "
                f"up to {SCHEMA_VERSION}: upgrade kube-actors"
            )
        problems = [row[0] for row in db.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            raise StoreError(f"{self.path} is corrupted: {'; '.join(problems[:5])}")
        db.execute("PRAGMA journal_mode = WAL")
        if version < SCHEMA_VERSION:
            self._upgrade(version)

    def _upgrade(self, version: int) -> None:
        """Bring a file of an older schema to this one, in one transaction: every row and
        revision kept, or (a failure, a snapshot opened only to be checked) none changed."""
        if self._lock is None:
            return  # a file only checked is read as it is; it is upgraded when restored
        db = self._db
        # Version 1 -> 2: each key of every revision moves to Kubernetes' layout, in place:
        # revisions, and so resourceVersions and watches from them, mean what they meant.
        db.create_function("upgrade_key", 1, upgrade_key, deterministic=True)
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("UPDATE kv SET key = upgrade_key(key) WHERE key != upgrade_key(key)")
            self._set_meta("schema_version", str(SCHEMA_VERSION))
            db.execute("COMMIT")
        except BaseException as error:
            db.execute("ROLLBACK")
            raise StoreError(
                f"{self.path}: could not upgrade the store from schema version {version}: "
                f"{error}; the file is left as it was"
            ) from error

    def _meta(self, name: str, *, missing: str | None = None) -> str:
        row = self._db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        if row is None:
            if missing is not None:
                return missing
            raise StoreError(f"{self.path} is corrupted: its meta table has no {name!r}")
        return str(row[0])

    def _set_meta(self, name: str, value: str) -> None:
        self._db.execute("UPDATE meta SET value = ? WHERE name = ?", (value, name))


def _kv_rows(
    events: Sequence[KeyEvent], values: Sequence[bytes | None]
) -> Iterator[tuple[object, ...]]:
    for seq, (event, data) in enumerate(zip(events, values, strict=True)):
        kv, prev = event.kv, event.prev_kv
        revision = kv.mod_revision
        yield (
            (revision << _SEQ_BITS) + seq,
            revision,
            kv.key,
            kv.create_revision,
            0 if prev is None else prev.mod_revision,
            kv.version,
            kv.lease,
            data,
        )


def _connect(path: Path) -> sqlite3.Connection:
    try:
        # Autocommit mode: the transactions are the explicit BEGIN/COMMIT above.
        return sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as error:
        raise StoreError(f"cannot open the store {path}: {error}") from error


def _lock(path: Path) -> IO[bytes]:
    """An exclusive lock on ``<path>.lock``: one process writes a store at a time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path.with_name(path.name + ".lock"), "wb")  # noqa: SIM115 (held open)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise StoreError(f"the store {path} is in use by another process") from None
    return handle
