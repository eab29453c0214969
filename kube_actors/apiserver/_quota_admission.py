"""The ResourceQuota admission plugin: a creation that would go over a quota is refused.

Kubernetes' ``plugin/pkg/admission/resourcequota``, the last plugin of the chain. For each
quota of the new object's namespace whose scopes take it in, over the resources the quota's
status says it enforces (``status.hard``: a quota the quota controller has not yet seen
enforces nothing, as in Kubernetes):

- a Pod must state the cpu and memory requests and limits the quota caps: "failed quota: q:
  must specify limits.cpu for: app";
- the namespace's use plus what the object adds must stay within the caps: "exceeded quota:
  q, requested: pods=1, used: pods=2, limited: pods=2".

Both are 403 Forbidden. The use is counted afresh from the apiserver's cache, which admission
reads after it has caught up with every earlier write (a create where a quota may count it is
never grouped with others: ``_group_commit``), so two creations never both take the last
unit. (Kubernetes' admission writes the quota's ``status.used`` as it admits; here the
quota controller writes it, moments later.)
"""

from __future__ import annotations

from typing import Any

from kube_actors.actors import wall_clock
from kube_actors.api import (
    KindInfo,
    Pod,
    ResourceQuota,
    missing_requests,
    namespace_usage,
    pretty_resources,
    quota_matches,
    quota_usage,
)
from kube_actors.errors import Forbidden

from ._admission_types import Lookup, Operation

__all__ = ["resource_quota"]


def _forbidden(info: KindInfo, name: str, reason: str) -> Forbidden:
    resource = f"{info.plural}.{info.group}" if info.group else info.plural
    return Forbidden(f'{resource} "{name}" is forbidden: {reason}', kind=info.kind, name=name)


def resource_quota(operation: Operation, info: KindInfo, obj: Any, old: Any, lookup: Lookup) -> Any:
    if operation != "CREATE" or not info.namespaced:
        return obj
    namespace, name = obj.metadata.namespace, obj.metadata.name
    quotas = list(lookup.in_namespace(ResourceQuota, namespace))
    if not quotas:
        return obj
    adds = quota_usage(obj, wall_clock())
    for quota in sorted(quotas, key=lambda q: q.metadata.name):
        hard = quota.status.hard
        if not hard or not quota_matches(quota, obj):
            continue
        if isinstance(obj, Pod):
            missing = missing_requests(obj, hard)
            if missing is not None:
                raise _forbidden(info, name, f"failed quota: {quota.metadata.name}: {missing}")
        charged = {r for r in adds if r in hard}
        if not charged:
            continue
        used = namespace_usage(
            quota, charged, lambda kind: lookup.in_namespace(kind, namespace), wall_clock()
        )
        over = sorted(r for r in charged if used[r] + adds[r] > hard[r])
        if over:
            requested = pretty_resources({r: adds[r] for r in over})
            current = pretty_resources({r: used[r] for r in over})
            limited = pretty_resources({r: hard[r] for r in over})
            reason = (
                f"exceeded quota: {quota.metadata.name}, requested: {requested}, "
                f"used: {current}, limited: {limited}"
            )
            raise _forbidden(info, name, reason)
    return obj
