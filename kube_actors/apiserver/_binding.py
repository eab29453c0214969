"""The ``pods/binding`` subresource: a Binding sets a Pod's ``spec.nodeName`` once.

As Kubernetes' ``BindingREST`` (``assignPod``): the Pod must not be assigned yet nor being
deleted (both a Conflict), and the bound Pod gets ``PodScheduled=True``. The apiserver
(``ApiServer._bind``) reads the Pod, checks it here, and writes what ``bound_pod`` makes of it.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from kube_actors.api import (
    ObjectMeta,
    Pod,
    PodCondition,
    PodSpec,
    PodStatus,
    evolver,
    quick_new,
    set_condition,
)
from kube_actors.errors import Conflict

__all__ = ["binding_conflict", "bound_pod"]

#: What ``bound_pod`` copies and builds with (one of each a binding): ``evolve`` and the
#: class calls without their lookups.
_pod: Final = evolver(Pod)
_spec: Final = evolver(PodSpec)
_status: Final = evolver(PodStatus)
_meta: Final = evolver(ObjectMeta)
_new_condition: Final = quick_new(PodCondition)


def binding_conflict(current: Pod, name: str) -> Conflict | None:
    """Why ``current`` cannot be bound (already assigned, being deleted), or None."""
    if current.spec.node_name:
        return Conflict(
            f'Operation cannot be fulfilled on pods/binding "{name}": pod {name} is '
            f"already assigned to node {current.spec.node_name!r}",
            kind="Pod",
            name=name,
        )
    if current.metadata.deletion_timestamp is not None:
        return Conflict(
            f'Operation cannot be fulfilled on pods/binding "{name}": pod {name} is being '
            "deleted, cannot be assigned to a host",
            kind="Pod",
            name=name,
        )
    return None


def bound_pod(current: Pod, node: str, now: dt.datetime, resource_version: str | None) -> Pod:
    """``current`` assigned to ``node`` and marked PodScheduled; with ``resource_version``
    (the one its write is foreseen to get) unless None."""
    scheduled = _new_condition(type="PodScheduled", status="True", last_transition_time=now)
    spec = _spec(current.spec, node_name=node)
    status = _status(current.status, conditions=set_condition(current.status.conditions, scheduled))
    if resource_version is None:
        return _pod(current, spec=spec, status=status)
    meta = _meta(current.metadata, resource_version=resource_version)
    return _pod(current, metadata=meta, spec=spec, status=status)
