"""What the apiserver itself sets on create and update, per kind (Kubernetes' "strategies").

- Create: the system fields (uid, creationTimestamp, generation 1), a fresh status — a client
  cannot create an object with a status it made up — except where Kubernetes keeps it (a
  Node's status is its kubelet's report). Pods start Pending, with their QoS class.
- Update: status and the system fields come from the stored object; generation moves on
  only when the spec changed.
- Status update: only the status comes from the request.

A kind whose status is not a subresource (a CRD without ``subresources.status``) keeps the
status a client writes, on create and update alike, and its generation moves on when
anything but the metadata changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Final

import attrs

from kube_actors.api import (
    CertificateSigningRequest,
    Job,
    LabelSelector,
    Lease,
    LimitRange,
    Namespace,
    Node,
    ObjectMeta,
    PersistentVolume,
    PersistentVolumeClaim,
    Pod,
    PodSpec,
    PodStatus,
    Quantity,
    ResourceQuota,
    Service,
    evolve,
    evolver,
    kind_info,
)
from kube_actors.api._base import copier
from kube_actors.api._memo import IdentityMemo

__all__ = ["prepare_for_create", "prepare_for_status_update", "prepare_for_update", "qos_class"]

_KEEP_STATUS_ON_CREATE: tuple[type[Any], ...] = (Node,)

#: Kinds with a spec whose Kubernetes strategy leaves ``metadata.generation`` alone (0, not
#: shown): only the kinds whose controllers report ``observedGeneration`` (workloads, HPA,
#: PDB, Ingress...) and custom resources count their spec's changes. A Pod's generation is
#: 1.33's (PodObservedGenerationTracking), not 1.32's.
_NO_GENERATION: tuple[type[Any], ...] = (
    CertificateSigningRequest,
    Lease,
    LimitRange,
    Namespace,
    Node,
    PersistentVolume,
    PersistentVolumeClaim,
    Pod,
    ResourceQuota,
    Service,
)


def _has(obj: Any, field: str) -> bool:
    return _has_field(type(obj), field)


def _has_field(cls: type[Any], field: str) -> bool:
    fields = _FIELDS.get(cls)
    if fields is None:
        fields = _FIELDS[cls] = frozenset(attrs.fields_dict(cls)) if attrs.has(cls) else frozenset()
    return field in fields


#: Per class, its attribute names: ``_has`` is asked on every write.
_FIELDS: dict[type[Any], frozenset[str]] = {}


def prepare_for_create(obj: Any, *, uid: str, now: dt.datetime) -> Any:
    meta: ObjectMeta = obj.metadata
    plan = _CREATE_PLANS.get(type(obj))  # (``_create_plan``'s lookup, without its call)
    generation, status_of, copy = plan if plan is not None else _create_plan(type(obj))
    # Only what differs is set: a client's object has no resourceVersion or deletion yet.
    if (
        type(meta) is ObjectMeta
        and not meta.resource_version
        and meta.generation == generation
        and meta.deletion_timestamp is None
        and meta.deletion_grace_period_seconds is None
    ):  # most creates: the copy without ``evolve``'s call and keywords (``copier``)
        stamped = _stamp_meta(meta, uid, now)
    else:
        system: dict[str, Any] = {"uid": uid, "creation_timestamp": now}
        if meta.resource_version:
            system["resource_version"] = ""
        if meta.generation != generation:
            system["generation"] = generation
        if meta.deletion_timestamp is not None:
            system["deletion_timestamp"] = None
        if meta.deletion_grace_period_seconds is not None:
            system["deletion_grace_period_seconds"] = None
        stamped = evolve(meta, **system)
    if status_of is _POD:
        spec = obj.spec
        last_spec, status = _last_pending  # ``_pending``'s last answer, without its call:
        if last_spec is not spec:  # the Pods of a template come one after another
            status = _pending(spec)
        return copy(obj, stamped, status)  # (``_create_plan``)
    if status_of is _METADATA_ONLY:
        return copy(obj, stamped)  # (``_create_plan``: an Event, a ConfigMap, a Lease...)
    changes: dict[str, Any] = {"metadata": stamped}
    if status_of is _CLAIM:
        # Kubernetes' defaulting gives a new claim or volume the phase Pending.
        changes["status"] = type(obj.status)(phase="Pending")
    elif status_of is _RESET and kind_info(obj).status_subresource:
        changes["status"] = type(obj.status)()
    if isinstance(obj, Job) and not obj.spec.manual_selector:
        changes["spec"] = _generated_job_selector(obj, uid)
    elif isinstance(obj, Namespace):
        changes["status"] = evolve(obj.status, phase="Active")
        if "kubernetes" not in obj.spec.finalizers:
            changes["spec"] = evolve(obj.spec, finalizers=(*obj.spec.finalizers, "kubernetes"))
    return copy(obj, **changes)


# What a create does to the status, by class (``_create_plan``); ``_METADATA_ONLY``: it
# changes nothing but the metadata (no status, or a Node's kept, and no Job's selector or
# Namespace's finalizer to add).
_POD, _CLAIM, _RESET, _KEEP, _METADATA_ONLY = "pod", "claim", "reset", "keep", "metadata"


def _create_plan(cls: type[Any]) -> tuple[int, str, Callable[..., Any]]:
    """A new object's generation, what its create does to its status, and what copies it:
    a Pod with its metadata and status, an object whose create changes its metadata alone
    (the Events every component records) with its metadata (``copier``: no keyword to
    match, no default to fill for each field kept), any other object with its changes by
    name (``evolver``); by class: a function of the class alone, worked out once (every
    create asks)."""
    plan = _CREATE_PLANS.get(cls)
    if plan is None:
        generation = 1 if _has_field(cls, "spec") and not issubclass(cls, _NO_GENERATION) else 0
        if issubclass(cls, Pod):
            status_of = _POD
        elif issubclass(cls, PersistentVolumeClaim | PersistentVolume):
            status_of = _CLAIM
        elif _has_field(cls, "status") and not issubclass(cls, _KEEP_STATUS_ON_CREATE):
            status_of = _RESET  # if the kind has a status subresource (asked per create)
        else:
            status_of = _KEEP
        if status_of is _KEEP and not issubclass(cls, Job | Namespace):
            status_of = _METADATA_ONLY
        copy: Callable[..., Any]
        if status_of is _POD:
            copy = copier(cls, "metadata", "status")
        elif status_of is _METADATA_ONLY:
            copy = copier(cls, "metadata")
        else:
            copy = evolver(cls)
        plan = _CREATE_PLANS[cls] = (generation, status_of, copy)
    return plan


_CREATE_PLANS: dict[type[Any], tuple[int, str, Callable[..., Any]]] = {}
#: A new object's metadata with its uid and creationTimestamp (``copier``).
_stamp_meta: Final = copier(ObjectMeta, "uid", "creation_timestamp")


#: The labels Kubernetes' Job strategy puts on a Job's template, and the one it selects by.
JOB_NAME_LABELS = ("job-name", "batch.kubernetes.io/job-name")
JOB_UID_LABELS = ("controller-uid", "batch.kubernetes.io/controller-uid")


def _generated_job_selector(job: Job, uid: str) -> Any:
    """The Job's spec with the selector Kubernetes generates (``generateSelector``): the
    template labelled with the Job's name and uid, selected by ``batch.kubernetes.io/
    controller-uid``. Labels the user set are kept; a mismatch then fails validation."""
    spec = job.spec
    labels = dict(spec.template.metadata.labels)
    for key in JOB_NAME_LABELS:
        labels.setdefault(key, job.metadata.name)
    for key in JOB_UID_LABELS:
        labels.setdefault(key, uid)
    selector = spec.selector or LabelSelector()
    match = dict(selector.match_labels)
    match.setdefault(JOB_UID_LABELS[1], uid)
    template = evolve(spec.template, metadata=evolve(spec.template.metadata, labels=labels))
    return evolve(spec, selector=evolve(selector, match_labels=match), template=template)


def _spec_changed(new: Any, old: Any) -> bool:
    """The spec, or for a CRD's kind any top-level field but the status (``data``...)."""
    fields = getattr(type(new), "crd_fields", None)
    if fields is not None:
        return any(getattr(new, name) != getattr(old, name) for name in fields if name != "status")
    return _has(new, "spec") and bool(new.spec != old.spec)


