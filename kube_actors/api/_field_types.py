"""How each field merges: Kubernetes' list types, map keys, patch merge keys and strategies.

Kubernetes states these as markers on its Go types, and the OpenAPI schema carries them as
``x-kubernetes-list-type`` (``atomic``, ``set`` or ``map``), ``x-kubernetes-list-map-keys``,
``x-kubernetes-map-type`` / ``x-kubernetes-struct-type`` (``atomic``: replaced whole),
``x-kubernetes-patch-merge-key`` and ``x-kubernetes-patch-strategy`` (``merge``,
``retainKeys``). Server-side apply, managedFields, strategic merge patch and the OpenAPI
document all read them from here, so each fact is stated once.

A field not listed is what Kubernetes makes of an unmarked field: a list is atomic, a map
or struct is merged key by key. A user kind states its own in the attrs field's metadata
(``attrs.field(..., metadata={"list_type": "map", "list_map_keys": ("name",)})``) or with
``declare_field``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import attrs

__all__ = ["FieldType", "declare_field", "field_type"]

ListType = Literal["atomic", "set", "map"]


@attrs.frozen(kw_only=True)
class FieldType:
    """How one field merges (its OpenAPI ``x-kubernetes-*`` extensions)."""

    #: For lists: ``atomic`` (replaced whole), ``set`` (of scalars) or ``map`` (items keyed).
    list_type: ListType = "atomic"
    #: The wire names that identify an item of a ``map`` list.
    list_map_keys: tuple[str, ...] = ()
    #: What a key field missing from an item stands for (``protocol`` is ``TCP``).
    key_defaults: Mapping[str, Any] = attrs.field(factory=dict)
    #: For maps and structs: ``atomic`` is replaced whole; ``granular`` merges key by key.
    map_type: Literal["granular", "atomic"] = "granular"
    #: Strategic merge patch: the key items merge by, and how (``merge``, ``retainKeys``).
    patch_merge_key: str = ""
    patch_strategy: str = ""


_ATOMIC = FieldType()
_GRANULAR_ATOMIC_MAP = FieldType(map_type="atomic")


def _keyed(*keys: str, merge_key: str = "", strategy: str = "merge", **defaults: Any) -> FieldType:
    return FieldType(
        list_type="map",
        list_map_keys=keys,
        key_defaults=defaults,
        patch_merge_key=merge_key or keys[0],
        patch_strategy=strategy,
    )


_BY_NAME = _keyed("name")
_BY_TYPE = _keyed("type")
_SET = FieldType(list_type="set", patch_strategy="merge")

# (class name, attribute) -> how it merges, from Kubernetes' types.go markers.
_BUILTIN: dict[tuple[str, str], FieldType] = {
    ("ObjectMeta", "finalizers"): _SET,
    ("ObjectMeta", "owner_references"): _keyed("uid"),
    ("PodSpec", "containers"): _BY_NAME,
    ("PodSpec", "init_containers"): _BY_NAME,
    ("PodSpec", "volumes"): _keyed("name", strategy="merge,retainKeys"),
    ("PodSpec", "topology_spread_constraints"): _keyed(
        "topologyKey", "whenUnsatisfiable", merge_key="topologyKey"
    ),
    ("PodSpec", "node_selector"): _GRANULAR_ATOMIC_MAP,
    ("Container", "env"): _BY_NAME,
    ("Container", "ports"): _keyed("containerPort", "protocol", protocol="TCP"),
    ("Container", "volume_mounts"): _keyed("mountPath"),
    ("PodStatus", "conditions"): _BY_TYPE,
    ("PodStatus", "pod_ips"): FieldType(patch_merge_key="ip", patch_strategy="merge"),
    ("PodStatus", "host_ips"): FieldType(patch_merge_key="ip", patch_strategy="merge"),
    ("NodeSpec", "pod_cidrs"): _SET,
    ("NodeStatus", "addresses"): _BY_TYPE,
    ("NodeStatus", "conditions"): _BY_TYPE,
    ("NamespaceStatus", "conditions"): _BY_TYPE,
    ("DeploymentStatus", "conditions"): _BY_TYPE,
    ("ReplicaSetStatus", "conditions"): _BY_TYPE,
    ("DaemonSetStatus", "conditions"): _BY_TYPE,
    ("StatefulSetStatus", "conditions"): _BY_TYPE,
    ("JobStatus", "conditions"): FieldType(patch_merge_key="type", patch_strategy="merge"),
    ("ServiceSpec", "ports"): _keyed("port", "protocol", protocol="TCP"),
    ("ServiceSpec", "selector"): _GRANULAR_ATOMIC_MAP,
    ("ServiceAccount", "secrets"): _BY_NAME,
    ("DeploymentSpec", "strategy"): FieldType(patch_strategy="retainKeys"),
    # Structs Kubernetes marks +structType=atomic: a selector is one value.
    ("DeploymentSpec", "selector"): _GRANULAR_ATOMIC_MAP,
    ("ReplicaSetSpec", "selector"): _GRANULAR_ATOMIC_MAP,
    ("DaemonSetSpec", "selector"): _GRANULAR_ATOMIC_MAP,
    ("StatefulSetSpec", "selector"): _GRANULAR_ATOMIC_MAP,
    ("JobSpec", "selector"): _GRANULAR_ATOMIC_MAP,
    ("NodeAffinity", "required_during_scheduling_ignored_during_execution"): (_GRANULAR_ATOMIC_MAP),
}

_declared: dict[tuple[type[Any], str], FieldType] = {}
_METADATA_KEYS = ("list_type", "list_map_keys", "map_type", "patch_merge_key", "patch_strategy")


def declare_field(cls: type[Any], attribute: str, field: FieldType) -> None:
    """State how a field of a user kind merges (as its Go markers would)."""
    _declared[(cls, attribute)] = field


def field_type(cls: type[Any], attribute: attrs.Attribute[Any]) -> FieldType:
    """How ``cls.attribute`` merges: declared, from the attrs metadata, built in, or the
    default for an unmarked field."""
    declared = _declared.get((cls, attribute.name))
    if declared is not None:
        return declared
    stated = {k: attribute.metadata[k] for k in _METADATA_KEYS if k in attribute.metadata}
    if stated:
        if "list_map_keys" in stated:
            stated["list_map_keys"] = tuple(stated["list_map_keys"])
        return FieldType(**stated)
    if not cls.__module__.startswith("kube_actors.api"):
        return _ATOMIC
    return _BUILTIN.get((cls.__name__, attribute.name), _ATOMIC)
