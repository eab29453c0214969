"""``Client``: typed verbs on the apiserver, sent as messages to its actor.

controller-runtime splits a client into a ``Reader`` (get, list), a ``Writer`` (create,
update, patch, delete) and a ``StatusWriter`` (the status subresource); code that only reads
asks for a ``Reader`` and tests can hand it a fake or a cache. ``Client`` implements all
three, plus ``watch``. Each method builds one request of ``kube_actors.api`` and ``ask``s its
transport: the apiserver actor in-process, or an ``HttpTransport`` to any Kubernetes API
server (``Client.from_kubeconfig``, ``Client.in_cluster``); errors come back as the
``ApiError`` the apiserver raised (``NotFound``, ``Conflict``, ``Invalid``...),
``ServiceUnavailable`` (503, retry) while the apiserver is down or unreachable, or
``AskTimeout`` past the client's ``timeout``.

Objects go out and come back as the same frozen instances: nothing is copied.
"""

from __future__ import annotations

import asyncio
import builtins
import os
from collections.abc import Awaitable, Mapping, Sequence
from types import TracebackType
from typing import Any, Final, Literal, Protocol, TypeVar, overload

from kube_actors.actors import ActorRef
from kube_actors.api import (
    Create,
    CreateEach,
    Delete,
    DeleteCollection,
    DeleteOptions,
    Get,
    List,
    ObjectList,
    Patch,
    PatchType,
    Preconditions,
    PropagationPolicy,
    ResourceVersionMatch,
    Update,
    UpdateStatus,
    Watch,
    WatchStream,
    quick_new,
)
from kube_actors.errors import ActorStopped, ApiError, NotFound, ServiceUnavailable

from ._config import ClientConfig, in_cluster_config, load_kubeconfig
from ._http import HttpTransport

__all__ = [
    "Client",
    "LabelSelectorArg",
    "Reader",
    "StatusWriter",
    "Transport",
    "Writer",
    "ignore_not_found",
]

T = TypeVar("T")
R = TypeVar("R")

#: A label selector as the API takes it: ``"app=web,tier!=db"``, or a map of equalities.
LabelSelectorArg = str | Mapping[str, str] | None
PatchBody = Mapping[str, Any] | Sequence[Mapping[str, Any]]

#: An ``Update`` built without the class call (``quick_new``, by field name): a
#: kubelet renews its Lease with one every 10 s.
_new_update: Final = quick_new(Update)
#: A ``Create`` likewise: a scheduler binds each pod with one, a recorder writes Events.
_new_create: Final = quick_new(Create)


class Transport(Protocol):
    """Where a ``Client`` sends its requests: the apiserver actor's ``ActorRef``, or an
    ``HttpTransport``. ``ask`` answers a request message of ``kube_actors.api`` or raises
    the ``ApiError`` the server answered."""

    @property
    def name(self) -> str: ...

    async def ask(self, message: object, *, timeout: float | None = None) -> Any: ...


class Reader(Protocol):
    """Reads objects: from the apiserver (``Client``) or from a cache."""

    async def get(self, kind: type[T], name: str, *, namespace: str = "") -> T: ...

    async def list(
        self,
        kind: type[T],
        *,
        namespace: str = "",
        label_selector: LabelSelectorArg = None,
        field_selector: str | None = None,
    ) -> builtins.list[T]: ...


class Writer(Protocol):
    """Creates, changes and deletes objects."""

    async def create(self, obj: T, *, dry_run: bool = False, field_manager: str = "") -> T: ...

    async def update(self, obj: T, *, dry_run: bool = False, field_manager: str = "") -> T: ...

    async def patch(
        self,
        kind: type[T],
        name: str,
        patch: PatchBody,
        *,
        namespace: str = "",
        patch_type: PatchType = "merge",
        dry_run: bool = False,
        field_manager: str = "",
        force: bool = False,
    ) -> T: ...

    @overload
    async def delete(
        self,
        kind: type[T],
        name: str,
        *,
        namespace: str = "",
        propagation_policy: PropagationPolicy | None = None,
        grace_period_seconds: int | None = None,
        preconditions: Preconditions | None = None,
        ignore_not_found: Literal[False] = False,
        dry_run: bool = False,
    ) -> T: ...

    @overload
    async def delete(
        self,
        kind: type[T],
        name: str,
        *,
        namespace: str = "",
        propagation_policy: PropagationPolicy | None = None,
        grace_period_seconds: int | None = None,
        preconditions: Preconditions | None = None,
        ignore_not_found: bool,
        dry_run: bool = False,
    ) -> T | None: ...


