"""Where objects live in etcd: ``/registry/<group>/<resource>/<namespace>/<name>``.

Like Kubernetes' storage layout, each resource has its own prefix, so one etcd range or watch
covers a resource, or a resource in one namespace. The core group is spelled ``core``.
"""

from __future__ import annotations

from kube_actors.api import KindInfo

__all__ = ["ROOT", "kind_prefix", "namespace_prefix", "object_key", "resource_of"]

ROOT = "/registry/"


def kind_prefix(info: KindInfo) -> str:
    return f"{ROOT}{info.group or 'core'}/{info.plural}/"


def namespace_prefix(info: KindInfo, namespace: str) -> str:
    """The prefix of every object of the kind in ``namespace`` (all of them if empty)."""
    prefix = kind_prefix(info)
    return f"{prefix}{namespace}/" if info.namespaced and namespace else prefix


def object_key(info: KindInfo, namespace: str, name: str) -> str:
    prefix = kind_prefix(info)
    return f"{prefix}{namespace}/{name}" if info.namespaced else f"{prefix}{name}"


def resource_of(key: str) -> tuple[str, str]:
    """``(group, plural)`` of a storage key (the group as stored: ``core`` for the core group)."""
    _, _, group, plural, *_ = key.split("/", 4)
    return group, plural
