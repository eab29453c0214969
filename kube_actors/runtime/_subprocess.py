"""The subprocess runtime: every container is a real process on this machine.

An image is looked up in the ``ImageCatalog``; the process gets the image's environment,
``PORT`` (the container's first declared port), the downward-API basics (``POD_NAME``,
``POD_NAMESPACE``, ``POD_UID``, ``POD_IP``, ``NODE_NAME``, ``HOSTNAME``) and the spec's env,
in that order of precedence (the spec wins). Each pod has its own loopback IP, which the
built-in servers bind, so two pods can both listen on 8080; a node with a routable pod CIDR
gives its pods addresses other hosts reach, put on ``lo`` while the pod runs (``_pod_address``).

stdout and stderr go through a pipe the runtime reads into one log file per container
instance under the runtime's directory (a temporary one, in /dev/shm where it exists,
unless ``root`` is given), in CRI's format (each line stamped with the time it was read),
rotated at ``log_max_size`` with ``log_max_files`` kept (the kubelet's 10 MiB and 5), and
kept for the previous instance too. Exit codes become terminated states: 0 is Completed,
others Error; a process killed by a signal exits 128 + the signal, as a shell reports it.

Containers are isolated as ``_isolation`` explains (a PID namespace each where the machine
allows: nothing a container starts outlives it, even a ``kill -9`` of Python); the runtime
logs and keeps in ``isolation`` which it got.

``OOMKilled`` is a best guess, since there is no cgroup to ask: a container with a memory
limit (enforced as ``RLIMIT_AS``) that failed, was not stopped by us, and either died of
SIGKILL/SIGSEGV/SIGABRT or left ``MemoryError`` or "out of memory" at the end of its log.

Stopping sends SIGTERM to the container's process group, waits the grace period, then sends
SIGKILL; leaving the runtime's ``async with`` kills whatever still runs, and the kernel kills
the containers if Python dies first (Linux only).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import AsyncIterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Self

import anyio
import anyio.abc
import anyio.to_thread
import attrs

from kube_actors._log import get_logger
from kube_actors.actors import is_virtual_time
from kube_actors.api import Probe
from kube_actors.errors import ContainerRuntimeError

from ._attach import connect
from ._base import ContainerRecord, RuntimeBase, SandboxRecord
from ._catalog import Image, ImageCatalog
from ._config import downward_env
from ._container_stdio import ContainerStdin, attach_to_process
from ._exec_process import namespace_entry, open_exec
from ._exec_session import ExecSession
from ._ips import LoopbackPool
from ._isolation import CONTAINER_MARKER, Isolation, choose_isolation, kill_marked, reap, subreaper
from ._log_files import LogFile
from ._log_options import LogOptions
from ._log_pipe import LogPipe
from ._log_reader import read_log, read_log_after
from ._mounts import MOUNTS_ENV, can_isolate, isolated_argv, prepare_mounts
from ._pod_address import add_pod_address, needs_host_address, remove_pod_address
from ._pod_volumes import PodVolumes
from ._probes import http_get_probe, resolve_port, tcp_socket_probe
from ._proc_usage import read_process_table
from ._process import signal_group, spawn, watch_exit
from ._tmpfs import can_mount_tmpfs
from ._types import (
    ContainerConfig,
    ExecResult,
    ProbeKind,
    ProbeOutcome,
    ProbeResult,
)

__all__ = [
    "DEFAULT_LOG_MAX_FILES",
    "DEFAULT_LOG_MAX_SIZE",
    "MIN_LOG_MAX_SIZE",
    "SubprocessRuntime",
]

_log = get_logger("kube_actors.runtime")

#: The kubelet's defaults: a container log is rotated at 10 MiB, and 5 files are kept.
DEFAULT_LOG_MAX_SIZE = 10 * 1024 * 1024
DEFAULT_LOG_MAX_FILES = 5
#: A log file must hold at least one longest record (16 KiB of text and its header).
MIN_LOG_MAX_SIZE = 17 * 1024

_DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin"
_OOM_SIGNALS = frozenset({signal.SIGKILL, signal.SIGSEGV, signal.SIGABRT})
_OOM_LOG = re.compile(rb"MemoryError|out of memory|Cannot allocate memory", re.IGNORECASE)


class _ProcessContainer(ContainerRecord):
    def __init__(
        self,
        id: str,
        sandbox_id: str,
        config: ContainerConfig,
        argv: list[str],
        env: dict[str, str],
    ) -> None:
        super().__init__(id, sandbox_id, config)
        self.argv = argv
        self.env = env
        self.cwd = ""
        #: The program that runs once a private mount namespace is set up ("": none is).
        self.mounted_program = ""
        self.process: subprocess.Popen[bytes] | None = None
        self.stopping = False
        self.log: LogFile | None = None
        self.pipe: LogPipe | None = None
        #: The container's stdin, held open while it runs (``stdin`` in its spec).
        self.stdin: ContainerStdin | None = None
        #: Whether its command makes its own session on its terminal (``setsid``).
        self.terminal_session = False


class SubprocessRuntime(RuntimeBase[_ProcessContainer]):
    """Containers as processes; use it as ``async with SubprocessRuntime() as runtime``."""

    runtime_name = "subprocess"
    serves_sockets = True

    def __init__(
        self,
        *,
        catalog: ImageCatalog | None = None,
        root: str | os.PathLike[str] | None = None,
        ip_pool: LoopbackPool | None = None,
        log_max_size: int = DEFAULT_LOG_MAX_SIZE,
        log_max_files: int = DEFAULT_LOG_MAX_FILES,
        isolation: Isolation | None = None,
    ) -> None:
        super().__init__(ip_pool=ip_pool)
        self._requested_isolation = isolation
        #: How containers are kept from escaping (``pid-namespace``, ``subreaper`` or
        #: ``process-group``): decided on entering the runtime, the strongest the machine
        #: allows unless ``isolation`` asks for one.
        self.isolation: Isolation | None = None
        self._reaper: contextlib.ExitStack | None = None
        if log_max_size < MIN_LOG_MAX_SIZE or log_max_files < 1:
            raise ValueError(
                f"container logs need log_max_size >= {MIN_LOG_MAX_SIZE} bytes and "
                "log_max_files >= 1"
            )
        #: The kubelet's containerLogMaxSize and containerLogMaxFiles.
        self.log_max_size = log_max_size
        self.log_max_files = log_max_files
        self.catalog = catalog or ImageCatalog()
        self._given_root = Path(root) if root is not None else None
        self._root: Path | None = None
        self._sandbox_dirs: dict[str, Path] = {}
        self._volumes: dict[str, PodVolumes] = {}
        #: Whether Secret, downward API, projected and Memory emptyDir volumes are on tmpfs:
        #: decided on entering the runtime (root on Linux), else they are plain directories.
        self.memory_volumes = False

    @property
    def root(self) -> Path:
        """The directory holding the sandboxes' logs and working directories."""
        if self._root is None:
            if self._given_root is not None:
                self._given_root.mkdir(parents=True, exist_ok=True)
                self._root = self._given_root
            else:
                self._root = Path(tempfile.mkdtemp(prefix="kube-actors-", dir=_scratch_dir()))
        return self._root

    async def __aenter__(self) -> Self:
        if is_virtual_time():
            # Grace periods and timeouts would pass in no real time at all: a process given
            # 30 s to stop would be SIGKILLed at once.
            raise ContainerRuntimeError(
                "the subprocess runtime runs real processes and needs real time; "
                "use the fake runtime on virtual time"
            )
        self.isolation = choose_isolation(self._requested_isolation)
        _log.info("runtime_isolation", runtime=self.runtime_name, isolation=self.isolation)
        self.memory_volumes = can_mount_tmpfs()
        _log.info(
            "runtime_memory_volumes",
            runtime=self.runtime_name,
            medium="tmpfs" if self.memory_volumes else "directory",
        )
        if self.isolation == "subreaper":
            self._reaper = contextlib.ExitStack()
            self._reaper.enter_context(subreaper())
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await super().__aexit__(exc_type, exc, tb)
        if self._reaper is not None:
            self._reaper.close()
            self._reaper = None
        if self._given_root is None and self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None

    # ------------------------------------------------------------------------ the protocol

    async def pull_image(self, image: str, sandbox_id: str | None = None) -> str:
        self.catalog.resolve(image)
        return image

    async def update_volume(
        self,
        sandbox_id: str,
        volume: str,
        files: Mapping[str, bytes],
        modes: Mapping[str, int] | None = None,
    ) -> None:
        self._sandbox(sandbox_id)  # SandboxNotFound for an unknown id
        self._volumes[sandbox_id].project(volume, files, modes or {})

    async def exec(
        self, container_id: str, command: Sequence[str], *, timeout: float | None = None
    ) -> ExecResult:
        record = self._require_running(container_id)
        image = self.catalog.resolve(record.config.image)
        argv = image.argv(command, ())
        try:
            process = await anyio.open_process(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                cwd=record.cwd,
                env=record.env,
                start_new_session=True,
            )
        except OSError as err:
            return ExecResult(
                exit_code=126 if isinstance(err, PermissionError) else 127, output=str(err)
            )
        chunks: list[bytes] = []
        async with process:
            with anyio.move_on_after(timeout) as scope:
                assert process.stdout is not None
                async for chunk in process.stdout:
                    chunks.append(chunk)
                await process.wait()
            if scope.cancelled_caught:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                await process.wait()
        output = b"".join(chunks).decode("utf-8", "replace")
        if scope.cancelled_caught:
            return ExecResult(exit_code=-1, output=output, timed_out=True)
        return ExecResult(exit_code=_exit_code(process.returncode or 0), output=output)

    async def open_exec(
        self, container_id: str, command: Sequence[str], *, stdin: bool = False, tty: bool = False
    ) -> ExecSession:
        record = self._require_running(container_id)
        image = self.catalog.resolve(record.config.image)
        argv = image.argv(command, ())
        if not argv:
            raise ContainerRuntimeError("no command given to exec")
        pid = record.process.pid if record.process is not None else None
        entry = (
            await namespace_entry(pid, cwd=record.cwd, program=record.mounted_program)
            if self.isolation == "pid-namespace"
            else ()
        )
        try:
            program = shutil.which(argv[0], path=record.env.get("PATH")) or argv[0]
            if "/" not in program:
                raise FileNotFoundError(f'exec: "{argv[0]}": executable file not found in $PATH')
            return await open_exec(
                [program, *argv[1:]],
                env=record.env,
                cwd=record.cwd,
                stdin=stdin,
                tty=tty,
                entry=entry,
            )
        except OSError as err:
            raise ContainerRuntimeError(
                f"failed to exec in container: {err.strerror or err}"
            ) from None

    async def attach(self, container_id: str, *, stdin: bool = False) -> ExecSession:
        record = self._require_running(container_id)
        assert record.pipe is not None

        async def exit_code() -> int:
            await record.exited.wait()
            return record.exit_code

        return attach_to_process(
            record.pipe.listen(),
            record.stdin if stdin else None,
            exit_code,
            stdin_once=record.config.stdin_once,
            tty=record.config.tty,
        )

    async def port_forward(self, sandbox_id: str, port: int) -> anyio.abc.ByteStream:
        sandbox = self._sandbox(sandbox_id)
        return await connect(sandbox.ip, port, f"{sandbox.config.namespace}/{sandbox.config.name}")

    async def probe(self, container_id: str, kind: ProbeKind, probe: Probe) -> ProbeResult:
        record = self._container(container_id)
        timeout = float(probe.timeout_seconds or 1)
        if probe.exec is not None:
            result = await self.exec(container_id, probe.exec.command, timeout=timeout)
            if result.timed_out:
                return _failure(f"command timed out after {timeout:g}s")
            if result.exit_code != 0:
                return _failure(result.output or f"exit code {result.exit_code}")
            return ProbeResult(outcome=ProbeOutcome.SUCCESS, message=result.output)
        action = probe.http_get or probe.tcp_socket
        if action is None:
            return ProbeResult(outcome=ProbeOutcome.UNKNOWN, message="probe has no handler")
        port = resolve_port(action.port, record.config.ports)
        if port is None:
            return _failure(f"no port named {action.port!r} in container {record.config.name}")
        host = action.host or self._sandboxes[record.sandbox_id].ip
        if probe.http_get is not None:
            return await http_get_probe(probe.http_get, host, port, timeout=timeout)
        return await tcp_socket_probe(host, port, timeout=timeout)

    def kill_container(self, container_id: str) -> None:
        """Fault injection: SIGKILL the container's processes now (its exit follows)."""
        record = self._require_running(container_id)
        if record.process is not None:
            signal_group(record.process, signal.SIGKILL)

    # ------------------------------------------------------------------------------ hooks

    async def _sandbox_created(self, sandbox: SandboxRecord[_ProcessContainer]) -> None:
        if needs_host_address(sandbox.ip):
            await add_pod_address(sandbox.ip)  # a routable pod CIDR: see _pod_address
        cfg = sandbox.config
        # One directory per sandbox, as Kubernetes' /var/log/pods/<namespace>_<name>_<uid>;
        # it is the containers' working directory too. Directories cost: one, not three.
        directory = self.root / f"{cfg.namespace}_{cfg.name}_{sandbox.id[:12]}"
        directory.mkdir()
        self._sandbox_dirs[sandbox.id] = directory
        self._volumes[sandbox.id] = PodVolumes(
            directory, memory=self.memory_volumes, protect=not can_isolate()
        )

    async def _sandbox_stopped(self, sandbox: SandboxRecord[_ProcessContainer]) -> None:
        if needs_host_address(sandbox.ip):
            await remove_pod_address(sandbox.ip)

    async def _sandbox_removed(self, sandbox: SandboxRecord[_ProcessContainer]) -> None:
        volumes = self._volumes.pop(sandbox.id, None)
        if volumes is not None:
            volumes.release()
        directory = self._sandbox_dirs.pop(sandbox.id, None)
        if directory is not None:
            shutil.rmtree(directory, ignore_errors=True)

    def _new_record(
        self,
        container_id: str,
        sandbox: SandboxRecord[_ProcessContainer],
        config: ContainerConfig,
    ) -> _ProcessContainer:
        image = self.catalog.resolve(config.image)
        argv = image.argv(config.command, config.args)
        if not argv:
            raise ContainerRuntimeError(f"image {config.image!r} has no command to run")
        env = _environment(image, config, sandbox)
        if self.isolation == "subreaper":
            env[CONTAINER_MARKER] = container_id
        record = _ProcessContainer(container_id, sandbox.id, config, argv, env)
        program = argv[0]
        setsid = shutil.which("setsid")
        if config.tty and self.isolation == "pid-namespace" and setsid is not None:
            # The terminal's session must be inside the PID namespace: a shell doing job
            # control hands the terminal to process groups it must be able to see.
            record.terminal_session = True
            record.argv = [setsid, "--ctty", "--wait", *record.argv]
        directory = self._sandbox_dirs[sandbox.id]
        mounts = prepare_mounts(self._volumes[sandbox.id], config.name, config.mounts)
        if mounts is not None:
            record.env[MOUNTS_ENV] = str(mounts.root)
            if can_isolate():
                # A private mount namespace: each volume at its own mountPath, as in a pod.
                record.mounted_program = program
                record.argv = isolated_argv(record.argv, mounts.read_only, mounts.binds)
        record.log_path = f"{directory}/{config.name}_{config.attempt}_{container_id[:12]}.log"
        record.cwd = config.working_dir or str(directory)
        return record

    async def _start(
        self, record: _ProcessContainer, sandbox: SandboxRecord[_ProcessContainer]
    ) -> None:
        record.log = LogFile(
            record.log_path, max_size=self.log_max_size, max_files=self.log_max_files
        )
        config = record.config
        record.pipe = LogPipe(record.log, terminal=config.tty)
        child_stdin = _open_stdin(record, record.pipe)
        # A pipe's read end is ours to close once the child has its copy (a terminal's slave
        # is the log pipe's).
        pipe_end = None if config.tty else child_stdin
        try:
            record.process = spawn(
                record.argv,
                env=record.env,
                cwd=record.cwd,
                output=record.pipe.write_fd,
                memory_limit=config.memory_limit,
                isolation=self.isolation or "process-group",
                stdin=child_stdin,
                terminal=config.tty and not record.terminal_session,
            )
        except OSError as err:
            record.pipe.close()
            _close_stdin(record)
            # containerd's answer to a command that cannot exec: exited 128, StartError.
            self._mark_running(record)
            message = f"failed to start {record.argv[0]!r}: {err.strerror or err}"
            self._mark_exited(record, 128, reason="StartError")
            record.message = message
            raise ContainerRuntimeError(message) from err
        finally:
            if pipe_end is not None:
                os.close(pipe_end)
        record.pipe.start()
        self._mark_running(record)
        watch_exit(record.process, lambda code: self._exited(record, code))

    def _exited(self, record: _ProcessContainer, returncode: int) -> None:
        if self.isolation == "subreaper":
            _reap_later(kill_marked(record.id))
        if record.pipe is not None:
            record.pipe.drain_and_close()
        _close_stdin(record)
        if self.isolation == "pid-namespace" and 128 < returncode < 128 + signal.NSIG:
            returncode = 128 - returncode  # the namespace's init reports a signal as a shell does
        signum = -returncode if returncode < 0 else 0
        reason = "OOMKilled" if self._looks_oom_killed(record, signum, returncode) else ""
        self._mark_exited(record, _exit_code(returncode), signal=signum, reason=reason)

    def _looks_oom_killed(self, record: _ProcessContainer, signum: int, returncode: int) -> bool:
        if record.config.memory_limit is None or record.stopping or returncode == 0:
            return False
        return signum in _OOM_SIGNALS or bool(_OOM_LOG.search(_tail(record.log_path)))

    async def _measure(
        self, records: Sequence[_ProcessContainer], now: dt.datetime
    ) -> Sequence[tuple[int | None, int]]:
        # One pass over /proc for every container, off the event loop.
        table = await anyio.to_thread.run_sync(read_process_table)
        measured: list[tuple[int | None, int]] = []
        for record in records:
            usage = table.tree_usage(record.process.pid) if record.process else None
            measured.append(usage if usage is not None else (None, 0))
        return measured

    def _terminate(self, record: _ProcessContainer) -> None:
        record.stopping = True
        if record.process is not None:
            signal_group(record.process, signal.SIGTERM)

    def _kill(self, record: _ProcessContainer) -> None:
        record.stopping = True
        if record.process is not None:
            signal_group(record.process, signal.SIGKILL)

    async def _read_log(self, record: _ProcessContainer, options: LogOptions) -> str:
        # A whole log can be tens of MiB: read it off the event loop (this runtime runs on
        # real time, so a thread is fine), and the cluster keeps running meanwhile.
        return await anyio.to_thread.run_sync(
            read_log, record.log_path, self.log_max_files, options
        )

    async def _follow_log(
        self, record: _ProcessContainer, options: LogOptions
    ) -> AsyncIterator[str]:
        log = record.log
        if log is None or log.closed:
            text = read_log(record.log_path, self.log_max_files, options)
            if text:
                yield text
            return
        # Read and position taken together (no await between): nothing is missed or repeated.
        position = log.position
        text = read_log(record.log_path, self.log_max_files, options)
        budget = options.limit_bytes
        later = attrs.evolve(options, tail_lines=None)
        while True:
            if text:
                yield text
                if budget is not None:
                    budget -= len(text.encode())
                    if budget <= 0:
                        return
                    later = attrs.evolve(later, limit_bytes=budget)
            if log.is_closed() and position == log.position:
                return
            if position == log.position:
                await log.changed.wait()
            text, position = read_log_after(log, position, later)

    def _drop_log(self, record: _ProcessContainer) -> None:
        for n in range(self.log_max_files):
            Path(record.log_path if n == 0 else f"{record.log_path}.{n}").unlink(missing_ok=True)


