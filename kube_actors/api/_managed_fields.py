"""``metadata.managedFields``: which manager set which field, kept on every write.

As Kubernetes' field manager (``k8s.io/apimachinery/pkg/util/managedfields`` over
structured-merge-diff) does it:

- An Update (create, update, patch) gives the writing manager every field it added or
  changed; a field that changed or went is taken from every other manager. The entry's time
  moves only when the manager took something.
- An Apply (server-side apply) merges the manager's configuration into the live object,
  drops what the manager applied last time and applies no more (unless another manager
  owns it), makes the configuration's fields the manager's set, and answers ``Conflict``
  naming each field another manager owns and this apply would change — unless ``force``,
  which takes them over. An object nobody managed yet is first given to
  ``before-first-apply``.
- At most ten managers keep Update entries (``capmanagers``): past that, the oldest are
  merged, per API version, into one entry named ``ancient-changes``, so an object written by
  many short-lived clients does not grow without end. Apply entries are never merged.

Objects are handled in their wire form (dicts, without ``metadata.managedFields``).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterable, Mapping
from typing import Any

from kube_actors.errors import Conflict, FieldCause

from ._base import freeze_tree
from ._fieldset import (
    difference,
    intersection,
    member_paths,
    overlaps,
    path_string,
    union,
    within,
)
from ._meta import ManagedFieldsEntry
from ._shape import Shape
from ._typed import compare, field_set, merge, remove
from ._typed_objects import SERVER_METADATA, _object_set, compare_objects

__all__ = [
    "ANCIENT_CHANGES",
    "BEFORE_FIRST_APPLY",
    "MAX_UPDATE_MANAGERS",
    "created_entries",
    "record_apply",
    "record_rewrite",
    "record_update",
]

BEFORE_FIRST_APPLY = "before-first-apply"
ANCIENT_CHANGES = "ancient-changes"
MAX_UPDATE_MANAGERS = 10
_Key = tuple[str, str, str]  # manager, operation, subresource

# Fields nobody manages: the object's identity and what the server keeps (stripMetaManager).
_SERVER_FIELDS: dict[str, Any] = {
    "f:apiVersion": {},
    "f:kind": {},
    "f:metadata": {".": {}, **{"f:" + key: {} for key in SERVER_METADATA}},
}


def _key(entry: ManagedFieldsEntry) -> _Key:
    return entry.manager, entry.operation, entry.subresource


def _owned(fields: Mapping[str, Any], reset: Iterable[str]) -> dict[str, Any]:
    """The fields a manager can own: not the server's, nor those the request cannot set
    (the status on the main resource, the rest on the status subresource)."""
    owned = difference(fields, _SERVER_FIELDS)
    for key in reset:
        owned.pop("f:" + key, None)
    return owned


def _entries(
    sets: dict[_Key, Mapping[str, Any]],
    previous: Mapping[_Key, ManagedFieldsEntry],
    touched: _Key | None,
    *,
    api_version: str,
    now: dt.datetime,
) -> tuple[ManagedFieldsEntry, ...]:
    out = []
    for key, fields in sets.items():
        if not fields:
            continue
        old = previous.get(key)
        if old is not None and key != touched and old.fields_v1 == fields:
            out.append(old)
            continue
        manager, operation, subresource = key
        # A set kept as stored (a manager rewriting only its own fields) is interned already.
        kept = old is not None and fields is old.fields_v1
        out.append(
            ManagedFieldsEntry(
                manager=manager,
                operation=operation,
                api_version=api_version,
                time=now if key == touched or old is None else old.time,
                fields_type="FieldsV1",
                fields_v1=fields if kept else _interned(fields),
                subresource=subresource,
            )
        )
    out.sort(key=_order)
    return tuple(out)


# Objects made alike (a ReplicaSet's Pods) have the very same field sets: stored once, they
# cost memory and garbage-collector work once rather than per object.
_INTERNED: dict[Mapping[str, Any], Mapping[str, Any]] = {}
_INTERNED_MAX = 4096


def _interned(fields: Mapping[str, Any]) -> Mapping[str, Any]:
    frozen = freeze_tree(fields)
    found = _INTERNED.get(frozen)
    if found is not None:
        return found
    if len(_INTERNED) >= _INTERNED_MAX:
        _INTERNED.clear()
    _INTERNED[frozen] = frozen
    return frozen


def _order(entry: ManagedFieldsEntry) -> tuple[str, int, str, str, str]:
    return entry.operation, _seconds(entry), entry.manager, entry.api_version, entry.subresource


def record_update(
    old: Any,
    new: Any,
    shape: Shape,
    entries: Iterable[ManagedFieldsEntry],
    *,
    manager: str,
    subresource: str = "",
    api_version: str,
    now: dt.datetime,
    reset: Iterable[str] = (),
) -> tuple[ManagedFieldsEntry, ...]:
    """The managedFields after ``manager`` changed ``old`` into ``new``: wire dicts (``old``
    is ``{}`` on create), or the objects themselves (``old`` is None on create), which is
    faster for an update that shares most of the old object."""
    if old is None and entries == ():  # a create (most writes): no entries to key first
        return created_entries(new, shape, manager, subresource, api_version, now, tuple(reset))
    previous = {_key(e): e for e in entries}
    reset = tuple(reset)
    if old is None and not previous:
        return created_entries(new, shape, manager, subresource, api_version, now, reset)
    if isinstance(new, Mapping):
        added, modified, removed = compare(old, new, shape)
        changed: Mapping[str, Any] = _owned(union(added, modified), reset)
        removed = _owned(removed, reset)
    else:  # the object walk leaves out what nobody may own
        added, modified, removed = compare_objects(old, new, shape, skip=reset)
        if not added and not removed:
            kept = _rewrote_own_fields(
                previous, modified, manager, subresource, api_version=api_version, now=now
            )
            if kept is not None:
                return kept
        changed = union(added, modified)
    taken = union(changed, removed)
    mine = (manager, "Update", subresource)
    sets: dict[_Key, Mapping[str, Any]] = {}
    for key, entry in previous.items():
        dropped = removed if key == mine else taken
        sets[key] = difference(entry.fields_v1, dropped) if dropped else entry.fields_v1
    touched = None
    if changed:
        # (mine - taken) + changed is (mine - removed) + what mine did not own yet: a
        # manager rewriting its own fields (a kubelet renewing its Lease) keeps its stored,
        # already sorted set instead of building it again.
        own = sets.get(mine, {})
        grown = difference(changed, own) if own else changed
        sets[mine] = union(own, grown) if grown else own
        touched = mine
    return _capped(_entries(sets, previous, touched, api_version=api_version, now=now))


def record_rewrite(
    entries: Iterable[ManagedFieldsEntry],
    modified: Mapping[str, Any],
    *,
    manager: str,
    subresource: str = "",
    api_version: str,
    now: dt.datetime,
) -> tuple[ManagedFieldsEntry, ...] | None:
    """The managedFields after ``manager`` changed the values of the fields ``modified``
    names and nothing else (no field added or removed), as ``record_update`` gives them,
    when ``manager`` alone owns those fields; None otherwise (``record_update`` then does
    the whole computation). For a caller that knows what changed without comparing the
    objects: the apiserver's Lease renewals (``spec.renewTime``)."""
    previous = {_key(e): e for e in entries}
    return _rewrote_own_fields(
        previous, modified, manager, subresource, api_version=api_version, now=now
    )


