"""A CustomResourceDefinition's status, as the apiextensions apiserver's controllers keep it.

Kubernetes' naming, establishing and finalizing controllers, done here where the apiserver
writes a CRD (its kind is served at once, so there is nothing to wait for):

- **acceptedNames** and the ``NamesAccepted`` condition: a name another CRD of the group has
  accepted (or a kind registered from Python holds) is refused (``PluralConflict``... with
  ``"x" is already in use``), otherwise ``NoConflicts``; ``singular`` and ``listKind``
  default to the kind lowercased and ``<Kind>List``.
- ``Established``: True (``InitialNamesAccepted``) once the names were accepted; a CRD that is
  not established is stored but its kind is not served.
- ``storedVersions``: every version that has been the storage version, in order.
- Deletion: the first delete sets the ``customresourcecleanup.apiextensions.k8s.io``
  finalizer and ``Terminating`` (``InstanceDeletionPending``); the cleanup then says
  ``InstanceDeletionInProgress``, deletes every object of the kind, and ends with
  ``InstanceDeletionCompleted`` (or ``NeverEstablished``) before the finalizer goes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from kube_actors.api import CustomResourceDefinition, evolve
from kube_actors.api import kinds as registered_kinds
from kube_actors.api._custom_kind import CLEANUP_FINALIZER, freeze, thaw
from kube_actors.errors import FieldCause

__all__ = [
    "CLEANUP_FINALIZER",
    "accepted",
    "stored_versions_causes",
    "is_established",
    "marked_for_deletion",
    "storage_version",
    "with_condition",
]


def storage_version(crd: CustomResourceDefinition) -> str:
    return next((v["name"] for v in crd.spec.get("versions", ()) if v.get("storage")), "")


def _condition(crd: CustomResourceDefinition, kind: str) -> Mapping[str, Any] | None:
    return next((c for c in crd.status.get("conditions", ()) if c.get("type") == kind), None)


def is_established(crd: CustomResourceDefinition) -> bool:
    found = _condition(crd, "Established")
    return found is not None and found.get("status") == "True"


def with_condition(
    crd: CustomResourceDefinition,
    kind: str,
    status: str,
    reason: str,
    message: str,
    now: dt.datetime,
) -> CustomResourceDefinition:
    """``crd`` with its condition ``kind`` set; the transition time moves only on a change
    of status, as Kubernetes' ``SetCRDCondition``."""
    old = _condition(crd, kind)
    since = old.get("lastTransitionTime") if old and old.get("status") == status else None
    condition = {
        "type": kind,
        "status": status,
        "lastTransitionTime": since or now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "reason": reason,
        "message": message,
    }
    conditions = [thaw(c) for c in crd.status.get("conditions", ()) if c.get("type") != kind]
    place = next(
        (i for i, c in enumerate(crd.status.get("conditions", ())) if c.get("type") == kind),
        len(conditions),
    )
    conditions.insert(place, condition)
    status_doc = thaw(crd.status)
    status_doc["conditions"] = conditions
    return evolve(crd, status=freeze(status_doc))


def _requested_names(crd: CustomResourceDefinition) -> dict[str, Any]:
    names: dict[str, Any] = thaw(crd.spec.get("names", {}))
    kind = names.get("kind", "")
    names.setdefault("singular", kind.lower())
    names.setdefault("listKind", f"{kind}List")
    return names


def _taken(
    others: Iterable[CustomResourceDefinition], crd: CustomResourceDefinition
) -> tuple[set[str], set[str]]:
    """The resource names and kinds other CRDs of the group have accepted."""
    resources: set[str] = set()
    kinds: set[str] = set()
    for other in others:
        if other.metadata.name == crd.metadata.name:
            continue
        if other.spec.get("group") != crd.spec.get("group"):
            continue
        names = other.status.get("acceptedNames", {})
        resources.update(n for n in (names.get("plural"), names.get("singular")) if n)
        resources.update(names.get("shortNames", ()))
        kinds.update(n for n in (names.get("kind"), names.get("listKind")) if n)
    group = crd.spec.get("group", "")
    for info in registered_kinds():  # a kind registered from Python holds its names too
        if info.group == group and not getattr(info.cls, "defined_by_crd", False):
            resources.add(info.plural)
            kinds.update((info.kind, f"{info.kind}List"))
    return resources, kinds