def prepare_for_update(new: Any, old: Any) -> Any:
    old_meta: ObjectMeta = old.metadata
    generation = old_meta.generation
    status_apart = kind_info(new).status_subresource
    if not isinstance(new, _NO_GENERATION) and (
        _spec_changed(new, old)
        or (not status_apart and _has(new, "status") and new.status != old.status)
    ):
        generation += 1
    new_meta: ObjectMeta = new.metadata
    kept = {
        "uid": old_meta.uid,
        "creation_timestamp": old_meta.creation_timestamp,
        "deletion_timestamp": old_meta.deletion_timestamp,
        "deletion_grace_period_seconds": old_meta.deletion_grace_period_seconds,
        "generation": generation,
        "resource_version": old_meta.resource_version,
    }
    changes: dict[str, Any] = {}
    # A client that sent back what it read (a kubelet renewing its Lease) already has all
    # but the generation: only what differs is copied, and an unchanged part is not.
    meta_changes = {k: v for k, v in kept.items() if getattr(new_meta, k) != v}
    if meta_changes:
        changes["metadata"] = evolve(new_meta, **meta_changes)
    if _has(new, "status") and status_apart and new.status is not old.status:
        changes["status"] = old.status
    return evolve(new, **changes) if changes else new


def prepare_for_status_update(new: Any, old: Any) -> Any:
    if not _has(new, "status"):
        return old
    status = new.status
    if type(status) is PodStatus and not status.qos_class and old.status.qos_class:
        # Kubernetes' podStatusStrategy: an old kubelet's status may lack the QoS class,
        # which the apiserver set at create and which cannot change: it is kept.
        status = evolve(status, qos_class=old.status.qos_class)
    return evolve(old, status=status)


