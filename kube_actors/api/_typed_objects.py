"""``compare`` on the frozen objects themselves, for the apiserver's hot write path.

An update shares every unchanged part with the object it replaces (``evolve`` copies
references), so walking the two objects side by side and skipping what is the very same
object costs only what changed, where turning both into wire dicts first would cost the whole
object twice per write. Whatever differs is turned into its wire form there and handed to the
dict walker (``_typed``), so both give the same sets.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import operator
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

from ._base import EMPTY_TREE, FrozenTree, wire_name
from ._converter import converter, zero_value_written
from ._fieldset import SELF, item_element, string_key_element
from ._memo import IdentityMemo
from ._meta import ObjectMeta, OwnerReference
from ._pod import PodSpec
from ._shape import Shape
from ._typed import compare_value

__all__ = ["compare_objects"]

K = TypeVar("K")
V = TypeVar("V")

#: The types whose values are scalars on the wire, each written as itself or (a time) as one
#: string: two unequal values of one of them are a modified leaf.
_SCALARS = frozenset({dt.datetime, str, int, bool, float})
_SKIPPED = {"managedFields"}  # nobody manages managedFields: left out of every comparison
#: What the server sets in metadata, owned by nobody (Kubernetes' stripMetaManager).
SERVER_METADATA = (
    "name",
    "namespace",
    "creationTimestamp",
    "selfLink",
    "uid",
    "generation",
    "managedFields",
    "resourceVersion",
)
_plans: dict[type[Any], list[tuple[str, str, bool]]] = {}
_names: dict[type[Any], dict[str, str]] = {}


def compare_objects(
    old: Any | None, new: Any, shape: Shape, *, skip: tuple[str, ...] = ()
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(added, modified, removed) from ``old`` (None: nothing, a create) to ``new``,
    leaving out the top-level fields ``skip`` names (those nobody may own here) and what
    the server sets in metadata."""
    if old is None:
        return _object_set(new, shape, skip), {}, {}
    added: dict[str, Any] = {}
    modified: dict[str, Any] = {}
    removed: dict[str, Any] = {}
    _walk(old, new, shape, added, modified, removed, skip, top=True)
    added.pop("f:apiVersion", None)
    added.pop("f:kind", None)
    return added, modified, removed


def _plan(cls: type[Any]) -> list[tuple[str, str, bool]]:
    """Per field: its name, wire key, and whether a zero value is written out anyway."""
    plan = _plans.get(cls)
    if plan is None:
        attrs.resolve_types(cls)
        plan = _plans[cls] = [
            (a.name, wire_name(a), zero_value_written(a))
            for a in attrs.fields(cls)
            if wire_name(a) not in _SKIPPED
        ]
    return plan


def _walk(
    old: Any | None,
    new: Any | None,
    shape: Shape,
    added: dict[str, Any],
    modified: dict[str, Any],
    removed: dict[str, Any],
    skip: tuple[str, ...] = (),
    top: bool = False,
) -> None:
    cls = type(new) if new is not None else type(old)
    # Each side's field values in one call (the plan of a create's walk, ``_fields_in``),
    # and each field's shape, path element and whether it is a value struct worked out once.
    values, fields = _fields_in(cls, shape)
    olds = values(old) if old is not None else (None,) * len(fields)
    news = values(new) if new is not None else (None,) * len(fields)
    for (key, zero_written, child, required, element), before, after in zip(
        fields, olds, news, strict=True
    ):
        # Most fields of an update are the very objects the stored one has: that test first.
        if before is after or key in skip:
            continue
        below = SERVER_METADATA if top and key == "metadata" else ()
        model = type(after)
        if required or (
            type(before) is model
            and not child.atomic
            and child.kind == "struct"
            and (_models.get(model) or _is_model(model))
        ):
            if before == after:
                continue
            sub: tuple[dict[str, Any], dict[str, Any], dict[str, Any]] = ({}, {}, {})
            _walk(before, after, child, *sub, below)
            for target, found in zip((added, modified, removed), sub, strict=True):
                if found:
                    target[element] = found
            continue
        gone = before is None or (not zero_written and not before)
        vanished = after is None or (not zero_written and not after)
        if gone and vanished:
            continue
        if gone:  # the object walk of a create, without writing the value out first
            added[element] = _all(after, child)
        elif vanished:
            removed[element] = _all(before, child)
        elif type(before) is type(after) and type(before) in _SCALARS:
            # A time is a scalar (a Lease's renewTime on every renewal), and so is a
            # string, number or flag (a condition's status, a container's ready): unequal
            # values write unequal wire values, so it is modified without writing both out.
            if before != after:
                modified[element] = EMPTY_TREE
        elif before != after and not _keyed_items(
            element, before, after, child, added, modified, removed
        ):
            compare_value(
                element,
                converter.unstructure(before),
                converter.unstructure(after),
                child,
                added,
                modified,
                removed,
            )


