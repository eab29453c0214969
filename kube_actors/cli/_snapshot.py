"""``kube-actors snapshot save|restore|status``: etcd's snapshots, of the SQLite store.

A data directory holds a cluster's store as ``store.db``; the default one is under the
user's data directory (``$XDG_DATA_HOME/kube-actors``, else ``~/.local/share/kube-actors``).
``save`` copies the store while a cluster may be running on it (SQLite's backup API: the
copy is the store as of one commit); ``restore`` makes a new data directory's store of a
snapshot, refusing one that has a store already; ``status`` checks and describes a file.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from rich.console import Console

from ..errors import StoreError
from ..etcd import SnapshotStatus, restore_snapshot, save_snapshot, snapshot_status

__all__ = ["add_arguments", "default_data_dir", "run_snapshot", "store_file"]


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "kube-actors"


def store_file(data_dir: str | os.PathLike[str]) -> Path:
    """The store of a data directory."""
    return Path(data_dir) / "store.db"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    verbs = parser.add_subparsers(dest="verb", required=True)
    for verb, help_text in (
        ("save", "copy the store of a data directory (in use or not) to a new FILE"),
        ("restore", "make the store of a new data directory from the snapshot FILE"),
    ):
        sub = verbs.add_parser(verb, help=help_text)
        sub.add_argument("file", metavar="FILE")
        sub.add_argument(
            "--data-dir",
            type=Path,
            default=default_data_dir(),
            help=f"the data directory (default: {default_data_dir()})",
        )
    status = verbs.add_parser("status", help="check a snapshot (or store) FILE and describe it")
    status.add_argument("file", metavar="FILE")


def run_snapshot(args: argparse.Namespace, console: Console) -> int:
    try:
        if args.verb == "save":
            status = save_snapshot(store_file(args.data_dir), args.file)
            console.print(f"Snapshot saved at {args.file}")
        elif args.verb == "restore":
            status = restore_snapshot(args.file, store_file(args.data_dir))
            console.print(f"Restored {args.file} into {args.data_dir}")
        else:
            status = snapshot_status(args.file)
    except (StoreError, FileExistsError) as error:
        console.print(f"[red]error:[/red] {error}", soft_wrap=True)
        return 1
    _print_status(status, console)
    return 0


def _print_status(status: SnapshotStatus, console: Console) -> None:
    console.print(
        f"revision {status.revision}, {status.keys} keys, {status.rows} rows of history, "
        f"{status.size:,} bytes"
    )
