"""The store a ``Cluster`` runs on, from what ``Cluster(store=...)`` was given.

``"memory"`` (the default) keeps everything in this process; ``"sqlite:///path/to/file.db"``
keeps it in an SQLite file (``?synchronous=normal`` trades power-loss safety for speed), which
the cluster opens on entry and closes on exit; ``"etcd://host:port[,host:port...]"`` keeps it
in a real etcd cluster (``RemoteBackend``), which other processes may share, over TLS with
``?cafile=...&certfile=...&keyfile=...`` (kube-apiserver's ``--etcd-cafile``, ``--etcd-certfile``,
``--etcd-keyfile``: ``EtcdTLS``); a ``Backend``
or ``RemoteBackend`` instance is used as given and stays open (its owner closes it), so a
program can run one store under several clusters in turn, as a restarted process would.
"""

from __future__ import annotations

from typing import cast
from urllib.parse import parse_qs, urlencode, urlsplit

import attrs

from ..actors import Actor
from ..etcd import (
    Backend,
    EtcdActor,
    EtcdTLS,
    MemoryBackend,
    RemoteBackend,
    RemoteEtcdActor,
    SqliteBackend,
)
from ..etcd._remote import endpoints_use_tls, parse_endpoints
from ..etcd._sqlite_file import Synchronous

__all__ = [
    "AnyStore",
    "StoreChoice",
    "close_store",
    "etcd_actor",
    "etcd_store_url",
    "parse_store",
    "shared_with_others",
    "store_revision",
]

#: What a cluster runs on: a store in this process, or a client of a real etcd.
AnyStore = Backend | RemoteBackend


@attrs.frozen
class StoreChoice:
    """A store to open: memory, the SQLite file and its ``synchronous``, or etcd's endpoints."""

    path: str | None = None
    synchronous: Synchronous = "full"
    etcd_servers: tuple[str, ...] = ()
    etcd_tls: EtcdTLS | None = None

    def open(self) -> AnyStore:
        if self.etcd_servers:
            return RemoteBackend(self.etcd_servers, tls=self.etcd_tls)
        if self.path is None:
            return MemoryBackend()
        return SqliteBackend(self.path, synchronous=self.synchronous)


def etcd_actor(store: AnyStore) -> Actor:
    """The etcd actor serving ``store``: the local one, or the client of a real etcd."""
    if isinstance(store, RemoteBackend):
        return RemoteEtcdActor(store)
    return EtcdActor(store)


def shared_with_others(store: AnyStore) -> bool:
    """Whether other processes may write to the store (a real etcd): this process's
    apiservers then cannot know its revision from what they have seen."""
    return isinstance(store, RemoteBackend)


async def store_revision(store: AnyStore) -> int:
    """The store's current revision (a real etcd is asked)."""
    if isinstance(store, RemoteBackend):
        return (await store.status()).revision
    return store.revision


async def close_store(store: AnyStore) -> None:
    """Close a store the cluster opened itself."""
    if isinstance(store, RemoteBackend):
        await store.close()
        return
    close = getattr(store, "close", None)
    if close is not None:
        close()


def parse_store(store: str) -> StoreChoice:
    """``"memory"``, ``"sqlite://<path>[?synchronous=normal|full]"`` or
    ``"etcd://host:port[,host:port...][?cafile=...&certfile=...&keyfile=...]"``;
    ``ValueError`` else."""
    if store == "memory":
        return StoreChoice()
    url = urlsplit(store)
    if url.scheme == "etcd":
        servers = store.removeprefix("etcd://").partition("?")[0]
        try:
            return StoreChoice(etcd_servers=parse_endpoints(servers), etcd_tls=_tls(url.query))
        except ValueError as error:
            raise ValueError(f"store {store!r}: {error}") from None
    if url.scheme != "sqlite":
        raise ValueError(
            f"unknown store {store!r}: use 'memory', 'sqlite:///path/to/store.db', "
            "'etcd://host:2379[,host:2379...]' or a Backend instance"
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


_TLS_OPTIONS = {"cafile": "ca_file", "certfile": "cert_file", "keyfile": "key_file"}


def _tls(query: str) -> EtcdTLS | None:
    """The TLS files of an etcd store URL's query, None without any."""
    options = parse_qs(query, keep_blank_values=True)
    unknown = sorted(set(options) - set(_TLS_OPTIONS))
    if unknown:
        raise ValueError(f"unknown option {unknown[0]!r} (known: cafile, certfile, keyfile)")
    if not options:
        return None
    return EtcdTLS(**{_TLS_OPTIONS[name]: values[-1] or None for name, values in options.items()})


def etcd_store_url(servers: str, tls: EtcdTLS | None = None) -> str:
    """The store URL of kube-apiserver's ``--etcd-servers`` (``https://`` or not) and TLS
    files; ``ValueError`` naming what is wrong. ``https://`` servers without files trust the
    system's roots, files with ``http://`` servers are refused (they would not be used)."""
    endpoints = ",".join(parse_endpoints(servers))
    if endpoints_use_tls(servers):
        tls = tls or EtcdTLS()
    elif tls is not None and "http://" in servers:
        raise ValueError("TLS files are given but the servers are http://: use https://")
    if tls is None:
        return f"etcd://{endpoints}"
    tls.credentials()  # the files are read now: a missing one is named before anything starts
    query = urlencode(
        {k: getattr(tls, attr) for k, attr in _TLS_OPTIONS.items() if getattr(tls, attr)}
    )
    return f"etcd://{endpoints}?{query}" if query else f"etcd://{endpoints}?cafile="