def created_entries(
    new: Any,
    shape: Shape,
    manager: str,
    subresource: str,
    api_version: str,
    now: dt.datetime,
    reset: tuple[str, ...],
) -> tuple[ManagedFieldsEntry, ...]:
    """A create's managedFields, where nobody managed anything yet (most creates): the one
    entry of its manager, owning every field the object sets, stamped ``now``; or none if it
    sets nothing. The whole computation gives exactly this (nothing to take from anyone,
    nothing to cap), after building sets, sorting and capping a single entry. What
    ``record_update(None, new, shape, (), ...)`` gives, for the apiserver's creates without
    its keywords to match."""
    # ``compare_objects(None, new, ...)``'s added set, without its empty modified and removed.
    added = _object_set(new, shape, reset)
    if not added:
        return ()
    key = (id(added), manager, subresource, api_version, now)
    found = _CREATED.get(key)
    if found is None:
        if len(_CREATED) >= _CREATED_MAX:
            _CREATED.clear()
        fields = _interned(added)
        entries = (_update_entry(manager, subresource, api_version, now, fields),)
        found = _CREATED[key] = (entries, added)
    return found[0]


#: A create's entries by its field set's identity (kept with them: no other set can have
#: its id while they are here), manager, subresource, apiVersion and time: the objects one
#: manager creates alike within a second (a kubelet's Events, a ReplicaSet's Pods) have one
#: field set (``compare_objects``) and share one frozen entry, its set interned once,
#: rather than each carrying an equal copy.
_CREATED: dict[
    tuple[int, str, str, str, dt.datetime], tuple[tuple[ManagedFieldsEntry, ...], Any]
] = {}
_CREATED_MAX = 256


