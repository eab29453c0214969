"""The API's verbs as messages: what a client sends the apiserver, and what comes back.

These are Kubernetes' request types (metav1.ListOptions, DeleteOptions, Preconditions,
WatchEvent, ...) plus one message per verb. They are plain frozen data: the apiserver actor
answers them, the client builds them; neither imports the other.

A kind is named by its class (``Get(kind=Pod, ...)``), which the kind registry maps to its
group, version, resource name and scope; user kinds registered with ``register_kind`` work the
same way.

Names that mean something else elsewhere: ``List`` here is the list *verb* (an
``ObjectList`` is what it answers; ``typing.List`` is unrelated); ``Watch`` and ``Delete``
are on Kubernetes objects, where etcd's ``WatchCreate`` and ``DeleteRange`` are on keys;
``WatchEvent`` is what a watch delivers, where ``Event`` is the Kubernetes kind and
``etcd.KeyEvent`` a change of one key; ``reconcile.Request`` is what a controller reconciles,
not a request to the apiserver.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any, Final, Literal, Protocol

import attrs

from kube_actors.errors import BadRequest

from ._list_options import ResourceVersionMatch
from ._quick_init import quick_init

__all__ = [
    "Create",
    "CreateEach",
    "Delete",
    "DeleteCollection",
    "DeleteOptions",
    "Get",
    "List",
    "ObjectList",
    "Patch",
    "PatchType",
    "Preconditions",
    "PropagationPolicy",
    "Update",
    "UpdateStatus",
    "Watch",
    "WatchEvent",
    "WatchEventType",
    "WatchStream",
]

PropagationPolicy = Literal["Orphan", "Background", "Foreground"]
PatchType = Literal["merge", "json", "strategic", "apply"]
WatchEventType = Literal["ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR"]


def _typed(field: str, expected: type | tuple[type, ...], wording: str) -> Any:
    """An attrs validator refusing a wrongly typed value as the apiserver's decoder does:
    BadRequest naming the field (``bool`` is never an int here)."""

    def check(_: object, __: attrs.Attribute[Any], value: object) -> None:
        if value is None:
            return
        if isinstance(value, expected) and not (isinstance(value, bool) and wording == "int64"):
            return
        raise BadRequest(
            f"cannot unmarshal {type(value).__name__} into field {field} of type {wording}"
        )

    return check


def _policy(_: object, __: attrs.Attribute[Any], value: object) -> None:
    if value is not None and value not in _POLICIES:
        supported = ", ".join(f'"{p}"' for p in _POLICIES)
        raise BadRequest(
            f"propagationPolicy: Unsupported value: {value!r}: supported values: {supported}"
        )


_POLICIES: Final = ("Orphan", "Background", "Foreground")


@attrs.frozen(kw_only=True)
class Preconditions:
    """Delete only if the object still has this uid / resourceVersion."""

    uid: str | None = attrs.field(
        default=None, validator=_typed("preconditions.uid", str, "string")
    )
    resource_version: str | None = attrs.field(
        default=None, validator=_typed("preconditions.resourceVersion", str, "string")
    )


@attrs.frozen(kw_only=True)
class DeleteOptions:
    """How to delete: grace period (Pods), dependents' fate, preconditions.

    Wrongly typed options are refused here, with BadRequest naming the field, before they
    reach the apiserver.
    """

    grace_period_seconds: int | None = attrs.field(
        default=None, validator=_typed("gracePeriodSeconds", int, "int64")
    )
    propagation_policy: PropagationPolicy | None = attrs.field(default=None, validator=_policy)
    preconditions: Preconditions | None = attrs.field(
        default=None, validator=_typed("preconditions", Preconditions, "Preconditions")
    )


@attrs.frozen(kw_only=True)
class Create:
    """Create ``obj`` (``metadata.generateName`` is honoured). Answers the stored object.

    Creating a ``Binding`` binds its Pod (the ``pods/binding`` subresource).

    Every write takes ``dry_run`` (Kubernetes' ``dryRun=All``: the whole write path runs,
    defaulting, admission, validation and conflict checks, but nothing is stored; the answer
    is what would have been) and, except deletes, ``field_manager`` (the name the change is
    recorded under in ``metadata.managedFields``).
    """

    obj: Any
    dry_run: bool = False
    field_manager: str = ""


@attrs.frozen(kw_only=True)
class CreateEach:
    """Create each of ``objs`` as a ``Create`` of its own would, in order, in one message.
    Answers one outcome for each: the stored object, or the ``ApiError`` its create raised.

    Each create is handled, defaulted, admitted, validated, versioned and watched as it
    would be alone; only the message is shared, so that a writer of many small objects (the
    Events recorder) pays one round trip for them (``Client.create_each``).
    """

    objs: tuple[Any, ...]
    field_manager: str = ""


@attrs.frozen(kw_only=True)
class Get:
    """Answers the object, or raises NotFound.

    ``resource_version`` as for ``List``: ``""`` the latest, ``"0"`` any cached state, else
    at least that fresh.
    """

    kind: type[Any]
    name: str
    namespace: str = ""
    resource_version: str = ""


@attrs.frozen(kw_only=True)
class List:
    """Answers an ``ObjectList``.

    ``resource_version``: ``""`` is a consistent read (the latest), ``"0"`` any cached state,
    anything else must be served at least that fresh (``resource_version_match``
    ``"NotOlderThan"``, or unset), or exactly at that revision (``"Exact"``, read from the
    store: ``Gone`` once compacted). A version the cache has not reached within 3 seconds is
    a ``Timeout``. ``limit`` and ``continue_token`` page through a consistent snapshot, as
    Kubernetes' chunked lists do.
    """

    kind: type[Any]
    namespace: str = ""
    label_selector: str | Mapping[str, str] | None = None
    field_selector: str | None = None
    resource_version: str = ""
    resource_version_match: ResourceVersionMatch = ""
    limit: int = 0
    continue_token: str = ""


@attrs.frozen(kw_only=True)
class Watch:
    """Answers a ``WatchStream`` of the changes after ``resource_version``.

    ``""`` or ``"0"`` starts with synthetic ADDED events for the current state, then the
    changes; a resourceVersion older than what the watch cache keeps is ``Gone`` (410).
    """

    kind: type[Any]
    namespace: str = ""
    label_selector: str | Mapping[str, str] | None = None
    field_selector: str | None = None
    resource_version: str = ""
    allow_bookmarks: bool = True


@quick_init
@attrs.frozen(kw_only=True)
class Update:
    """Replace the object's spec and metadata (status is ignored); answers the stored object.

    A set ``metadata.resourceVersion`` that is not the current one is a Conflict.
    """

    obj: Any
    dry_run: bool = False
    field_manager: str = ""


@attrs.frozen(kw_only=True)
class UpdateStatus:
    """Replace the object's status (spec and most metadata ignored): the status subresource."""

    obj: Any
    dry_run: bool = False
    field_manager: str = ""


