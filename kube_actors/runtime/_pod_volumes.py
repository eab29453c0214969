"""One pod's volume directories on the subprocess runtime, as the kubelet's
``pods/<uid>/volumes``.

Each volume of the sandbox is ``volumes/<name>`` in the sandbox's directory (hostPath and a
claim's volume are their own directory instead), made when a container first mounts it:

- an emptyDir, and the directory under a ConfigMap or downward API volume, is mode 0777 (the
  kubelet's emptyDir, which those volumes wrap);
- a Secret, downward API or projected volume and ``emptyDir: {medium: Memory}`` is a tmpfs
  where the machine allows it (``_tmpfs``), its root 1777 as on a node;
- the files of ConfigMap, Secret, downward API and projected volumes are written by the
  atomic writer, each with its mode, and replaced the same way when the kubelet's sync
  finds them changed (``project``).

A ``subPath`` of an emptyDir or hostPath is that directory of the volume, live; a ``subPath``
of a projected volume is a copy of what it held when the container was created (the kubelet
binds the file the path resolves to then), so it does not follow updates, as in Kubernetes.

Without a private mount namespace (see ``_mounts``) nothing can make a volume read-only for
one container, so projected files are written without their write bits there; where the
namespace exists they keep their modes exactly and the mount itself is read-only.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

from kube_actors.actors import wall_clock

from ._atomic_writer import DEFAULT_FILE_MODE, write_atomically
from ._tmpfs import mount_tmpfs, unmount
from ._types import Mount

__all__ = ["PodVolumes"]

#: The mode of an emptyDir's directory (the kubelet's ``perm`` for it): every user may write.
_EMPTY_DIR_MODE = 0o777


class PodVolumes:
    """The volume directories of one sandbox; ``release()`` unmounts its tmpfs volumes."""

    def __init__(self, sandbox_dir: Path, *, memory: bool, protect: bool) -> None:
        self.sandbox_dir = sandbox_dir
        #: Whether Memory volumes get a tmpfs (else a plain directory).
        self.memory = memory
        #: Whether projected files lose their write bits (no private mount namespace).
        self.protect = protect
        self._tmpfs: list[Path] = []

    def _path(self, volume: str) -> Path:
        return self.sandbox_dir / "volumes" / volume

    def directory(self, mount: Mount) -> Path:
        """The volume's directory, set up (and its files projected) on first use."""
        if mount.host_path:
            source = Path(mount.host_path)
            source.mkdir(parents=True, exist_ok=True)  # hostPath's DirectoryOrCreate, our default
            return source
        directory = self._path(mount.volume)
        if not directory.exists():
            directory.mkdir(parents=True)
            if mount.medium == "Memory" and self.memory:
                mount_tmpfs(directory)
                self._tmpfs.append(directory)
            else:
                directory.chmod(_EMPTY_DIR_MODE)
        if mount.projected:
            self.project(mount.volume, mount.files, mount.modes)
        return directory

    def project(self, volume: str, files: Mapping[str, bytes], modes: Mapping[str, int]) -> bool:
        """Write ``files`` into the volume atomically; False if unchanged or not set up yet
        (its first container's mount writes it then)."""
        directory = self._path(volume)
        if not directory.is_dir():
            return False
        if self.protect:
            modes = {path: modes.get(path, DEFAULT_FILE_MODE) & ~0o222 for path in files}
        return write_atomically(directory, files, modes, now=wall_clock())

    def source(self, mount: Mount, container: str, index: int) -> Path:
        """What ``container``'s ``index``-th mount shows: the volume, or its subPath."""
        directory = self.directory(mount)
        if not mount.sub_path:
            return directory
        part = directory / mount.sub_path
        if not mount.projected:
            if not part.exists():
                part.mkdir(parents=True)  # a missing subPath is made, as Kubernetes does
            return part
        snapshot = self.sandbox_dir / "subpaths" / container / f"{mount.volume}-{index}"
        if snapshot.is_dir() and not snapshot.is_symlink():
            shutil.rmtree(snapshot)
        else:
            snapshot.unlink(missing_ok=True)
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        if part.is_dir():
            shutil.copytree(part.resolve(), snapshot)
        elif part.exists():
            shutil.copy2(part.resolve(), snapshot)
        else:
            snapshot.mkdir()
        return snapshot

    def release(self) -> None:
        """Unmount the sandbox's tmpfs volumes (before its directory is removed)."""
        for directory in self._tmpfs:
            unmount(directory)
        self._tmpfs.clear()