def _update_entry(
    manager: str, subresource: str, api_version: str, now: dt.datetime, fields: Mapping[str, Any]
) -> ManagedFieldsEntry:
    """The entry of ``manager``'s Update that took ``fields`` ``now``."""
    return ManagedFieldsEntry(
        manager=manager,
        operation="Update",
        api_version=api_version,
        time=now,
        fields_type="FieldsV1",
        fields_v1=fields,
        subresource=subresource,
    )


def _rewrote_own_fields(
    previous: Mapping[_Key, ManagedFieldsEntry],
    modified: Mapping[str, Any],
    manager: str,
    subresource: str,
    *,
    api_version: str,
    now: dt.datetime,
) -> tuple[ManagedFieldsEntry, ...] | None:
    """The entries when ``manager`` changed only values of fields it alone owns (a kubelet
    renewing its Lease: only ``renewTime`` moves): every set stays as it is and the
    manager's entry takes ``now``, as the whole computation would give; None for any
    other update, which takes the whole computation."""
    if len(previous) > MAX_UPDATE_MANAGERS or not all(map(_FIELDS_V1, previous.values())):
        return None  # capping may merge entries; an empty entry is dropped
    mine = (manager, "Update", subresource)
    entry = previous.get(mine)
    if entry is None:
        return None
    if not modified:  # nothing changed: nobody's entry moves
        return tuple(sorted(previous.values(), key=_order))
    if not within(modified, entry.fields_v1):
        return None  # the manager takes fields it did not own
    for key, other in previous.items():
        if key != mine and overlaps(other.fields_v1, modified):
            return None  # taken from another manager
    renewed = _update_entry(manager, subresource, api_version, now, entry.fields_v1)
    if len(previous) == 1:
        return (renewed,)
    return tuple(sorted((renewed if k == mine else e for k, e in previous.items()), key=_order))


#: An entry's field set: ``_rewrote_own_fields`` asks it of every entry of each Lease
#: renewal and Node status report, without a generator step per entry.
_FIELDS_V1 = operator.attrgetter("fields_v1")


def _capped(entries: tuple[ManagedFieldsEntry, ...]) -> tuple[ManagedFieldsEntry, ...]:
    """``entries`` with at most ``MAX_UPDATE_MANAGERS`` Update entries: walking from the
    oldest, each entry after the first of its API version goes into that version's
    ``ancient-changes`` bucket (which starts as the first one's fields), until the cap holds."""
    updaters = [e for e in entries if e.operation == "Update"]
    if len(updaters) <= MAX_UPDATE_MANAGERS:
        return entries
    updaters.sort(key=lambda e: (_seconds(e), e.manager, e.subresource))
    kept = {_key(e): e for e in entries}
    bucket_key: _Key = (ANCIENT_CHANGES, "Update", "")
    first_of_version: dict[str, _Key] = {}
    count = len(updaters)
    for entry in updaters:
        if count <= MAX_UPDATE_MANAGERS:
            break
        key = _key(entry)
        first = first_of_version.setdefault(entry.api_version, key)
        if first == key:
            continue
        if key == bucket_key:  # the bucket, newer than the first: the first goes into it
            absorbed, into = kept.pop(first), kept[bucket_key]
        elif bucket_key in kept:
            absorbed, into = kept.pop(key), kept[bucket_key]
        else:  # the first of the version becomes the bucket
            absorbed, into = kept.pop(key), kept.pop(first)
        kept[bucket_key] = ManagedFieldsEntry(
            manager=ANCIENT_CHANGES,
            operation="Update",
            api_version=entry.api_version,
            time=entry.time,  # the newer of the two
            fields_type="FieldsV1",
            fields_v1=_interned(union(into.fields_v1, absorbed.fields_v1)),
        )
        count -= 1
    return tuple(sorted(kept.values(), key=_order))


