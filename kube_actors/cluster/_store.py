"""The store a ``Cluster`` runs on, from what ``Cluster(store=...)`` was given.

``"memory"`` (the default) keeps everything in this process; ``"sqlite:///path/to/file.db"``
keeps it in an SQLite file (``?synchronous=normal`` trades power-loss safety for speed), which
the cluster opens on entry and closes on exit; a ``Backend`` instance is used as given and
stays open (its owner closes it), so a program can run one store under several clusters in
turn, as a restarted process would.
"""

from __future__ import annotations

from typing import cast
from urllib.parse import parse_qs, urlsplit

import attrs

from ..etcd import Backend, MemoryBackend, SqliteBackend
from ..etcd._sqlite_file import Synchronous

__all__ = ["StoreChoice", "parse_store"]


@attrs.frozen
class StoreChoice:
    """A store to open: None for memory, else the SQLite file and its ``synchronous``."""

    path: str | None = None
    synchronous: Synchronous = "full"

    def open(self) -> Backend:
        if self.path is None:
            return MemoryBackend()
        return SqliteBackend(self.path, synchronous=self.synchronous)


def parse_store(store: str) -> StoreChoice:
    """``"memory"`` or ``"sqlite://<path>[?synchronous=normal|full]"``; ``ValueError`` else."""
    if store == "memory":
        return StoreChoice()
    url = urlsplit(store)
    if url.scheme != "sqlite":
        raise ValueError(
            f"unknown store {store!r}: use 'memory', 'sqlite:///path/to/store.db' or a "
            "Backend instance"
        )
    path = url.netloc + url.path  # sqlite:///abs/path and sqlite://relative/path
    if not path:
        raise ValueError(f"store {store!r} names no file: sqlite:///path/to/store.db")
    options = parse_qs(url.query, keep_blank_values=True)
    unknown = sorted(set(options) - {"synchronous"})
    if unknown:
        raise ValueError(f"store {store!r}: unknown option {unknown[0]!r} (known: synchronous)")
    synchronous = options.get("synchronous", ["full"])[-1]
    if synchronous not in ("normal", "full"):
        raise ValueError(
            f"store {store!r}: synchronous must be 'normal' or 'full', not {synchronous!r}"
        )
    return StoreChoice(path=path, synchronous=cast("Synchronous", synchronous))
