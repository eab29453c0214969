"""What an object costs against a ResourceQuota: Kubernetes' quota evaluators.

``quota_usage(obj, now)`` is what one object adds to its namespace's use, by quota resource name:

- every namespaced object counts under ``count/<plural>`` (``count/<plural>.<group>`` outside
  the core group), and the core kinds also under their old names (``pods``, ``services``,
  ``configmaps``, ``secrets``, ``persistentvolumeclaims``, ``replicationcontrollers``,
  ``resourcequotas``);
- a Pod counts only while it may still run (not Succeeded or Failed, nor past its deletion
  grace), and adds its requests (``requests.cpu`` and ``cpu``, ``requests.memory`` and
  ``memory``, any ``requests.<resource>``) and limits (``limits.<resource>``), each the Pod's
  effective amount (``pod_requests``: containers summed, init containers at their peak);
- a Service adds ``services.nodeports`` per node port and ``services.loadbalancers``;
- a claim adds ``requests.storage``, and per StorageClass
  ``<class>.storageclass.storage.k8s.io/requests.storage`` and ``.../persistentvolumeclaims``.

``quota_matches`` applies a quota's scopes (Terminating, NotTerminating, BestEffort,
NotBestEffort, PriorityClass through ``scopeSelector``), which only Pods have;
``missing_requests`` is the check the Pod evaluator makes when a quota caps cpu or memory:
each container must then state that request or limit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from ._pod import Pod
from ._pod_helpers import pod_limits, pod_requests
from ._quantity import Quantity
from ._quota import ResourceQuota, ScopedResourceSelectorRequirement
from ._registry import KindInfo, kind_info, lookup_plural
from ._service import Service
from ._storage import PersistentVolumeClaim

__all__ = [
    "counted_kind",
    "namespace_usage",
    "missing_requests",
    "pretty_resources",
    "quota_matches",
    "quota_usage",
]

#: Core kinds counted under their plural alone, besides ``count/<plural>``.
_LEGACY_COUNTS: Final = frozenset(
    {
        "pods",
        "services",
        "configmaps",
        "secrets",
        "persistentvolumeclaims",
        "replicationcontrollers",
        "resourcequotas",
    }
)
#: What a Pod is checked for when a quota caps it: each container must state it.
_MUST_STATE: Final = {
    "cpu": "requests",
    "requests.cpu": "requests",
    "memory": "requests",
    "requests.memory": "requests",
    "limits.cpu": "limits",
    "limits.memory": "limits",
}
_CLASS_SUFFIX: Final = ".storageclass.storage.k8s.io/"
_ONE: Final = Quantity(1)


def _count_name(info: KindInfo) -> str:
    return f"count/{info.plural}.{info.group}" if info.group else f"count/{info.plural}"


def counted_kind(resource: str) -> type[Any] | None:
    """The kind a quota resource name counts or measures (None: not one this knows)."""
    if resource.startswith("count/"):
        plural, _, group = resource.removeprefix("count/").partition(".")
        found = lookup_plural(plural, group)
        return found.cls if found is not None else None
    if resource in _LEGACY_COUNTS:
        found = lookup_plural(resource)
        return found.cls if found is not None else None
    if resource.startswith("services."):
        return Service
    if resource in ("requests.storage",) or _CLASS_SUFFIX in resource:
        return PersistentVolumeClaim
    if resource.startswith(("requests.", "limits.")) or resource in ("cpu", "memory"):
        return Pod
    if resource in ("ephemeral-storage",):
        return Pod
    return None


def _pod_counts(pod: Pod, now: dt.datetime) -> bool:
    if pod.status.phase in ("Succeeded", "Failed"):
        return False
    deleted, grace = pod.metadata.deletion_timestamp, pod.metadata.deletion_grace_period_seconds
    return not (
        deleted is not None and grace is not None and now > deleted + dt.timedelta(seconds=grace)
    )


def _pod_usage(pod: Pod, now: dt.datetime) -> dict[str, Quantity]:
    if not _pod_counts(pod, now):
        return {}
    used: dict[str, Quantity] = {"pods": _ONE, "count/pods": _ONE}
    for name, amount in pod_requests(pod).items():
        used[f"requests.{name}"] = amount
        if name in ("cpu", "memory", "ephemeral-storage"):
            used[name] = amount
    for name, amount in pod_limits(pod).items():
        used[f"limits.{name}"] = amount
    return used


def _service_usage(service: Service) -> dict[str, Quantity]:
    kind = service.spec.type or "ClusterIP"
    used = {"services": _ONE, "count/services": _ONE}
    if kind in ("NodePort", "LoadBalancer"):
        ports = sum(1 for p in service.spec.ports if p.node_port)
        used["services.nodeports"] = Quantity(ports)
    if kind == "LoadBalancer":
        used["services.loadbalancers"] = _ONE
    return used


def _claim_usage(claim: PersistentVolumeClaim) -> dict[str, Quantity]:
    used = {"persistentvolumeclaims": _ONE, "count/persistentvolumeclaims": _ONE}
    storage = claim.spec.resources.requests.get("storage")
    if storage is not None:
        used["requests.storage"] = storage
    klass = claim.spec.storage_class_name
    if klass:
        used[f"{klass}{_CLASS_SUFFIX}persistentvolumeclaims"] = _ONE
        if storage is not None:
            used[f"{klass}{_CLASS_SUFFIX}requests.storage"] = storage
    return used


def quota_usage(obj: Any, now: dt.datetime) -> dict[str, Quantity]:
    """What ``obj`` adds to its namespace's use, by quota resource name."""
    if isinstance(obj, Pod):
        return _pod_usage(obj, now)
    if isinstance(obj, Service):
        return _service_usage(obj)
    if isinstance(obj, PersistentVolumeClaim):
        return _claim_usage(obj)
    info = kind_info(obj)
    used = {_count_name(info): _ONE}
    if not info.group and info.plural in _LEGACY_COUNTS:
        used[info.plural] = _ONE
    return used


