"""Exec on the subprocess runtime: a command started as the container's processes are.

The command gets the container's environment and working directory (so the pod's IP, the
downward API, ``$KUBE_ACTORS_MOUNTS`` and the image's variables are there), and, where the
container runs in a PID namespace and this process may enter it (root), the container's PID
namespace through ``nsenter``: ``ps`` there shows the container's processes, as in
Kubernetes. With a TTY the command runs on a pseudo-terminal as its controlling terminal;
without, on pipes. Each exec is a session of its own, so ending it kills what it started.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
from collections.abc import Mapping, Sequence

import anyio
import anyio.abc

from ._exec_session import ExecSession
from ._process import signal_group, watch_exit
from ._pty import PtyStream, make_controlling_terminal, open_pty

__all__ = ["namespace_entry", "open_exec"]


async def namespace_entry(
    container_pid: int | None, *, cwd: str = "", program: str = ""
) -> tuple[str, ...]:
    """The ``nsenter`` prefix that joins the PID namespace of the container whose launcher
    is ``container_pid`` (its child is the namespace's init), or () where that cannot be.

    A container that has just started may not have made its namespace yet (``unshare``
    forks its init a moment after it starts): that moment is waited for, briefly. So is the
    moment the container's ``program`` runs, when it is given: its volumes are then mounted
    in its private mount namespace, which the exec joins."""
    nsenter = shutil.which("nsenter")
    if container_pid is None or nsenter is None or os.geteuid() != 0:
        return ()
    for _ in range(100):
        entry = _entry(nsenter, container_pid, cwd, program)
        if entry is not None:
            return entry
        await anyio.sleep(0.01)
    return ()


def _entry(nsenter: str, container_pid: int, cwd: str, program: str) -> tuple[str, ...] | None:
    try:
        with open(f"/proc/{container_pid}/task/{container_pid}/children") as children:
            kids = children.read().split()
        with open(f"/proc/{kids[0]}/status") as status:
            in_namespace = any(
                line.startswith("NSpid:") and len(line.split()) > 2 for line in status
            )
    except (OSError, IndexError):
        return None  # not forked yet (or gone: then the exec fails as it would anyway)
    if not in_namespace:
        return None
    command = _command_of(kids[0])
    if program and (command is None or _program_of(command) != program):
        return None  # its mounts are still being set up
    if command is not None and _mount_namespace(command) != _mount_namespace(kids[0]):
        # The command has a mount namespace of its own (its volumes at their mountPaths):
        # the exec joins it too, in the working directory it asks for.
        wd = (f"--wd={cwd}",) if cwd else ()
        return (nsenter, f"--target={command}", "--pid", "--mount", *wd, "--")
    return (nsenter, f"--target={kids[0]}", "--pid", "--")


def _command_of(init: str) -> str | None:
    """The first child of the namespace's init: the container's command."""
    try:
        with open(f"/proc/{init}/task/{init}/children") as children:
            kids = children.read().split()
    except OSError:
        return None
    return kids[0] if kids else None


def _program_of(pid: str) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return cmdline.read().split(b"\0", 1)[0].decode(errors="replace")
    except OSError:
        return ""


def _mount_namespace(pid: str) -> str:
    try:
        return os.readlink(f"/proc/{pid}/ns/mnt")
    except OSError:
        return ""


def _exit_code(returncode: int) -> int:
    return 128 - returncode if returncode < 0 else returncode


async def open_exec(
    argv: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: str,
    stdin: bool,
    tty: bool,
    entry: Sequence[str] = (),
) -> ExecSession:
    """Start ``argv`` (behind ``entry``, the ``namespace_entry`` prefix); its session.
    ``OSError`` if it cannot be started."""
    if tty:
        return _open_on_pty(argv, env=env, cwd=cwd, entry=entry)
    process = await anyio.open_process(
        [*entry, *argv],
        stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cwd,
        env=dict(env),
        start_new_session=True,
    )
    assert process.stdout is not None
    assert process.stderr is not None

    async def wait() -> int:
        return _exit_code(await process.wait())

    async def close() -> None:
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
        await process.aclose()

    return ExecSession(
        stdin=process.stdin, stdout=process.stdout, stderr=process.stderr, wait=wait, close=close
    )


def _open_on_pty(
    argv: Sequence[str], *, env: Mapping[str, str], cwd: str, entry: Sequence[str]
) -> ExecSession:
    setsid = shutil.which("setsid")
    if entry and setsid is not None:
        # The terminal's session must be inside the PID namespace: a shell that does job
        # control hands the terminal back to a process group it must be able to see.
        argv, preexec = [*entry, setsid, "--ctty", "--wait", *argv], None
    else:
        argv, preexec = list(argv), make_controlling_terminal
    master, slave = open_pty()
    try:
        process = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=cwd,
            env={"TERM": "xterm", **env},
            start_new_session=True,
            preexec_fn=preexec,
        )
    except BaseException:
        os.close(master)
        raise
    finally:
        os.close(slave)
    terminal = PtyStream(master)
    ended = anyio.Event()
    codes: list[int] = []

    def exited(returncode: int) -> None:
        codes.append(_exit_code(returncode))
        ended.set()

    watch_exit(process, exited)

    async def wait() -> int:
        await ended.wait()
        return codes[0]

    async def close() -> None:
        if not ended.is_set():
            signal_group(process, signal.SIGKILL)
            await ended.wait()
        await terminal.aclose()

    return ExecSession(
        stdin=terminal, stdout=terminal, wait=wait, close=close, resize=terminal.resize, tty=True
    )
