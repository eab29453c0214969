"""The apiserver's field manager: managedFields on every write, and server-side apply.

``api``'s ``record_update`` / ``record_apply`` do the work on wire dicts; this module turns
the apiserver's objects into those dicts and back, and knows which fields a request may not
own: the status on the main resource of a kind with a status, everything else on the status
subresource (Kubernetes' "reset fields").
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs

from kube_actors.api import (
    KindInfo,
    ObjectMeta,
    Shape,
    evolve,
    from_dict,
    record_apply,
    record_update,
    shape_of,
    to_dict,
)
from kube_actors.api._base import copier
from kube_actors.api._managed_fields import created_entries
from kube_actors.errors import BadRequest, FieldCause, Invalid

__all__ = ["applied", "check_field_manager", "with_managed_fields"]

#: Kubernetes' limit on a field manager's name.
FIELD_MANAGER_MAX_LENGTH = 128


def check_field_manager(manager: str, options_kind: str) -> None:
    """A field manager's name as Kubernetes validates it (``CreateOptions``,
    ``UpdateOptions``, ``PatchOptions``): at most 128 characters, all printable."""
    if len(manager) <= FIELD_MANAGER_MAX_LENGTH and manager.isprintable():
        return  # the usual case, at the cost of one scan
    causes = []
    if len(manager) > FIELD_MANAGER_MAX_LENGTH:
        message = f"Too long: may not be more than {FIELD_MANAGER_MAX_LENGTH} bytes"
        causes.append(FieldCause(field="fieldManager", message=message, type="FieldValueTooLong"))
    for at, char in enumerate(manager):
        if not char.isprintable():
            message = (
                f"Invalid value: {json.dumps(manager)}: invalid character U+{ord(char):04X} "
                f"(at position {at})"
            )
            causes.append(
                FieldCause(field="fieldManager", message=message, type="FieldValueInvalid")
            )
    if causes:
        raise Invalid.for_object(options_kind, "", causes, group="meta.k8s.io")


def _wire(obj: Any) -> dict[str, Any]:
    """The object's wire dict without its managedFields (nobody manages them)."""
    meta = obj.metadata
    if meta.managed_fields:
        obj = evolve(obj, metadata=evolve(meta, managed_fields=()))
    return to_dict(obj)


def _reset(info: KindInfo, subresource: str) -> tuple[str, ...]:
    if subresource == "status":
        return ("spec", "metadata")
    has_status = _HAS_STATUS.get(info.cls)
    if has_status is None:
        has_status = _HAS_STATUS[info.cls] = "status" in attrs.fields_dict(info.cls)
    return ("status",) if has_status else ()


def _write_plan(info: KindInfo, subresource: str) -> tuple[Shape, tuple[str, ...]]:
    """The shape of ``info``'s objects and the fields a write to ``subresource`` may not own
    (``_reset``), looked up together: every write asks both."""
    plan = _WRITE_PLANS.get((info.cls, subresource))
    if plan is None:
        if len(_WRITE_PLANS) >= _KINDS_KEPT:
            _WRITE_PLANS.clear()  # kinds made and dropped (CRDs') do not pile up
        plan = _WRITE_PLANS[(info.cls, subresource)] = (
            shape_of(info.cls),
            _reset(info, subresource),
        )
    return plan


_WRITE_PLANS: dict[tuple[type[Any], str], tuple[Shape, tuple[str, ...]]] = {}
_HAS_STATUS: dict[type[Any], bool] = {}
#: An object's metadata with its managedFields and resourceVersion, and per class, an
#: object with its metadata (``copier``): what every create copies.
_versioned_meta: Final = copier(ObjectMeta, "managed_fields", "resource_version")
_METADATA_COPIERS: dict[type[Any], Callable[[Any, ObjectMeta], Any]] = {}
#: The most kinds each of the tables by class above keeps.
_KINDS_KEPT = 256