def _best_effort(pod: Pod) -> bool:
    containers = (*pod.spec.init_containers, *pod.spec.containers)
    return all(not c.resources.requests and not c.resources.limits for c in containers)


def _in_scope(scope: str, pod: Pod) -> bool:
    if scope == "Terminating":
        return pod.spec.active_deadline_seconds is not None
    if scope == "NotTerminating":
        return pod.spec.active_deadline_seconds is None
    if scope == "BestEffort":
        return _best_effort(pod)
    if scope == "NotBestEffort":
        return not _best_effort(pod)
    return False


def _selected(requirement: ScopedResourceSelectorRequirement, pod: Pod) -> bool:
    if requirement.scope_name != "PriorityClass":
        return _in_scope(requirement.scope_name, pod) == (requirement.operator != "DoesNotExist")
    klass = pod.spec.priority_class_name or ""
    match requirement.operator:
        case "In":
            return klass in requirement.values
        case "NotIn":
            return klass not in requirement.values
        case "Exists":
            return bool(klass)
        case "DoesNotExist":
            return not klass
    return False


def quota_matches(quota: ResourceQuota, obj: Any) -> bool:
    """Whether ``quota``'s scopes take ``obj`` in (a quota without scopes takes everything)."""
    spec = quota.spec
    requirements = spec.scope_selector.match_expressions if spec.scope_selector else ()
    if not spec.scopes and not requirements:
        return True
    if not isinstance(obj, Pod):
        return False
    return all(_in_scope(s, obj) for s in spec.scopes) and all(
        _selected(r, obj) for r in requirements
    )


def missing_requests(pod: Pod, capped: Iterable[str]) -> str | None:
    """Kubernetes' "must specify requests.cpu for: app; ..." for the cpu and memory a quota
    caps that a container does not state; None when every container states them."""
    missing: dict[str, list[str]] = {}
    for resource in sorted(set(capped) & set(_MUST_STATE)):
        which = _MUST_STATE[resource]
        plain = resource.rpartition(".")[2]
        for container in (*pod.spec.init_containers, *pod.spec.containers):
            stated = getattr(container.resources, which)
            if plain not in stated:
                missing.setdefault(resource, []).append(container.name)
    if not missing:
        return None
    parts = [f"{resource} for: {','.join(sorted(names))}" for resource, names in missing.items()]
    return "must specify " + "; ".join(parts)


def pretty_resources(resources: Mapping[str, Quantity]) -> str:
    """``limits.cpu=2,pods=3``: a resource list as quota messages print it, keys sorted."""
    return ",".join(f"{name}={resources[name]}" for name in sorted(resources))


def namespace_usage(
    quota: ResourceQuota,
    resources: Iterable[str],
    objects_of: Callable[[type[Any]], Iterable[Any]],
    now: dt.datetime,
) -> dict[str, Quantity]:
    """What the objects of ``quota``'s namespace that it takes in use of ``resources``;
    ``objects_of(kind)`` gives the objects of a kind (of that namespace or more)."""
    namespace = quota.metadata.namespace
    used = {name: Quantity(0) for name in resources}
    kinds = {counted_kind(name) for name in used}
    for kind in sorted((k for k in kinds if k is not None), key=lambda k: k.__name__):
        for obj in objects_of(kind):
            if obj.metadata.namespace != namespace or not quota_matches(quota, obj):
                continue
            for name, amount in quota_usage(obj, now).items():
                if name in used:
                    used[name] = used[name] + amount
    return used
