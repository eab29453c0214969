"""``quick_init``: a frozen attrs class built without ``object.__setattr__`` per field.

attrs' ``__init__`` of a frozen class sets each field through ``object.__setattr__`` bound to
the new object: a method-wrapper call a field, each with an argument tuple to pack and
unpack and the field's name looked up in the class's MRO. Most of building a small message
goes there (a ``KeyValue`` of six fields, about 10,000 instructions, a third of them that).
An idle cluster builds about ten such objects a heartbeat (the kubelet's ``Update``, the
apiserver's ``Txn``, etcd's ``KeyValue`` and responses, the watch cache's events).

``quick_init(cls)`` gives such a class an ``__init__`` with the same keyword-only
parameters, defaults (factories too) and converters, which sets each slot through its
descriptor's ``__set__`` (as ``evolver``'s copies do): the same object, the same
``TypeError`` for a missing or unknown argument. A class it cannot build that way (not
slotted, keyword-only parameters not all, a validator, ``__attrs_pre_init__`` or
``__attrs_post_init__``, a slot that is no field (a cached hash), a field not in
``__init__``, a converter that takes the object or field) keeps attrs' own.

``quick_new(cls)`` is the same building as a plain function whose parameters are the fields
in their order (positional or by name, the same defaults and converters): what a place that
builds one class on every heartbeat calls, without the class call and the keyword arguments
it parses (``type.__call__``, then ``__init__``): about a quarter of a small message's cost.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

__all__ = ["ATTRS_INITS", "builder", "converted", "keeps", "quick_init", "quick_new"]

T = TypeVar("T")

#: attrs' own ``__init__`` of each class given the quicker one (for the tests to compare).
ATTRS_INITS: dict[type, Any] = {}
#: The generated function's own names, which no parameter may take (nor one these begin).
_RESERVED = frozenset({"self", "_NOTHING", "_new", "_cls", "_builder"})
_RESERVED_PREFIXES = ("_set", "_factory", "_default", "_convert", "_kept")
#: converter -> the type whose objects it returns as they are (``keeps``).
_KEPT: dict[Any, type] = {}


def keeps(kind: type, *converters: Callable[[Any], Any]) -> None:
    """Mark field ``converters`` as returning an object of exactly ``kind`` as it is (a
    tuple for a list field, a frozen map for a map field): the generated functions
    (``quick_new``, ``quick_init``, ``evolver``) test the type themselves and call a
    converter only for anything else, a Python frame less for each such field set on
    every write. (A registration, not a decorator: mypy's attrs plugin takes only plain
    functions as converters.)"""
    for converter in converters:
        _KEPT[converter] = kind


def converted(value: str, at: int, converter: Any, namespace: dict[str, Any]) -> str:
    """The generated expression that converts the parameter ``value`` of field number
    ``at`` through ``converter`` (put in ``namespace``), without its call when ``value``
    is of the type it keeps (``keeps``)."""
    namespace[f"_convert{at}"] = converter
    kept = _KEPT.get(converter)
    if kept is None:
        return f"_convert{at}({value})"
    namespace[f"_kept{at}"] = kept
    namespace["_kept_type"] = type  # a field may be named ``type``
    return f"({value} if _kept_type({value}) is _kept{at} else _convert{at}({value}))"


#: cls -> its builder (``builder``), or None when it has none.
_BUILDERS: dict[type, type | None] = {}


def builder(cls: type) -> type | None:
    """A subclass of the frozen, slotted ``cls`` with its very layout whose attributes are
    set by plain assignments, for the generated functions (``quick_new``, ``evolver``) to
    fill a new object with and then make it a ``cls`` (``obj.__class__ = cls``); None when
    Python refuses that assignment for ``cls``.

    A frozen class's ``__setattr__`` raises, so its slots could only be set through each
    slot descriptor's ``__set__``: a method-wrapper call a field, with an argument tuple
    packed and unpacked (a tenth of an idle heartbeat's instructions). With
    ``object.__setattr__`` and ``object.__delattr__`` as its own, the builder's attribute
    stores are the interpreter's specialised slot stores (``STORE_ATTR_SLOT``), a few
    instructions each. Nothing else sees a builder's object: it is a ``cls`` before it is
    returned."""
    try:
        return _BUILDERS[cls]
    except KeyError:
        pass
    made: type | None = type(cls)(
        f"{cls.__name__}Builder",
        (cls,),
        {
            "__slots__": (),
            "__setattr__": object.__setattr__,
            "__delattr__": object.__delattr__,
            "__module__": cls.__module__,
            "__qualname__": f"{cls.__qualname__}Builder",
        },
    )
    probe: Any = object.__new__(made)  # type: ignore[arg-type]
    try:
        probe.__class__ = cls
    except TypeError:
        made = None
    _BUILDERS[cls] = made
    return made


def quick_init(cls: type[T]) -> type[T]:
    """Give the frozen, slotted attrs class ``cls`` the quicker ``__init__`` (see the
    module); a class decorator, placed above ``attrs.frozen``."""
    init = _quick_init_of(cls)
    if init is not None:
        ATTRS_INITS[cls] = own = cls.__init__
        init.__annotations__ = dict(getattr(own, "__annotations__", {}))
        type.__setattr__(cls, "__init__", init)
    return cls


def quick_new(cls: type[T]) -> Callable[..., T]:
    """A function that builds an object of the frozen, slotted attrs class ``cls`` from its
    fields in their order (positional or by name), as ``cls(...)`` builds it (see the
    module); a ``TypeError`` for a class it cannot build that way."""
    new = _generated(cls, positional=True)
    if new is None:
        raise TypeError(f"quick_new cannot build {cls.__qualname__}: use the class")
    result: Callable[..., T] = new
    return result


def _quick_init_of(cls: type) -> Any:
    return _generated(cls, positional=False)


def _generated(cls: type, *, positional: bool) -> Any:
    """``cls``'s ``__init__`` (keyword-only, as attrs makes it) or, ``positional``, a
    function that makes the object itself and takes the fields in order; None when
    ``cls`` is not plain enough (``_plain``)."""
    if not _plain(cls):
        return None
    fields = attrs.fields(cls)
    params: list[str] = []
    lines: list[str] = []
    namespace: dict[str, Any] = {"_NOTHING": attrs.NOTHING, "_new": object.__new__, "_cls": cls}
    # ``__init__`` is given the object made already (a ``cls``): its slots set through
    # their descriptors; ``new`` fills a builder of its own when ``cls`` has one.
    fill = builder(cls) if positional else None
    namespace["_builder"] = fill
    for at, field in enumerate(fields):
        setter = cls.__dict__.get(field.name)
        if type(setter) is not types.MemberDescriptorType:
            return None
        name = field.alias
        namespace[f"_set{at}"] = setter.__set__
        default = field.default
        if default is attrs.NOTHING:
            params.append(name)
        elif isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            if default.takes_self:
                return None
            namespace[f"_factory{at}"] = default.factory
            params.append(f"{name}=_NOTHING")
            lines.append(f"    if {name} is _NOTHING: {name} = _factory{at}()")
        else:
            namespace[f"_default{at}"] = default
            params.append(f"{name}=_default{at}")
        value = name
        if field.converter is not None:
            value = converted(name, at, field.converter, namespace)
        if fill is None:
            lines.append(f"    _set{at}(self, {value})")
        else:
            lines.append(f"    self.{field.name} = {value}")
    if positional:
        signature = f"def new({', '.join(params)}):"
        if fill is None:
            lines = ["    self = _new(_cls)", *lines, "    return self"]
        else:  # filled as a builder, then made a ``cls``
            made_cls = ["    self.__class__ = _cls", "    return self"]
            lines = ["    self = _new(_builder)", *lines, *made_cls]
    elif params:
        signature = f"def __init__(self, *, {', '.join(params)}):"
    else:
        signature = "def __init__(self):"
    exec("\n".join([signature, *(lines or ["    pass"])]), namespace)
    made = namespace["new" if positional else "__init__"]
    made.__qualname__ = f"{cls.__qualname__}.{made.__name__}"
    made.__module__ = cls.__module__
    return made


def _plain(cls: type) -> bool:
    """Whether attrs' ``__init__`` of ``cls`` sets each field from its keyword argument,
    default or factory, through its converter, and does nothing else."""
    if not attrs.has(cls) or "__slots__" not in cls.__dict__:
        return False
    if any(hasattr(cls, hook) for hook in ("__attrs_pre_init__", "__attrs_post_init__")):
        return False
    names = {field.name for field in attrs.fields(cls)}
    if set(cls.__dict__["__slots__"]) - {"__weakref__"} - names:
        return False  # a slot attrs' ``__init__`` sets besides the fields (a cached hash)
    for field in attrs.fields(cls):
        if not field.init or not field.kw_only or field.validator is not None:
            return False
        if field.alias in _RESERVED or field.alias.startswith(_RESERVED_PREFIXES):
            return False
        if field.converter is not None and not _plain_converter(field.converter):
            return False
    return True


def _plain_converter(converter: Any) -> bool:
    """A converter called with the value alone (not an ``attrs.Converter`` that takes the
    object or the field)."""
    wrapped = getattr(attrs, "Converter", None)
    return wrapped is None or not isinstance(converter, wrapped)
