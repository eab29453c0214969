"""Building blocks shared by every kind: read-only maps, field helpers, wire names, times.

Maps are ``FrozenDict``: a ``dict`` subclass with its mutators disabled. A plain dict's C
lookups stay as fast as ever, there is no second object per map (``MappingProxyType`` would
wrap a dict, two objects per map), and it is hashable, so a frozen object holding one is too.
Every empty map is the one shared ``EMPTY`` instance, which keeps 100,000 Pods without labels
cheap. A determined caller can still mutate one through ``dict.__setitem__``; nothing in
kube_actors does, and the objects are shared on that promise.

Lists are tuples. Fields accept any iterable or mapping and freeze it on construction
(attrs converters), so ``Pod(spec=PodSpec(containers=[c]))`` is fine and still immutable.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NoReturn, TypeVar

import attrs

from ._quick_init import builder, converted, keeps

__all__ = [
    "FrozenDict",
    "FrozenTree",
    "freeze_tree",
    "evolve",
    "evolver",
    "mapping",
    "omitempty",
    "seq",
    "wire",
]

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")


class FrozenDict(dict[K, V]):
    """A read-only, hashable ``dict``; see the module docstring for why not MappingProxyType."""

    __slots__ = ()

    def _readonly(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError(f"{type(self).__name__} is read-only; build a new one instead")

    __setitem__ = __delitem__ = _readonly
    clear = pop = popitem = setdefault = update = _readonly
    __ior__ = _readonly

    def __hash__(self) -> int:  # type: ignore[override]
        # Most maps of an object are empty (a Pod spec's hash, taken on every create to
        # find its defaulted twin, meets several): their hash without building a set.
        return hash(frozenset(self.items())) if self else _EMPTY_SET_HASH

    def __repr__(self) -> str:
        return f"FrozenDict({dict.__repr__(self)})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenDict, (dict(self),))

    def __or__(self, other: Mapping[K, V]) -> FrozenDict[K, V]:  # type: ignore[override]
        merged = dict(self)
        merged.update(other)
        return FrozenDict(merged)


EMPTY: FrozenDict[Any, Any] = FrozenDict()
_EMPTY_SET_HASH = hash(frozenset())


class FrozenTree(FrozenDict[K, V]):
    """A ``FrozenDict`` whose nested maps are frozen too (free-form JSON such as
    managedFields' ``fieldsV1``), so that freezing it again can return it as it is.

    Its hash is kept once computed: interning a field set hashes the whole tree, and the
    subtrees a new set shares with earlier ones are then hashed once, not on every write."""

    __slots__ = ("_hash",)

    def __hash__(self) -> int:  # type: ignore[override]
        try:
            return self._hash
        except AttributeError:
            self._hash: int = hash(frozenset(self.items()))
            return self._hash


EMPTY_TREE: FrozenTree[Any, Any] = FrozenTree()


def freeze_tree(value: Mapping[str, Any]) -> Mapping[str, Any]:
    """A JSON object frozen all the way down; parts frozen before are kept as they are."""
    if type(value) is FrozenTree:
        return value
    if not value:
        return EMPTY_TREE
    # A field set's children are FrozenTrees or dicts: told by their type first, without
    # the ABC check ``isinstance(v, Mapping)`` costs (a Python call per child).
    return FrozenTree(
        {
            k: v
            if type(v) is FrozenTree
            else freeze_tree(v)
            if type(v) is dict or isinstance(v, Mapping)
            else v
            for k, v in value.items()
        }
    )


def freeze_map(value: Mapping[Any, Any]) -> Mapping[Any, Any]:
    """Freeze a mapping, reusing it when it is already frozen and ``EMPTY`` when empty."""
    if type(value) is FrozenDict:
        return value
    if not value:
        return EMPTY
    return FrozenDict(value)


def freeze_seq(value: Iterable[Any]) -> tuple[Any, ...]:
    """Freeze a sequence into a tuple (a string is refused: it is almost always a mistake)."""
    if type(value) is tuple:
        return value
    if isinstance(value, str | bytes):
        raise TypeError(f"expected a list, got the string {value!r}")
    return tuple(value)


keeps(tuple, freeze_seq)
keeps(FrozenDict, freeze_map)
keeps(FrozenTree, freeze_tree)


# ``evolve``: attrs.evolve without its per-call cost.
#
# attrs.evolve reads every field by name and runs the class's ``__init__``, converters and all,
# even for the fields it copies unchanged; the apiserver evolves an object a dozen times per
# write, so that was a quarter of a create. Here each class gets, once, a generated function
# that copies the slots as they are and converts only the fields that change. It is exact for
# the classes it accepts (frozen, slotted, no validators, no post-init, no cached hash); any
# other class goes to attrs.evolve.
#
# The changes arrive as keyword-only parameters, one a field, defaulting to a marker: Python's
# own argument matching finds the changed fields, with no loop over the changes and no lookup
# of each (an idle cluster evolves five objects a heartbeat; that loop was half their calls).

_CLONERS: dict[type, Any] = {}
#: What a field's parameter holds when the field is not changed.
_KEEP: Any = object()
#: The generated function's own names, which no field of a class it copies may take.
_CLONER_NAMES = frozenset({"_clone_source", "_clone_new", "_new", "_cls", "_KEEP", "_builder"})


def _taken_by_cloner(name: str) -> bool:
    """Whether a field named ``name`` would clash with the generated function's names."""
    return name in _CLONER_NAMES or name.startswith(("_set", "_convert", "_kept"))


def _cloner(cls: type, changing: tuple[str, ...] | None = None) -> Any:
    """The generated copy of ``cls``'s objects: taking any field's change by name, or, with
    ``changing``, those fields' new values alone, in that order (``copier``)."""
    fields = attrs.fields(cls)
    plain = (
        "__slots__" in cls.__dict__
        and not hasattr(cls, "__attrs_post_init__")
        and not getattr(cls, "__attrs_cache_hash__", False)
        and "__weakref__" not in [f.name for f in fields]
        and all(f.validator is None and f.init for f in fields)
        and not any(_taken_by_cloner(f.name) for f in fields)
    )
    if not plain:
        return None
    setters = {f.name: inspect.getattr_static(cls, f.name) for f in fields}
    if not all(type(s) is _SLOT for s in setters.values()):
        return None
    if changing is None:
        params = "".join(f", {name}=_KEEP" for name in setters)
        signature = f"_clone_source, /, *{params}"
    else:
        signature = f"_clone_source, {''.join(f'{name}, ' for name in changing)}/"
    # The copy is filled as the class's builder, by plain assignments, then made a ``cls``
    # (``builder``); for a class without one, each slot is set through its descriptor's
    # bound ``__set__`` (half the cost of ``object.__setattr__``, which looks the name up
    # in the class's MRO on every call).
    fill = builder(cls)
    # Named for the class: a field it lacks, passed to it straight (``evolver``), is refused
    # as "evolve_<class>() got an unexpected keyword argument".
    lines = [
        f"def clone({signature}):",
        "    _clone_new = _new(_cls)" if fill is None else "    _clone_new = _new(_builder)",
    ]
    namespace: dict[str, Any] = {
        "_new": object.__new__,
        "_cls": cls,
        "_KEEP": _KEEP,
        "_builder": fill,
    }
    for at, field in enumerate(fields):
        name = field.name
        changed = name
        if field.converter is not None:
            changed = converted(name, at, field.converter, namespace)
        if changing is None:
            value = f"_clone_source.{name} if {name} is _KEEP else {changed}"
        else:
            value = changed if name in changing else f"_clone_source.{name}"
        if fill is None:
            namespace[f"_set{at}"] = setters[name].__set__
            lines.append(f"    _set{at}(_clone_new, {value})")
        else:
            lines.append(f"    _clone_new.{name} = {value}")
    if fill is not None:
        lines.append("    _clone_new.__class__ = _cls")
    lines.append("    return _clone_new")
    exec("\n".join(lines), namespace)
    clone = namespace["clone"]
    clone.__name__ = clone.__qualname__ = f"evolve_{cls.__name__}"
    return clone


def copier(cls: type[T], *changing: str) -> Callable[..., T]:
    """What copies the objects of ``cls`` with new values of the fields ``changing`` names,
    given in that order after the object (``copier(Pod, "spec")(pod, spec)`` is
    ``evolve(pod, spec=spec)``), for a place that copies objects of one class with the same
    fields changed on every write: no keyword to match and no default to fill for each field
    kept, which is most of ``evolver``'s copy of a class of many fields (an ObjectMeta).
    A field the class lacks is a TypeError when the copier is made."""
    names = {field.name for field in attrs.fields(cls)}  # type: ignore[arg-type]
    unknown = [name for name in changing if name not in names]
    if unknown:
        raise TypeError(f"{cls.__name__} has no field {unknown[0]!r}")
    if len(set(changing)) != len(changing):
        raise TypeError(f"a field named twice among {changing!r}")
    clone = _cloner(cls, changing)
    if clone is not None:
        result: Callable[..., T] = clone
        return result

    def copy(obj: T, *values: Any) -> T:
        return attrs.evolve(obj, **dict(zip(changing, values, strict=True)))  # type: ignore[misc]

    return copy


#: The type of a ``__slots__`` member's descriptor.
_SLOT = type(FrozenTree.__dict__["_hash"])


def _refuse_unknown_fields(cls: type, changes: Mapping[str, Any]) -> None:
    names = {field.name for field in attrs.fields(cls)}
    for name in changes:
        if name not in names:
            raise TypeError(f"{cls.__name__} has no field {name!r}") from None


def _cloner_of(cls: type) -> Any:
    try:
        return _CLONERS[cls]
    except KeyError:
        clone = _CLONERS[cls] = _cloner(cls)
        return clone


def evolver(cls: type[T]) -> Callable[..., T]:
    """What ``evolve`` copies the objects of ``cls`` with, called as ``evolve`` is
    (``evolver(cls)(obj, **changes)``), for a place that copies objects of one class very
    often (an idle cluster's every heartbeat): ``evolve``'s own call and lookup less. A
    field the class lacks is a TypeError too (in the generated function's words)."""
    clone = _cloner_of(cls)
    if clone is None:
        return attrs.evolve
    result: Callable[..., T] = clone
    return result


def evolve(inst: T, **changes: Any) -> T:
    """A copy of the frozen ``inst`` with ``changes`` (as ``attrs.evolve``, faster)."""
    cls = type(inst)
    try:
        clone = _CLONERS[cls]
    except KeyError:
        clone = _cloner_of(cls)
    if clone is None:
        return attrs.evolve(inst, **changes)  # type: ignore[misc]
    try:
        result: T = clone(inst, **changes)
    except TypeError:
        # A name the class has no field for is refused in the class's words, not in the
        # generated function's; any other TypeError (a converter's) is the caller's own.
        _refuse_unknown_fields(cls, changes)
        raise
    return result


# Field helpers. Each returns an attrs field; the type annotation on the class stays exact.


def seq() -> Any:
    """A list field, stored as a tuple; empty lists are left out of the manifest."""
    return attrs.field(default=(), converter=freeze_seq)


def mapping() -> Any:
    """A map field, stored as a ``FrozenDict``; empty maps are left out of the manifest."""
    return attrs.field(default=EMPTY, converter=freeze_map)


def omitempty(default: T) -> T:
    """A field with a zero value that is left out of the manifest (Go's ``omitempty``)."""
    field: T = attrs.field(default=default, metadata={"omitempty": True})
    return field


def wire(name: str, default: Any = None, **kwargs: Any) -> Any:
    """A field whose wire name the camelCase rule cannot guess."""
    return attrs.field(default=default, metadata={"wire": name}, **kwargs)


# Words Kubernetes spells in capitals inside camelCase names (podIP, hostIPs, podCIDR,
# containerID, systemUUID); every other word is simply capitalised.
_ACRONYMS = {
    "ip": "IP",
    "ips": "IPs",
    "cidr": "CIDR",
    "cidrs": "CIDRs",
    "id": "ID",
    "uuid": "UUID",
    "uid": "UID",
}


def wire_name(attribute: attrs.Attribute[Any]) -> str:
    """The camelCase key of an attribute in a manifest (metadata ``wire`` overrides)."""
    explicit = attribute.metadata.get("wire")
    if explicit:
        return str(explicit)
    head, *rest = attribute.name.split("_")
    return head + "".join(_ACRONYMS.get(word, word.capitalize()) for word in rest)


def parse_time(value: object) -> dt.datetime:
    """An RFC 3339 timestamp (``2024-05-01T12:00:00Z``) or a datetime, as an aware UTC datetime."""
    if isinstance(value, dt.datetime):
        stamp = value
    elif isinstance(value, str):
        stamp = dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    else:
        raise TypeError("expected an RFC 3339 timestamp")
    if stamp.tzinfo is None:
        return stamp.replace(tzinfo=dt.UTC)
    return stamp.astimezone(dt.UTC)


def format_time(value: dt.datetime) -> str:
    """RFC 3339 in UTC; microseconds only when there are some (Time vs MicroTime)."""
    # isoformat writes the same digits (microseconds only when there are some) many times
    # faster than strftime, which a list of 10,000 objects notices.
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat() + "Z"
