"""Containers: image, command, ports, env, resources, probes and their status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from ._base import EMPTY, FrozenDict, freeze_map, freeze_seq, omitempty
from ._config import (
    ConfigMapKeySelector,
    EnvFromSource,
    ResourceFieldSelector,
    SecretKeySelector,
)
from ._intstr import IntOrString
from ._quantity import Quantity

__all__ = [
    "Container",
    "ContainerPort",
    "ContainerState",
    "ContainerStateRunning",
    "ContainerStateTerminated",
    "ContainerStateWaiting",
    "ContainerStatus",
    "EnvVar",
    "EnvVarSource",
    "ExecAction",
    "HTTPGetAction",
    "HTTPHeader",
    "ObjectFieldSelector",
    "Probe",
    "ResourceRequirements",
    "TCPSocketAction",
    "VolumeMount",
]


def quantities(value: Mapping[str, Any]) -> Mapping[str, Any]:
    """Freeze a resource list, accepting ``"100m"`` or ``2`` where a Quantity is meant.

    A Quantity is immutable: one given is kept, not copied (a kubelet's every status report
    gives its node's capacity, a template's Pods their containers' requests), and a frozen
    list of Quantities is kept whole."""
    if not value:
        return freeze_map(value)
    if type(value) is FrozenDict and all(type(amount) is Quantity for amount in value.values()):
        return value
    return freeze_map(
        {
            name: amount if type(amount) is Quantity else Quantity(amount)
            for name, amount in value.items()
        }
    )


@attrs.frozen(kw_only=True)
class ContainerPort:
    name: str = ""
    container_port: int = 0
    protocol: str = ""
    host_port: int | None = None
    host_ip: str = ""


@attrs.frozen(kw_only=True)
class ObjectFieldSelector:
    field_path: str = ""
    api_version: str = ""


@attrs.frozen(kw_only=True)
class EnvVarSource:
    """Where an env value comes from: a Pod field, a resource, a ConfigMap or Secret key."""

    field_ref: ObjectFieldSelector | None = None
    resource_field_ref: ResourceFieldSelector | None = None
    config_map_key_ref: ConfigMapKeySelector | None = None
    secret_key_ref: SecretKeySelector | None = None


@attrs.frozen(kw_only=True)
class EnvVar:
    name: str = ""
    value: str = ""
    value_from: EnvVarSource | None = None


@attrs.frozen(kw_only=True)
class ResourceRequirements:
    limits: Mapping[str, Quantity] = attrs.field(default=EMPTY, converter=quantities)
    requests: Mapping[str, Quantity] = attrs.field(default=EMPTY, converter=quantities)


@attrs.frozen(kw_only=True)
class VolumeMount:
    name: str = ""
    mount_path: str = ""
    read_only: bool | None = None
    sub_path: str = ""


@attrs.frozen(kw_only=True)
class ExecAction:
    command: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)


@attrs.frozen(kw_only=True)
class HTTPHeader:
    name: str = ""
    value: str = ""


@attrs.frozen(kw_only=True)
class HTTPGetAction:
    path: str = ""
    port: IntOrString = 0
    host: str = ""
    scheme: str = ""
    http_headers: tuple[HTTPHeader, ...] = attrs.field(default=(), converter=freeze_seq)


@attrs.frozen(kw_only=True)
class TCPSocketAction:
    port: IntOrString = 0
    host: str = ""


@attrs.frozen(kw_only=True)
class Probe:
    """One of ``exec``, ``http_get`` or ``tcp_socket``, and when to run it."""

    exec: ExecAction | None = None
    http_get: HTTPGetAction | None = None
    tcp_socket: TCPSocketAction | None = None
    initial_delay_seconds: int = omitempty(0)
    timeout_seconds: int | None = None
    period_seconds: int | None = None
    success_threshold: int | None = None
    failure_threshold: int | None = None
    termination_grace_period_seconds: int | None = None


@attrs.frozen(kw_only=True)
class Container:
    name: str = ""
    image: str = ""
    command: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)
    args: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)
    working_dir: str = ""
    ports: tuple[ContainerPort, ...] = attrs.field(default=(), converter=freeze_seq)
    env_from: tuple[EnvFromSource, ...] = attrs.field(default=(), converter=freeze_seq)
    env: tuple[EnvVar, ...] = attrs.field(default=(), converter=freeze_seq)
    resources: ResourceRequirements = attrs.field(default=ResourceRequirements())
    volume_mounts: tuple[VolumeMount, ...] = attrs.field(default=(), converter=freeze_seq)
    liveness_probe: Probe | None = None
    readiness_probe: Probe | None = None
    startup_probe: Probe | None = None
    restart_policy: str = ""  # "Always" makes an init container a sidecar
    termination_message_path: str = ""
    termination_message_policy: str = ""
    image_pull_policy: str = ""
    # An open stdin (a pipe the runtime holds, or a terminal with ``tty``) that ``kubectl
    # attach -i`` writes to; ``stdin_once`` closes it when the first attach ends.
    stdin: bool = omitempty(False)
    stdin_once: bool = omitempty(False)
    tty: bool = omitempty(False)


@attrs.frozen(kw_only=True)
class ContainerStateWaiting:
    reason: str = ""
    message: str = ""


@attrs.frozen(kw_only=True)
class ContainerStateRunning:
    started_at: dt.datetime | None = None


@attrs.frozen(kw_only=True)
class ContainerStateTerminated:
    exit_code: int = 0
    signal: int = omitempty(0)
    reason: str = ""
    message: str = ""
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    container_id: str = ""


@attrs.frozen(kw_only=True)
class ContainerState:
    """At most one of waiting, running, terminated is set."""

    waiting: ContainerStateWaiting | None = None
    running: ContainerStateRunning | None = None
    terminated: ContainerStateTerminated | None = None


@attrs.frozen(kw_only=True)
class ContainerStatus:
    name: str = ""
    state: ContainerState = attrs.field(default=ContainerState())
    last_state: ContainerState = attrs.field(default=ContainerState())
    ready: bool = False
    restart_count: int = 0
    image: str = ""
    image_id: str = ""
    container_id: str = ""
    started: bool | None = None