def accepted(
    crd: CustomResourceDefinition,
    others: Iterable[CustomResourceDefinition],
    now: dt.datetime,
) -> CustomResourceDefinition:
    """``crd`` with the status its names, versions and the group's other CRDs give it."""
    resources, kinds = _taken(others, crd)
    requested = _requested_names(crd)
    names = thaw(crd.status.get("acceptedNames", {}))
    conflict: tuple[str, str] | None = None
    for key, taken, reason in (
        ("plural", resources, "PluralConflict"),
        ("singular", resources, "SingularConflict"),
        ("shortNames", resources, "ShortNamesConflict"),
        ("kind", kinds, "KindConflict"),
        ("listKind", kinds, "ListKindConflict"),
    ):
        wanted = requested.get(key)
        if wanted is None:
            continue
        clash = next((w for w in _as_list(wanted) if w in taken), None)
        if clash is None:
            names[key] = wanted
        else:  # as Kubernetes, the last conflict found is the one the condition tells
            conflict = (reason, f'"{clash}" is already in use')
    if "categories" in requested:
        names["categories"] = requested["categories"]
    status = thaw(crd.status)
    status["acceptedNames"] = names
    stored = list(status.get("storedVersions", []))
    version = storage_version(crd)
    if version and version not in stored:
        stored.append(version)
    status["storedVersions"] = stored
    crd = evolve(crd, status=freeze(status))
    if conflict is not None:
        crd = with_condition(crd, "NamesAccepted", "False", *conflict, now)
        if not is_established(crd):
            return with_condition(
                crd, "Established", "False", "NotAccepted", "not all names are accepted", now
            )
        return crd
    crd = with_condition(crd, "NamesAccepted", "True", "NoConflicts", "no conflicts found", now)
    return with_condition(
        crd,
        "Established",
        "True",
        "InitialNamesAccepted",
        "the initial names have been accepted",
        now,
    )


def stored_versions_causes(crd: CustomResourceDefinition) -> list[FieldCause]:
    """A version objects may still be stored in cannot leave ``spec.versions`` (Kubernetes'
    check; remove it from ``status.storedVersions`` first, once no object is stored in it)."""
    names = {v.get("name") for v in crd.spec.get("versions", ())}
    return [
        FieldCause(
            field=f"status.storedVersions[{index}]",
            message=f'Invalid value: "{version}": must appear in spec.versions',
        )
        for index, version in enumerate(crd.status.get("storedVersions", ()))
        if version not in names
    ]


def _as_list(value: Any) -> list[str]:
    return list(value) if isinstance(value, list | tuple) else [value]


def marked_for_deletion(
    crd: CustomResourceDefinition, now: dt.datetime
) -> CustomResourceDefinition:
    """The first delete of a CRD: a deletionTimestamp, the cleanup finalizer, and
    ``Terminating``; the objects of its kind are deleted before it goes."""
    meta = crd.metadata
    finalizers = meta.finalizers
    if CLEANUP_FINALIZER not in finalizers:
        finalizers = (*finalizers, CLEANUP_FINALIZER)
    crd = evolve(
        crd,
        metadata=evolve(
            meta,
            deletion_timestamp=meta.deletion_timestamp or now,
            deletion_grace_period_seconds=0,
            finalizers=finalizers,
        ),
    )
    return with_condition(
        crd,
        "Terminating",
        "True",
        "InstanceDeletionPending",
        "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon",
        now,
    )
