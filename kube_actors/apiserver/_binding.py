"""The ``pods/binding`` subresource: a Binding sets a Pod's ``spec.nodeName`` once.

As Kubernetes' ``BindingREST`` (``assignPod``): the Pod must not be assigned yet nor being
deleted (both a Conflict), and the bound Pod gets ``PodScheduled=True``. The apiserver
(``ApiServer._bind``) reads the Pod, checks it here, and writes what ``bound_pod`` makes of it.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Final

from kube_actors.api import (
    ObjectMeta,
    Pod,
    PodCondition,
    PodSpec,
    PodStatus,
    quick_new,
    set_condition,
)
from kube_actors.api._base import copier
from kube_actors.errors import Conflict

__all__ = ["binding_conflict", "bound_pod"]

#: What ``bound_pod`` copies and builds with (one of each a binding): copies that take the
#: changed fields' values alone (``copier``), without ``evolve``'s keyword for each field
#: kept (a PodSpec has 23), and the class call without its lookups.
_with_spec_status: Final = copier(Pod, "spec", "status")
_with_meta_spec_status: Final = copier(Pod, "metadata", "spec", "status")
_with_node_name: Final = copier(PodSpec, "node_name")
_with_conditions: Final = copier(PodStatus, "conditions")
_with_resource_version: Final = copier(ObjectMeta, "resource_version")
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
    scheduled = _scheduled_at(now)
    spec = _with_node_name(current.spec, node)
    status = _with_conditions(current.status, set_condition(current.status.conditions, scheduled))
    if resource_version is None:
        return _with_spec_status(current, spec, status)
    meta = _with_resource_version(current.metadata, resource_version)
    return _with_meta_spec_status(current, meta, spec, status)


@functools.lru_cache(maxsize=1)
def _scheduled_at(now: dt.datetime) -> PodCondition:
    """The ``PodScheduled=True`` condition of a binding at ``now``: one frozen condition for
    every binding of the same second (the apiserver's timestamps have whole seconds), which
    a batch of the scheduler's bindings shares."""
    return _new_condition(type="PodScheduled", status="True", last_transition_time=now)
