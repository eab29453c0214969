"""The ``pods/binding`` subresource: a Binding sets a Pod's ``spec.nodeName`` once.

As Kubernetes' ``BindingREST`` (``setPodNodeAndMetadata``): the Binding's ``uid`` and
``resourceVersion``, when given, are preconditions on the Pod (the scheduler names the uid of
the Pod it placed, so that a Pod deleted and created again under its name is not bound in its
stead), and the Pod must not be assigned yet nor being deleted (each a Conflict); the bound
Pod gets ``PodScheduled=True``. The apiserver (``ApiServer._bind``) reads the Pod, checks it
here, and writes what ``bound_pod`` makes of it.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Final

from kube_actors.api import (
    Binding,
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


def binding_conflict(current: Pod, binding: Binding) -> Conflict | None:
    """Why ``current`` cannot be bound by ``binding`` (a precondition fails, already
    assigned, being deleted), or None."""
    name = binding.metadata.name
    uid, version = binding.metadata.uid, binding.metadata.resource_version
    if uid or version:
        failed = _failed_precondition(current, uid, version)
        if failed:
            return Conflict(
                f'Operation cannot be fulfilled on pods "{name}": {failed}', kind="Pod", name=name
            )
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


def _failed_precondition(current: Pod, uid: str, version: str) -> str:
    """What Kubernetes' storage says of the preconditions ``uid`` and ``version`` (each
    checked when not empty) that ``current`` does not meet, or the empty string."""
    meta = current.metadata
    if uid and uid != meta.uid:
        return f"Precondition failed: UID in precondition: {uid}, UID in object meta: {meta.uid}"
    if version and version != meta.resource_version:
        return (
            f"Precondition failed: ResourceVersion in precondition: {version}, "
            f"ResourceVersion in object meta: {meta.resource_version}"
        )
    return ""


def bound_pod(current: Pod, node: str, now: dt.datetime, resource_version: str | None) -> Pod:
    """``current`` assigned to ``node`` and marked PodScheduled; with ``resource_version``
    (the one its write is foreseen to get) unless None."""
    scheduled = _scheduled_at(now)
    spec = _with_node_name(current.spec, node)
    conditions = current.status.conditions
    # A Pod placed at its first attempt has none yet (an unschedulable one has its
    # PodScheduled=False, which ``set_condition`` replaces).
    status = _with_conditions(
        current.status, set_condition(conditions, scheduled) if conditions else (scheduled,)
    )
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
