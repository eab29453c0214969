"""Memory-backed volumes: a tmpfs mounted on a volume's directory, where the machine allows it.

The kubelet keeps Secret, downward API and projected volumes, and ``emptyDir: {medium:
Memory}``, on tmpfs, so that a secret never reaches a disk. Mounting one needs root on Linux
(and a kernel that lets this process mount: not every container does); ``can_mount_tmpfs``
tries once. Elsewhere such a volume is a plain directory, and the runtime says so at start.
The mount is made with ``mount(2)`` itself (no process is spawned for it) and detached
before the sandbox's directory is removed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import sys
import tempfile
from pathlib import Path

__all__ = ["can_mount_tmpfs", "mount_tmpfs", "unmount"]

#: umount2's flag: detach now, even while a container's mount namespace still holds a copy.
_MNT_DETACH = 2


@functools.cache
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)


def mount_tmpfs(directory: Path) -> None:
    """Mount a fresh tmpfs on ``directory`` (its root mode 1777, as the kubelet's)."""
    if _libc().mount(b"tmpfs", os.fsencode(directory), b"tmpfs", 0, None) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"mount tmpfs on {directory}: {os.strerror(error)}")


def unmount(directory: Path) -> None:
    """Detach the mount on ``directory``; nothing if there is none."""
    _libc().umount2(os.fsencode(directory), _MNT_DETACH)


@functools.cache
def can_mount_tmpfs() -> bool:
    """Whether this process may mount a tmpfs (root on Linux, allowed by the kernel)."""
    if sys.platform != "linux" or os.geteuid() != 0:
        return False
    probe = Path(tempfile.mkdtemp(prefix="kube-actors-tmpfs-"))
    try:
        mount_tmpfs(probe)
    except OSError:
        return False
    else:
        unmount(probe)
        return True
    finally:
        probe.rmdir()