@attrs.frozen(kw_only=True)
class Patch:
    """Patch an object: JSON merge patch (a mapping), JSON patch (a list of operations),
    strategic merge patch (a mapping, with Kubernetes' ``$patch`` directives) or server-side
    apply (``"apply"``: a mapping, the manager's whole intent; ``field_manager`` is required,
    ``force`` takes over fields other managers own instead of answering Conflict, and an
    absent object is created)."""

    kind: type[Any]
    name: str
    patch: Mapping[str, Any] | Sequence[Mapping[str, Any]]
    namespace: str = ""
    patch_type: PatchType = "merge"
    subresource: Literal["", "status"] = ""
    dry_run: bool = False
    field_manager: str = ""
    force: bool = False


@attrs.frozen(kw_only=True)
class Delete:
    """Delete (or, with finalizers or a grace period, mark for deletion); answers the object
    as it then stands."""

    kind: type[Any]
    name: str
    namespace: str = ""
    options: DeleteOptions = DeleteOptions()
    dry_run: bool = False


@attrs.frozen(kw_only=True)
class DeleteCollection:
    """Delete every object of a kind that matches the selectors (in ``namespace``, or all
    namespaces if empty), each as ``Delete`` would; answers an ``ObjectList`` of the objects
    as they then stand (deleted, or marked for deletion)."""

    kind: type[Any]
    namespace: str = ""
    label_selector: str | Mapping[str, str] | None = None
    field_selector: str | None = None
    options: DeleteOptions = DeleteOptions()
    dry_run: bool = False


@attrs.frozen(kw_only=True)
class ObjectList:
    """One page of a list, with the resourceVersion it was read at."""

    items: tuple[Any, ...]
    resource_version: str
    continue_token: str = ""
    remaining_item_count: int | None = None


@quick_init
@attrs.frozen(kw_only=True)
class WatchEvent:
    """One change seen by a watch. ``ERROR`` carries the ApiError in ``error``;
    ``BOOKMARK`` carries only a resourceVersion (in ``resource_version``)."""

    type: WatchEventType
    obj: Any = None
    resource_version: str = ""
    error: Exception | None = None
    #: With tracing on: the trace id of the request that made this change.
    cause: int | None = None


class WatchStream(Protocol):
    """What a Watch answers: events in resourceVersion order, each exactly once.

    Iterate it; it ends after an ``ERROR`` event (the watcher was too slow, or its start was
    compacted) or once ``close()`` was called. Each ``__anext__`` may return several events
    delivered together (``next_batch``), to keep fan-out cheap.
    """

    def __aiter__(self) -> AsyncIterator[WatchEvent]: ...

    async def next_batch(self) -> Sequence[WatchEvent]:
        """The events ready now (at least one), or an empty sequence once closed."""
        ...

    def close(self) -> None: ...
