"""The bookkeeping both runtimes share: sandboxes, container records, stop and wait.

A runtime subclasses ``RuntimeBase`` and supplies the parts that differ — how an image is
resolved, how a container starts, how it is signalled, where its log lives. The state
machine (CREATED -> RUNNING -> EXITED), ids, the grace-period dance, ``wait_container`` and
the previous-instance logs live here once, so the two runtimes cannot drift apart.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
from collections.abc import AsyncIterator, Sequence
from types import TracebackType
from typing import Generic, Self, TypeVar

import anyio

from kube_actors.actors import wall_clock
from kube_actors.errors import ContainerNotFound, ContainerRuntimeError, SandboxNotFound

from ._ips import LoopbackPool, default_pool
from ._log_options import LogOptions
from ._types import (
    ContainerConfig,
    ContainerState,
    ContainerStatus,
    ContainerUsage,
    PodSandboxConfig,
    PodSandboxStatus,
    SandboxState,
)

__all__ = ["ContainerRecord", "RuntimeBase", "SandboxRecord"]

#: How many instances of one container name a sandbox keeps logs of: current and previous.
_HISTORY = 2


class ContainerRecord:
    """One container instance, mutable and private to its runtime."""

    def __init__(self, id: str, sandbox_id: str, config: ContainerConfig) -> None:
        self.id = id
        self.sandbox_id = sandbox_id
        self.config = config
        self.state = ContainerState.CREATED
        self.created_at = wall_clock()
        self.started_at: dt.datetime | None = None
        self.finished_at: dt.datetime | None = None
        self.exit_code = 0
        self.signal = 0
        self.reason = ""
        self.message = ""
        self.log_path = ""
        self.removed = False
        #: ``exited``'s event, made when first asked for: most containers run on unwatched
        #: (the kubelet hears of an exit from ``exit_future``), and an event is three objects
        #: more a running container for the collector to go over.
        self._exited: anyio.Event | None = None
        #: ``RuntimeBase.exit_future``'s, made when first asked for.
        self.exit_future: asyncio.Future[None] | None = None

    @property
    def exited(self) -> anyio.Event:
        """Set once the container has exited."""
        event = self._exited
        if event is None:
            event = self._exited = anyio.Event()
            if self.state is ContainerState.EXITED:
                event.set()
        return event

    def status(self, runtime: str) -> ContainerStatus:
        return ContainerStatus(
            id=self.id,
            sandbox_id=self.sandbox_id,
            name=self.config.name,
            attempt=self.config.attempt,
            image=self.config.image,
            state=self.state,
            created_at=self.created_at,
            started_at=self.started_at,
            finished_at=self.finished_at,
            exit_code=self.exit_code,
            signal=self.signal,
            reason=self.reason,
            message=self.message,
            log_path=self.log_path,
            runtime=runtime,
        )


_R = TypeVar("_R", bound=ContainerRecord)


class SandboxRecord(Generic[_R]):
    def __init__(self, id: str, config: PodSandboxConfig, ip: str) -> None:
        self.id = id
        self.config = config
        self.ip = ip
        self.state = SandboxState.READY
        self.created_at = wall_clock()
        self.containers: dict[str, _R] = {}
        #: Per container name, the newest instances (oldest first), removed or not.
        self.history: dict[str, list[_R]] = {}


class RuntimeBase(Generic[_R]):
    """The shared half of a runtime; subclasses implement the hooks at the bottom."""

    runtime_name = "base"
    serves_sockets = False

    def __init__(self, *, ip_pool: LoopbackPool | None = None) -> None:
        self._pool = ip_pool or default_pool()
        self._sandboxes: dict[str, SandboxRecord[_R]] = {}
        self._containers: dict[str, _R] = {}
        self._serial = 0

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        with anyio.CancelScope(shield=True):
            for sandbox_id in list(self._sandboxes):
                await self.remove_pod_sandbox(sandbox_id)

    def _new_id(self, *parts: object) -> str:
        # Deterministic (a run under a seed gives the same ids) and unique per pod uid.
        self._serial += 1
        text = "/".join(map(str, (*parts, self._serial)))
        return hashlib.sha256(text.encode()).hexdigest()

    # ------------------------------------------------------------------------ sandboxes

    async def run_pod_sandbox(self, config: PodSandboxConfig) -> str:
        if config.ip:
            self._pool.reserve(config.ip)
            ip = config.ip
        else:
            ip = self._pool.allocate()
        sandbox_id = self._new_id("sandbox", config.uid, config.namespace, config.name)
        record: SandboxRecord[_R] = SandboxRecord(sandbox_id, config, ip)
        self._sandboxes[sandbox_id] = record
        try:
            await self._sandbox_created(record)
        except BaseException:
            # No half-made sandbox stays behind: the kubelet retries a fresh one.
            del self._sandboxes[sandbox_id]
            self._pool.release(ip)
            raise
        return sandbox_id

    async def stop_pod_sandbox(self, sandbox_id: str) -> None:
        sandbox = self._sandbox(sandbox_id)
        async with anyio.create_task_group() as tg:
            for record in sandbox.containers.values():
                if record.state is ContainerState.RUNNING:
                    tg.start_soon(self.stop_container, record.id, 0.0)
        if sandbox.state is SandboxState.READY:
            sandbox.state = SandboxState.NOTREADY
            self._pool.release(sandbox.ip)
            await self._sandbox_stopped(sandbox)

    async def remove_pod_sandbox(self, sandbox_id: str) -> None:
        if sandbox_id not in self._sandboxes:
            return
        await self.stop_pod_sandbox(sandbox_id)
        sandbox = self._sandboxes.pop(sandbox_id)
        for container_id in list(sandbox.containers):
            self._containers.pop(container_id, None)
        await self._sandbox_removed(sandbox)

    async def pod_sandbox_status(self, sandbox_id: str) -> PodSandboxStatus:
        return self._sandbox_status(self._sandbox(sandbox_id))

    async def list_pod_sandboxes(self) -> Sequence[PodSandboxStatus]:
        return [self._sandbox_status(s) for s in self._sandboxes.values()]

    @staticmethod
    def _sandbox_status(sandbox: SandboxRecord[_R]) -> PodSandboxStatus:
        return PodSandboxStatus(
            id=sandbox.id,
            config=sandbox.config,
            state=sandbox.state,
            ip=sandbox.ip,
            created_at=sandbox.created_at,
        )

    def _sandbox(self, sandbox_id: str) -> SandboxRecord[_R]:
        try:
            return self._sandboxes[sandbox_id]
        except KeyError:
            raise SandboxNotFound(sandbox_id) from None

    # ----------------------------------------------------------------------- containers

    async def create_container(self, sandbox_id: str, config: ContainerConfig) -> str:
        sandbox = self._sandbox(sandbox_id)
        if sandbox.state is not SandboxState.READY:
            raise ContainerRuntimeError(f"pod sandbox {sandbox_id!r} is not ready")
        await self.pull_image(config.image, sandbox_id)
        cfg = sandbox.config
        container_id = self._new_id(cfg.uid, cfg.namespace, cfg.name, config.name)
        record = self._new_record(container_id, sandbox, config)
        sandbox.containers[container_id] = record
        self._containers[container_id] = record
        history = sandbox.history.setdefault(config.name, [])
        history.append(record)
        if len(history) > _HISTORY and (old := history.pop(0)).removed:
            self._drop_log(old)
        return container_id

    async def start_container(self, container_id: str) -> None:
        record = self._container(container_id)
        if record.state is not ContainerState.CREATED:
            raise ContainerRuntimeError(
                f"container {container_id} is {record.state.value}, not created: "
                "an instance runs once"
            )
        await self._start(record, self._sandboxes[record.sandbox_id])

    async def stop_container(self, container_id: str, grace_period: float) -> None:
        record = self._container(container_id)
        if record.state is not ContainerState.RUNNING:
            return
        if grace_period > 0:
            self._terminate(record)
            with anyio.move_on_after(grace_period):
                await record.exited.wait()
        if not record.exited.is_set():
            self._kill(record)
            await record.exited.wait()

    async def remove_container(self, container_id: str) -> None:
        record = self._container(container_id)
        if record.state is ContainerState.RUNNING:
            await self.stop_container(container_id, 0.0)
        record.removed = True
        del self._containers[container_id]
        sandbox = self._sandboxes[record.sandbox_id]
        del sandbox.containers[container_id]
        if record not in sandbox.history.get(record.config.name, ()):
            self._drop_log(record)

    async def container_status(self, container_id: str) -> ContainerStatus:
        return self._container(container_id).status(self.runtime_name)

    async def list_containers(
        self,
        *,
        sandbox_id: str | None = None,
        name: str | None = None,
        state: ContainerState | None = None,
    ) -> Sequence[ContainerStatus]:
        return [
            r.status(self.runtime_name)
            for r in self._containers.values()
            if (sandbox_id is None or r.sandbox_id == sandbox_id)
            and (name is None or r.config.name == name)
            and (state is None or r.state is state)
        ]

    async def list_container_stats(self) -> Sequence[ContainerUsage]:
        running = [
            r
            for r in self._containers.values()
            if r.state is ContainerState.RUNNING and r.started_at is not None
        ]
        now = wall_clock()
        measured = await self._measure(running, now)
        found: list[ContainerUsage] = []
        for record, (cpu, memory) in zip(running, measured, strict=True):
            if cpu is None or record.started_at is None:
                continue
            found.append(
                ContainerUsage(
                    id=record.id,
                    sandbox_id=record.sandbox_id,
                    name=record.config.name,
                    started_at=record.started_at,
                    timestamp=now,
                    cpu_core_nano_seconds=cpu,
                    working_set_bytes=memory,
                )
            )
        return found

    async def wait_container(self, container_id: str) -> ContainerStatus:
        record = self._container(container_id)
        await record.exited.wait()
        return record.status(self.runtime_name)

    def exit_future(self, container_id: str) -> asyncio.Future[None]:
        record = self._container(container_id)
        future = record.exit_future
        if future is None:
            future = record.exit_future = asyncio.get_running_loop().create_future()
            if record.state is ContainerState.EXITED:
                future.set_result(None)
        return future

    async def logs(
        self,
        sandbox_id: str,
        name: str,
        *,
        previous: bool = False,
        options: LogOptions | None = None,
    ) -> str:
        record = self._log_record(sandbox_id, name, previous)
        return await self._read_log(record, options or LogOptions())

    async def follow_logs(
        self,
        sandbox_id: str,
        name: str,
        *,
        previous: bool = False,
        options: LogOptions | None = None,
    ) -> AsyncIterator[str]:
        record = self._log_record(sandbox_id, name, previous)
        async for text in self._follow_log(record, options or LogOptions()):
            yield text

    def _log_record(self, sandbox_id: str, name: str, previous: bool) -> _R:
        history = self._sandbox(sandbox_id).history.get(name, [])
        index = -2 if previous else -1
        if len(history) < -index:
            which = "previous terminated container" if previous else "container"
            raise ContainerNotFound(f'{which} "{name}" in sandbox {sandbox_id}')
        return history[index]

    def _container(self, container_id: str) -> _R:
        try:
            return self._containers[container_id]
        except KeyError:
            raise ContainerNotFound(container_id) from None

    def _require_running(self, container_id: str) -> _R:
        record = self._container(container_id)
        if record.state is not ContainerState.RUNNING:
            raise ContainerRuntimeError(f"container {container_id} is not running")
        return record

    # ----------------------------------------------------------------- state transitions

    def _mark_running(self, record: _R) -> None:
        record.state = ContainerState.RUNNING
        record.started_at = wall_clock()

    def _mark_exited(
        self, record: _R, exit_code: int, *, signal: int = 0, reason: str = ""
    ) -> None:
        if record.state is ContainerState.EXITED:
            return
        record.state = ContainerState.EXITED
        record.finished_at = wall_clock()
        record.exit_code = exit_code
        record.signal = signal
        # containerd's reasons, which the kubelet copies into the Pod's status.
        record.reason = reason or ("Completed" if exit_code == 0 else "Error")
        # The future first: the kubelet hears of the exit before whoever waited on the
        # event since, as when it awaited the event itself (``wait_container``).
        if record.exit_future is not None:
            record.exit_future.set_result(None)
        if record._exited is not None:
            record._exited.set()

    # ---------------------------------------------------------------------------- hooks

    async def pull_image(self, image: str, sandbox_id: str | None = None) -> str:
        raise NotImplementedError

    def _new_record(
        self, container_id: str, sandbox: SandboxRecord[_R], config: ContainerConfig
    ) -> _R:
        raise NotImplementedError

    async def _sandbox_created(self, sandbox: SandboxRecord[_R]) -> None:
        """Prepare what the sandbox needs (a log directory)."""

    async def _sandbox_stopped(self, sandbox: SandboxRecord[_R]) -> None:
        """The sandbox's containers have stopped and its IP is free again."""

    async def _sandbox_removed(self, sandbox: SandboxRecord[_R]) -> None:
        """Clean up after the sandbox; its containers have all exited."""

    async def _start(self, record: _R, sandbox: SandboxRecord[_R]) -> None:
        """Start the container and call ``_mark_running``; arrange ``_mark_exited``."""
        raise NotImplementedError

    def _terminate(self, record: _R) -> None:
        """Ask the running container to stop (SIGTERM)."""
        raise NotImplementedError

    def _kill(self, record: _R) -> None:
        """End the running container now (SIGKILL); ``_mark_exited`` follows."""
        raise NotImplementedError

    async def _read_log(self, record: _R, options: LogOptions) -> str:
        raise NotImplementedError

    def _follow_log(self, record: _R, options: LogOptions) -> AsyncIterator[str]:
        """The log as ``_read_log`` gives it, then what is written next, until the
        container has exited and all of it was given."""
        raise NotImplementedError

    async def _measure(
        self, records: Sequence[_R], now: dt.datetime
    ) -> Sequence[tuple[int | None, int]]:
        """Per running container, (CPU nanoseconds used since it started, working set bytes)
        at ``now``; (None, 0) where nothing can be measured."""
        return [(None, 0)] * len(records)

    def _drop_log(self, record: _R) -> None:
        """The record was removed and a newer instance replaced it: its log can go."""
