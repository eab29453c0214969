"""Discovery documents: what clients read to learn which resources exist and how to use them.

Two shapes, both built from the kind registry at request time (a kind registered while the
server runs shows up at once):

- the legacy documents: ``/api`` (APIVersions), ``/apis`` (APIGroupList) and one
  ``APIResourceList`` per group-version, which older clients fetch one by one;
- aggregated discovery (``apidiscovery.k8s.io/v2`` ``APIGroupDiscoveryList``), everything in two
  documents, which kubectl asks for first with its ``Accept`` header.
"""

from __future__ import annotations

import re
from typing import Any, Final

from kube_actors.api import KindInfo, kinds

from ._resources import Resource, resource_of

__all__ = [
    "AGGREGATED_CONTENT_TYPE",
    "api_group_list",
    "api_resource_list",
    "api_versions",
    "group_discovery_list",
    "version_info",
    "wants_aggregated",
]

AGGREGATED_CONTENT_TYPE: Final = (
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
)
#: The Kubernetes release whose API this server speaks (kubectl warns beyond one minor apart).
KUBERNETES_MAJOR: Final = "1"
KUBERNETES_MINOR: Final = "32"


def version_info(package_version: str) -> dict[str, str]:
    """``/version``: the Kubernetes version served, marked as kube_actors'."""
    return {
        "major": KUBERNETES_MAJOR,
        "minor": KUBERNETES_MINOR,
        "gitVersion": f"v{KUBERNETES_MAJOR}.{KUBERNETES_MINOR}.0+kube-actors-{package_version}",
        "gitCommit": "",
        "gitTreeState": "clean",
        "buildDate": "1970-01-01T00:00:00Z",
        "goVersion": "",
        "compiler": "kube_actors",
        "platform": "linux/amd64",
    }


def wants_aggregated(accept: str) -> bool:
    """Whether an ``Accept`` header asks for aggregated discovery v2 (kubectl lists it first,
    then falls back to plain JSON; we answer the first shape we can)."""
    for part in accept.split(","):
        params = {p.strip() for p in part.split(";")[1:]}
        if {"g=apidiscovery.k8s.io", "v=v2", "as=APIGroupDiscoveryList"} <= params:
            return True
    return False


def _resources(group: str | None = None, version: str | None = None) -> list[Resource]:
    found = [
        resource_of(info)
        for info in kinds()
        if (group is None or info.group == group) and (version is None or info.version == version)
    ]
    return sorted(found, key=lambda r: r.info.plural)


_VERSION = re.compile(r"^v(\d+)(?:(alpha|beta)(\d+))?$")
_STABILITY = {None: 0, "beta": 1, "alpha": 2}


def version_priority(version: str) -> tuple[int, int, int, str]:
    """Kubernetes' order of versions (the first is preferred): GA before beta before alpha,
    higher numbers first (v2, v1, v1beta2, v1beta1, v1alpha1), then the others by name."""
    found = _VERSION.match(version)
    if found is None:
        return (3, 0, 0, version)
    major, stability, minor = found.groups()
    return (_STABILITY[stability], -int(major), -int(minor or 0), "")


def _group_versions() -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for info in kinds():
        versions = groups.setdefault(info.group, [])
        if info.version not in versions:
            versions.append(info.version)
    return {group: sorted(versions, key=version_priority) for group, versions in groups.items()}


def api_versions(server_address: str) -> dict[str, Any]:
    """``/api``: the core group's versions."""
    return {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [
            {"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}
        ],
    }


def api_group_list() -> dict[str, Any]:
    """``/apis``: every named group and its versions, in Kubernetes' priority order, the
    first preferred."""
    groups = []
    for name, versions in sorted(_group_versions().items()):
        if not name:
            continue
        entries = [{"groupVersion": f"{name}/{v}", "version": v} for v in versions]
        groups.append({"name": name, "versions": entries, "preferredVersion": entries[0]})
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def api_resource_list(group: str, version: str) -> dict[str, Any] | None:
    """``/api/v1`` or ``/apis/<group>/<version>``, or None if nothing is served there."""
    resources = _resources(group, version)
    if not resources:
        return None
    entries: list[dict[str, Any]] = []
    for resource in resources:
        entries.append(_legacy_entry(resource))
        for sub in resource.subresources:
            entry: dict[str, Any] = {
                "name": f"{resource.info.plural}/{sub.name}",
                "singularName": "",
                "namespaced": resource.info.namespaced,
                "kind": sub.kind,
                "verbs": list(sub.verbs),
            }
            if (sub.group, sub.version) != (group, version):
                entry["group"], entry["version"] = sub.group, sub.version
            entries.append(entry)
    group_version = f"{group}/{version}" if group else version
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": group_version,
        "resources": entries,
    }


def _legacy_entry(resource: Resource) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": resource.info.plural,
        "singularName": resource.singular,
        "namespaced": resource.info.namespaced,
        "kind": resource.info.kind,
        "verbs": list(resource.verbs),
    }
    if resource.short_names:
        entry["shortNames"] = list(resource.short_names)
    if resource.categories:
        entry["categories"] = list(resource.categories)
    return entry


def group_discovery_list(core: bool) -> dict[str, Any]:
    """Aggregated discovery: the core group (``/api``) or every named group (``/apis``)."""
    items = []
    for name, versions in sorted(_group_versions().items()):
        if (name == "") != core:
            continue
        items.append(
            {
                "metadata": {"name": name, "creationTimestamp": None},
                "versions": [
                    {
                        "version": version,
                        "resources": [_aggregated_entry(r) for r in _resources(name, version)],
                        "freshness": "Current",
                    }
                    for version in versions
                ],
            }
        )
    return {
        "kind": "APIGroupDiscoveryList",
        "apiVersion": "apidiscovery.k8s.io/v2",
        "metadata": {},
        "items": items,
    }


def _gvk(group: str, version: str, kind: str) -> dict[str, str]:
    return {"group": group, "version": version, "kind": kind}


def _aggregated_entry(resource: Resource) -> dict[str, Any]:
    info: KindInfo = resource.info
    entry: dict[str, Any] = {
        "resource": info.plural,
        "responseKind": _gvk(info.group, info.version, info.kind),
        "scope": "Namespaced" if info.namespaced else "Cluster",
        "singularResource": resource.singular,
        "verbs": list(resource.verbs),
    }
    if resource.short_names:
        entry["shortNames"] = list(resource.short_names)
    if resource.categories:
        entry["categories"] = list(resource.categories)
    if resource.subresources:
        entry["subresources"] = [
            {
                "subresource": sub.name,
                "responseKind": _gvk(sub.group, sub.version, sub.kind),
                "verbs": list(sub.verbs),
            }
            for sub in resource.subresources
        ]
    return entry
