"""A container's environment from its ``envFrom`` and ``env``, as the kubelet builds it.

Kubernetes' ``makeEnvironmentVariables``: every key of each ``envFrom`` source first (after its
``prefix``), then each ``env`` entry, whose ``$(NAME)`` references expand to variables defined
before it. A ConfigMap or Secret that does not exist (or lacks the key) is an error unless the
reference is ``optional``; the kubelet then leaves the container waiting in
``CreateContainerConfigError`` with the error as its message, and tries again later.
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Mapping
from typing import Any

from kube_actors.api import (
    ConfigMap,
    Container,
    EnvVarSource,
    PersistentVolume,
    PersistentVolumeClaim,
    Pod,
    Quantity,
    Secret,
)
from kube_actors.client import Client
from kube_actors.errors import NotFound

__all__ = [
    "ContainerConfigError",
    "Pinned",
    "SourceReader",
    "expand_command",
    "field_value",
    "resolve_env",
    "resource_value",
]

_REFERENCE = re.compile(r"\$\$|\$\(([^)]*)\)")


class ContainerConfigError(Exception):
    """Why a container's config cannot be made now (a missing ConfigMap, Secret or key)."""


#: ConfigMaps and Secrets read with ``immutable: true``, by (kind, name): never read again.
Pinned = dict[tuple[str, str], ConfigMap | Secret]


class SourceReader:
    """Reads the ConfigMaps and Secrets of one pod's namespace, each at most once per sync.

    An object read with ``immutable: true`` goes into ``pinned`` (the pod worker's, kept for
    the pod's life) and is served from there from then on, as the kubelet's watch-based cache
    stops watching an immutable object: its data cannot change, and a deletion is not seen.
    """

    def __init__(self, client: Client, namespace: str, pinned: Pinned | None = None) -> None:
        self.client = client
        self.namespace = namespace
        self.pinned: Pinned = {} if pinned is None else pinned
        self._read: dict[tuple[str, str], ConfigMap | Secret | None] = {}

    async def _get(self, kind: type[ConfigMap] | type[Secret], name: str) -> Any:
        key = (kind.__name__, name)
        if key in self.pinned:
            return self.pinned[key]
        if key not in self._read:
            try:
                found = await self.client.get(kind, name, namespace=self.namespace)
            except NotFound:
                found = None
            if found is not None and found.immutable:
                self.pinned[key] = found
            self._read[key] = found
        return self._read[key]

    async def config_map(self, name: str) -> ConfigMap | None:
        found: ConfigMap | None = await self._get(ConfigMap, name)
        return found

    async def secret(self, name: str) -> Secret | None:
        found: Secret | None = await self._get(Secret, name)
        return found

    async def claimed_path(self, claim_name: str) -> str:
        """The directory of the volume bound to a claim; ContainerConfigError while it is not."""
        try:
            claim = await self.client.get(
                PersistentVolumeClaim, claim_name, namespace=self.namespace
            )
        except NotFound:
            raise ContainerConfigError(f'persistentvolumeclaim "{claim_name}" not found') from None
        if claim.status.phase != "Bound" or not claim.spec.volume_name:
            raise ContainerConfigError(
                f"error processing PVC {self.namespace}/{claim_name}: PVC is not bound"
            )
        try:
            volume = await self.client.get(PersistentVolume, claim.spec.volume_name)
        except NotFound:
            raise ContainerConfigError(
                f'persistentvolume "{claim.spec.volume_name}" not found'
            ) from None
        if volume.spec.host_path is None:
            raise ContainerConfigError(f"volume {volume.metadata.name} has no hostPath source")
        return volume.spec.host_path.path

    async def config_map_data(self, name: str, optional: bool | None) -> dict[str, bytes] | None:
        """The ConfigMap's keys as bytes; None if it is missing and optional, else an error."""
        found = await self.config_map(name)
        if found is None:
            if optional:
                return None
            raise ContainerConfigError(f'configmap "{name}" not found')
        data = {key: value.encode() for key, value in found.data.items()}
        data.update({key: base64.b64decode(value) for key, value in found.binary_data.items()})
        return data

    async def secret_data(self, name: str, optional: bool | None) -> dict[str, bytes] | None:
        found = await self.secret(name)
        if found is None:
            if optional:
                return None
            raise ContainerConfigError(f'secret "{name}" not found')
        return {key: base64.b64decode(value) for key, value in found.data.items()}


