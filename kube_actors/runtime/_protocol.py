"""``ContainerRuntime``: what a kubelet asks of a container runtime, in the shape of CRI.

A kubelet drives any runtime through these methods only, so a user can plug in their own
(a runtime that talks to containerd, to a VM manager, to a test double) by implementing
them. Two ship with kube_actors: ``FakeRuntime`` (scripted containers on the cluster's
clock, no processes) and ``SubprocessRuntime`` (real processes).

The life of a container, as in CRI: ``create_container`` (CREATED) -> ``start_container``
(RUNNING) -> it exits or ``stop_container`` ends it (EXITED) -> ``remove_container``. An
instance never runs twice: a restart is a new ``create_container`` with the next attempt.

How the kubelet learns of an exit without polling: ``wait_container(id)`` returns the
container's status once it has exited (at once if it already has). A pod worker awaits it
in a task of its own and tells its actor; of a runtime that is an ``ExitWatchRuntime`` (both
that ship are) it takes ``exit_future(id)`` instead, and a callback, not a task, tells it.

A runtime owns processes or timers, so it is an async context manager: leaving it stops
every container it still runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence
from types import TracebackType
from typing import Protocol, Self, runtime_checkable

import anyio.abc

from kube_actors.api import Probe

from ._exec_session import ExecSession
from ._log_options import LogOptions
from ._types import (
    ContainerConfig,
    ContainerState,
    ContainerStatus,
    ContainerUsage,
    ExecResult,
    PodSandboxConfig,
    PodSandboxStatus,
    ProbeKind,
    ProbeResult,
)

__all__ = ["ContainerRuntime", "StatsRuntime", "StreamingRuntime", "VolumeRuntime"]


@runtime_checkable
class ContainerRuntime(Protocol):
    """The container runtime protocol. Unknown ids raise ``SandboxNotFound`` or
    ``ContainerNotFound``; images that cannot be had raise ``ImagePullError``."""

    #: The scheme of container ids in Pod statuses (``fake://...``).
    runtime_name: str
    #: Whether its containers listen on real sockets (at the pod IPs): kube-proxy then
    #: opens real listeners for Services, by default.
    serves_sockets: bool

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    # ------------------------------------------------------------------------ sandboxes

    async def run_pod_sandbox(self, config: PodSandboxConfig) -> str:
        """Make a home for a pod's containers (its IP, its log directory); its id."""
        ...

    async def stop_pod_sandbox(self, sandbox_id: str) -> None:
        """Stop every container of the sandbox at once (no grace: the kubelet stops them
        gracefully first) and release its IP. Stopping twice is fine."""
        ...

    async def remove_pod_sandbox(self, sandbox_id: str) -> None:
        """Forget the sandbox, its containers and their logs. Removing twice is fine."""
        ...

    async def pod_sandbox_status(self, sandbox_id: str) -> PodSandboxStatus: ...

    async def list_pod_sandboxes(self) -> Sequence[PodSandboxStatus]: ...

    # ----------------------------------------------------------------------- containers

    async def pull_image(self, image: str, sandbox_id: str | None = None) -> str:
        """Make sure the image can run; its resolved reference. ``ImagePullError`` if not:
        the kubelet reports ErrImagePull, then ImagePullBackOff."""
        ...

    async def create_container(self, sandbox_id: str, config: ContainerConfig) -> str:
        """Create (not start) a container in the sandbox; its id."""
        ...

    async def start_container(self, container_id: str) -> None:
        """Start a created container; returns once it runs."""
        ...

    async def stop_container(self, container_id: str, grace_period: float) -> None:
        """SIGTERM, wait up to ``grace_period`` seconds, then SIGKILL; returns once it has
        exited. A container that is not running is left as it is."""
        ...

    async def remove_container(self, container_id: str) -> None:
        """Forget a container (stopping it first if it still runs). Its log stays readable
        as the ``previous`` instance until a newer one replaces it."""
        ...

    async def container_status(self, container_id: str) -> ContainerStatus: ...

    async def list_containers(
        self,
        *,
        sandbox_id: str | None = None,
        name: str | None = None,
        state: ContainerState | None = None,
    ) -> Sequence[ContainerStatus]:
        """The containers matching every filter given, oldest first."""
        ...

    async def wait_container(self, container_id: str) -> ContainerStatus:
        """The container's status once it has exited."""
        ...

    # -------------------------------------------------------------- logs, exec and probes

    async def logs(
        self,
        sandbox_id: str,
        name: str,
        *,
        previous: bool = False,
        options: LogOptions | None = None,
    ) -> str:
        """The log of the newest instance of container ``name`` in the sandbox, or of the
        one before it (``previous``, as ``kubectl logs --previous``); ``options`` picks
        part of it (tail, since, limit, timestamps), read without holding more than that."""
        ...

    def follow_logs(
        self,
        sandbox_id: str,
        name: str,
        *,
        previous: bool = False,
        options: LogOptions | None = None,
    ) -> AsyncIterator[str]:
        """``kubectl logs -f``: the log as ``logs`` gives it, then each new piece as the
        container writes it; the iterator ends once the container has exited and all of
        its log was given."""
        ...

    async def exec(
        self, container_id: str, command: Sequence[str], *, timeout: float | None = None
    ) -> ExecResult:
        """Run ``command`` in a running container (CRI's ExecSync): exit code and output."""
        ...

    async def probe(self, container_id: str, kind: ProbeKind, probe: Probe) -> ProbeResult:
        """Run one probe once. The kubelet owns periods, thresholds and initial delays."""
        ...


