"""A Pod's volumes: where each one's contents come from.

The kubelet turns each into a directory the containers mount (``kube_actors.kubelet``'s
volume manager); here they are only the API's shape. A volume names exactly one source.
"""

from __future__ import annotations

import attrs

from ._base import freeze_seq, wire_name
from ._config import KeyToPath, ResourceFieldSelector
from ._container import ObjectFieldSelector
from ._quantity import Quantity

__all__ = [
    "ConfigMapProjection",
    "ConfigMapVolumeSource",
    "DownwardAPIProjection",
    "DownwardAPIVolumeFile",
    "DownwardAPIVolumeSource",
    "EmptyDirVolumeSource",
    "HostPathVolumeSource",
    "PersistentVolumeClaimVolumeSource",
    "ProjectedVolumeSource",
    "SecretProjection",
    "SecretVolumeSource",
    "ServiceAccountTokenProjection",
    "Volume",
    "VolumeProjection",
]


@attrs.frozen(kw_only=True)
class EmptyDirVolumeSource:
    medium: str = ""
    size_limit: Quantity | None = None


@attrs.frozen(kw_only=True)
class HostPathVolumeSource:
    path: str = ""
    type: str | None = None


@attrs.frozen(kw_only=True)
class ConfigMapVolumeSource:
    name: str = ""
    items: tuple[KeyToPath, ...] = attrs.field(default=(), converter=freeze_seq)
    default_mode: int | None = None
    optional: bool | None = None


@attrs.frozen(kw_only=True)
class SecretVolumeSource:
    secret_name: str = ""
    items: tuple[KeyToPath, ...] = attrs.field(default=(), converter=freeze_seq)
    default_mode: int | None = None
    optional: bool | None = None


@attrs.frozen(kw_only=True)
class PersistentVolumeClaimVolumeSource:
    claim_name: str = ""
    read_only: bool | None = None


@attrs.frozen(kw_only=True)
class DownwardAPIVolumeFile:
    """One file of a downwardAPI volume: a field of the Pod or a resource of a container."""

    path: str = ""
    field_ref: ObjectFieldSelector | None = None
    resource_field_ref: ResourceFieldSelector | None = None
    mode: int | None = None


@attrs.frozen(kw_only=True)
class DownwardAPIVolumeSource:
    items: tuple[DownwardAPIVolumeFile, ...] = attrs.field(default=(), converter=freeze_seq)
    default_mode: int | None = None


@attrs.frozen(kw_only=True)
class ConfigMapProjection:
    name: str = ""
    items: tuple[KeyToPath, ...] = attrs.field(default=(), converter=freeze_seq)
    optional: bool | None = None


@attrs.frozen(kw_only=True)
class SecretProjection:
    name: str = ""
    items: tuple[KeyToPath, ...] = attrs.field(default=(), converter=freeze_seq)
    optional: bool | None = None


@attrs.frozen(kw_only=True)
class DownwardAPIProjection:
    items: tuple[DownwardAPIVolumeFile, ...] = attrs.field(default=(), converter=freeze_seq)


@attrs.frozen(kw_only=True)
class ServiceAccountTokenProjection:
    audience: str = ""
    expiration_seconds: int | None = None
    path: str = ""


@attrs.frozen(kw_only=True)
class VolumeProjection:
    """One source of a projected volume (exactly one is set)."""

    config_map: ConfigMapProjection | None = None
    secret: SecretProjection | None = None
    downward_api: DownwardAPIProjection | None = attrs.field(
        default=None, metadata={"wire": "downwardAPI"}
    )
    service_account_token: ServiceAccountTokenProjection | None = None


@attrs.frozen(kw_only=True)
class ProjectedVolumeSource:
    sources: tuple[VolumeProjection, ...] = attrs.field(default=(), converter=freeze_seq)
    default_mode: int | None = None


@attrs.frozen(kw_only=True)
class Volume:
    """A named volume; exactly one source is set."""

    name: str = ""
    empty_dir: EmptyDirVolumeSource | None = None
    host_path: HostPathVolumeSource | None = None
    config_map: ConfigMapVolumeSource | None = None
    secret: SecretVolumeSource | None = None
    downward_api: DownwardAPIVolumeSource | None = attrs.field(
        default=None, metadata={"wire": "downwardAPI"}
    )
    projected: ProjectedVolumeSource | None = None
    persistent_volume_claim: PersistentVolumeClaimVolumeSource | None = None

    def source_name(self) -> str | None:
        """The wire name of the one source set (``emptyDir``...), None when none is."""
        for field in attrs.fields(Volume):
            if field.name != "name" and getattr(self, field.name) is not None:
                return wire_name(field)
        return None
