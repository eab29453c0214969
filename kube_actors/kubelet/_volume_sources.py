"""What each of a Pod's volumes holds, as the kubelet's volume plugins set it up.

ConfigMap, Secret, downward API and projected volumes become files (their keys, or the
``items`` chosen, at their paths); emptyDir, hostPath and a claim's volume are directories the
runtime provides. A ConfigMap or Secret that does not exist fails the mount unless the volume
is ``optional``, with Kubernetes' message: the pod then stays in ContainerCreating, and the
kubelet records ``FailedMount`` and tries again.

Each file carries its mode: the item's ``mode``, else the volume's ``defaultMode`` (0644, the
API's 420). Secret, downward API and projected volumes are kept in memory (``MEMORY``), a
ConfigMap's on disk. The projected volumes are ``remountable``: the pod worker sets them up
again on every sync and hands the runtime what changed (``set_up_volume``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from kube_actors.api import (
    DEFAULT_TOKEN_EXPIRATION_SECONDS,
    BoundObjectReference,
    Container,
    DownwardAPIVolumeFile,
    KeyToPath,
    Pod,
    ServiceAccountTokenProjection,
    TokenRequestSpec,
    Volume,
)
from kube_actors.runtime import Mount

from ._env_sources import ContainerConfigError, SourceReader, field_value, resource_value
from ._token_manager import TokenManager

__all__ = [
    "DEFAULT_MODE",
    "MEMORY",
    "MountError",
    "VolumeContents",
    "mounts_for",
    "remountable",
    "set_up_volume",
    "set_up_volumes",
]

#: The medium of the volumes the kubelet keeps in memory (tmpfs): Secret, downward API and
#: projected volumes wrap an ``emptyDir: {medium: Memory}``; a ConfigMap's is on disk.
MEMORY = "Memory"


class MountError(Exception):
    """A volume that cannot be set up now; the message is the kubelet's FailedMount text."""


#: A projected file's mode when neither its item nor its volume names one (the API's 420).
DEFAULT_MODE = 0o644


@attrs.frozen(kw_only=True)
class VolumeContents:
    """A volume set up: projected ``files`` with their ``modes``, or the ``host_path`` of a
    directory volume; ``medium`` "Memory" for a volume the node keeps on tmpfs."""

    files: Mapping[str, bytes] = attrs.field(factory=dict)
    modes: Mapping[str, int] = attrs.field(factory=dict)
    host_path: str = ""
    projected: bool = False
    medium: str = ""


def remountable(volume: Volume) -> bool:
    """Whether the kubelet rewrites the volume on each sync (its plugin ``RequiresRemount``)."""
    return any(
        source is not None
        for source in (volume.config_map, volume.secret, volume.downward_api, volume.projected)
    )


class _Payload:
    """The files of a projected volume as they are gathered, each with its mode."""

    def __init__(self, default_mode: int | None) -> None:
        self.default_mode = DEFAULT_MODE if default_mode is None else default_mode
        self.files: dict[str, bytes] = {}
        self.modes: dict[str, int] = {}

    def add(self, path: str, content: bytes, mode: int | None = None) -> None:
        self.files[path] = content
        self.modes[path] = self.default_mode if mode is None else mode

    def keys(
        self,
        data: Mapping[str, bytes],
        items: Iterable[KeyToPath],
        where: str,
        optional: bool | None,
    ) -> None:
        """A ConfigMap's or Secret's keys: all of them, or the ``items`` chosen; a missing
        key fails the mount unless the source is ``optional`` (then it is left out)."""
        items = tuple(items)
        if not items:
            for key, content in data.items():
                self.add(key, content)
            return
        for item in items:
            if item.key not in data:
                if optional:
                    continue
                what = "config" if where == "configmap" else "secret"
                raise ContainerConfigError(
                    f"{where} references non-existent {what} key: {item.key}"
                )
            self.add(item.path, data[item.key], item.mode)

    def downward(self, items: Iterable[DownwardAPIVolumeFile], pod: Pod, pod_ip: str) -> None:
        for path, content, mode in _downward(items, pod, pod_ip):
            self.add(path, content, mode)

    def contents(self, medium: str = "") -> VolumeContents:
        return VolumeContents(files=self.files, modes=self.modes, projected=True, medium=medium)


