"""``kubectl apply``: create each object, or bring the stored one in line with it, and say which.

Every document is read and checked (parsed, defaulted and validated as the apiserver would)
before the first write, so a bad manifest changes nothing. Then, per object:

- absent: created, with the applied configuration kept in the
  ``kubectl.kubernetes.io/last-applied-configuration`` annotation, as kubectl keeps it;
- present: patched with kubectl's three-way merge, reduced to what matters here: the patch
  sets every field of the new configuration and removes (``null``) the fields the last
  applied configuration had and this one dropped, so fields others set (defaults, a
  controller's annotations, ``status``) stay. Built-in kinds get a strategic merge patch
  (lists of named items such as containers merge by name; removing an item from such a list
  is not modelled), user kinds a JSON merge patch, as kubectl sends for custom resources;
- ``unchanged`` when the stored object, patched and defaulted here, would be the same (so
  nothing is sent and a controller writing the object meanwhile cannot make it look
  changed), or when the apiserver wrote nothing for the patch (same resourceVersion);
  ``configured`` otherwise.

With ``server_side=True`` (``kubectl apply --server-side``) each object is sent whole as a
server-side apply by the field manager ``kubectl`` (or ``field_manager``): the apiserver
merges it, records the manager's fields, creates what is absent, and answers Conflict for a
field another manager owns unless ``force_conflicts``. Such a result prints as
``deployment.apps/hello serverside-applied``.

Each result prints as kubectl does: ``deployment.apps/hello created``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import attrs

from ..api import (
    PatchType,
    apply_patch,
    check_depth,
    default,
    from_dict,
    kind_info,
    load_manifests,
    to_dict,
    validate,
)
from ..client import Client
from ..errors import ApiError, BadRequest, NotFound

__all__ = ["LAST_APPLIED", "ApplyAction", "ApplyResult", "Source", "apply", "objects_of"]

#: The annotation where kubectl keeps the configuration it last applied.
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"

#: What ``apply`` takes: a path, YAML text (str or UTF-8 bytes), a manifest dict, an API object,
#: or several of these.
Source = str | bytes | os.PathLike[str] | Mapping[str, Any] | object

ApplyAction = Literal["created", "configured", "unchanged", "serverside-applied"]

#: The field managers kubectl writes under (``--field-manager`` overrides them).
CLIENT_SIDE_MANAGER = "kubectl-client-side-apply"
SERVER_SIDE_MANAGER = "kubectl"

# Set by the apiserver, never part of a configuration a user applies.
_SERVER_FIELDS = (
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "managedFields",
)


@attrs.frozen(kw_only=True)
class ApplyResult:
    """One object ``apply`` handled: the object as stored, and what happened to it."""

    object: Any
    action: ApplyAction

    @property
    def changed(self) -> bool:
        """Whether the store changed (created or configured)."""
        return self.action != "unchanged"

    def __str__(self) -> str:
        """What kubectl prints for it: ``deployment.apps/hello configured``."""
        info = kind_info(self.object)
        resource = f"{info.kind.lower()}.{info.group}" if info.group else info.kind.lower()
        return f"{resource}/{self.object.metadata.name} {self.action}"


def objects_of(source: Source | Iterable[Source]) -> list[Any]:
    """Every API object in ``source`` (paths and YAML text parsed, dicts converted)."""
    if isinstance(source, str | bytes | os.PathLike):
        return load_manifests(source)
    if isinstance(source, Mapping):
        check_depth(source, "the manifest")
        return [from_dict(source)]
    if attrs.has(type(source)) and hasattr(source, "metadata"):
        return [source]
    if isinstance(source, Iterable):
        return [obj for item in source for obj in objects_of(item)]
    raise TypeError(
        f"cannot apply a {type(source).__name__}: give a path, YAML text, a manifest dict, "
        "an API object, or a list of these"
    )


async def apply(
    client: Client,
    source: Source | Iterable[Source],
    *,
    server_side: bool = False,
    force_conflicts: bool = False,
    field_manager: str = "",
) -> list[ApplyResult]:
    """Apply every object in ``source``, in order; see the module docstring."""
    if force_conflicts and not server_side:
        raise BadRequest("--force-conflicts only works with --server-side")
    objects = [_checked(obj) for obj in objects_of(source)]
    if server_side:
        manager = field_manager or SERVER_SIDE_MANAGER
        return [await _apply_server_side(client, obj, manager, force_conflicts) for obj in objects]
    manager = field_manager or CLIENT_SIDE_MANAGER
    return [await _apply_one(client, obj, manager) for obj in objects]


async def _apply_server_side(client: Client, obj: Any, manager: str, force: bool) -> ApplyResult:
    meta = obj.metadata
    stored = await client.patch(
        type(obj),
        meta.name,
        _configuration(obj),
        namespace=meta.namespace,
        patch_type="apply",
        field_manager=manager,
        force=force,
    )
    return ApplyResult(object=stored, action="serverside-applied")


def _checked(obj: Any) -> Any:
    """The object in its namespace, once it has passed what the apiserver would check."""
    info = kind_info(obj)
    meta = obj.metadata
    if not meta.name:
        raise BadRequest(f"{info.kind}: metadata.name is required: apply cannot use generateName")
    namespace = (meta.namespace or "default") if info.namespaced else ""
    obj = attrs.evolve(obj, metadata=attrs.evolve(meta, namespace=namespace))
    validate(default(obj))
    return obj


async def _apply_one(client: Client, obj: Any, manager: str) -> ApplyResult:
    info = kind_info(obj)
    meta = obj.metadata
    configuration = _configuration(obj)
    try:
        current = await client.get(type(obj), meta.name, namespace=meta.namespace)
    except NotFound:
        annotated = _annotated(obj, configuration)
        created = await client.create(annotated, field_manager=manager)
        return ApplyResult(object=created, action="created")
    patch = _three_way_patch(_last_applied(current), configuration)
    patch.setdefault("metadata", {}).setdefault("annotations", {})[LAST_APPLIED] = _dumps(
        configuration
    )
    patch_type: PatchType = (
        "strategic" if info.cls.__module__.startswith("kube_actors.") else "merge"
    )
    if _holds_already(current, patch, patch_type):
        return ApplyResult(object=current, action="unchanged")
    stored = await client.patch(
        type(obj),
        meta.name,
        patch,
        namespace=meta.namespace,
        patch_type=patch_type,
        field_manager=manager,
    )
    unchanged = stored.metadata.resource_version == current.metadata.resource_version
    return ApplyResult(object=stored, action="unchanged" if unchanged else "configured")


def _configuration(obj: Any) -> dict[str, Any]:
    """What the user declared: the manifest without status and server-set metadata."""
    document = to_dict(obj)
    document.pop("status", None)
    metadata = document.get("metadata", {})
    for field in _SERVER_FIELDS:
        metadata.pop(field, None)
    annotations = metadata.get("annotations")
    if annotations:
        annotations.pop(LAST_APPLIED, None)
        if not annotations:
            del metadata["annotations"]
    return document


def _annotated(obj: Any, configuration: dict[str, Any]) -> Any:
    meta = obj.metadata
    annotations = {**meta.annotations, LAST_APPLIED: _dumps(configuration)}
    meta = attrs.evolve(meta, annotations=annotations, resource_version="", uid="")
    return attrs.evolve(obj, metadata=meta)


def _last_applied(obj: Any) -> dict[str, Any]:
    text = obj.metadata.annotations.get(LAST_APPLIED, "")
    try:
        last = json.loads(text) if text else {}
    except json.JSONDecodeError:
        return {}  # written by hand: nothing to remove, as kubectl treats it
    return last if isinstance(last, dict) else {}


def _three_way_patch(last: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """``new`` as a merge patch, plus ``null`` for every key ``last`` had and ``new`` dropped."""
    patch: dict[str, Any] = {key: None for key in last if key not in new}
    for key, value in new.items():
        before = last.get(key)
        if isinstance(value, Mapping) and isinstance(before, Mapping):
            patch[key] = _three_way_patch(before, value)
        else:
            patch[key] = value
    return patch


def _holds_already(current: Any, patch: Mapping[str, Any], patch_type: PatchType) -> bool:
    """Whether ``current`` would come out of the patch as it is (the apiserver's own patch
    semantics, then defaults)."""
    try:
        patched = default(from_dict(apply_patch(to_dict(current), patch, patch_type)))
    except ApiError:
        return False  # let the apiserver say what is wrong
    return bool(patched == current)


def _dumps(configuration: Mapping[str, Any]) -> str:
    return json.dumps(configuration, sort_keys=True, separators=(",", ":"))
