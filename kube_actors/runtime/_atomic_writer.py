"""The kubelet's atomic writer: a projected volume's files replaced all at once.

A ConfigMap, Secret, downward API or projected volume is a directory whose user-visible names
are symlinks into ``..data``, itself a symlink to a timestamped directory holding the files
(``..2026_12_05_19_30_00.k3j2x9``):

    config.yaml -> ..data/config.yaml
    conf.d      -> ..data/conf.d
    ..data      -> ..2026_12_05_19_30_00.k3j2x9

An update writes the whole payload into a new timestamped directory, points a ``..data_tmp``
symlink at it and renames that over ``..data`` (a rename is atomic), then removes the names
that left the payload and the previous timestamped directory. A reader that opens
``config.yaml`` sees the old version or the new one, never a mix; a program may watch
``..data`` to learn of an update. A payload equal to what is there is not written again.
This is Kubernetes' ``pkg/volume/util/atomic_writer.go``, step for step; names beginning with
``..`` are the writer's own.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

__all__ = ["DATA_DIR", "DEFAULT_FILE_MODE", "write_atomically"]

#: The symlink to the current timestamped directory.
DATA_DIR = "..data"
_NEW_DATA_DIR = "..data_tmp"
#: The mode of a projected file whose volume names none (the API's defaultMode 420).
DEFAULT_FILE_MODE = 0o644
#: The timestamped directories are readable and searchable by everyone, whatever the umask.
_TIMESTAMP_DIR_MODE = 0o755


def _clean(path: str) -> str:
    """``path`` normalised, or ValueError as the writer's validatePath refuses it."""
    if not path:
        raise ValueError("invalid path: must not be empty")
    pure = PurePosixPath(path)
    if pure.is_absolute():
        raise ValueError(f"invalid path: must be relative path: {path}")
    parts = [p for p in pure.parts if p != "."]
    if ".." in parts:
        raise ValueError(f"invalid path: must not contain '..': {path}")
    if not parts or parts[0].startswith(".."):
        raise ValueError(f"invalid path: must not start with '..': {path}")
    return "/".join(parts)


def _prefixes(path: str) -> list[str]:
    """``a/b/c`` -> ``a/b/c``, ``a/b``, ``a``: a payload path and the directories above it."""
    parts = path.split("/")
    return ["/".join(parts[:n]) for n in range(len(parts), 0, -1)]


def _existing(old_dir: Path) -> set[str]:
    found: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(old_dir):
        base = Path(dirpath).relative_to(old_dir)
        for name in (*dirnames, *filenames):
            found.add((base / name).as_posix())
    return found


def _unchanged(payload: Mapping[str, tuple[bytes, int]], old_dir: Path) -> bool:
    for path, (content, mode) in payload.items():
        current = old_dir / path
        try:
            if current.read_bytes() != content or current.stat().st_mode & 0o7777 != mode:
                return False
        except OSError:
            return False
    return True


def _write_payload(payload: Mapping[str, tuple[bytes, int]], directory: Path) -> None:
    for path, (content, mode) in payload.items():
        target = directory / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        target.chmod(mode)  # the mode asked for, whatever the umask made of it


def _link_user_visible(payload: Mapping[str, tuple[bytes, int]], target: Path) -> None:
    """Each top-level name of the payload a symlink into ``..data`` (made once, kept)."""
    for path in payload:
        top = path.split("/", 1)[0]
        link = target / top
        if not link.is_symlink():
            link.symlink_to(f"{DATA_DIR}/{top}")


def write_atomically(
    target: Path,
    files: Mapping[str, bytes],
    modes: Mapping[str, int] | None = None,
    *,
    now: dt.datetime,
) -> bool:
    """Project ``files`` (relative paths, each with its mode in ``modes``, else 0644) into
    the existing directory ``target`` as one atomic update, the timestamped directory named
    for ``now``; False when the payload is already there and nothing was written."""
    modes = modes or {}
    payload = {
        _clean(path): (content, modes.get(path, DEFAULT_FILE_MODE))
        for path, content in files.items()
    }
    data_link = target / DATA_DIR
    old_name = os.readlink(data_link) if data_link.is_symlink() else ""
    stale: set[str] = set()
    if old_name:
        old_dir = target / old_name
        wanted = {prefix for path in payload for prefix in _prefixes(path)}
        stale = _existing(old_dir) - wanted
        if not stale and _unchanged(payload, old_dir):
            return False
    stamp = now.astimezone(dt.UTC).strftime("..%Y_%m_%d_%H_%M_%S.")
    new_dir = Path(tempfile.mkdtemp(prefix=stamp, dir=target))
    new_dir.chmod(_TIMESTAMP_DIR_MODE)
    try:
        _write_payload(payload, new_dir)
        _link_user_visible(payload, target)
        new_link = target / _NEW_DATA_DIR
        new_link.unlink(missing_ok=True)  # left by a writer that stopped half-way
        new_link.symlink_to(new_dir.name)
        os.replace(new_link, data_link)
    except OSError:
        shutil.rmtree(new_dir, ignore_errors=True)
        raise
    for path in stale:
        if "/" not in path:  # only the top-level names are user-visible symlinks
            (target / path).unlink(missing_ok=True)
    if old_name:
        shutil.rmtree(target / old_name, ignore_errors=True)
    return True
