"""What the fields of ResourceQuota and LimitRange mean (see _descriptions); the wording is ours."""

from __future__ import annotations

__all__ = ["DESCRIPTIONS"]

DESCRIPTIONS: dict[str, dict[str, str]] = {
    "ResourceQuota": {
        "": "ResourceQuota sets aggregate quota restrictions enforced per namespace: how much of "
        "each resource, and how many objects of each kind, the namespace may hold.",
        "spec": "The hard limits the quota enforces.",
        "status": "The hard limits enforced and what the namespace uses now. Populated by the "
        "system. Read-only.",
    },
    "ResourceQuotaSpec": {
        "": "ResourceQuotaSpec defines the hard limits enforced by a quota.",
        "hard": "The hard limit of each named resource (requests.cpu, limits.memory, pods, "
        "count/deployments.apps...).",
        "scopes": "Scopes every object the quota counts must match: the quota counts only the "
        "intersection of them (Terminating, NotTerminating, BestEffort, NotBestEffort, "
        "PriorityClass, CrossNamespacePodAffinity).",
        "scopeSelector": "A selector over scopes, ANDed with scopes: the quota counts only the "
        "objects every expression matches.",
    },
    "ResourceQuotaStatus": {
        "": "ResourceQuotaStatus defines the enforced hard limits and the observed use.",
        "hard": "The hard limit enforced for each named resource.",
        "used": "The current total use of each named resource in the namespace.",
    },
    "ScopeSelector": {
        "": "A scope selector is a list of scope requirements, ANDed.",
        "matchExpressions": "The scope requirements, ANDed.",
    },
    "ScopedResourceSelectorRequirement": {
        "": "A scoped-resource selector requirement relates a scope name to a set of values with "
        "an operator.",
        "scopeName": "The scope the requirement applies to.",
        "operator": "How the scope relates to the values: In, NotIn, Exists or DoesNotExist.",
        "values": "The values. With In or NotIn it must not be empty; with Exists or "
        "DoesNotExist it must be empty.",
    },
    "LimitRange": {
        "": "LimitRange sets resource usage limits for each kind of resource in a namespace: "
        "bounds on each container, pod or claim, and the defaults a container gets.",
        "spec": "The limits enforced. More info: "
        "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status",
    },
    "LimitRangeSpec": {
        "": "LimitRangeSpec defines a minimum, a maximum and defaults for resources of a kind.",
        "limits": "The limits enforced, one item per type of object.",
    },
    "LimitRangeItem": {
        "": "LimitRangeItem defines a minimum, a maximum and defaults for one type of object.",
        "type": "The type of object the limits apply to: Container, Pod or PersistentVolumeClaim.",
        "max": "The most of each resource one object of this type may use.",
        "min": "The least of each resource one object of this type must ask for.",
        "default": "The limit a container gets for each resource it sets no limit of.",
        "defaultRequest": "The request a container gets for each resource it asks none of.",
        "maxLimitRequestRatio": "For each resource, the most its limit may be over its request: "
        "limit / request must not exceed this.",
    },
}
