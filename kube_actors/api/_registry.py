"""The kind registry: which class serves which apiVersion and kind, and how it is named.

Built-in kinds are registered when ``kube_actors.api`` is imported; an embedding application
adds its own with ``register_kind``. The converter, the manifest loader, ``default`` and
``validate`` look kinds up here, so a registered kind is handled exactly like a built-in one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Final

import attrs

from kube_actors.errors import FieldCause

__all__ = [
    "DefaultHook",
    "KindInfo",
    "PrinterColumn",
    "ScaleSubresource",
    "ValidateHook",
    "guess_plural",
    "kind_info",
    "kinds",
    "lookup_kind",
    "lookup_plural",
    "lookup_resource",
    "register_kind",
    "registration_of",
]

DefaultHook = Callable[[Any], Any]
"""``default(obj) -> obj``: the object with its defaults filled in (idempotent)."""

ValidateHook = Callable[[Any, Any], Iterable[FieldCause]]
"""``validate(obj, old) -> causes``: what is wrong with ``obj`` (``old`` is None on create)."""


def guess_plural(kind: str) -> str:
    """The lowercase plural resource name of a kind (``NetworkPolicy`` → ``networkpolicies``)."""
    lower = kind.lower()
    if lower.endswith("s"):
        return lower + "es"
    if lower.endswith("y") and lower[-2:-1] not in ("a", "e", "i", "o", "u"):
        return lower[:-1] + "ies"
    return lower + "s"


@attrs.frozen(kw_only=True)
class PrinterColumn:
    """A column ``kubectl get`` shows for a kind, as a CRD's ``additionalPrinterColumns``.

    ``json_path`` is a simple JSONPath into the object's manifest (``.spec.replicas``,
    ``.status.conditions[0].status``); ``type`` is string, integer, number, boolean or date
    (a timestamp shown as an age); ``priority`` 1 shows the column only with ``-o wide``.
    """

    name: str
    json_path: str
    type: str = "string"
    format: str = ""
    description: str = ""
    priority: int = 0


@attrs.frozen(kw_only=True)
class ScaleSubresource:
    """Where a kind keeps what its ``scale`` subresource reads and writes, as a CRD's
    ``subresources.scale`` says it: simple JSONPaths into the object's manifest.

    ``spec_replicas_path`` is what ``kubectl scale`` and an autoscaler set;
    ``status_replicas_path`` what they read as the current count; ``label_selector_path``
    (optional) the selector of the Pods the autoscaler measures, a string in a CRD (an HPA
    needs it) or a LabelSelector in the built-in kinds.
    """

    spec_replicas_path: str = ".spec.replicas"
    status_replicas_path: str = ".status.replicas"
    label_selector_path: str = ""


@attrs.frozen(kw_only=True)
class KindInfo:
    """How the API knows a kind: its class, group/version/kind, resource name and scope."""

    cls: type[Any]
    group: str
    version: str
    kind: str
    plural: str
    namespaced: bool
    default: DefaultHook | None = None
    validate: ValidateHook | None = None
    printer_columns: tuple[PrinterColumn, ...] = ()
    #: Whether ``status`` is a subresource: writes of the object keep the stored status and
    #: status writes change only it (a CRD without ``subresources.status`` writes both at
    #: once and has no ``/status``).
    status_subresource: bool = True
    #: The ``scale`` subresource, if the kind has one.
    scale: ScaleSubresource | None = None
    #: For another served version of a resource (a CRD's non-storage version): the class
    #: its objects are stored as; None for the class that is stored.
    stored_as: type[Any] | None = None
    #: ``group/version`` (``version`` alone for the core group): made once, read on every
    #: write and watch event.
    api_version: str = attrs.field(
        init=False,
        eq=False,
        repr=False,
        default=attrs.Factory(
            lambda info: f"{info.group}/{info.version}" if info.group else info.version,
            takes_self=True,
        ),
    )


_by_type: dict[type[Any], KindInfo] = {}
#: The registry entry of a class, or None: ``kind_info`` of a class without its own call
#: (the dict's lookup itself), for the apiserver's lookups on every create.
registration_of: Final[Callable[[type[Any]], KindInfo | None]] = _by_type.get
_by_api_version_kind: dict[tuple[str, str], KindInfo] = {}
_by_plural: dict[tuple[str, str], KindInfo] = {}


def register_kind(
    cls: type[Any],
    *,
    plural: str | None = None,
    namespaced: bool = True,
    default: DefaultHook | None = None,
    validate: ValidateHook | None = None,
    printer_columns: Iterable[PrinterColumn] = (),
    status_subresource: bool = True,
    scale: ScaleSubresource | None = None,
    stored_as: type[Any] | None = None,
) -> KindInfo:
    """Register ``cls`` (a frozen attrs class with ClassVars ``api_version`` and ``kind``).

    ``default`` and ``validate`` are the kind's own hooks; metadata is defaulted and
    validated for every kind regardless. ``printer_columns`` are the columns ``kubectl get``
    shows after NAME (NAME and AGE when there are none). ``status_subresource`` and
    ``scale`` are the kind's subresources (``ScaleSubresource``). ``stored_as`` makes ``cls``
    another version of a registered resource (same group and plural), whose objects are
    stored as that class (a CRD's served versions). Registering the same class again
    replaces its entry; registering another class under a taken apiVersion/kind is a
    ValueError.
    """
    if not attrs.has(cls) or "metadata" not in attrs.fields_dict(cls):
        raise TypeError(f"{cls.__name__} must be an attrs class with a metadata field")
    api_version = getattr(cls, "api_version", None)
    kind = getattr(cls, "kind", None)
    if not isinstance(api_version, str) or not isinstance(kind, str) or not kind:
        raise TypeError(f"{cls.__name__} needs ClassVars api_version and kind")
    group, _, version = api_version.rpartition("/")
    info = KindInfo(
        cls=cls,
        group=group,
        version=version,
        kind=kind,
        plural=plural or guess_plural(kind),
        namespaced=namespaced,
        default=default,
        validate=validate,
        printer_columns=tuple(printer_columns),
        status_subresource=status_subresource,
        scale=scale,
        stored_as=stored_as,
    )
    taken = _by_api_version_kind.get((api_version, kind))
    if taken is not None and not _redefinition(taken.cls, cls):
        raise ValueError(f"{api_version} {kind} is already registered to {taken.cls.__name__}")
    # One resource per plural in a group (the apiserver stores and watches by it): a second
    # version of it would silently take over the first one's objects.
    holder = _by_plural.get((group, info.plural))
    if stored_as is not None:
        if holder is None or holder.cls is not stored_as:
            raise ValueError(f"{stored_as.__name__} is not the stored class of {info.plural}")
        holder = None  # another version of the same resource: the resource stays its own
    elif holder is not None and not _redefinition(holder.cls, cls):
        where = f"{group}/{info.plural}" if group else info.plural
        raise ValueError(
            f"the resource {where} is already registered to {holder.cls.__name__} "
            f"({holder.api_version}); register {cls.__name__} under another kind or plural"
        )
    for replaced in (taken, holder):
        if replaced is not None and replaced.cls is not cls:
            # A redefinition: the old class is no longer a kind (one resource, one class).
            _by_type.pop(replaced.cls, None)
    _by_type[cls] = info
    _by_api_version_kind[(api_version, kind)] = info
    if stored_as is None:
        _by_plural[(group, info.plural)] = info
    return info


def forget_kind(cls: type[Any]) -> None:
    """Stop serving ``cls`` (a deleted CustomResourceDefinition's kind); no-op if unknown."""
    info = _by_type.pop(cls, None)
    if info is None:
        return
    if _by_api_version_kind.get((info.api_version, info.kind)) is info:
        del _by_api_version_kind[(info.api_version, info.kind)]
    if _by_plural.get((info.group, info.plural)) is info:
        del _by_plural[(info.group, info.plural)]


def _redefinition(old: type, new: type) -> bool:
    """The same class, or the same definition run again (a notebook cell, a reloaded module):
    the new class then takes the registration over."""
    return new is old or (new.__module__ == old.__module__ and new.__qualname__ == old.__qualname__)


def lookup_kind(api_version: str, kind: str) -> KindInfo | None:
    """The kind registered under ``apiVersion`` and ``kind``, or None."""
    return _by_api_version_kind.get((api_version, kind))


def lookup_plural(plural: str, group: str = "") -> KindInfo | None:
    """The kind whose resource is ``plural`` in ``group`` (``""`` is the core group)."""
    return _by_plural.get((group, plural))


def lookup_resource(plural: str, group: str, version: str) -> KindInfo | None:
    """The kind served as ``plural`` in ``group/version`` (a resource may have several
    versions: a CRD's served versions), or None."""
    stored = _by_plural.get((group, plural))
    if stored is None or stored.version == version:
        return stored
    return next(
        (
            info
            for info in _by_type.values()
            if info.stored_as is stored.cls and info.version == version
        ),
        None,
    )


def kind_info(obj_or_cls: object) -> KindInfo:
    """The registry entry of an object or class; KeyError if it was never registered."""
    cls = obj_or_cls if isinstance(obj_or_cls, type) else type(obj_or_cls)
    try:
        return _by_type[cls]
    except KeyError:
        raise KeyError(f"{cls.__name__} is not a registered kind") from None


def kinds() -> Iterator[KindInfo]:
    """Every registered kind, built-ins first."""
    return iter(list(_by_type.values()))