async def _volume(
    volume: Volume, pod: Pod, reader: SourceReader, pod_ip: str, tokens: TokenManager
) -> VolumeContents:
    if volume.config_map is not None:
        source = volume.config_map
        payload = _Payload(source.default_mode)
        data = await reader.config_map_data(source.name, source.optional)
        payload.keys(data or {}, source.items, "configmap", source.optional)
        return payload.contents()  # on the node's disk, as the kubelet keeps ConfigMaps
    if volume.secret is not None:
        secret = volume.secret
        payload = _Payload(secret.default_mode)
        data = await reader.secret_data(secret.secret_name, secret.optional)
        payload.keys(data or {}, secret.items, "secret", secret.optional)
        return payload.contents(MEMORY)
    if volume.downward_api is not None:
        payload = _Payload(volume.downward_api.default_mode)
        payload.downward(volume.downward_api.items, pod, pod_ip)
        return payload.contents(MEMORY)
    if volume.projected is not None:
        payload = _Payload(volume.projected.default_mode)
        for part in volume.projected.sources:
            if part.config_map is not None:
                cm = part.config_map
                data = await reader.config_map_data(cm.name, cm.optional)
                payload.keys(data or {}, cm.items, "configmap", cm.optional)
            elif part.secret is not None:
                sp = part.secret
                data = await reader.secret_data(sp.name, sp.optional)
                payload.keys(data or {}, sp.items, "secret", sp.optional)
            elif part.downward_api is not None:
                payload.downward(part.downward_api.items, pod, pod_ip)
            elif part.service_account_token is not None:
                projection = part.service_account_token
                payload.add(projection.path, await _token(tokens, pod, projection))
        return payload.contents(MEMORY)
    if volume.host_path is not None:
        return VolumeContents(host_path=volume.host_path.path)
    if volume.persistent_volume_claim is not None:
        path = await reader.claimed_path(volume.persistent_volume_claim.claim_name)
        return VolumeContents(host_path=path)
    empty_dir = volume.empty_dir
    medium = empty_dir.medium if empty_dir is not None else ""
    return VolumeContents(medium=medium)  # emptyDir: a directory the runtime makes per pod


async def _token(
    tokens: TokenManager, pod: Pod, projection: ServiceAccountTokenProjection
) -> bytes:
    """A token of the pod's service account bound to the pod, from the token manager."""
    meta = pod.metadata
    spec = TokenRequestSpec(
        audiences=(projection.audience,) if projection.audience else (),
        expiration_seconds=projection.expiration_seconds or DEFAULT_TOKEN_EXPIRATION_SECONDS,
        bound_object_ref=BoundObjectReference(
            kind="Pod", api_version="v1", name=meta.name, uid=meta.uid
        ),
    )
    account = pod.spec.service_account_name or "default"
    answered = await tokens.token(meta.namespace or "default", account, spec)
    return answered.status.token.encode()


def _downward(
    items: Iterable[DownwardAPIVolumeFile], pod: Pod, pod_ip: str
) -> list[tuple[str, bytes, int | None]]:
    files: list[tuple[str, bytes, int | None]] = []
    containers = {c.name: c for c in pod.spec.containers}
    for item in items:
        if item.field_ref is not None:
            value = field_value(pod, item.field_ref.field_path, pod_ip)
            files.append((item.path, value.encode(), item.mode))
        elif item.resource_field_ref is not None:
            ref = item.resource_field_ref
            container = containers.get(ref.container_name, Container())
            value = resource_value(container, ref.resource, ref.divisor)
            files.append((item.path, value.encode(), item.mode))
    return files


async def set_up_volume(
    volume: Volume, pod: Pod, reader: SourceReader, pod_ip: str, tokens: TokenManager
) -> VolumeContents:
    """One volume of ``pod`` set up, or MountError with the kubelet's FailedMount message."""
    try:
        return await _volume(volume, pod, reader, pod_ip, tokens)
    except ContainerConfigError as error:
        raise MountError(f'MountVolume.SetUp failed for volume "{volume.name}" : {error}') from None


async def set_up_volumes(
    pod: Pod, reader: SourceReader, pod_ip: str, tokens: TokenManager
) -> dict[str, VolumeContents]:
    """Every volume of ``pod`` set up, or MountError naming the first that cannot be."""
    return {
        volume.name: await set_up_volume(volume, pod, reader, pod_ip, tokens)
        for volume in pod.spec.volumes
    }


def mounts_for(container: Container, volumes: Mapping[str, VolumeContents]) -> tuple[Mount, ...]:
    """The container's ``volumeMounts`` as the runtime's mounts, projected volumes read-only."""
    mounts: list[Mount] = []
    for mount in container.volume_mounts:
        contents = volumes.get(mount.name, VolumeContents())
        mounts.append(
            Mount(
                volume=mount.name,
                container_path=mount.mount_path,
                host_path=contents.host_path,
                files=contents.files,
                modes=contents.modes,
                projected=contents.projected,
                medium=contents.medium,
                # Kubernetes mounts ConfigMap, Secret, downward API and projected volumes read-only.
                read_only=bool(mount.read_only) or contents.projected,
                sub_path=mount.sub_path,
            )
        )
    return tuple(mounts)