def field_value(pod: Pod, path: str, pod_ip: str) -> str:
    """A Pod field the downward API exposes (``metadata.labels['app']``, ``status.podIP``...)."""
    meta = pod.metadata
    for prefix, source in (
        ("metadata.labels", meta.labels),
        ("metadata.annotations", meta.annotations),
    ):
        if path == prefix:
            return "\n".join(f'{k}="{v}"' for k, v in sorted(source.items()))
        if path.startswith(prefix + "['") and path.endswith("']"):
            return source.get(path[len(prefix) + 2 : -2], "")
    host_ips = ",".join(ip.ip for ip in pod.status.host_ips) or pod.status.host_ip
    return {
        "metadata.name": meta.name,
        "metadata.namespace": meta.namespace or "default",
        "metadata.uid": meta.uid,
        "spec.nodeName": pod.spec.node_name,
        "spec.serviceAccountName": pod.spec.service_account_name,
        "status.podIP": pod_ip,
        "status.podIPs": pod_ip,
        "status.hostIP": pod.status.host_ip,
        "status.hostIPs": host_ips,
    }.get(path, "")


def resource_value(container: Container, resource: str, divisor: str = "") -> str:
    """A container's request or limit divided by ``divisor``, rounded up, as the kubelet does.

    A limit that is not set reads as the request (our nodes report no allocatable to fall
    back on); a CPU with neither reads 1 core, as a node without limits would give.
    """
    which, _, name = resource.partition(".")
    resources = container.resources
    amounts = resources.limits if which == "limits" else resources.requests
    amount = amounts.get(name) or resources.requests.get(name)
    if amount is None:
        amount = Quantity("1") if name == "cpu" else Quantity("0")
    by = Quantity(divisor or "1")
    return str(max(math.ceil(amount.nano_value / by.nano_value), 0 if name != "cpu" else 1))


def expand_command(words: tuple[str, ...], env: Mapping[str, str]) -> tuple[str, ...]:
    """A container's ``command`` or ``args`` with ``$(NAME)`` expanded from its final
    environment, as the kubelet expands them (ExpandContainerCommandAndArgs)."""
    return tuple(_expand(word, env) for word in words)


def _expand(value: str, env: Mapping[str, str]) -> str:
    """Kubernetes' ``$(NAME)`` expansion: ``$$`` escapes, unknown references stay as written."""

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group(1)
        return env.get(name, match.group(0))

    return _REFERENCE.sub(replace, value)


async def resolve_env(
    container: Container, pod: Pod, reader: SourceReader, *, pod_ip: str, base: Mapping[str, str]
) -> dict[str, str]:
    """The container's variables over ``base`` (the service links); ContainerConfigError."""
    env = dict(base)
    for source in container.env_from:
        data: dict[str, bytes] | None = None
        if source.config_map_ref is not None:
            ref = source.config_map_ref
            data = await reader.config_map_data(ref.name, ref.optional)
        elif source.secret_ref is not None:
            secret_ref = source.secret_ref
            data = await reader.secret_data(secret_ref.name, secret_ref.optional)
        for key, raw in (data or {}).items():
            env[source.prefix + key] = raw.decode(errors="replace")
    for var in container.env:
        source_of = var.value_from
        if source_of is None:
            env[var.name] = _expand(var.value, env)
            continue
        value = await _value_from(container, pod, reader, source_of, pod_ip)
        if value is not None:
            env[var.name] = value
    return env


async def _value_from(
    container: Container, pod: Pod, reader: SourceReader, source: EnvVarSource, pod_ip: str
) -> str | None:
    namespace = pod.metadata.namespace or "default"
    if source.field_ref is not None:
        return field_value(pod, source.field_ref.field_path, pod_ip)
    if source.resource_field_ref is not None:
        ref = source.resource_field_ref
        target = container
        if ref.container_name:
            target = next(
                (c for c in pod.spec.containers if c.name == ref.container_name), container
            )
        return resource_value(target, ref.resource, ref.divisor)
    if source.config_map_key_ref is not None:
        key_ref = source.config_map_key_ref
        data = await reader.config_map_data(key_ref.name, key_ref.optional)
        if data is None:
            return None
        if key_ref.key not in data:
            if key_ref.optional:
                return None
            raise ContainerConfigError(
                f"couldn't find key {key_ref.key} in ConfigMap {namespace}/{key_ref.name}"
            )
        return data[key_ref.key].decode(errors="replace")
    if source.secret_key_ref is not None:
        secret_ref = source.secret_key_ref
        secret = await reader.secret_data(secret_ref.name, secret_ref.optional)
        if secret is None:
            return None
        if secret_ref.key not in secret:
            if secret_ref.optional:
                return None
            raise ContainerConfigError(
                f"couldn't find key {secret_ref.key} in Secret {namespace}/{secret_ref.name}"
            )
        return secret[secret_ref.key].decode(errors="replace")
    return ""
