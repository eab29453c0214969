"""What passes through the runtime protocol: configs in, statuses and results out.

The shapes follow CRI's messages (``PodSandboxConfig``, ``ContainerConfig``,
``ContainerStatus``, ``ExecSyncResponse``) with snake_case names, trimmed to what a kubelet
in one process needs. All are frozen: a status is a snapshot, not a live view.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping

import attrs

from kube_actors.api import (
    ContainerPort,
    ContainerStateRunning,
    ContainerStateTerminated,
    ContainerStateWaiting,
)
from kube_actors.api import (
    ContainerState as ApiContainerState,
)
from kube_actors.api._base import EMPTY, freeze_map, freeze_seq

__all__ = [
    "ContainerConfig",
    "ContainerState",
    "ContainerStatus",
    "ContainerUsage",
    "ExecResult",
    "Mount",
    "PodSandboxConfig",
    "PodSandboxStatus",
    "ProbeKind",
    "ProbeOutcome",
    "ProbeResult",
    "SandboxState",
]


class ContainerState(enum.Enum):
    """CRI's ``ContainerState``: where a container instance is in its one life."""

    CREATED = "created"
    RUNNING = "running"
    EXITED = "exited"
    UNKNOWN = "unknown"


class SandboxState(enum.Enum):
    """CRI's ``PodSandboxState``."""

    READY = "ready"
    NOTREADY = "notready"


@attrs.frozen(kw_only=True)
class PodSandboxConfig:
    """What the runtime needs to know of a pod to host its containers.

    ``ip`` is the pod's address on the loopback pod network (127.0.0.0/8); left empty, the
    runtime allocates one and reports it in ``PodSandboxStatus.ip``. ``annotations`` are the
    pod's own: the fake runtime reads its scripts there.
    """

    name: str
    namespace: str = "default"
    uid: str = ""
    attempt: int = 0
    ip: str = ""
    node_name: str = ""
    hostname: str = ""
    labels: Mapping[str, str] = attrs.field(default=EMPTY, converter=freeze_map)
    annotations: Mapping[str, str] = attrs.field(default=EMPTY, converter=freeze_map)


@attrs.frozen(kw_only=True)
class PodSandboxStatus:
    id: str
    config: PodSandboxConfig
    state: SandboxState
    ip: str
    created_at: dt.datetime


@attrs.frozen(kw_only=True)
class Mount:
    """One volume as a container sees it (CRI's ``Mount``), the one mechanism for every volume.

    ``files`` are the contents the kubelet projected (ConfigMap, Secret, downward API keys as
    relative paths; ``projected`` says the volume is such a one, even when it holds no file)
    with each file's mode in ``modes`` (0644 when absent), and ``host_path`` the directory
    behind the volume when there is one (hostPath, a claim's volume); ``sub_path`` is the part
    of it mounted. ``medium`` is ``"Memory"`` for a volume kept in memory (tmpfs): Secret,
    downward API and projected volumes, and ``emptyDir: {medium: Memory}``.
    """

    volume: str
    container_path: str
    host_path: str = ""
    files: Mapping[str, bytes] = attrs.field(default=EMPTY, converter=freeze_map)
    modes: Mapping[str, int] = attrs.field(default=EMPTY, converter=freeze_map)
    projected: bool = False
    medium: str = ""
    read_only: bool = False
    sub_path: str = ""


@attrs.frozen(kw_only=True)
class ContainerConfig:
    """One container to create in a sandbox.

    ``command`` and ``args`` are the spec's (empty means "the image's"); the runtime merges
    them with the image's entrypoint and cmd as Kubernetes does. ``envs`` are resolved
    values: the spec's env with ``valueFrom`` already filled in. ``memory_limit`` is bytes.
    """

    name: str
    image: str
    attempt: int = 0
    command: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)
    args: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)
    working_dir: str = ""
    envs: Mapping[str, str] = attrs.field(default=EMPTY, converter=freeze_map)
    ports: tuple[ContainerPort, ...] = attrs.field(default=(), converter=freeze_seq)
    memory_limit: int | None = None
    mounts: tuple[Mount, ...] = attrs.field(default=(), converter=freeze_seq)
    labels: Mapping[str, str] = attrs.field(default=EMPTY, converter=freeze_map)
    annotations: Mapping[str, str] = attrs.field(default=EMPTY, converter=freeze_map)
    #: CRI's stdin, stdin_once and tty: an open stdin for attach, closed after the first
    #: attach with ``stdin_once``; a terminal with ``tty``.
    stdin: bool = False
    stdin_once: bool = False
    tty: bool = False


@attrs.frozen(kw_only=True)
class ContainerStatus:
    """A snapshot of one container instance, as CRI's ``ContainerStatus``.

    ``exit_code``, ``reason`` and ``finished_at`` mean something once ``state`` is EXITED;
    ``reason`` is ``Completed`` (exit 0), ``Error`` or ``OOMKilled`` as containerd reports.
    ``signal`` is the signal that ended the process, 0 if it exited on its own.
    """

    id: str
    sandbox_id: str
    name: str
    attempt: int
    image: str
    state: ContainerState
    created_at: dt.datetime
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    exit_code: int = 0
    signal: int = 0
    reason: str = ""
    message: str = ""
    log_path: str = ""
    runtime: str = ""

    @property
    def container_id(self) -> str:
        """The id as a Pod's status shows it: ``<runtime>://<id>``."""
        return f"{self.runtime}://{self.id}" if self.runtime else self.id

    def to_api_state(self) -> ApiContainerState:
        """This status as the API's ``ContainerState`` (what ``kubectl`` shows).

        A created container not yet started is waiting with reason ``ContainerCreating``.
        """
        if self.state is ContainerState.RUNNING:
            return ApiContainerState(running=ContainerStateRunning(started_at=self.started_at))
        if self.state is ContainerState.EXITED:
            terminated = ContainerStateTerminated(
                exit_code=self.exit_code,
                signal=self.signal,
                reason=self.reason,
                message=self.message,
                started_at=self.started_at,
                finished_at=self.finished_at,
                container_id=self.container_id,
            )
            return ApiContainerState(terminated=terminated)
        return ApiContainerState(waiting=ContainerStateWaiting(reason="ContainerCreating"))


@attrs.frozen(kw_only=True)
class ContainerUsage:
    """CRI's ``ContainerStats`` of a running container: what it has used, sampled at
    ``timestamp``. ``cpu_core_nano_seconds`` is cumulative since ``started_at`` (a rate is
    the difference of two samples); ``working_set_bytes`` is the memory in use now."""

    id: str
    sandbox_id: str
    name: str
    started_at: dt.datetime
    timestamp: dt.datetime
    cpu_core_nano_seconds: int
    working_set_bytes: int


@attrs.frozen(kw_only=True)
class ExecResult:
    """What ``exec`` gives back: the exit code and stdout and stderr, interleaved."""

    exit_code: int
    output: str = ""
    timed_out: bool = False


class ProbeKind(enum.Enum):
    LIVENESS = "liveness"
    READINESS = "readiness"
    STARTUP = "startup"


class ProbeOutcome(enum.Enum):
    """The prober's results: Unknown means "could not tell", and counts for neither side."""

    SUCCESS = "success"
    FAILURE = "failure"
    UNKNOWN = "unknown"


@attrs.frozen(kw_only=True)
class ProbeResult:
    outcome: ProbeOutcome
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome is ProbeOutcome.SUCCESS


#: The results every runtime hands out most often.
PROBE_SUCCESS = ProbeResult(outcome=ProbeOutcome.SUCCESS)