@runtime_checkable
class StreamingRuntime(Protocol):
    """What a runtime offers for ``kubectl exec``, ``attach`` and ``port-forward`` (CRI's
    Exec, Attach and PortForward): both runtimes that ship have it; a runtime of your own
    may leave it out, and those verbs then answer that the runtime cannot stream."""

    async def open_exec(
        self, container_id: str, command: Sequence[str], *, stdin: bool = False, tty: bool = False
    ) -> ExecSession:
        """Start ``command`` in the running container as its processes run (environment,
        working directory, namespaces); its streams and exit code.
        ``ContainerRuntimeError`` if the command cannot start."""
        ...

    async def attach(self, container_id: str, *, stdin: bool = False) -> ExecSession:
        """The running container's output from now on, until it exits; with ``stdin``, the
        session writes to the container's stdin if its spec has one (``None`` if not).
        The session is a terminal when the container's is (``tty`` in its spec)."""
        ...

    async def port_forward(self, sandbox_id: str, port: int) -> anyio.abc.ByteStream:
        """A connection to ``port`` in the pod's network; ``ContainerRuntimeError`` if
        nothing there accepts it."""
        ...


@runtime_checkable
class ExitWatchRuntime(Protocol):
    """What a runtime offers for the kubelet to learn of an exit without a task a container:
    both runtimes that ship have it; a runtime without it is waited on (``wait_container``)
    in a task for each running container, which costs more and lives as long."""

    def exit_future(self, container_id: str) -> asyncio.Future[None]:
        """A future done once the container has exited (done already if it has), which the
        runtime sets, shared by whoever asks: wait on it, never cancel it.
        ``ContainerNotFound`` for a container the runtime does not have."""
        ...


@runtime_checkable
class StatsRuntime(Protocol):
    """What a runtime offers for the kubelet's stats (CRI's ``ListContainerStats``): both
    runtimes that ship have it; the metrics of a node whose runtime lacks it are missing."""

    async def list_container_stats(self) -> Sequence[ContainerUsage]:
        """The usage of every running container, sampled now."""
        ...


@runtime_checkable
class VolumeRuntime(Protocol):
    """What a runtime offers for the kubelet's remount of ConfigMap, Secret, downward API and
    projected volumes (in Kubernetes the kubelet writes the node's volume directory itself;
    here the runtime owns it). Both runtimes that ship have it; on a runtime without it a
    volume keeps the files its containers were created with."""

    async def update_volume(
        self,
        sandbox_id: str,
        volume: str,
        files: Mapping[str, bytes],
        modes: Mapping[str, int] | None = None,
    ) -> None:
        """Replace the projected volume's files all at once (the atomic writer's update),
        each with its mode (0644 where ``modes`` names none). What every container mounting
        the volume sees follows, except a ``subPath`` mount, which keeps what it had."""
        ...