def _pending(spec: PodSpec) -> PodStatus:
    """A new Pod's status: Pending, with its spec's QoS class. Statuses are frozen, so the
    Pods of one class share one; the class is a function of the spec, looked up by the
    spec's identity (the Pods of a template share one spec object)."""
    global _last_pending
    status = _PENDING.get(spec)
    if status is None:
        qos = _spec_qos_class(spec)
        status = _PENDING_BY_CLASS.get(qos)
        if status is None:
            status = _PENDING_BY_CLASS[qos] = PodStatus(phase="Pending", qos_class=qos)
        _PENDING.put(spec, status)
    _last_pending = (spec, status)
    return status


_PENDING: IdentityMemo[PodStatus] = IdentityMemo()
_PENDING_BY_CLASS: dict[str, PodStatus] = {}
#: The spec ``_pending`` was last asked for and its answer (the spec held, as ``_PENDING``
#: holds it: its identity is not another's while it is here).
_last_pending: tuple[PodSpec | None, PodStatus | None] = (None, None)


def qos_class(pod: Pod) -> str:
    """Guaranteed, Burstable or BestEffort, as the kubelet and apiserver compute it."""
    return _spec_qos_class(pod.spec)


def _spec_qos_class(spec: PodSpec) -> str:
    containers = (*spec.init_containers, *spec.containers)
    requests_seen = limits_seen = False
    guaranteed = True
    for container in containers:
        requests = container.resources.requests
        limits = container.resources.limits
        requests_seen = requests_seen or any(
            q != Quantity(0) for n, q in requests.items() if n in ("cpu", "memory")
        )
        limits_seen = limits_seen or any(
            q != Quantity(0) for n, q in limits.items() if n in ("cpu", "memory")
        )
        for resource in ("cpu", "memory"):
            limit = limits.get(resource)
            request = requests.get(resource, limit)
            if limit is None or request != limit:
                guaranteed = False
    if not requests_seen and not limits_seen:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"
