"""The fake runtime: scripted containers on the cluster's clock, no processes.

Every duration of a ``ContainerScript`` is a timer on the running event loop, so under
virtual time a container told to exit after 30 s is terminated at exactly 30.0 s, run
after run. Scripts are chosen per container: the runtime's script for the container's name,
else for its image (``nginx:1.27``, then ``nginx``), else the default; then the pod's
``fake.kube-actors.io/`` annotations change it field by field.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from typing import Any

import anyio
import anyio.abc
import attrs

from kube_actors.actors import monotonic
from kube_actors.api import Probe
from kube_actors.errors import ContainerRuntimeError, ImagePullError

from ._attach import attach_session
from ._base import ContainerRecord, RuntimeBase, SandboxRecord
from ._catalog import Image, ImageCatalog
from ._exec_session import ExecSession
from ._fake_exec import scripted_session
from ._ips import LoopbackPool
from ._log_options import LogOptions, Record, render_records, timestamp_text
from ._script import ContainerScript, image_pull_failures, script_from_annotations
from ._types import (
    PROBE_SUCCESS,
    ContainerConfig,
    ContainerState,
    ExecResult,
    PodSandboxConfig,
    ProbeKind,
    ProbeOutcome,
    ProbeResult,
)
from ._usage import scripted_stats

__all__ = ["FakeRuntime"]


class _FakeContainer(ContainerRecord):
    def __init__(
        self, id: str, sandbox_id: str, config: ContainerConfig, script: ContainerScript
    ) -> None:
        super().__init__(id, sandbox_id, config)
        self.script = script
        self.lines: list[str] = []
        self.started_mono = 0.0
        self.timer: asyncio.TimerHandle | None = None


def _strip_tag(image: str) -> str:
    name, _, tag = image.rpartition(":")
    return name if name and "/" not in tag else image


class FakeRuntime(RuntimeBase[_FakeContainer]):
    """Containers that do what their scripts say, on the running clock.

    ``scripts`` maps a container name or an image to its script; ``image_pull_failures``
    lists images whose pull fails in every pod. Every other image is "pulled", unless
    ``images`` is given: then only the images it names pull, and any other fails as on the
    subprocess runtime (``ErrImagePull`` naming the image), so a typo in an image fails a
    test. ``images`` is an ``ImageCatalog`` (``ImageCatalog()``: the subprocess runtime's
    own images) or image names (``["nginx", "web:2"]``; a name without a tag allows every
    tag).
    """

    runtime_name = "fake"
    serves_sockets = False

    def __init__(
        self,
        *,
        scripts: Mapping[str, ContainerScript] | None = None,
        default: ContainerScript | None = None,
        image_pull_failures: Iterable[str] = (),
        images: ImageCatalog | Iterable[str] | None = None,
        ip_pool: LoopbackPool | None = None,
    ) -> None:
        super().__init__(ip_pool=ip_pool)
        self._scripts = dict(scripts or {})
        self._default = default or ContainerScript()
        self._pull_failures = set(image_pull_failures)
        if images is None or isinstance(images, ImageCatalog):
            self.images = images
        else:
            self.images = ImageCatalog({name: Image() for name in images}, builtins=False)

    # ---------------------------------------------------------------- scripting from Python

    def script(self, key: str, script: ContainerScript | None = None, **fields: Any) -> None:
        """Script the containers named ``key``, or running image ``key``, from now on:
        ``runtime.script("web", exit_after=30, exit_code=1)``."""
        self._scripts[key] = attrs.evolve(script or ContainerScript(), **fields)

    def fail_image_pulls(self, *images: str) -> None:
        self._pull_failures.update(images)

    def script_for(self, sandbox: PodSandboxConfig, config: ContainerConfig) -> ContainerScript:
        """The script a container created now from ``config`` would follow."""
        base = (
            self._scripts.get(config.name)
            or self._scripts.get(config.image)
            or self._scripts.get(_strip_tag(config.image))
            or self._default
        )
        return script_from_annotations(sandbox.annotations, config.name, base)

    def kill_container(self, container_id: str, *, exit_code: int = 137, reason: str = "") -> None:
        """Fault injection: the container dies now (``reason="OOMKilled"`` to fake the OOM
        killer)."""
        record = self._require_running(container_id)
        self._exit(
            record, exit_code, signal=signal.SIGKILL if exit_code == 137 else 0, reason=reason
        )

    # ------------------------------------------------------------------------ the protocol

    async def pull_image(self, image: str, sandbox_id: str | None = None) -> str:
        failures = set(self._pull_failures)
        if sandbox_id is not None:
            failures |= image_pull_failures(self._sandbox(sandbox_id).config.annotations)
        if image in failures or _strip_tag(image) in failures:
            raise ImagePullError(image, "the fake runtime was told this image cannot be pulled")
        if self.images is not None:
            self.images.resolve(image)  # ImagePullError, as the subprocess runtime's
        return image

    async def update_volume(
        self,
        sandbox_id: str,
        volume: str,
        files: Mapping[str, bytes],
        modes: Mapping[str, int] | None = None,
    ) -> None:
        """The recorded mounts of ``volume`` in the sandbox's containers follow the update,
        except ``subPath`` mounts, which keep what they had (as on a node)."""
        sandbox = self._sandbox(sandbox_id)
        for record in sandbox.containers.values():
            mounts = tuple(
                attrs.evolve(m, files=files, modes=modes or {})
                if m.volume == volume and m.projected and not m.sub_path
                else m
                for m in record.config.mounts
            )
            record.config = attrs.evolve(record.config, mounts=mounts)

    def volume_files(self, container_id: str, mount_path: str) -> dict[str, bytes]:
        """The files the container sees at ``mount_path`` now (its projected volume's, as
        updated since it was created); KeyError if nothing is mounted there."""
        for mount in self._container(container_id).config.mounts:
            if mount.container_path == mount_path:
                return dict(mount.files)
        raise KeyError(f"container {container_id[:12]} mounts nothing at {mount_path}")

    async def exec(
        self, container_id: str, command: Sequence[str], *, timeout: float | None = None
    ) -> ExecResult:
        reply = self._require_running(container_id).script.exec_reply(command)
        return ExecResult(exit_code=reply.exit_code, output=reply.stdout + reply.stderr)

    async def open_exec(
        self, container_id: str, command: Sequence[str], *, stdin: bool = False, tty: bool = False
    ) -> ExecSession:
        reply = self._require_running(container_id).script.exec_reply(command)
        return scripted_session(reply, stdin=stdin, tty=tty)

    async def attach(self, container_id: str, *, stdin: bool = False) -> ExecSession:
        record = self._require_running(container_id)

        async def output() -> AsyncIterator[str]:
            await record.exited.wait()  # a scripted container logs only as it starts
            nothing: tuple[str, ...] = ()
            for line in nothing:
                yield line

        async def exit_code() -> int:
            await record.exited.wait()
            return record.exit_code

        config = record.config
        return attach_session(output(), exit_code, stdin=stdin and config.stdin, tty=config.tty)

    async def port_forward(self, sandbox_id: str, port: int) -> anyio.abc.ByteStream:
        sandbox = self._sandbox(sandbox_id)
        raise ContainerRuntimeError(
            f"error forwarding port {port} to pod {sandbox.config.namespace}/"
            f"{sandbox.config.name}: the fake runtime's containers do not listen on sockets"
        )

    async def probe(self, container_id: str, kind: ProbeKind, probe: Probe) -> ProbeResult:
        record = self._container(container_id)
        if record.state is not ContainerState.RUNNING:
            return ProbeResult(outcome=ProbeOutcome.FAILURE, message="container is not running")
        script, elapsed = record.script, monotonic() - record.started_mono
        if kind is ProbeKind.READINESS and elapsed < script.ready_after:
            return ProbeResult(outcome=ProbeOutcome.FAILURE, message="not ready yet (scripted)")
        fails_after = script.liveness_fails_after
        if kind is ProbeKind.LIVENESS and fails_after is not None and elapsed >= fails_after:
            return ProbeResult(outcome=ProbeOutcome.FAILURE, message="liveness fails (scripted)")
        return PROBE_SUCCESS

    # ------------------------------------------------------------------------------ hooks

    def _new_record(
        self, container_id: str, sandbox: SandboxRecord[_FakeContainer], config: ContainerConfig
    ) -> _FakeContainer:
        script = self.script_for(sandbox.config, config)
        return _FakeContainer(container_id, sandbox.id, config, script)

    async def _start(self, record: _FakeContainer, sandbox: SandboxRecord[_FakeContainer]) -> None:
        if record.script.start_latency > 0:
            await anyio.sleep(record.script.start_latency)
            if record.removed or record.state is not ContainerState.CREATED:
                return
        self._mark_running(record)
        record.started_mono = monotonic()
        record.lines.extend(record.script.logs)
        exit_after = record.script.exit_after
        if exit_after is not None:
            loop = asyncio.get_running_loop()
            record.timer = loop.call_later(exit_after, self._exit, record, record.script.exit_code)

    async def _measure(
        self, records: Sequence[_FakeContainer], now: dt.datetime
    ) -> Sequence[tuple[int | None, int]]:
        measured: list[tuple[int | None, int]] = []
        for record in records:
            annotations = self._sandbox(record.sandbox_id).config.annotations
            since = record.started_at or now
            stats = scripted_stats(annotations, record.config.name, now - since)
            measured.append(stats if stats is not None else (None, 0))
        return measured

    def _terminate(self, record: _FakeContainer) -> None:
        if not record.script.ignore_sigterm:
            code = record.script.sigterm_exit_code
            self._exit(record, code, signal=signal.SIGTERM if code == 143 else 0)

    def _kill(self, record: _FakeContainer) -> None:
        self._exit(record, 128 + signal.SIGKILL, signal=signal.SIGKILL)

    def _exit(
        self, record: _FakeContainer, exit_code: int, *, signal: int = 0, reason: str = ""
    ) -> None:
        if record.timer is not None:
            record.timer.cancel()
            record.timer = None
        self._mark_exited(record, exit_code, signal=signal, reason=reason)

    async def _read_log(self, record: _FakeContainer, options: LogOptions) -> str:
        return render_records(_records(record, options.tail_lines), options)

    async def _follow_log(self, record: _FakeContainer, options: LogOptions) -> AsyncIterator[str]:
        # A scripted container logs everything as it starts: after that, only its end.
        text = await self._read_log(record, options)
        if text:
            yield text
        await record.exited.wait()


def _records(record: _FakeContainer, tail_lines: int | None) -> list[Record]:
    stamp = timestamp_text(record.started_at or record.created_at)
    if tail_lines is None:
        lines = record.lines
    else:
        lines = record.lines[len(record.lines) - tail_lines :] if tail_lines else []
    return [(stamp, True, line.encode()) for line in lines]
