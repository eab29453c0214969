"""ConfigMap and Secret (core/v1), and the selectors Pods use to read them.

A Secret's ``data`` holds base64 text, as on the wire (JSON and protobuf alike); ``stringData``
is a write-only convenience that defaulting folds into ``data`` (encoded) and clears, as
Kubernetes' conversion does, so a stored Secret never carries it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Final

import attrs

from ._base import EMPTY, freeze_map
from ._meta import ObjectMeta

__all__ = [
    "SECRET_TYPES",
    "ConfigMap",
    "ConfigMapEnvSource",
    "ConfigMapKeySelector",
    "EnvFromSource",
    "KeyToPath",
    "ResourceFieldSelector",
    "Secret",
    "SecretEnvSource",
    "SecretKeySelector",
]

#: The Secret types Kubernetes knows, and the data keys each one requires.
SECRET_TYPES: Final[Mapping[str, tuple[str, ...]]] = {
    "Opaque": (),
    "kubernetes.io/service-account-token": (),
    "kubernetes.io/dockercfg": (".dockercfg",),
    "kubernetes.io/dockerconfigjson": (".dockerconfigjson",),
    "kubernetes.io/basic-auth": (),
    "kubernetes.io/ssh-auth": ("ssh-privatekey",),
    "kubernetes.io/tls": ("tls.crt", "tls.key"),
    "bootstrap.kubernetes.io/token": (),
}


@attrs.frozen(kw_only=True)
class ConfigMap:
    """Configuration as keys: ``data`` (UTF-8 text) and ``binary_data`` (base64)."""

    api_version: ClassVar[str] = "v1"
    kind: ClassVar[str] = "ConfigMap"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    immutable: bool | None = None
    data: Mapping[str, str] = attrs.field(default=EMPTY, converter=freeze_map)
    binary_data: Mapping[str, str] = attrs.field(default=EMPTY, converter=freeze_map)


@attrs.frozen(kw_only=True)
class Secret:
    """Sensitive keys: ``data`` in base64; ``string_data`` plain, folded into ``data`` on write."""

    api_version: ClassVar[str] = "v1"
    kind: ClassVar[str] = "Secret"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    immutable: bool | None = None
    data: Mapping[str, str] = attrs.field(default=EMPTY, converter=freeze_map)
    string_data: Mapping[str, str] = attrs.field(default=EMPTY, converter=freeze_map)
    type: str = ""


@attrs.frozen(kw_only=True)
class ConfigMapKeySelector:
    name: str = ""
    key: str = ""
    optional: bool | None = None


@attrs.frozen(kw_only=True)
class SecretKeySelector:
    name: str = ""
    key: str = ""
    optional: bool | None = None


@attrs.frozen(kw_only=True)
class ResourceFieldSelector:
    """A container's request or limit as an env value or file (``limits.memory``...)."""

    container_name: str = ""
    resource: str = ""
    divisor: str = ""


@attrs.frozen(kw_only=True)
class ConfigMapEnvSource:
    name: str = ""
    optional: bool | None = None


@attrs.frozen(kw_only=True)
class SecretEnvSource:
    name: str = ""
    optional: bool | None = None


@attrs.frozen(kw_only=True)
class EnvFromSource:
    """Every key of a ConfigMap or Secret as an environment variable, each name after ``prefix``."""

    prefix: str = ""
    config_map_ref: ConfigMapEnvSource | None = None
    secret_ref: SecretEnvSource | None = None


@attrs.frozen(kw_only=True)
class KeyToPath:
    """One key of a ConfigMap or Secret volume, placed at ``path`` (relative to the mount)."""

    key: str = ""
    path: str = ""
    mode: int | None = None