def _environment(
    image: Image, config: ContainerConfig, sandbox: SandboxRecord[_ProcessContainer]
) -> dict[str, str]:
    env = {"PATH": os.environ.get("PATH", _DEFAULT_PATH), **image.env}
    if config.ports:
        env["PORT"] = str(config.ports[0].container_port)
    env.update(downward_env(sandbox.config, sandbox.ip))
    env.update(config.envs)
    return env


def _open_stdin(record: _ProcessContainer, pipe: LogPipe) -> int | None:
    """The file descriptor the container gets as stdin (None: ``/dev/null``); the runtime
    keeps the other end in ``record.stdin`` when the spec asks for stdin."""
    if record.config.tty:
        if record.config.stdin:
            record.stdin = ContainerStdin(os.dup(pipe.read_fd), terminal=True)
        return pipe.write_fd  # the terminal is stdin too
    if not record.config.stdin:
        return None
    read_end, write_end = os.pipe()
    record.stdin = ContainerStdin(write_end, terminal=False)
    return read_end


def _close_stdin(record: _ProcessContainer) -> None:
    if record.stdin is not None:
        record.stdin.close()


def _reap_later(pids: list[int], attempts: int = 100) -> None:
    """Collect the killed leftovers (our children, as subreaper) once they have died."""
    left = reap(pids)
    if left and attempts > 0:
        asyncio.get_running_loop().call_later(0.05, _reap_later, left, attempts - 1)


def _scratch_dir() -> str | None:
    """Where the runtime's own directory goes when none is given: memory (``/dev/shm``)
    where there is one, since logs die with the runtime and a disk's metadata writes would
    cost more than starting the process; else the system's temporary directory."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK) else None


def _exit_code(returncode: int) -> int:
    """A shell's view of how a process ended: its code, or 128 + the signal that killed it."""
    return 128 - returncode if returncode < 0 else returncode


def _failure(message: str) -> ProbeResult:
    return ProbeResult(outcome=ProbeOutcome.FAILURE, message=message)


def _tail(path: str, size: int = 4096) -> bytes:
    try:
        with open(path, "rb") as log:
            log.seek(max(0, os.path.getsize(path) - size))
            return log.read()
    except OSError:
        return b""