def with_managed_fields(
    info: KindInfo,
    old: Any,
    new: Any,
    *,
    manager: str,
    subresource: str,
    now: dt.datetime,
    resource_version: str | None = None,
) -> Any:
    """``new`` with the managedFields of ``manager`` writing it over ``old`` (None: create),
    and with ``resource_version`` if one is given (set in the same copy of the object).

    The managers start from those ``new`` carries, or if it carries none, ``old``'s: a client
    may rewrite managedFields, and one that leaves them out keeps them.
    """
    meta = new.metadata
    entries = meta.managed_fields
    shape, reset = _write_plan(info, subresource)
    if not entries and old is None:  # a create (most writes): nobody managed anything yet
        managed = created_entries(new, shape, manager, subresource, info.api_version, now, reset)
    else:
        if not entries:
            entries = old.metadata.managed_fields
        managed = record_update(
            old,
            new,
            shape,
            entries,
            manager=manager,
            subresource=subresource,
            api_version=info.api_version,
            now=now,
            reset=reset,
        )
    if resource_version is not None and resource_version != meta.resource_version:
        if type(meta) is ObjectMeta:  # every create: without ``evolve``'s calls and keywords
            copy = _METADATA_COPIERS.get(type(new))
            if copy is None:
                if len(_METADATA_COPIERS) >= _KINDS_KEPT:
                    _METADATA_COPIERS.clear()  # kinds made and dropped (CRDs') do not pile up
                copy = _METADATA_COPIERS[type(new)] = copier(type(new), "metadata")
            return copy(new, _versioned_meta(meta, managed, resource_version))
        return evolve(
            new, metadata=evolve(meta, managed_fields=managed, resource_version=resource_version)
        )
    if managed == meta.managed_fields:
        return new
    return evolve(new, metadata=evolve(meta, managed_fields=managed))


def applied(
    info: KindInfo,
    current: Any,
    config: Mapping[str, Any],
    *,
    name: str,
    namespace: str,
    manager: str,
    force: bool,
    subresource: str,
    now: dt.datetime,
) -> Any:
    """The object after ``manager`` applied ``config`` to ``current`` (None: absent), with
    its managedFields; ``Conflict`` when the apply would take fields others own."""
    config = _checked(info, config, name=name, namespace=namespace)
    merged, managed = record_apply(
        _wire(current) if current is not None else None,
        config,
        shape_of(info.cls),
        current.metadata.managed_fields if current is not None else (),
        manager=manager,
        force=force,
        subresource=subresource,
        api_version=info.api_version,
        now=now,
        reset=_reset(info, subresource),
    )
    obj = from_dict(merged)
    return evolve(obj, metadata=evolve(obj.metadata, managed_fields=managed))


def _checked(
    info: KindInfo, config: Mapping[str, Any], *, name: str, namespace: str
) -> dict[str, Any]:
    if not isinstance(config, Mapping):
        raise BadRequest("an apply patch is a JSON or YAML object")
    api_version, kind = config.get("apiVersion"), config.get("kind")
    if not kind:
        raise BadRequest("Object 'Kind' is missing in the applied configuration")
    if not api_version:
        raise BadRequest("Object 'apiVersion' is missing in the applied configuration")
    if (api_version, kind) != (info.api_version, info.kind):
        raise BadRequest(
            f"the applied configuration is a {api_version}, Kind={kind}; the request is for "
            f"{info.api_version}, Kind={info.kind}"
        )
    meta = config.get("metadata") or {}
    if not isinstance(meta, Mapping):
        raise BadRequest("metadata must be an object")
    if meta.get("name", name) != name:
        raise BadRequest(
            f"the name of the object ({meta.get('name')}) does not match the name on the "
            f"URL ({name})"
        )
    if info.namespaced and meta.get("namespace", namespace) != namespace:
        raise BadRequest(
            "the namespace of the provided object does not match the namespace sent on the request"
        )
    fixed = {**meta, "name": name}
    if info.namespaced:
        fixed["namespace"] = namespace
    return {**config, "metadata": fixed}
