"""Where objects live in the store: Kubernetes' own layout (``etcd._layout``).

``/registry/<resource>/<namespace>/<name>`` for the groups kube-apiserver serves
(``/registry/pods/default/web``, ``/registry/minions/node-1``,
``/registry/services/specs/default/kubernetes``), ``/registry/<group>/<resource>/...`` for
custom resources and CRDs. Each resource has its own prefix, so one range or watch covers a
resource, or a resource in one namespace. The apiserver watches all of ``/registry/`` once and
tells the resource of a key by its prefix (``resource_of``).
"""

from __future__ import annotations

from kube_actors.api import KindInfo, lookup_plural

from ..etcd._layout import KUBERNETES_GROUPS, ROOT, SPECIAL_PREFIXES, resource_prefix

__all__ = ["ROOT", "kind_prefix", "namespace_prefix", "object_key", "resource_of"]

#: The first segment of a special prefix -> (group, plural), or a second level for services.
_SPECIAL_BY_PREFIX = {prefix: resource for resource, prefix in SPECIAL_PREFIXES.items()}
#: first segment -> (group as stored, plural), for the keys seen so far (a hot path: every
#: watch event of the store goes through ``resource_of``).
_RESOLVED: dict[str, tuple[str, str]] = {}


def kind_prefix(info: KindInfo) -> str:
    # Every write and lookup asks for it (a create four times): worked out once per resource.
    resource = (info.group, info.plural)
    prefix = _PREFIXES.get(resource)
    if prefix is None:
        prefix = _PREFIXES[resource] = f"{ROOT}{resource_prefix(info.group, info.plural)}/"
    return prefix


#: ``kind_prefix`` by (group, plural): a function of those two alone.
_PREFIXES: dict[tuple[str, str], str] = {}


def namespace_prefix(info: KindInfo, namespace: str) -> str:
    """The prefix of every object of the kind in ``namespace`` (all of them if empty)."""
    prefix = kind_prefix(info)
    return f"{prefix}{namespace}/" if info.namespaced and namespace else prefix


def object_key(info: KindInfo, namespace: str, name: str) -> str:
    prefix = kind_prefix(info)
    return f"{prefix}{namespace}/{name}" if info.namespaced else f"{prefix}{name}"


def resource_of(key: str) -> tuple[str, str]:
    """``(group, plural)`` of a storage key, the group as caches name it (``core`` for the
    core group); ``("", "")`` for a services key that is no resource's."""
    first, _, rest = key[len(ROOT) :].partition("/")
    found = _RESOLVED.get(first)
    if found is not None:
        return found
    if "." in first:  # a group: <group>/<plural>/...
        return first, rest.partition("/")[0]
    if first == "services":  # services/specs and services/endpoints
        group, plural = _SPECIAL_BY_PREFIX.get(f"services/{rest.partition('/')[0]}", ("", ""))
        return (group or "core", plural) if plural else ("", "")
    special = _SPECIAL_BY_PREFIX.get(first)
    if special is not None:
        found = (special[0] or "core", special[1])
    else:
        found = _builtin(first)
        if found is None:  # a group of no dots (a kind registered in Python): <group>/<plural>
            return first, rest.partition("/")[0]
    _RESOLVED[first] = found
    return found


def _builtin(plural: str) -> tuple[str, str] | None:
    """The resource of kube-apiserver's groups stored under ``plural`` (the core group first,
    as Events of ``events.k8s.io`` cohabit with the core group's)."""
    for group in sorted(KUBERNETES_GROUPS):
        info = lookup_plural(plural, group)
        if info is not None and info.stored_as is None:
            return group or "core", plural
    return None
