"""Bounds on what a request may hold, so that no input costs more than its size.

- Integers: Kubernetes' integer fields are int32 unless its types make them int64 (the
  ``...Seconds`` of grace periods and deadlines, generations, sizes); a value outside its
  field's range is refused with the field named. One generic walk over any object does it,
  from a plan made once per class.
- Nesting: a document nested deeper than ``MAX_DEPTH`` is refused before anything recurses
  into it (Python's stack is about a thousand frames, and every layer here recurses).
- Size: an object whose JSON encoding (compact, UTF-8, as Kubernetes writes it) is above
  ``MAX_OBJECT_BYTES`` (etcd's default request limit, 1.5 MiB) is refused, as etcd refuses it
  behind Kubernetes' apiserver. Every write checks it, so ``check_object_size`` first takes a
  cheap upper bound (from the fields, one plain orjson call a model object, ``_field_size``;
  beyond the limit, orjson over every field, empty ones too, no wire dict built) and encodes
  the object's wire form only when that bound is beyond the limit.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
import typing
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final

import attrs
import orjson

from kube_actors.errors import BadRequest, FieldCause, RequestEntityTooLarge

from . import _field as f
from ._base import wire_name
from ._converter import to_dict, wire_names
from ._field_size import FieldSizeBound
from ._memo import IdentityMemo
from ._meta import ManagedFieldsEntry
from ._pod import Pod, PodSpec, PodStatus

__all__ = [
    "INT32_RANGE",
    "INT64_RANGE",
    "MAX_DEPTH",
    "MAX_OBJECT_BYTES",
    "check_depth",
    "check_object_size",
    "check_size",
    "int_range_causes",
    "size_bound",
]

INT32_RANGE: Final = (-(2**31), 2**31 - 1)
INT64_RANGE: Final = (-(2**63), 2**63 - 1)

#: Deepest nesting of maps and lists accepted in a document (a Deployment is about 12 deep).
MAX_DEPTH: Final = 100

#: etcd's default ``--max-request-bytes``: the largest object Kubernetes can store.
MAX_OBJECT_BYTES: Final = 1536 * 1024

# Kubernetes' int64 fields among the models' ints (by wire name); every other int is int32.
_INT64_FIELDS: Final = frozenset(
    {
        "activeDeadlineSeconds",
        "deletionGracePeriodSeconds",
        "generation",
        "gracePeriodSeconds",
        "limit",
        "observedGeneration",
        "remainingItemCount",
        "sizeBytes",
        "terminationGracePeriodSeconds",
        "tolerationSeconds",
    }
)

_INT, _STRUCT, _SEQUENCE = range(3)

# Per class: (attribute, wire name, how to look at it, range) for each field that can hold ints.
_Plan = list[tuple[str, str, int, tuple[int, int]]]
_plans: dict[type[Any], _Plan] = {}


def int_range_causes(obj: Any, path: str = "") -> list[FieldCause]:
    """A cause for every int field of ``obj`` (an attrs model) outside its int32/int64 range.

    Only fields whose type can hold an int somewhere below are visited (the plan prunes the
    rest), and a path is spelled out only for a value out of range.
    """
    causes: list[FieldCause] = []
    if type(obj) is Pod:  # every Pod create and update
        _pod_int_range_causes(obj, path, causes)
    else:
        _walk(obj, (), path, causes)
    return causes


def _pod_int_range_causes(pod: Pod, path: str, causes: list[FieldCause]) -> None:
    """A Pod's causes, in the walk's order (its status's, its spec's, its metadata's). Its
    spec and status are looked up by identity when all their ints were found in range:
    the Pods of a template share one spec object (``default_pod_spec``), the Pods created
    alike one Pending status, and an update keeps both from the stored Pod. (Other specs, a
    Lease's, are new with every write: keeping them would only keep garbage alive.)"""
    status, spec = pod.status, pod.spec
    if status is not None and not _STATUS_IN_RANGE.get(status):
        _walk(status, _STATUS, path, causes)
        if not causes:
            _STATUS_IN_RANGE.put(status, True)
    if spec is not None and not _IN_RANGE.get(spec):
        found = len(causes)
        _walk(spec, _SPEC, path, causes)
        if len(causes) == found:
            _IN_RANGE.put(spec, True)
    _walk(pod.metadata, _METADATA, path, causes)


def _walk(obj: Any, at: tuple[object, ...], path: str, causes: list[FieldCause]) -> None:
    """Add the causes of ``obj``, found at ``at`` below ``path``, to ``causes``."""
    stack: list[tuple[Any, tuple[object, ...]]] = []
    check = _checks.get(type(obj))
    if check is None:
        check = _check(type(obj))
    check(obj, at, stack, causes, path)  # the root without a push and a pop (most have no
    while stack:  # more than one node below: a Pod's metadata, an Event's)
        node, at = stack.pop()
        check = _checks.get(type(node))
        if check is None:
            check = _check(type(node))
        check(node, at, stack, causes, path)


#: Per class, its plan as straight code (``_check``).
_Check = Callable[[Any, tuple[object, ...], list[Any], list[FieldCause], str], None]
_checks: dict[type[Any], _Check] = {}


def _check(cls: type[Any]) -> _Check:
    """``cls``'s plan as a generated function of a node, its path, the walk's stack, the
    causes and the path's start: each planned field read as an attribute, its range and
    wire name constants, where a loop over the plan took a tuple to unpack, a ``getattr``
    call and a test of the field's kind for every field of every node (every write's walk).
    For each field, in the plan's order: an int out of range is a cause; a struct is pushed
    to be walked; a non-empty list's models are pushed with their indexes."""
    lines = ["def check(node, at, stack, causes, path):"]
    namespace: dict[str, Any] = {
        "_spell": _spell,
        "_invalid": f.invalid,
        "_detail": _range_detail,
        "_is_model": attrs.has,
    }
    for name, wire, how, (low, high) in _plan(cls):
        lines.append(f"    value = node.{name}")
        if how == _INT:
            lines += [
                f"    if type(value) is int and not {low} <= value <= {high}:",
                f"        where = _spell(path, (*at, {wire!r}))",
                f"        causes.append(_invalid(where, value, _detail({low}, {high})))",
            ]
        elif how == _STRUCT:
            lines += [
                "    if value is not None:",
                f"        stack.append((value, (*at, {wire!r})))",
            ]
        else:  # most lists are empty: no walk to begin
            lines += [
                "    if value:",
                f"        stack.extend((item, (*at, {wire!r}, i)) for i, item in enumerate(value)"
                " if _is_model(type(item)))",
            ]
    lines.append("    return None")
    exec("\n".join(lines), namespace)
    check: _Check = namespace["check"]
    check.__name__ = check.__qualname__ = f"int_ranges_of_{cls.__name__}"
    _checks[cls] = check
    return check


_SPEC: Final = ("spec",)
_STATUS: Final = ("status",)
_METADATA: Final = ("metadata",)
#: The Pod specs found with every int in range, by identity (a spec's ints are its own).
#: Large enough to hold the spec of every Pod of a busy cluster until its status writes
#: come (the metadata and status change on every write and are not kept).
_IN_RANGE: IdentityMemo[bool] = IdentityMemo(16384)
#: The same for Pod statuses: few (the Pending ones new Pods share, the stored ones updates
#: keep), and a status write's own status is walked apart (``validate_status``), not kept.
_STATUS_IN_RANGE: IdentityMemo[bool] = IdentityMemo()


def _spell(path: str, parts: tuple[object, ...]) -> str:
    for part in parts:
        path = f.index(path, part) if isinstance(part, int) else f.child(path, str(part))
    return path


def _range_detail(low: int, high: int) -> str:
    bits = 32 if high == INT32_RANGE[1] else 64
    return f"must be an int{bits}: between {low} and {high}"


def _plan(cls: type[Any]) -> _Plan:
    plan = _plans.get(cls)
    if plan is None:
        _plans[cls] = []  # a class that refers to itself is being planned: no ints from it yet
        plan = _plans[cls] = list(_make_plan(cls))
    return plan


def _make_plan(cls: type[Any]) -> Iterator[tuple[str, str, int, tuple[int, int]]]:
    hints = typing.get_type_hints(cls)
    for a in attrs.fields(cls):
        wire = wire_name(a)
        parts = _parts(hints[a.name])
        bound = INT64_RANGE if wire in _INT64_FIELDS else INT32_RANGE
        if int in parts:
            yield a.name, wire, _INT, bound
        elif any(attrs.has(p) and _plan(p) for p in parts):
            yield a.name, wire, _STRUCT, bound
        elif any(_holds_ints(p) for p in parts):
            yield a.name, wire, _SEQUENCE, bound


def _parts(t: Any) -> tuple[Any, ...]:
    if typing.get_origin(t) in (typing.Union, type(int | str)):
        return typing.get_args(t)
    return (t,)


def _holds_ints(t: Any) -> bool:
    """A tuple of models of which some hold ints."""
    if typing.get_origin(t) is not tuple:
        return False
    return any(
        isinstance(arg, type) and attrs.has(arg) and bool(_plan(arg)) for arg in typing.get_args(t)
    )


def check_depth(document: object, what: str = "the object") -> None:
    """BadRequest if ``document`` (maps and lists) nests deeper than MAX_DEPTH; never recurses."""
    stack: list[tuple[object, int]] = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, Mapping):
            children: Any = node.values()
        elif isinstance(node, list | tuple):
            children = node
        else:
            continue
        if depth > MAX_DEPTH:
            raise too_deep(what)
        stack.extend((child, depth + 1) for child in children)


def too_deep(what: str) -> BadRequest:
    return BadRequest(f"{what} nests deeper than {MAX_DEPTH} levels of maps and lists")


def check_size(document: Mapping[str, Any], kind: str, name: str) -> None:
    """RequestEntityTooLarge if ``document``'s JSON is beyond what etcd stores."""
    size = _encoded_size(document)
    if size > MAX_OBJECT_BYTES:
        raise RequestEntityTooLarge(
            f"etcdserver: request is too large: {kind} {name!r} is {size} bytes encoded, "
            f"the limit is {MAX_OBJECT_BYTES}",
            kind=kind,
            name=name,
        )


def check_object_size(obj: Any, kind: str, name: str) -> None:
    """``check_size`` of a model object's manifest, which is encoded only when a cheap upper
    bound of its size is beyond the limit (a write of a small object never builds it)."""
    if size_bound(obj) > MAX_OBJECT_BYTES:
        check_size(to_dict(obj), kind, name)


def _encoded_size(document: object) -> int:
    try:
        return len(orjson.dumps(document))
    except TypeError:  # what orjson refuses (an integer beyond 64 bits) is written anyway
        return len(json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode())


def size_bound(obj: Any) -> int:
    """An upper bound of the size of ``to_dict(obj)``'s JSON: ``_FIELD_BOUND``'s when it is
    within the limit (nearly always; no call back from the encoder), else the closer
    ``_encoding_bound`` (a Pod's always)."""
    cls = type(obj)
    if cls is Pod:  # its encoding bound walks its metadata alone (its spec and status are
        # remembered): as cheap as its fields' bound, and closer
        return _encoding_bound(obj)
    header = len(cls.api_version) + len(cls.kind) + len('"apiVersion":"","kind":"",')
    try:
        bound = header + _FIELD_BOUND.of(obj)
    except TypeError:  # a value the fields' bound does not know: the encoding's is taken
        return _encoding_bound(obj)
    if bound <= MAX_OBJECT_BYTES:
        return bound
    return min(bound, _encoding_bound(obj))


def _encoding_bound(obj: Any) -> int:
    """An upper bound of the size of ``to_dict(obj)``'s JSON, from an encoding of the
    object: every field of every model object under its wire name (the wire form leaves
    out the empty ones), the values as the converter writes them (quantities as strings),
    times as orjson writes them (no shorter than RFC 3339 in UTC).

    The parts many objects share are looked up by identity: a Pod's spec and status (the
    Pods of a template share one spec object, see ``default_pod_spec``, and every new Pod
    of a QoS class one Pending status) and managedFields entries (the objects one manager
    creates alike within a second share one, see ``record_update``): the walk writes one
    character in their place and counts their bound's length beside it."""
    cls = type(obj)
    header = len(cls.api_version) + len(cls.kind) + len('"apiVersion":"","kind":"",')
    try:
        entries = obj.metadata.managed_fields
        entry = entries[0] if entries else None  # a create's one entry; an update's first
        entry_in = 0
        if entry is not None:
            entry_in = _ENTRY_STAND_INS.get(entry) or _ENTRY_STAND_INS.put(entry, _stand_in(entry))
        spec = getattr(obj, "spec", None)
        if type(spec) is not PodSpec:  # the one spec many objects share (see int ranges)
            return header + _body_bound(obj, (None, 0, None, 0, entry, entry_in))
        status = obj.status
        spec_in = _SPEC_STAND_INS.get(spec) or _SPEC_STAND_INS.put(spec, _stand_in(spec))
        status_in = _STATUS_STAND_INS.get(status) or _STATUS_STAND_INS.put(
            status, _stand_in(status)
        )
        if cls is Pod:  # (every Pod create) its array, without a call back for it, its spec
            # and its status: ``[metadata,0,0]``, its keys, and the two parts' lengths less
            # the one character each; a status of None is written ``null``, its length.
            meta_bound = _body_bound(obj.metadata, (None, 0, None, 0, entry, entry_in))
            return header + _POD_KEYS + meta_bound + 4 + spec_in + status_in
        return header + _body_bound(obj, (spec, spec_in, status, status_in, entry, entry_in))
    except TypeError:  # what orjson refuses (an integer beyond 64 bits) is written anyway
        return len(json.dumps(to_dict(obj), separators=(",", ":"), ensure_ascii=False).encode())


#: What ``size_bound`` counts in place of each Pod spec and status and each managedFields
#: entry seen lately (its bound's length, never 0), by identity. (Only writes of whole
#: objects ask: creates, whose Pending statuses are few and shared, and updates, which keep
#: the stored status; status writes skip the size check.)
_SPEC_STAND_INS: IdentityMemo[int] = IdentityMemo()
_STATUS_STAND_INS: IdentityMemo[int] = IdentityMemo()
_ENTRY_STAND_INS: IdentityMemo[int] = IdentityMemo()


#: The parts of an object ``_body_bound`` counts by their bound's length rather than walks,
#: each with that length: at most a Pod's spec, its status and one managedFields entry
#: (None where there is none), told apart by identity (no call for each value the walk
#: meets).
_Shared = tuple[object, int, object, int, object, int]
_NOTHING_SHARED: Final[_Shared] = (None, 0, None, 0, None, 0)


def _body_bound(obj: Any, shared: _Shared) -> int:
    """``size_bound`` without the apiVersion and kind; the ``shared`` parts are counted by
    their bound's length, without a walk."""
    # What the objects' keys add (each object is written as an array of its values), and
    # the shared parts' lengths less the one character written in their place: a short
    # placeholder, where a string as long as the part cost orjson a copy of it (kilobytes
    # for a Pod's spec) on every write.
    keys = [0]
    spec, spec_in, status, status_in, entry, entry_in = shared

    def every_field(value: Any) -> object:
        if value is spec:
            keys[0] += spec_in - 1
            return 0
        if value is status:
            keys[0] += status_in - 1
            return 0
        if value is entry:
            keys[0] += entry_in - 1
            return 0
        plan = _every_field_plans.get(type(value))
        if plan is None:
            if isinstance(value, dt.datetime):  # a subclass, which orjson does not write
                return _LONGEST_TIME  # as long as format_time's longest; not formatted for nothing
            if not attrs.has(type(value)):
                return str(value)
            plan = _every_field_plan(type(value))
        values, overhead = plan
        keys[0] += overhead
        return values(value)

    # A time orjson writes itself, with its offset (``+00:00``, naive ones too), in no fewer
    # bytes than format_time's UTC ``Z`` form: no call back for each of an object's times.
    body = orjson.dumps(obj, default=every_field, option=orjson.OPT_NAIVE_UTC)
    return len(body) + keys[0]


def _stand_in(part: Any) -> int:
    """The length ``_body_bound`` counts for ``part`` when it is shared: its bound."""
    return _body_bound(part, _NOTHING_SHARED)


# RFC 3339 in UTC with microseconds, as format_time writes the longest time.
_LONGEST_TIME: Final = "0000-00-00T00:00:00.000000Z"
#: Per model class: its fields' values as a tuple (one C call, where a dict of them took a
#: getattr and a store per field), and what the keys would add to that tuple's JSON array:
#: ``{"key":value}`` is ``[value]`` plus each key, its two quotes and its colon.
_every_field_plans: dict[type[Any], tuple[Callable[[Any], tuple[Any, ...]], int]] = {}


def _every_field_plan(cls: type[Any]) -> tuple[Callable[[Any], tuple[Any, ...]], int]:
    names = list(wire_names(cls).items())
    values: Callable[[Any], tuple[Any, ...]]
    if len(names) > 1:
        values = operator.attrgetter(*(name for name, _ in names))
    elif names:
        values = operator.attrgetter(names[0][0], names[0][0])  # twice: still a bound
    else:
        values = _no_fields
    plan = _every_field_plans[cls] = (values, sum(len(key) + 3 for _, key in names))
    return plan


def _no_fields(_: Any) -> tuple[Any, ...]:
    return ()


#: What a Pod's keys add to its array (``_every_field_plan``): its fields are its metadata,
#: spec and status.
_POD_KEYS: Final = _every_field_plan(Pod)[1]


def _remembered(memo: IdentityMemo[int]) -> Callable[[Any], int]:
    """The bound of a shared part (``_stand_in``), looked up by its identity in ``memo``."""

    def bound(part: Any) -> int:
        return memo.get(part) or memo.put(part, _stand_in(part))

    return bound


#: The bound of an object from its fields (``_field_size``), with the parts
#: ``_encoding_bound`` counts by their remembered bound counted the same (any Pod spec and
#: status, any managedFields entry), and what it does not plan for counted by its encoding
#: bound.
_FIELD_BOUND: Final = FieldSizeBound(
    {
        PodSpec: _remembered(_SPEC_STAND_INS),
        PodStatus: _remembered(_STATUS_STAND_INS),
        ManagedFieldsEntry: _remembered(_ENTRY_STAND_INS),
    },
    other=_stand_in,
)