def _keyed_items(
    element: str,
    before: Any,
    after: Any,
    shape: Shape,
    added: dict[str, Any],
    modified: dict[str, Any],
    removed: dict[str, Any],
) -> bool:
    """A list of structs keyed by some of their fields (a Pod's conditions and container
    statuses, which every status write changes) compared item by item on the objects, as
    the wire walk's ``_compare_list`` does on dicts; False, having done nothing, for any
    other list."""
    field, item_shape = shape.field, shape.element
    if (
        type(before) is not tuple
        or type(after) is not tuple
        or field.list_type != "map"
        or not field.list_map_keys
        or item_shape is None
        or shape.atomic
        or not _all_models(before)
        or not _all_models(after)
    ):
        return False
    keys, defaults = field.list_map_keys, field.key_defaults
    old = {_item_element(item, keys, defaults): item for item in before}
    new = {_item_element(item, keys, defaults): item for item in after}
    found: tuple[dict[str, Any], dict[str, Any], dict[str, Any]] = ({}, {}, {})
    leaf = item_shape.atomic or item_shape.kind == "leaf"
    for path, item in new.items():
        previous = old.get(path)
        if previous is None:
            # A new condition is a flat struct: its shared set, without ``_all``'s tests.
            flat = None if leaf else _flat_set(item, item_shape, member=True)
            found[0][path] = flat if flat is not None else _all(item, item_shape)
        elif previous is not item and previous != item:
            if leaf:
                found[1][path] = EMPTY_TREE
                continue
            inner: tuple[dict[str, Any], dict[str, Any], dict[str, Any]] = ({}, {}, {})
            _walk(previous, item, item_shape, *inner)
            for target, sub in zip(found, inner, strict=True):
                if sub:
                    target[path] = sub
    for path, item in old.items():
        if path not in new:
            found[2][path] = _all(item, item_shape)
    for target, sub in zip((added, modified, removed), found, strict=True):
        if sub:
            target[element] = sub
    return True


# ------------------------------------------------------------------------------- create
#
# A create's "added" set straight from the object, in one pass: what ``compare({}, wire)``
# gives, without building the wire dict first (a create is the apiserver's most frequent
# write, and the wire form of a whole object is most of its managedFields' cost).