class StatusWriter(Protocol):
    """Writes the status subresource."""

    async def update_status(
        self, obj: T, *, dry_run: bool = False, field_manager: str = ""
    ) -> T: ...

    async def patch_status(
        self,
        kind: type[T],
        name: str,
        patch: PatchBody,
        *,
        namespace: str = "",
        patch_type: PatchType = "merge",
        dry_run: bool = False,
        field_manager: str = "",
        force: bool = False,
    ) -> T: ...


class Client:
    """The apiserver's verbs, typed by kind: ``await client.get(Pod, "web-0", namespace="a")``.

    ``timeout`` bounds each request on the running clock (None: wait as long as it takes).
    ``field_manager`` names the writer in managedFields when a write names none (what
    Kubernetes derives from a client's user agent: ``kubelet``, ``kube-controller-manager``).
    """

    __slots__ = ("apiserver", "field_manager", "timeout")

    def __init__(
        self,
        apiserver: ActorRef | Transport,
        *,
        timeout: float | None = None,
        field_manager: str = "",
    ) -> None:
        self.apiserver: ActorRef | Transport = apiserver
        self.timeout = timeout
        self.field_manager = field_manager

    def __repr__(self) -> str:
        return f"Client({self.apiserver!r})"

    # ------------------------------------------------------------------ over HTTP

    @classmethod
    def from_config(
        cls, config: ClientConfig, *, timeout: float | None = None, field_manager: str = ""
    ) -> Client:
        """A client of the API server ``config`` describes, over HTTP."""
        return cls(HttpTransport(config), timeout=timeout, field_manager=field_manager)

    @classmethod
    def from_kubeconfig(
        cls,
        path: str | os.PathLike[str] | None = None,
        context: str | None = None,
        *,
        timeout: float | None = None,
        field_manager: str = "",
    ) -> Client:
        """A client of the cluster a kubeconfig names (``$KUBECONFIG`` or ``~/.kube/config``
        if ``path`` is None; its current context if ``context`` is None), over HTTP."""
        config = load_kubeconfig(path, context)
        return cls.from_config(config, timeout=timeout, field_manager=field_manager)

    @classmethod
    def in_cluster(cls, *, timeout: float | None = None, field_manager: str = "") -> Client:
        """A client of the cluster this program runs in as a pod: its service account's
        token and CA, ``KUBERNETES_SERVICE_HOST`` and ``KUBERNETES_SERVICE_PORT``."""
        return cls.from_config(in_cluster_config(), timeout=timeout, field_manager=field_manager)

    async def aclose(self) -> None:
        """Close an HTTP client's connections (nothing to do in-process)."""
        if isinstance(self.apiserver, HttpTransport):
            await self.apiserver.aclose()

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _ask(self, request: object) -> Any:
        try:
            return await self.apiserver.ask(request, timeout=self.timeout)
        except ActorStopped as stopped:
            raise self._unavailable() from stopped

    def _unavailable(self) -> ServiceUnavailable:
        # The apiserver is down (stopped, or restarted while handling this request): to
        # the caller it is a 503 to retry, as an unreachable kube-apiserver is.
        return ServiceUnavailable(
            "the server is currently unable to handle the request "
            f"({self.apiserver.name} is not running)"
        )

    # ------------------------------------------------------------------------ reading

    async def get(
        self, kind: type[T], name: str, *, namespace: str = "", resource_version: str = ""
    ) -> T:
        """The object, or ``NotFound``. ``resource_version``: ``""`` the latest, ``"0"`` any
        cached state, else at least that fresh (``Timeout`` if not reached within 3 s)."""
        get = Get(kind=kind, name=name, namespace=namespace, resource_version=resource_version)
        obj: T = await self._ask(get)
        return obj

    async def list(
        self,
        kind: type[T],
        *,
        namespace: str = "",
        label_selector: LabelSelectorArg = None,
        field_selector: str | None = None,
        limit: int = 0,
        resource_version: str = "",
        resource_version_match: ResourceVersionMatch = "",
    ) -> builtins.list[T]:
        """Every matching object (all namespaces if ``namespace`` is empty).

        With a ``limit``, the list is read in pages of that size, following the continue
        tokens through one consistent snapshot; ``list_page`` returns a single page.
        ``resource_version`` and ``resource_version_match`` as Kubernetes reads them: see
        ``kube_actors.api.List``.
        """
        page = await self.list_page(
            kind,
            namespace=namespace,
            label_selector=label_selector,
            field_selector=field_selector,
            limit=limit,
            resource_version=resource_version,
            resource_version_match=resource_version_match,
        )
        items: builtins.list[T] = builtins.list(page.items)
        while page.continue_token:
            page = await self.list_page(
                kind,
                namespace=namespace,
                label_selector=label_selector,
                field_selector=field_selector,
                limit=limit,
                continue_token=page.continue_token,
            )
            items.extend(page.items)
        return items

    async def list_page(
        self,
        kind: type[Any],
        *,
        namespace: str = "",
        label_selector: LabelSelectorArg = None,
        field_selector: str | None = None,
        limit: int = 0,
        continue_token: str = "",
        resource_version: str = "",
        resource_version_match: ResourceVersionMatch = "",
    ) -> ObjectList:
        """One page of a list, with the resourceVersion it was read at (to watch from)."""
        page: ObjectList = await self._ask(
            List(
                kind=kind,
                namespace=namespace,
                label_selector=label_selector,
                field_selector=field_selector,
                resource_version=resource_version,
                resource_version_match=resource_version_match,
                limit=limit,
                continue_token=continue_token,
            )
        )
        return page

    async def watch(
        self,
        kind: type[Any],
        *,
        namespace: str = "",
        label_selector: LabelSelectorArg = None,
        field_selector: str | None = None,
        resource_version: str = "",
        allow_bookmarks: bool = True,
    ) -> WatchStream:
        """A stream of the changes after ``resource_version`` (``""``: the current state as
        ADDED events first). An old resourceVersion raises ``Gone``: list again."""
        stream: WatchStream = await self._ask(
            Watch(
                kind=kind,
                namespace=namespace,
                label_selector=label_selector,
                field_selector=field_selector,
                resource_version=resource_version,
                allow_bookmarks=allow_bookmarks,
            )
        )
        return stream

    # ------------------------------------------------------------------------ writing

    async def create(self, obj: T, *, dry_run: bool = False, field_manager: str = "") -> T:
        """The object as stored (name generated, uid, resourceVersion, defaults).

        ``dry_run``: run the whole write path but store nothing (``dryRun=All``);
        ``field_manager``: the manager the change is recorded under in managedFields.
        """
        stored: T = await self._ask(
            _new_create(obj=obj, dry_run=dry_run, field_manager=field_manager or self.field_manager)
        )
        return stored

    async def create_each(
        self, objs: Sequence[T], *, field_manager: str = ""
    ) -> builtins.list[T | ApiError]:
        """Create each of ``objs`` as ``create`` would, in order: one outcome for each, the
        object as stored or the ``ApiError`` its create raised. In-process the creates go to
        the apiserver as one message (``CreateEach``), each still its own create; over HTTP,
        one request each, as Kubernetes' API has no such verb."""
        manager = field_manager or self.field_manager
        if isinstance(self.apiserver, ActorRef):
            outcomes: builtins.list[T | ApiError] = await self._ask(
                CreateEach(objs=tuple(objs), field_manager=manager)
            )
            return outcomes
        each: builtins.list[T | ApiError] = []
        for obj in objs:
            try:
                each.append(await self.create(obj, field_manager=manager))
            except ApiError as error:
                each.append(error)
        return each

    async def update(self, obj: T, *, dry_run: bool = False, field_manager: str = "") -> T:
        """Replace spec and metadata; ``Conflict`` if its resourceVersion is stale."""
        stored: T = await self._ask(
            _new_update(obj=obj, dry_run=dry_run, field_manager=field_manager or self.field_manager)
        )
        return stored

    def create_nowait(self, obj: T, *, field_manager: str = "") -> asyncio.Future[T] | None:
        """Send ``create(obj)`` without waiting for the answer: the future of what it
        returns or raises (``answer`` reads it), for an actor to hand ``when_done``. None
        where the create must be awaited: over HTTP, with a timeout, or while the
        apiserver's mailbox is full or it is stopped (``create`` then)."""
        return self._ask_nowait(
            _new_create(obj=obj, field_manager=field_manager or self.field_manager)
        )

    def update_nowait(self, obj: T, *, field_manager: str = "") -> asyncio.Future[T] | None:
        """Send ``update(obj)`` without waiting for the answer: the future of what it
        returns or raises (``answer`` reads it), for an actor to hand ``when_done``. None
        where the update must be awaited: over HTTP, with a timeout, or while the
        apiserver's mailbox is full or it is stopped (``update`` then)."""
        return self._ask_nowait(
            _new_update(obj=obj, field_manager=field_manager or self.field_manager)
        )

    def _ask_nowait(self, request: object) -> asyncio.Future[Any] | None:
        """Send ``request`` without waiting (``ActorRef.ask_nowait``); None over HTTP,
        with a timeout, or when the apiserver's mailbox is full or it is stopped."""
        apiserver = self.apiserver
        if self.timeout is not None or not isinstance(apiserver, ActorRef):
            return None
        return apiserver.ask_nowait(request)

    def answer(self, reply: asyncio.Future[T]) -> T:
        """What the request ``reply`` is the future of returned, or its error, as the
        awaited verb gives them (an apiserver that stopped before answering: a 503)."""
        try:
            return reply.result()
        except ActorStopped as stopped:
            raise self._unavailable() from stopped

    async def patch(
        self,
        kind: type[T],
        name: str,
        patch: PatchBody,
        *,
        namespace: str = "",
        patch_type: PatchType = "merge",
        dry_run: bool = False,
        field_manager: str = "",
        force: bool = False,
    ) -> T:
        """A JSON merge patch (a mapping, camelCase as on the wire), a JSON patch, a
        strategic merge patch, or server-side apply (``patch_type="apply"``, the manager's
        whole configuration; ``field_manager`` required, ``force`` overrides conflicts)."""
        stored: T = await self._ask(
            Patch(
                kind=kind,
                name=name,
                namespace=namespace,
                patch=patch,
                patch_type=patch_type,
                dry_run=dry_run,
                field_manager=field_manager or self.field_manager,
                force=force,
            )
        )
        return stored

    @overload
    async def delete(
        self,
        kind: type[T],
        name: str,
        *,
        namespace: str = "",
        propagation_policy: PropagationPolicy | None = None,
        grace_period_seconds: int | None = None,
        preconditions: Preconditions | None = None,
        ignore_not_found: Literal[False] = False,
        dry_run: bool = False,
    ) -> T: ...

    @overload
    async def delete(
        self,
        kind: type[T],
        name: str,
        *,
        namespace: str = "",
        propagation_policy: PropagationPolicy | None = None,
        grace_period_seconds: int | None = None,
        preconditions: Preconditions | None = None,
        ignore_not_found: bool,
        dry_run: bool = False,
    ) -> T | None: ...

    async def delete(
        self,
        kind: type[T],
        name: str,
        *,
        namespace: str = "",
        propagation_policy: PropagationPolicy | None = None,
        grace_period_seconds: int | None = None,
        preconditions: Preconditions | None = None,
        ignore_not_found: bool = False,
        dry_run: bool = False,
    ) -> T | None:
        """Delete, or mark for deletion (finalizers, a grace period); the object as it then
        stands. With ``ignore_not_found``, an object already gone answers None."""
        options = DeleteOptions(
            grace_period_seconds=grace_period_seconds,
            propagation_policy=propagation_policy,
            preconditions=preconditions,
        )
        request = Delete(
            kind=kind, name=name, namespace=namespace, options=options, dry_run=dry_run
        )
        try:
            obj: T = await self._ask(request)
        except NotFound:
            if ignore_not_found:
                return None
            raise
        return obj

    async def delete_collection(
        self,
        kind: type[T],
        *,
        namespace: str = "",
        label_selector: LabelSelectorArg = None,
        field_selector: str | None = None,
        propagation_policy: PropagationPolicy | None = None,
        grace_period_seconds: int | None = None,
        preconditions: Preconditions | None = None,
        dry_run: bool = False,
    ) -> builtins.list[T]:
        """Delete every matching object (all namespaces if ``namespace`` is empty), each as
        ``delete`` would; the objects as they then stand."""
        options = DeleteOptions(
            grace_period_seconds=grace_period_seconds,
            propagation_policy=propagation_policy,
            preconditions=preconditions,
        )
        page: ObjectList = await self._ask(
            DeleteCollection(
                kind=kind,
                namespace=namespace,
                label_selector=label_selector,
                field_selector=field_selector,
                options=options,
                dry_run=dry_run,
            )
        )
        return builtins.list(page.items)

    # ------------------------------------------------------------------ status writer

    async def update_status(self, obj: T, *, dry_run: bool = False, field_manager: str = "") -> T:
        """Replace the status subresource; spec changes in ``obj`` are ignored."""
        stored: T = await self._ask(
            UpdateStatus(
                obj=obj, dry_run=dry_run, field_manager=field_manager or self.field_manager
            )
        )
        return stored

    async def patch_status(
        self,
        kind: type[T],
        name: str,
        patch: PatchBody,
        *,
        namespace: str = "",
        patch_type: PatchType = "merge",
        dry_run: bool = False,
        field_manager: str = "",
        force: bool = False,
    ) -> T:
        """Patch the status subresource."""
        stored: T = await self._ask(
            Patch(
                kind=kind,
                name=name,
                namespace=namespace,
                patch=patch,
                patch_type=patch_type,
                subresource="status",
                dry_run=dry_run,
                field_manager=field_manager or self.field_manager,
                force=force,
            )
        )
        return stored


async def ignore_not_found(call: Awaitable[R]) -> R | None:
    """``await ignore_not_found(client.get(Pod, name))``: the result, or None on NotFound."""
    try:
        return await call
    except NotFound:
        return None
