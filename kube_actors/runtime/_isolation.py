"""How far a container's processes are kept from escaping: decided once per machine.

Kubernetes kills a container's whole cgroup, so nothing a container started outlives it.
A process group (what ``start_new_session`` gives) is not enough: a process can leave it
with ``setsid``, and the kernel's parent-death signal reaches only the first process. So the
subprocess runtime picks the strongest of:

``pid-namespace``
    Each container runs in a PID namespace of its own (util-linux ``unshare``, root or user
    namespaces needed). Its first process there is a small shell that starts the container's
    command and waits for it: when the command ends, that shell (the namespace's init)
    exits and the kernel kills every process left in the namespace, ``setsid`` or not; and
    ``unshare`` dies with this Python process (parent-death signal) and takes the namespace
    with it, so ``kill -9`` of Python leaves nothing behind.
``subreaper``
    Linux without namespaces: this process becomes a child subreaper
    (``PR_SET_CHILD_SUBREAPER``), so processes orphaned inside a container are re-parented
    here instead of to init, and every process of a container carries a marker in its
    environment; when the container ends, whatever still carries its marker is killed and
    reaped. A ``kill -9`` of Python can still leave processes a container left behind.
``process-group``
    Elsewhere: the container's process group, as before.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Final, Literal

__all__ = [
    "CONTAINER_MARKER",
    "ISOLATIONS",
    "Isolation",
    "choose_isolation",
    "kill_marked",
    "namespace_launcher",
    "reap",
    "subreaper",
]

Isolation = Literal["pid-namespace", "subreaper", "process-group"]
ISOLATIONS: Final[tuple[Isolation, ...]] = ("pid-namespace", "subreaper", "process-group")

#: The environment variable naming the container a process belongs to (subreaper mode).
CONTAINER_MARKER: Final = "KUBE_ACTORS_CONTAINER_ID"

_PR_SET_CHILD_SUBREAPER: Final = 36
# The namespace's init: runs the command as its child (so the command keeps ordinary signal
# handling: a namespace's init ignores signals it has no handler for) and exits with its
# status; the kernel then kills whatever else is left in the namespace. A shell starts a
# background command with SIGINT and SIGQUIT ignored: GNU env puts them back where it can.
# It also gives a background command /dev/null as stdin unless told otherwise: the
# container's stdin (an attach's pipe or terminal) is passed on through fd 3.
_INIT: Final = 'exec 3<&0; "$@" <&3 3<&- & exec 3<&-; wait $!'
_INIT_RESTORING: Final = (
    'exec 3<&0; {env} --default-signal=INT,QUIT "$@" <&3 3<&- & exec 3<&-; wait $!'
)


def choose_isolation(requested: Isolation | None) -> Isolation:
    """The isolation to use: ``requested`` if the machine allows it, else the strongest it
    allows. Raises ValueError for a requested isolation the machine does not allow."""
    if requested is not None:
        if requested not in ISOLATIONS:
            raise ValueError(f"unknown isolation {requested!r}: use one of {list(ISOLATIONS)}")
        if requested == "pid-namespace" and not _namespaces_work():
            raise ValueError("PID namespaces are not available here (unshare failed)")
        if requested == "subreaper" and _prctl() is None:
            raise ValueError("a child subreaper needs Linux")
        return requested
    if _namespaces_work():
        return "pid-namespace"
    if _prctl() is not None:
        return "subreaper"
    return "process-group"


@functools.cache
def _unshare() -> str | None:
    return shutil.which("unshare") if sys.platform.startswith("linux") else None


@functools.cache
def _namespaces_work() -> bool:
    """Whether ``unshare`` can make a PID namespace here (tried once, with ``true``)."""
    path = _unshare()
    if path is None:
        return False
    try:
        done = subprocess.run(
            [*namespace_launcher(), "true"], capture_output=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def namespace_launcher() -> tuple[str, ...]:
    """The prefix that runs a command as the child of a fresh PID namespace's init."""
    path = _unshare() or "unshare"
    return (path, "--pid", "--fork", "--kill-child=KILL", "--", "/bin/sh", "-c", _init(), "init")


@functools.cache
def _init() -> str:
    env = shutil.which("env")
    if env is None or "'" in env:
        return _INIT
    try:
        done = subprocess.run(
            [env, "--default-signal=INT,QUIT", "true"], capture_output=True, timeout=5, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return _INIT
    return _INIT_RESTORING.format(env=f"'{env}'") if done.returncode == 0 else _INIT


@functools.cache
def _prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        prctl: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return prctl


_subreaper_users = 0


@contextlib.contextmanager
def subreaper() -> Iterator[None]:
    """This process is a child subreaper while any runtime in subreaper mode runs."""
    global _subreaper_users
    prctl = _prctl()
    if prctl is not None and _subreaper_users == 0:
        prctl(_PR_SET_CHILD_SUBREAPER, 1)
    _subreaper_users += 1
    try:
        yield
    finally:
        _subreaper_users -= 1
        if prctl is not None and _subreaper_users == 0:
            prctl(_PR_SET_CHILD_SUBREAPER, 0)


def kill_marked(container_id: str) -> list[int]:
    """SIGKILL every process whose environment marks it as ``container_id``'s; their pids.

    As a subreaper, this process is an ancestor of every process a container left behind,
    so only its own descendants are looked at (all processes where the kernel does not list
    children). A process that cleared its environment escapes this (no cgroup to ask).
    """
    marker = f"{CONTAINER_MARKER}={container_id}".encode()
    killed: list[int] = []
    for pid in _descendants(os.getpid()):
        try:
            with open(f"/proc/{pid}/environ", "rb") as environ:
                if marker not in environ.read().split(b"\0"):
                    continue
            os.kill(pid, signal.SIGKILL)
        except OSError:
            continue
        killed.append(pid)
    return killed


def _descendants(root: int) -> list[int]:
    if not os.path.exists(f"/proc/{root}/task/{root}/children"):
        return [int(entry) for entry in os.listdir("/proc") if entry.isdigit()]
    found: list[int] = []
    todo = [root]
    while todo:
        pid = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{pid}/task/{task}/children") as children:
                    kids = [int(kid) for kid in children.read().split()]
            except OSError:
                continue
            found.extend(kids)
            todo.extend(kids)
    return found


def reap(pids: list[int]) -> list[int]:
    """Collect the exit of those of ``pids`` that are our children and have ended; the
    pids still to collect."""
    left: list[int] = []
    for pid in pids:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            continue  # not ours (its own parent reaps it) or already collected
        if done == 0:
            left.append(pid)
    return left
