"""The container runtime protocol and its fake and subprocess implementations.

A kubelet drives a ``ContainerRuntime`` (CRI's shape: sandboxes, containers, status, logs,
exec, probes). ``FakeRuntime`` runs scripted containers on the cluster's clock, exact under
virtual time; ``SubprocessRuntime`` runs real processes from an ``ImageCatalog``, each pod
on its own loopback IP.
"""

from ._catalog import Image as Image
from ._catalog import ImageCatalog as ImageCatalog
from ._config import container_config_for as container_config_for
from ._config import sandbox_config_for as sandbox_config_for
from ._exec_session import ExecSession as ExecSession
from ._fake import FakeRuntime as FakeRuntime
from ._ips import PROCESS_SLOTS as PROCESS_SLOTS
from ._ips import AddressPool as AddressPool
from ._ips import LoopbackPool as LoopbackPool
from ._ips import process_slot as process_slot
from ._log_options import LogOptions as LogOptions
from ._probes import http_get_probe as http_get_probe
from ._probes import tcp_socket_probe as tcp_socket_probe
from ._protocol import ContainerRuntime as ContainerRuntime
from ._protocol import ExitWatchRuntime as ExitWatchRuntime
from ._protocol import StatsRuntime as StatsRuntime
from ._protocol import StreamingRuntime as StreamingRuntime
from ._protocol import VolumeRuntime as VolumeRuntime
from ._script import ANNOTATION_PREFIX as ANNOTATION_PREFIX
from ._script import ContainerScript as ContainerScript
from ._script import ExecReply as ExecReply
from ._script import parse_duration as parse_duration
from ._subprocess import SubprocessRuntime as SubprocessRuntime
from ._types import ContainerConfig as ContainerConfig
from ._types import ContainerState as ContainerState
from ._types import ContainerStatus as ContainerStatus
from ._types import ContainerUsage as ContainerUsage
from ._types import ExecResult as ExecResult
from ._types import Mount as Mount
from ._types import PodSandboxConfig as PodSandboxConfig
from ._types import PodSandboxStatus as PodSandboxStatus
from ._types import ProbeKind as ProbeKind
from ._types import ProbeOutcome as ProbeOutcome
from ._types import ProbeResult as ProbeResult
from ._types import SandboxState as SandboxState
from ._usage import USAGE_RESOURCES as USAGE_RESOURCES
from ._usage import scripted_stats as scripted_stats
from ._usage import scripted_usage as scripted_usage

__all__ = [
    "ANNOTATION_PREFIX",
    "AddressPool",
    "ContainerConfig",
    "ContainerRuntime",
    "ContainerScript",
    "ContainerState",
    "ContainerStatus",
    "ContainerUsage",
    "ExecReply",
    "ExecResult",
    "ExecSession",
    "ExitWatchRuntime",
    "FakeRuntime",
    "Image",
    "ImageCatalog",
    "LogOptions",
    "LoopbackPool",
    "Mount",
    "PROCESS_SLOTS",
    "PodSandboxConfig",
    "PodSandboxStatus",
    "ProbeKind",
    "ProbeOutcome",
    "ProbeResult",
    "SandboxState",
    "StatsRuntime",
    "StreamingRuntime",
    "SubprocessRuntime",
    "USAGE_RESOURCES",
    "VolumeRuntime",
    "container_config_for",
    "http_get_probe",
    "parse_duration",
    "process_slot",
    "sandbox_config_for",
    "scripted_stats",
    "scripted_usage",
    "tcp_socket_probe",
]