def _seconds(entry: ManagedFieldsEntry) -> int:
    return int(entry.time.timestamp()) if entry.time is not None else 0


def record_apply(
    live: Mapping[str, Any] | None,
    config: Mapping[str, Any],
    shape: Shape,
    entries: Iterable[ManagedFieldsEntry],
    *,
    manager: str,
    force: bool,
    subresource: str = "",
    api_version: str,
    now: dt.datetime,
    reset: Iterable[str] = (),
) -> tuple[dict[str, Any], tuple[ManagedFieldsEntry, ...]]:
    """Server-side apply of ``config`` by ``manager``: the new object and managedFields.

    ``live`` is None when the object does not exist yet. Raises ``Conflict`` (unless
    ``force``) when the apply would change a field another manager owns.
    """
    reset = tuple(reset)
    base = dict(live) if live is not None else {}
    previous = {_key(e): e for e in entries}
    sets: dict[_Key, Mapping[str, Any]] = {k: e.fields_v1 for k, e in previous.items()}
    if live is not None and not previous:
        added, _, _ = compare({}, base, shape)
        sets[(BEFORE_FIRST_APPLY, "Update", "")] = _owned(added, reset)
    mine = (manager, "Apply", subresource)
    applied = _owned(field_set(config, shape), reset)
    last = sets.get(mine, {})
    merged = merge(base, config, shape)
    others = {k: s for k, s in sets.items() if k != mine}
    if last:
        everyone_else: Mapping[str, Any] = {}
        for fields in others.values():
            everyone_else = union(everyone_else, fields)
        dropped = difference(difference(last, applied), everyone_else)
        if dropped:
            # What anyone (the applier included) still owns beneath a dropped node stays.
            merged = remove(merged, dropped, union(everyone_else, applied), shape)
    added, modified, removed = compare(base, merged, shape)
    changing = union(added, modified)
    conflicts = {k: intersection(s, changing) for k, s in others.items()}
    conflicts = {k: c for k, c in conflicts.items() if c}
    if conflicts and not force:
        raise _conflict_error(conflicts, previous, api_version)
    for key, fields in others.items():
        sets[key] = difference(difference(fields, conflicts.get(key, {})), removed)
    sets[mine] = applied
    touched = mine if merged != base else None
    if touched is None and mine not in previous:
        touched = mine  # a first apply is stamped even when it changed no value
    return merged, _entries(sets, previous, touched, api_version=api_version, now=now)


def _conflict_error(
    conflicts: Mapping[_Key, Mapping[str, Any]],
    previous: Mapping[_Key, ManagedFieldsEntry],
    api_version: str,
) -> Conflict:
    found: list[tuple[str, str]] = []
    for key in sorted(conflicts, key=lambda k: _manager_text(k, previous, api_version)):
        who = _manager_text(key, previous, api_version)
        found.extend((who, path_string(path)) for path in member_paths(conflicts[key]))
    causes = [
        FieldCause(field=path, message=f"conflict with {who}", type="FieldManagerConflict")
        for who, path in found
    ]
    if len(found) == 1:
        who, path = found[0]
        message = f"Apply failed with 1 conflict: conflict with {who}: {path}"
    else:
        lines: list[str] = []
        for who in dict.fromkeys(w for w, _ in found):
            lines.append(f"conflicts with {who}:")
            lines.extend(f"- {path}" for w, path in found if w == who)
        message = f"Apply failed with {len(found)} conflicts: " + "\n".join(lines)
    return Conflict(message, causes=causes)


def _manager_text(key: _Key, previous: Mapping[_Key, ManagedFieldsEntry], api_version: str) -> str:
    """A manager as Kubernetes' conflict messages print it."""
    manager, operation, subresource = key
    text = _go_quote(manager)
    if subresource:
        text += f" with subresource {_go_quote(subresource)}"
    if operation == "Update":
        entry = previous.get(key)
        text += f" using {entry.api_version if entry is not None else api_version}"
    return text


def _go_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
