"""What each of a Pod's volumes holds, as the kubelet's volume plugins set it up.

ConfigMap, Secret, downward API and projected volumes become files (their keys, or the
``items`` chosen, at their paths); emptyDir, hostPath and a claim's volume are directories the
runtime provides. A ConfigMap or Secret that does not exist fails the mount unless the volume
is ``optional``, with Kubernetes' message: the pod then stays in ContainerCreating, and the
kubelet records ``FailedMount`` and tries again.
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
    ObjectMeta,
    Pod,
    ServiceAccountTokenProjection,
    TokenRequest,
    TokenRequestSpec,
    Volume,
)
from kube_actors.client import Client
from kube_actors.errors import ApiError
from kube_actors.runtime import Mount

from ._env_sources import ContainerConfigError, SourceReader, field_value, resource_value

__all__ = ["MountError", "VolumeContents", "mounts_for", "set_up_volumes"]


class MountError(Exception):
    """A volume that cannot be set up now; the message is the kubelet's FailedMount text."""


@attrs.frozen(kw_only=True)
class VolumeContents:
    """A volume set up: projected ``files``, or the ``host_path`` of a directory volume."""

    files: Mapping[str, bytes] = attrs.field(factory=dict)
    host_path: str = ""
    projected: bool = False


def _chosen(
    data: Mapping[str, bytes], items: Iterable[KeyToPath], where: str, optional: bool | None
) -> dict[str, bytes]:
    items = tuple(items)
    if not items:
        return dict(data)
    files: dict[str, bytes] = {}
    for item in items:
        if item.key not in data:
            if optional:
                continue
            what = "config" if where == "configmap" else "secret"
            raise ContainerConfigError(f"{where} references non-existent {what} key: {item.key}")
        files[item.path] = data[item.key]
    return files


async def _volume(volume: Volume, pod: Pod, reader: SourceReader, pod_ip: str) -> VolumeContents:
    if volume.config_map is not None:
        source = volume.config_map
        data = await reader.config_map_data(source.name, source.optional)
        chosen = _chosen(data or {}, source.items, "configmap", source.optional)
        return VolumeContents(files=chosen, projected=True)
    if volume.secret is not None:
        secret = volume.secret
        data = await reader.secret_data(secret.secret_name, secret.optional)
        chosen = _chosen(data or {}, secret.items, "secret", secret.optional)
        return VolumeContents(files=chosen, projected=True)
    if volume.downward_api is not None:
        return VolumeContents(
            files=_downward(volume.downward_api.items, pod, pod_ip), projected=True
        )
    if volume.projected is not None:
        files: dict[str, bytes] = {}
        for part in volume.projected.sources:
            if part.config_map is not None:
                cm = part.config_map
                data = await reader.config_map_data(cm.name, cm.optional)
                files.update(_chosen(data or {}, cm.items, "configmap", cm.optional))
            elif part.secret is not None:
                sp = part.secret
                data = await reader.secret_data(sp.name, sp.optional)
                files.update(_chosen(data or {}, sp.items, "secret", sp.optional))
            elif part.downward_api is not None:
                files.update(_downward(part.downward_api.items, pod, pod_ip))
            elif part.service_account_token is not None:
                projection = part.service_account_token
                files[projection.path] = await _token(reader.client, pod, projection)
        return VolumeContents(files=files, projected=True)
    if volume.host_path is not None:
        return VolumeContents(host_path=volume.host_path.path)
    if volume.persistent_volume_claim is not None:
        path = await reader.claimed_path(volume.persistent_volume_claim.claim_name)
        return VolumeContents(host_path=path)
    return VolumeContents()  # emptyDir: a directory the runtime makes per pod


async def _token(client: Client, pod: Pod, projection: ServiceAccountTokenProjection) -> bytes:
    """A token of the pod's service account bound to the pod, as the kubelet's token
    manager asks the ``serviceaccounts/token`` subresource for it."""
    meta = pod.metadata
    spec = TokenRequestSpec(
        audiences=(projection.audience,) if projection.audience else (),
        expiration_seconds=projection.expiration_seconds or DEFAULT_TOKEN_EXPIRATION_SECONDS,
        bound_object_ref=BoundObjectReference(
            kind="Pod", api_version="v1", name=meta.name, uid=meta.uid
        ),
    )
    account = pod.spec.service_account_name or "default"
    asked = TokenRequest(metadata=ObjectMeta(name=account, namespace=meta.namespace), spec=spec)
    try:
        answered = await client.create(asked)
    except ApiError as error:
        raise ContainerConfigError(f"failed to fetch token: {error}") from None
    return answered.status.token.encode()


def _downward(items: Iterable[DownwardAPIVolumeFile], pod: Pod, pod_ip: str) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    containers = {c.name: c for c in pod.spec.containers}
    for item in items:
        if item.field_ref is not None:
            files[item.path] = field_value(pod, item.field_ref.field_path, pod_ip).encode()
        elif item.resource_field_ref is not None:
            ref = item.resource_field_ref
            container = containers.get(ref.container_name, Container())
            files[item.path] = resource_value(container, ref.resource, ref.divisor).encode()
    return files


async def set_up_volumes(pod: Pod, reader: SourceReader, pod_ip: str) -> dict[str, VolumeContents]:
    """Every volume of ``pod`` set up, or MountError naming the first that cannot be."""
    contents: dict[str, VolumeContents] = {}
    for volume in pod.spec.volumes:
        try:
            contents[volume.name] = await _volume(volume, pod, reader, pod_ip)
        except ContainerConfigError as error:
            raise MountError(
                f'MountVolume.SetUp failed for volume "{volume.name}" : {error}'
            ) from None
    return contents


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
                # Kubernetes mounts ConfigMap, Secret, downward API and projected volumes read-only.
                read_only=bool(mount.read_only) or contents.projected,
                sub_path=mount.sub_path,
            )
        )
    return tuple(mounts)