def _created(
    obj: Any,
    shape: Shape,
    skip: tuple[str, ...] = (),
    *,
    top: bool = False,
    known: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The added set below a struct present on both sides (a Go value struct): its fields.
    ``known``: the sets of some of its fields (not the metadata's), found already."""
    if not top and not skip:
        flat: dict[str, Any] | None = _flat_set(obj, shape, member=False)
        if flat is not None:
            return flat
    out: dict[str, Any] = {}
    values, fields = _fields_in(type(obj), shape)
    for (key, zero_written, child, required, element), value in zip(
        fields, values(obj), strict=True
    ):
        if value is None or (not zero_written and not value) or key in skip:
            continue
        sub: dict[str, Any] | None
        if known is not None and key in known:
            sub = known[key]
            if sub or not required:
                out[element] = sub
            continue
        if required:
            if top and key == "metadata":
                sub = _created_metadata(value, child)
            elif top and type(value) is PodSpec:  # most often seen before (``_CREATED_OF``)
                sub = _CREATED_OF.get(value, child)
                if sub is None:
                    sub = _CREATED_OF.put(value, _created(value, child), child)
            else:
                sub = _created(value, child)
            if sub:
                out[element] = sub
            continue
        # A scalar (most of an Event's fields) is a leaf: as ``_all`` gives it, uncalled.
        out[element] = EMPTY_TREE if child.atomic or child.kind == "leaf" else _all(value, child)
    return _shared_object_set(out) if top else FrozenTree(out)


def _shared_object_set(out: dict[str, Any]) -> Any:
    """``FrozenTree(out)``, one per combination of keys and child sets: the field sets of
    objects made alike (Events, a template's Pods) have the same children (the shared
    metadata, flat struct and spec sets), so their own set is found by those children's
    identities rather than built and hashed again. (The set held here holds the children,
    so while it is here no other object can have their ids.)"""
    key = (tuple(out), tuple(map(id, out.values())))
    found = _object_sets.get(key)
    if found is None:
        found = _kept(_object_sets, key, FrozenTree(out))
    return found


def _object_set(obj: Any, shape: Shape, skip: tuple[str, ...]) -> Any:
    """``_created`` of a whole object, looked up by what it depends on where that is cheap
    to tell: which of its fields are present; for its metadata, what ``_created_metadata``
    looks its set up by; for a flat struct (``_flat_set``), which of its fields are present;
    for any other struct, map or list, its set, as ``_created`` finds it. The objects one
    component makes alike (a recorder's Events, a template's Pods) set the same fields with
    other values: their set is found with no call per field or per flat struct."""
    plan = _object_plans.get((type(obj), shape, skip))
    if plan is None:
        plan = _object_plans[(type(obj), shape, skip)] = _object_plan(type(obj), shape, skip)
    key_of, held_fields, sets = plan
    keyed = key_of(obj)
    if keyed is None:  # a value of another class than the plan's: the walk itself
        return _created(obj, shape, skip, top=True)
    key, held = keyed
    hit = sets.get(key)
    if hit is not None:
        return hit[0]
    # A miss (a Node's spec, whose podCIDRs are its own; a Lease's owner, its Node): the
    # sets the key names are used as they are, not found again.
    known = {name: sub for name, sub in zip(held_fields, held, strict=True) if sub is not None}
    result = _created(obj, shape, skip, top=True, known=known)
    # The sets named by id are kept with the entry: while it is here, no other set has
    # their ids.
    _kept(sets, key, (result, held))
    return result


def _created_field(value: Any, child: Shape, required: bool) -> Any:
    """The set ``_created`` gives a present field of a whole object that is a struct, a map
    or a list: a value struct's (a Pod's spec looked up by identity), or ``_all``'s."""
    if not required:
        return _all(value, child)
    if type(value) is not PodSpec:
        return _created(value, child)
    sub = _CREATED_OF.get(value, child)
    return sub if sub is not None else _CREATED_OF.put(value, _created(value, child), child)


_NONES = itertools.repeat(None)

#: Per (class, shape, fields skipped): the generated function giving an object's key (and
#: the sets its key names by id) or None (``_object_key_function``); the wire keys of the
#: fields whose sets those are; and the sets found, by key (each with the sets it names).
_ObjectPlan = tuple[
    Callable[[Any], tuple[tuple[Any, ...], tuple[Any, ...]] | None],
    tuple[str, ...],
    dict[tuple[Any, ...], tuple[Any, tuple[Any, ...]]],
]
_object_plans: dict[tuple[type[Any], Shape, tuple[str, ...]], _ObjectPlan] = {}


def _object_plan(cls: type[Any], shape: Shape, skip: tuple[str, ...]) -> _ObjectPlan:
    key_of, held_fields = _object_key_function(cls, shape, skip)
    return key_of, held_fields, {}


def _object_key_function(
    cls: type[Any], shape: Shape, skip: tuple[str, ...]
) -> tuple[Callable[[Any], Any], tuple[str, ...]]:
    """A function, generated for ``cls``, giving of one of its objects a key its created set
    depends on alone, with the sets that key names by id; None when a field holds a value of
    another class than the one planned for it (the caller then walks the object).

    The key holds, per field not skipped, whether it is present (truthy, or not None if its
    zero value is written, as ``_created`` tells it), and below a present field: for the
    metadata, what ``_metadata_key`` gives; for a flat struct (``_flat_set``), whether each
    of its fields is present; for any other struct, map or list, the id of its set, as
    ``_created_field`` finds it. Straight-line code, one expression per field, where a loop
    over the fields built and hashed a tuple per struct: the key of an Event, a dozen fields
    and three structs, costs a few Python steps a field."""
    fields = _fields_in(cls, shape)[1]
    namespace: dict[str, Any] = {
        "_ObjectMeta": ObjectMeta,
        "_created_field": _created_field,
        "_created_of": _CREATED_OF.get,
        **_METADATA_KEY_NAMES,
        "_id": id,
        "_type": type,
    }
    lines = ["def object_set_key(_o):"]
    items: list[str] = []
    held: list[str] = []
    held_fields: list[str] = []
    for at, ((name, _, _), (key, zero_written, child, required, _)) in enumerate(
        zip(_plan(cls), fields, strict=True)
    ):
        if key in skip:
            continue
        test = "{} is not None" if zero_written else "not not {}"
        if not required and (child.atomic or child.kind == "leaf"):
            items.append(test.format(f"_o.{name}"))
            continue  # a leaf: that it is present is all its set says
        value, present = f"_v{at}", f"_p{at}"
        lines.append(f"    {value} = _o.{name}")
        lines.append(f"    {present} = {test.format(value)}")
        items.append(present)
        flat = _flat_fields(child)
        if required and key == "metadata":
            # (Absent, or no ObjectMeta: the walk. Present, it needs no item of its own.)
            items.pop()
            lines.append(f"    if not {present} or _type({value}) is not _ObjectMeta: return None")
            items.extend(part.format(value) for _, part in _METADATA_KEY_PARTS)
        elif flat is not None:
            namespace[f"_C{at}"] = child.cls
            lines.append(f"    if {present} and _type({value}) is not _C{at}: return None")
            items.extend(
                f"{present} and {value}.{inner} is not None"
                if inner_zero_written
                else f"{present} and not not {value}.{inner}"
                for inner, inner_zero_written in flat
            )
        else:
            namespace[f"_S{at}"] = child
            sub = f"_s{at}"
            found = f"_created_field({value}, _S{at}, {required})"
            if required and child.cls is PodSpec:  # most often seen before (``_CREATED_OF``)
                found = f"(_created_of({value}, _S{at}) or {found})"
            lines.append(f"    {sub} = {found} if {present} else None")
            items.append(f"_id({sub})")
            held.append(sub)
            held_fields.append(key)
    returned = "".join(f"{item}, " for item in items)
    lines.append(f"    return ({returned}), ({''.join(f'{sub}, ' for sub in held)})")
    exec("\n".join(lines), namespace)
    key_of = namespace["object_set_key"]
    key_of.__name__ = key_of.__qualname__ = f"object_set_key_{cls.__name__}"
    return key_of, tuple(held_fields)


def _flat_fields(shape: Shape) -> list[tuple[str, bool]] | None:
    """Of a struct shape whose class is flat (``_flat_set``: every field a scalar or an
    atomic value, none a value struct), each field's attribute name and whether its zero
    value is written; None for any other shape."""
    cls = shape.cls
    if shape.kind != "struct" or cls is None or shape.atomic or not _is_model(cls):
        return None
    fields = _fields_in(cls, shape)[1]
    if not all(
        (child.atomic or child.kind == "leaf") and not req for _, _, child, req, _ in fields
    ):
        return None
    return [(name, zero_written) for name, _, zero_written in _plan(cls)]


def _zero_written_of(fields: _Fields) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    """From a tuple of ``fields``' values, those of the fields whose zero value is written."""
    at = [i for i, (_, zero_written, _, _, _) in enumerate(fields) if zero_written]
    if len(at) > 1:
        return operator.itemgetter(*at)
    # One index, or none: a slice, which is a tuple still (and no Python call either).
    return operator.itemgetter(slice(at[0], at[0] + 1) if at else slice(0, 0))


#: The most sets each of the tables of shared sets above and below keeps.
_SHARED_SETS_MAX = 1024


def _kept(table: dict[K, V], key: K, value: V) -> V:
    """``value``, kept under ``key`` in one of the bounded tables of shared sets (cleared
    when full: a table costs at most its bound)."""
    if len(table) >= _SHARED_SETS_MAX:
        table.clear()
    table[key] = value
    return value


#: ``_shared_object_set`` by keys and children's identities; bounded, cleared when full.
_object_sets: dict[tuple[tuple[str, ...], tuple[int, ...]], Any] = {}


def _created_metadata(meta: Any, shape: Shape) -> dict[str, Any]:
    """A create's set of its metadata (the server's fields left out), which depends only on
    which of the other fields are set, the keys of the labels and annotations, the owner
    references and the finalizers: one shared set per combination (every Pod of a template
    has the same), where each create walked the metadata again."""
    if type(meta) is not ObjectMeta:
        return _created(meta, shape, SERVER_METADATA)
    return _metadata_set(meta, shape, _metadata_key(meta))


def _metadata_set(meta: ObjectMeta, shape: Shape, key: tuple[Any, ...]) -> dict[str, Any]:
    """``_created_metadata`` of an ObjectMeta whose ``_metadata_key`` is ``key``."""
    lookup = (shape, *key)
    found = _metadata_sets.get(lookup)
    if found is None:
        found = _kept(_metadata_sets, lookup, _created(meta, shape, SERVER_METADATA))
    return found


#: An owner reference's class and every field's value, as ``attrs``' eq compares them.
_reference_values = operator.attrgetter(
    "__class__", *(a.name for a in attrs.fields(OwnerReference))
)

#: What an ObjectMeta's set depends on, besides its shape (``_created_metadata``): per field
#: the server does not set, the expression (of the metadata, ``{0}``) giving its part. The
#: owner references are there as their classes and values, which hash without a Python
#: call each (a key is hashed at every lookup and store, and a Lease's is new each time).
#: ``_metadata_key`` and each whole object's key (``_object_key_function``) are made of them.
_METADATA_KEY_PARTS = (
    ("generateName", "not not {0}.generate_name"),
    ("deletionTimestamp", "{0}.deletion_timestamp is not None"),
    ("deletionGracePeriodSeconds", "{0}.deletion_grace_period_seconds is not None"),
    ("labels", "_tuple({0}.labels) if {0}.labels else ()"),
    ("annotations", "_tuple({0}.annotations) if {0}.annotations else ()"),
    (
        "ownerReferences",
        "_tuple(_map(_reference_values, {0}.owner_references)) if {0}.owner_references else ()",
    ),
    ("finalizers", "{0}.finalizers"),
)
#: The names those expressions use.
_METADATA_KEY_NAMES: dict[str, Any] = {
    "_tuple": tuple,
    "_map": map,
    "_reference_values": _reference_values,
}


def _metadata_key_function() -> Callable[[ObjectMeta], tuple[Any, ...]]:
    parts = "".join(f"{part.format('meta')}, " for _, part in _METADATA_KEY_PARTS)
    namespace = dict(_METADATA_KEY_NAMES)
    exec(f"def metadata_key(meta):\n    return ({parts})", namespace)
    key: Callable[[ObjectMeta], tuple[Any, ...]] = namespace["metadata_key"]
    return key


#: What an ObjectMeta's set depends on, besides its shape (``_created_metadata``).
_metadata_key = _metadata_key_function()


#: ``_created_metadata`` by what it depends on; bounded, cleared when full.
_metadata_sets: dict[tuple[Any, ...], dict[str, Any]] = {}
#: The fields of ObjectMeta ``_created_metadata`` reads, besides the server's: a field added
#: to ObjectMeta must be added there too (a test compares this with the class).
METADATA_SET_BY = tuple(key for key, _ in _METADATA_KEY_PARTS)


#: Per (class, shape): its fields' values as a tuple (one C call), and for each field its
#: wire key, whether a zero value is written, its shape, whether Go always writes it (a value
#: struct) and its path element; worked out once, where the walks of every create looked
#: each of them up again per field.
_Fields = tuple[tuple[str, bool, Shape, bool, str], ...]
_FieldPlan = tuple[Callable[[Any], tuple[Any, ...]], _Fields]
_field_plans: dict[tuple[type[Any], Shape], _FieldPlan] = {}


def _fields_in(cls: type[Any], shape: Shape) -> _FieldPlan:
    plan = _field_plans.get((cls, shape))
    if plan is None:
        required = shape.required_structs()
        fields = _plan(cls)
        names = [name for name, _, _ in fields]
        values: Callable[[Any], tuple[Any, ...]]
        if len(names) > 1:
            values = operator.attrgetter(*names)
        else:
            values = functools.partial(_few_values, names)
        plan = _field_plans[(cls, shape)] = (
            values,
            tuple(
                (key, zero_written, shape.child(key), key in required, "f:" + key)
                for _, key, zero_written in fields
            ),
        )
    return plan


def _few_values(names: list[str], obj: Any) -> tuple[Any, ...]:
    return tuple(getattr(obj, name) for name in names)


#: Whether values of a type are model objects (attrs classes), by type.
_models: dict[type[Any], bool] = {}


def _is_model(cls: type[Any]) -> bool:
    """``attrs.has(cls)``, looked up: the walks ask it of every changed field and list item,
    and for a type that is no attrs class ``attrs.has`` looks for a generic base each time."""
    model = _models.get(cls)
    if model is None:
        model = _models[cls] = attrs.has(cls)
    return model


def _all_models(items: tuple[Any, ...]) -> bool:
    """Whether every item of ``items`` is a model object, asked once per type (a list most
    often holds one)."""
    return all(map(_is_model, set(map(type, items))))  # (no comprehension: no call of its own)


def _all(value: Any, shape: Shape) -> dict[str, Any]:
    """``_everything`` of a present value's wire form: it and every path beneath it."""
    if shape.atomic or shape.kind == "leaf":
        return EMPTY_TREE  # a tuple too: an atomic list, or one of scalars
    if isinstance(value, tuple):
        return _all_items(value, shape)
    cls = type(value)
    if _models.get(cls) or _is_model(cls):
        flat: dict[str, Any] | None = _flat_set(value, shape, member=True)
        if flat is not None:
            return flat
        out: dict[str, Any] = {SELF: EMPTY_TREE}
        values, fields = _fields_in(cls, shape)
        for (_, zero_written, child, required, element), field in zip(
            fields, values(value), strict=True
        ):
            if field is None or (not zero_written and not field):
                continue
            node = _all(field, child)
            if (
                node is EMPTY_TREE
                and required
                and (not child.atomic or not converter.unstructure(field))
            ):
                continue  # an empty value struct: the wire form leaves it out
            out[element] = node
        return FrozenTree(out) if len(out) > 1 else EMPTY_TREE
    if isinstance(value, dict):
        values_shape = shape.element or shape
        if values_shape.atomic or values_shape.kind == "leaf":
            return _map_of_leaves(value)
        items: dict[str, Any] = {SELF: EMPTY_TREE}
        for key, item in value.items():
            items["f:" + key] = _all(item, values_shape)
        return FrozenTree(items)
    return EMPTY_TREE


def _map_of_leaves(value: dict[str, Any]) -> dict[str, Any]:
    """The set of a map of scalars (labels, annotations): the map and each of its keys,
    which depends on its keys alone; one shared set per key list (the labels of a template's
    Pods have the same keys), its hash kept for interning the object's set."""
    keys = tuple(value)
    found = _leaf_maps.get(keys)
    if found is None:
        members = {SELF: EMPTY_TREE, **{"f:" + key: EMPTY_TREE for key in keys}}
        found = _kept(_leaf_maps, keys, FrozenTree(members))
    return found


#: ``_map_of_leaves`` by the map's keys, in their order; bounded, cleared when full.
_leaf_maps: dict[tuple[str, ...], dict[str, Any]] = {}


def _flat_set(obj: Any, shape: Shape, *, member: bool) -> Any:
    """The field set of a flat struct (every field a scalar or an atomic value, none a value
    struct: an ObjectReference, an Event's source, a condition), which depends only on which
    of its fields are present: one shared set per combination, built once. ``member``: as
    ``_all`` gives it (the struct itself a member), else as ``_created`` does. None for any
    other struct."""
    cls = type(obj)
    plan = _flat_sets.get((cls, shape, member), _NOT_PLANNED)
    if plan is _NOT_PLANNED:
        fields = _fields_in(cls, shape)[1]
        flat = all(
            (child.atomic or child.kind == "leaf") and not required
            for _, _, child, required, _ in fields
        )
        written = any(zero_written for _, zero_written, _, _, _ in fields)
        zeros = _zero_written_of(fields) if written else None
        plan = _flat_sets[(cls, shape, member)] = ({}, zeros) if flat else None
    if plan is None:
        return None
    sets, zeros_written = plan
    values, fields = _fields_in(cls, shape)
    found_values = values(obj)
    # A field is present when it is not empty (None, "", 0, False, ()): bool's answer; one
    # whose zero value is written, when it is not None: the two tuples tell it (as in
    # ``_object_set``), without a Python step per field.
    truthy = tuple(map(bool, found_values))
    key: Any = (
        truthy
        if zeros_written is None
        else (truthy, tuple(map(operator.is_, zeros_written(found_values), _NONES)))
    )
    found = sets.get(key)
    if found is None:
        present = tuple(
            [
                not (value is None or (not zero_written and not value))
                for (_, zero_written, _, _, _), value in zip(fields, found_values, strict=True)
            ]
        )
        here = zip(fields, present, strict=True)
        elements = [element for (_, _, _, _, element), there in here if there]
        if member:
            found = FrozenTree({SELF: EMPTY_TREE, **dict.fromkeys(elements, EMPTY_TREE)})
            found = found if elements else EMPTY_TREE
        else:
            found = FrozenTree(dict.fromkeys(elements, EMPTY_TREE))
        sets[key] = found
    return found


_NOT_PLANNED: Any = object()
#: Per (class, shape, member) of a flat struct, its sets by which fields are present (as
#: ``_flat_set`` tells it), and, if any of its fields writes its zero value, those fields'
#: values from the tuple of all (None: the class is not flat).
_flat_sets: dict[
    tuple[type[Any], Shape, bool],
    tuple[dict[Any, Any], Callable[[tuple[Any, ...]], tuple[Any, ...]] | None] | None,
] = {}


#: ``_created`` of the Pod specs walked lately, by identity: a Pod's spec is most often one
#: its template's other Pods carried (``default_pod_spec`` gives them one object). A field
#: set depends on the object and its shape alone. Only Pod specs are kept: whatever else a
#: write holds is new with each object, and keeping it would only feed the garbage collector.
_CREATED_OF: IdentityMemo[dict[str, Any]] = IdentityMemo()


def _all_items(items: tuple[Any, ...], shape: Shape) -> dict[str, Any]:
    field = shape.field
    keys = field.list_map_keys if field.list_type == "map" else ()
    element = shape.element
    # A list of one item is left out: its set costs about what a lookup would, and such a
    # list (an owner reference, keyed by its owner's uid) is most often its object's own,
    # which kept would only push the shared sets (conditions, addresses) out.
    if keys and element is not None and len(items) > 1:
        found = _flat_items_set(items, shape, keys, element)
        if found is not None:
            return found
    out: dict[str, Any] = {SELF: EMPTY_TREE}
    for item in items:
        if keys and element is not None and _is_model(type(item)):
            out[_item_element(item, keys, field.key_defaults)] = _all(item, element)
        else:
            out[item_element((), converter.unstructure(item))] = EMPTY_TREE
    return FrozenTree(out)


def _flat_items_set(
    items: tuple[Any, ...], shape: Shape, keys: tuple[str, ...], element: Shape
) -> dict[str, Any] | None:
    """``_all_items`` of a keyed list of flat structs (a Node's or a Pod's conditions, a
    Node's addresses: most of a kubelet's first status), which depends only on each item's
    path element and its ``_flat_set``: one shared set per combination, found by those
    (the flat sets by identity: ``_flat_sets`` keeps them for good), where the list's set
    was built and later hashed anew on every status write. None, having built nothing, when
    an item is no flat struct."""
    cls = type(items[0])
    if element.atomic or element.kind == "leaf" or not (_models.get(cls) or _is_model(cls)):
        return None  # (an atomic item is a leaf: ``_all`` gives it no set of its own)
    defaults = shape.field.key_defaults
    elements = []
    flats = []
    for item in items:
        if type(item) is not cls:
            return None
        flat = _flat_set(item, element, member=True)
        if flat is None:
            return None
        elements.append(_item_element(item, keys, defaults))
        flats.append(flat)
    lookup = (shape, tuple(elements), tuple(map(id, flats)))
    found = _flat_item_sets.get(lookup)
    if found is None:
        found = _kept(
            _flat_item_sets,
            lookup,
            FrozenTree({SELF: EMPTY_TREE, **dict(zip(elements, flats, strict=True))}),
        )
    return found


#: ``_flat_items_set`` by shape, the items' elements and their flat sets' ids; bounded,
#: cleared when full.
_flat_item_sets: dict[tuple[Shape, tuple[str, ...], tuple[int, ...]], dict[str, Any]] = {}


def _item_element(item: Any, keys: tuple[str, ...], defaults: Any) -> str:
    """The path element of a model list item by its key fields: ``item_element`` of its
    ``_key_values``. A list keyed by one field that holds a string (a condition's type, a
    container's name: each status write of a Pod meets them all) has the element looked up
    by that field's name and value, where the general path builds and sorts a dict of the
    key values and hashes a tuple of them: for one string key ``_key_values`` gives
    ``{key: value}`` and nothing else, so its element depends on the two alone."""
    name = _single_keys.get((type(item), keys), _NOT_PLANNED)
    if name is _NOT_PLANNED:
        name = _single_keys[(type(item), keys)] = _single_key_name(type(item), keys)
    if name is not None:
        value = getattr(item, name, None)
        if type(value) is str and value:
            found = _single_key_elements.get((keys[0], value))
            if found is None:
                key_value = (keys[0], value)
                found = _kept(_single_key_elements, key_value, string_key_element(*key_value))
            return found
    return item_element(keys, _key_values(item, keys, defaults))


def _single_key_name(cls: type[Any], keys: tuple[str, ...]) -> str | None:
    """The attribute holding the one key field of items of ``cls`` keyed by ``keys``; None
    when they are keyed by several fields or by one the class does not have."""
    if len(keys) != 1:
        return None
    return {key: name for name, key, _ in _plan(cls)}.get(keys[0])


#: ``_single_key_name`` by class and keys, worked out once: a status write meets every
#: condition of the object twice (``_keyed_items``), and each looked its name up in steps.
_single_keys: dict[tuple[type[Any], tuple[str, ...]], str | None] = {}


#: ``_item_element`` of the items keyed by one string field, by that key and its value;
#: bounded, cleared when full.
_single_key_elements: dict[tuple[str, str], str] = {}


def _key_values(item: Any, keys: tuple[str, ...], defaults: Any) -> dict[str, Any]:
    cls = type(item)
    names = _names.get(cls)
    if names is None:
        names = _names[cls] = {key: name for name, key, _ in _plan(cls)}
    found: dict[str, Any] = {}
    for key in keys:
        value = getattr(item, names[key], None) if key in names else None
        if value is None or value == "":
            if key in defaults:
                found[key] = defaults[key]
            continue
        found[key] = value if isinstance(value, str | int) else converter.unstructure(value)
    return found
