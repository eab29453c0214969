"""Volumes on the subprocess runtime: each container's mounts as a directory tree of its own.

A process here shares the machine's filesystem, so a container cannot see a volume at its
``mountPath`` itself; it sees it at ``$KUBE_ACTORS_MOUNTS/<mountPath>`` instead (``/etc/nginx``
→ ``$KUBE_ACTORS_MOUNTS/etc/nginx``). Behind each path is the pod's directory of that volume:
``volumes/<name>`` in the sandbox's directory (emptyDir, and the files the kubelet projected
from ConfigMaps, Secrets and the downward API), or the volume's own ``host_path`` (hostPath, a
claim's volume). A ``subPath`` mounts that part of the volume, made as a directory when it is
missing, as Kubernetes does.

``readOnly`` needs a mount of the container's own: where the machine allows a private mount
namespace (root on Linux, with ``unshare``), the container runs in one in which each read-only
volume is bound onto itself read-only, so its writes fail with EROFS while the pod's other
containers (and the kubelet, updating a ConfigMap's files) still write. Elsewhere projected
files are written without their write bits (``_pod_volumes``), which refuses every user but root.

The volumes' directories are the sandbox's (``PodVolumes``), so an emptyDir goes with its pod.
"""

from __future__ import annotations

import functools
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import attrs

from ._pod_volumes import PodVolumes
from ._types import Mount

__all__ = [
    "MOUNTS_ENV",
    "PreparedMounts",
    "can_isolate",
    "isolated_argv",
    "prepare_mounts",
]

#: The variable naming the root of a container's mounts.
MOUNTS_ENV = "KUBE_ACTORS_MOUNTS"


@attrs.frozen
class PreparedMounts:
    """Where a container's mounts are, and which volume directories it may only read."""

    root: Path
    read_only: tuple[Path, ...]
    #: Each volume and the mountPath it is bound onto in a private mount namespace.
    binds: tuple[tuple[Path, str, bool], ...] = ()


def prepare_mounts(
    volumes: PodVolumes, container: str, mounts: Iterable[Mount]
) -> PreparedMounts | None:
    """The root of ``container``'s mounts, each mountPath a link to its volume; None if none."""
    mounts = tuple(mounts)
    if not mounts:
        return None
    root = volumes.sandbox_dir / "mounts" / container
    read_only: list[Path] = []
    binds: list[tuple[Path, str, bool]] = []
    for index, mount in enumerate(mounts):
        source = volumes.source(mount, container, index)
        if mount.container_path.rstrip("/"):
            binds.append((source, mount.container_path, bool(mount.read_only)))
        target = root / mount.container_path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_symlink():
            target.unlink()
        target.symlink_to(source)
        if mount.read_only:
            read_only.append(source)
    return PreparedMounts(root=root, read_only=tuple(read_only), binds=tuple(binds))


@functools.cache
def can_isolate() -> bool:
    """Whether processes can get a private mount namespace here (root on Linux, ``unshare``)."""
    if sys.platform != "linux" or os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "true"], capture_output=True, check=False
    )
    return probe.returncode == 0


def isolated_argv(
    argv: list[str],
    read_only: Iterable[Path],
    binds: Iterable[tuple[Path, str, bool]] = (),
) -> list[str]:
    """``argv`` run in a private mount namespace with each ``read_only`` directory bound ro
    and each of ``binds`` (volume, mountPath, read-only) bound onto its mountPath."""
    steps = [
        f"mount --bind {shlex.quote(str(p))} {shlex.quote(str(p))} && "
        f"mount -o remount,bind,ro {shlex.quote(str(p))}"
        for p in read_only
    ]
    for source, target, ro in binds:
        src, dst = shlex.quote(str(source)), shlex.quote(target)
        # A file volume (a subPath of one) needs a file to be bound onto, a directory a
        # directory; the mount point is made on the machine's filesystem if missing (empty).
        make = f"{{ [ -e {dst} ] || {{ mkdir -p $(dirname {dst}) && touch {dst}; }}; }}"
        if source.is_dir():
            make = f"mkdir -p {dst}"
        steps.append(f"{make} && mount --bind {src} {dst}")
        if ro:
            steps.append(f"mount -o remount,bind,ro {dst}")
    steps_text = " && ".join(steps)
    script = f'{steps_text} && exec "$@"' if steps_text else 'exec "$@"'
    return ["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh", *argv]
