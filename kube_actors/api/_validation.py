"""``validate(obj, old=None)``: every problem of an object, reported together in one Invalid.

Metadata is checked the same way for every kind (names, namespace, labels, annotations, owner
references, and on update the identity fields), and so is every integer field's int32/int64
range; the kind's own hook from the registry adds
its spec checks. Validation expects a defaulted object (as the apiserver defaults first), but
tolerates fields left unset that defaulting would fill in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from kube_actors.errors import FieldCause, Invalid

from . import _checks as c
from . import _field as f
from ._limits import int_range_causes
from ._meta import ObjectMeta
from ._names import (
    is_dns1035_label,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_path_segment_name,
)
from ._pod import Pod
from ._registry import KindInfo, kind_info, registration_of
from ._validate_pod_status import validate_pod_status

__all__ = ["validate", "validate_status", "validation_causes"]

_MAX_ANNOTATIONS_BYTES: Final = 256 * 1024

# The rule a kind's names follow; a DNS-1123 subdomain unless listed here.
_NAME_RULES: Final[dict[str, Callable[[str], list[str]]]] = {
    "Namespace": is_dns1123_label,
    "Service": is_dns1035_label,
    # RBAC objects take any path segment as a name (``system:basic-user``).
    "Role": is_path_segment_name,
    "ClusterRole": is_path_segment_name,
    "RoleBinding": is_path_segment_name,
    "ClusterRoleBinding": is_path_segment_name,
    # Any path segment too: kubelet names its CSRs by a base64url digest (``node-csr-...``).
    "CertificateSigningRequest": is_path_segment_name,
}


def validate(obj: Any, old: Any = None) -> None:
    """Raise Invalid listing every problem of ``obj`` (an update of ``old``, if given)."""
    causes = validation_causes(obj, old)
    if causes:
        info = kind_info(obj)
        name = obj.metadata.name or obj.metadata.generate_name
        raise Invalid.for_object(info.kind, name, causes, group=info.group)


def validate_status(obj: Any, old: Any) -> None:
    """Raise Invalid listing every problem of ``obj``, a status write over ``old`` whose
    status strategy gave it everything but its status from ``old``."""
    check = _STATUS_CHECKS.get(type(obj))
    if check is None:  # a kind whose status write is validated as a whole update
        validate(obj, old)
        return
    info = kind_info(obj)
    # Kubernetes' ValidateObjectMetaUpdate, then the kind's status checks (its
    # ValidateXStatusUpdate). The status's ints are checked for their range too: Go's
    # decoder refuses an int32 field out of range before validation. The spec, the
    # stored one's, was checked when it was written.
    meta, old_meta = obj.metadata, old.metadata
    causes = _metadata(info, meta, old_meta)
    if not (
        meta.name is old_meta.name
        and meta.namespace is old_meta.namespace
        and meta.uid is old_meta.uid
        and meta.creation_timestamp is old_meta.creation_timestamp
    ):  # the strategy's copy keeps the stored identity itself: nothing to compare (inline:
        # ``_same_identity`` without its call, on every Pod status write)
        causes.extend(_metadata_update(meta, old_meta))
    causes.extend(int_range_causes(obj.status, "status"))
    causes.extend(check(obj, old))
    if causes:
        raise Invalid.for_object(info.kind, obj.metadata.name, causes, group=info.group)


#: The kinds whose status write is validated by their status alone (``validate_status``).
_STATUS_CHECKS: Final[dict[type[Any], Callable[[Any, Any], list[FieldCause]]]] = {
    Pod: validate_pod_status,
}


def validation_causes(obj: Any, old: Any = None) -> list[FieldCause]:
    """Every problem of ``obj`` as FieldCauses (empty when it is valid)."""
    info = registration_of(type(obj))  # (a dict lookup, not a call: every write asks)
    if info is None:
        info = kind_info(obj)  # raises, naming the class
    causes = _metadata(info, obj.metadata, None if old is None else old.metadata)
    causes.extend(int_range_causes(obj))
    if old is not None and not _same_identity(obj.metadata, old.metadata):
        causes.extend(_metadata_update(obj.metadata, old.metadata))
    if info.validate is not None:
        causes.extend(info.validate(obj, old))
    return causes


def _metadata(info: KindInfo, meta: ObjectMeta, old: ObjectMeta | None) -> list[FieldCause]:
    """The metadata's problems; on an update (``old``), what it kept unchanged from the
    stored object passed when that was written and is not checked again (as Kubernetes'
    update validation ratchets unchanged values): a Lease renewal changes none of it."""
    if old is not None and (
        meta.name == old.name
        and meta.namespace == old.namespace
        and meta.labels == old.labels
        and meta.annotations == old.annotations
        and meta.owner_references == old.owner_references
        and meta.finalizers == old.finalizers
        and meta.generation >= 0
    ):
        return []
    # Every write of a new or changed object comes here: the checks of what is empty (most
    # objects have no annotations, owners or finalizers) are not even begun.
    causes: list[FieldCause] = []
    name_rule = _NAME_RULES.get(info.kind, is_dns1123_subdomain)
    if not meta.name and not meta.generate_name:
        causes.append(f.required("metadata.name", "name or generateName is required"))
    elif meta.name:
        problems = name_rule(meta.name)
        if problems:
            causes.extend(f.invalid("metadata.name", meta.name, p) for p in problems)
    if info.namespaced and not meta.namespace:
        causes.append(f.required("metadata.namespace"))
    elif info.namespaced:
        if meta.namespace not in _VALID_NAMESPACES:
            problems = is_dns1123_label(meta.namespace)
            causes.extend(f.invalid("metadata.namespace", meta.namespace, p) for p in problems)
            if not problems:
                _remember_namespace(meta.namespace)
    elif meta.namespace:
        causes.append(f.forbidden("metadata.namespace", "not allowed on this type"))
    if meta.labels:
        causes.extend(c.labels("metadata.labels", meta.labels))
    if meta.annotations:
        causes.extend(c.qualified_names("metadata.annotations", meta.annotations))
        size = sum(len(k) + len(v) for k, v in meta.annotations.items())
        if size > _MAX_ANNOTATIONS_BYTES:
            causes.append(f.too_long("metadata.annotations", _MAX_ANNOTATIONS_BYTES))
    if meta.owner_references:
        causes.extend(_owner_references(meta))
    if meta.finalizers:
        causes.extend(c.qualified_names("metadata.finalizers", meta.finalizers))
    if meta.generation and meta.generation < 0:
        causes.extend(c.at_least("metadata.generation", meta.generation, 0))
    return causes


#: Namespace names found valid (a cluster has few, and every write names one); bounded.
_VALID_NAMESPACES: set[str] = set()
_VALID_NAMESPACES_MAX = 4096


def _remember_namespace(namespace: str) -> None:
    if len(_VALID_NAMESPACES) >= _VALID_NAMESPACES_MAX:
        _VALID_NAMESPACES.clear()
    _VALID_NAMESPACES.add(namespace)


def _owner_references(meta: ObjectMeta) -> list[FieldCause]:
    causes: list[FieldCause] = []
    controllers = 0
    for i, ref in enumerate(meta.owner_references):
        at = f.index("metadata.ownerReferences", i)
        for field, value in (
            ("apiVersion", ref.api_version),
            ("kind", ref.kind),
            ("name", ref.name),
            ("uid", ref.uid),
        ):
            if not value:
                causes.append(f.required(f.child(at, field)))
        controllers += bool(ref.controller)
    if controllers > 1:
        detail = "Only one reference can have Controller set to true"
        causes.append(f.invalid("metadata.ownerReferences", controllers, detail))
    return causes


def _same_identity(new: ObjectMeta, old: ObjectMeta) -> bool:
    """Whether ``new`` holds the very name, namespace, uid and creation time ``old`` holds
    (a status strategy's copy of the stored metadata, a kubelet's Node status): then
    ``_metadata_update`` has nothing to find, and is not asked."""
    return (
        new.name is old.name
        and new.namespace is old.namespace
        and new.uid is old.uid
        and new.creation_timestamp is old.creation_timestamp
    )


def _metadata_update(new: ObjectMeta, old: ObjectMeta) -> list[FieldCause]:
    causes: list[FieldCause] = []
    causes.extend(c.immutable("metadata.name", new.name, old.name))
    causes.extend(c.immutable("metadata.namespace", new.namespace, old.namespace))
    if old.uid:
        causes.extend(c.immutable("metadata.uid", new.uid, old.uid))
    if old.creation_timestamp is not None:
        causes.extend(
            c.immutable(
                "metadata.creationTimestamp", new.creation_timestamp, old.creation_timestamp
            )
        )
    return causes
