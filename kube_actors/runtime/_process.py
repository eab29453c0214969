"""Starting, watching and signalling container processes.

Each container is a process group of its own (``start_new_session``), so a signal reaches
the shell and everything it started. On Linux the child asks the kernel to SIGKILL it when
its parent dies (``prctl(PR_SET_PDEATHSIG)``), so a container never outlives a Python
process that crashed; a memory limit is an ``RLIMIT_AS`` set in the child before exec.

Where it can, the death signal is set by util-linux's ``setpriv --pdeathsig KILL``, which
then execs the container's command: a ``preexec_fn`` would make CPython fork the whole
interpreter instead of using vfork, and start processes four times slower. Without
``setpriv``, or with a memory limit, a ``preexec_fn`` does both in the child.

Either way the child checks, once the death signal is set, that its parent is still the
Python process that started it: a parent killed before then has left an orphan that the
signal will never reach, and that orphan exits instead of running the container. Behind
``setpriv`` the check is a ``sh`` between it and the command (``setpriv`` cannot check).

Exits are learned without a thread per child: a pidfd (Linux 5.3+) becomes readable when
the process ends, and the event loop watches it like a socket. Elsewhere, a timer polls.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import errno
import functools
import os
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence

from ._isolation import Isolation, namespace_launcher
from ._pty import make_controlling_terminal

__all__ = ["ORPHANED_EXIT", "death_signal_launcher", "signal_group", "spawn", "watch_exit"]

_PR_SET_PDEATHSIG = 1
_POLL_INTERVAL = 0.05
#: Run by ``sh`` right after ``setpriv`` set the death signal, with the parent's pid as $1:
#: ``$PPID`` is read when the shell starts, so a parent that died before the signal was set
#: shows as another pid (init's or a subreaper's), and the orphan exits as if killed.
_PARENT_CHECK = '[ "$PPID" = "$1" ] || exit 137; shift; exec "$@"'
#: The exit status of a child whose parent died before its death signal was set.
ORPHANED_EXIT = 137


def _load_prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        # Loaded here in the parent: loading a library in a forked child is not safe.
        prctl: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return prctl


_PRCTL = _load_prctl()


def _child_setup(memory_limit: int | None) -> Callable[[], None] | None:
    parent = os.getpid()

    def setup() -> None:  # runs in the child between fork and exec
        if _PRCTL is not None:
            _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL)
            if os.getppid() != parent:  # the parent died before prctl took effect
                os._exit(ORPHANED_EXIT)
        if memory_limit is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))

    return setup


@functools.cache
def _setpriv() -> tuple[str, ...]:
    """The launcher prefix that sets the death signal and checks the parent, to be followed
    by the parent's pid, or () if there is none."""
    path, shell = shutil.which("setpriv"), shutil.which("sh")
    if _PRCTL is None or path is None or shell is None:
        return ()
    try:
        usage = subprocess.run([path, "--help"], capture_output=True, timeout=5, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ()
    if b"--pdeathsig" not in usage.stdout:
        return ()
    return (path, "--pdeathsig", "KILL", "--", shell, "-c", _PARENT_CHECK, "sh")


def death_signal_launcher(parent: int) -> tuple[str, ...]:
    """What to run a command behind so that it dies with ``parent`` (the pid of the process
    that starts it: looked up at each start, a forked Python process has its own), or ()
    where ``setpriv`` cannot do it."""
    prefix = _setpriv()
    return (*prefix, str(parent)) if prefix else ()


def _executable(program: str, env: Mapping[str, str], cwd: str) -> str:
    # Resolved here so that a missing program fails in the parent, as exec would, and not
    # as an exit code of the launcher.
    if "/" in program:
        path = os.path.join(cwd, program)
        if not os.path.exists(path):
            raise FileNotFoundError(errno.ENOENT, "no such file or directory", program)
        return path
    found = shutil.which(program, path=env.get("PATH", os.defpath))
    if found is None:
        raise FileNotFoundError(errno.ENOENT, "executable file not found in $PATH", program)
    return found


def spawn(
    argv: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: str,
    output: int,
    memory_limit: int | None = None,
    isolation: Isolation = "process-group",
    stdin: int | None = None,
    terminal: bool = False,
) -> subprocess.Popen[bytes]:
    """Start ``argv`` in a new session, stdout and stderr to the file descriptor ``output``
    (the write end of the pipe the runtime's log writer reads, or a pty's slave), stdin from
    the file descriptor ``stdin`` (``/dev/null`` if None). With ``terminal``, ``output`` is
    a pty's slave that becomes the session's controlling terminal (a shell on it is
    interactive, ``^C`` typed into it is SIGINT); that needs a ``preexec_fn``, so only such
    containers pay for a full fork.

    With ``pid-namespace`` isolation the command runs in a PID namespace of its own (see
    ``_isolation``); the death signal is then ``unshare``'s, which passes it on.

    Raises ``OSError`` (``FileNotFoundError``, ``PermissionError``) if it cannot exec.
    """
    argv = [_executable(argv[0], env, cwd), *argv[1:]]
    death_signal = death_signal_launcher(os.getpid()) if memory_limit is None else ()
    launcher = death_signal
    if isolation == "pid-namespace":
        launcher = (*launcher, *namespace_launcher())
    setup = None if death_signal else _child_setup(memory_limit)
    if terminal:
        setup = _on_terminal(setup)
    return subprocess.Popen(
        [*launcher, *argv],
        stdin=subprocess.DEVNULL if stdin is None else stdin,
        stdout=output,
        stderr=output,
        env=env,
        cwd=cwd,
        start_new_session=True,
        preexec_fn=setup,
    )


def _on_terminal(then: Callable[[], None] | None) -> Callable[[], None]:
    def setup() -> None:  # in the child, after setsid: stdin (the slave) is its terminal
        make_controlling_terminal()
        if then is not None:
            then()

    return setup


def signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    """Signal the process group the container leads; a group already gone is fine."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)


def watch_exit(process: subprocess.Popen[bytes], on_exit: Callable[[int], None]) -> None:
    """Call ``on_exit(returncode)`` on the running loop once ``process`` has ended.

    Before reaping, whatever is left of its process group is killed: when a container's
    main process ends, the container ends (the leader is a zombie until reaped, so the
    group id cannot have been reused yet).
    """
    loop = asyncio.get_running_loop()

    def reap() -> None:
        signal_group(process, signal.SIGKILL)
        on_exit(process.wait())

    try:
        pidfd = os.pidfd_open(process.pid)
    except (AttributeError, OSError):
        _poll(loop, process, reap)
        return

    def readable() -> None:
        loop.remove_reader(pidfd)
        os.close(pidfd)
        reap()

    loop.add_reader(pidfd, readable)


def _poll(
    loop: asyncio.AbstractEventLoop, process: subprocess.Popen[bytes], reap: Callable[[], None]
) -> None:
    if _ended(process):
        reap()
    else:
        loop.call_later(_POLL_INTERVAL, _poll, loop, process, reap)


def _ended(process: subprocess.Popen[bytes]) -> bool:
    if not hasattr(os, "waitid"):  # macOS: poll() reaps; the group is signalled after
        return process.poll() is not None
    # waitid(WNOWAIT) leaves the zombie for reap(), so the group id stays reserved.
    try:
        info = os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:
        return True
    return info is not None
