"""The apiserver actor: every read and write of the cluster's objects goes through it.

A request message (``kube_actors.api``'s ``Create``, ``Get``, ``List``, ``Watch``, ``Update``,
``UpdateStatus``, ``Patch``, ``Delete``) is handled in Kubernetes' order:

1. find the kind in the registry, fill the namespace in, default the object;
2. admit it (``NamespaceLifecycle``, ``ServiceAccount``, ``Priority``,
   ``DefaultTolerationSeconds``) and validate it, reporting every bad field at once;
3. write it through the etcd actor in a transaction that compares the key's revision, so a
   write based on a stale resourceVersion is a Conflict and no acknowledged write is lost;
4. answer the object as stored, its resourceVersion the etcd revision of the write.

Reads and watches are served by the watch cache (``_cache.py``), fed by one etcd watch. A read
with resourceVersion "" is consistent: it waits until the cache has applied every revision the
apiserver knows the store has reached, so a client always reads its own writes.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime as dt
import functools
import itertools
import json
import sys
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any, Final, NamedTuple, TypeVar, cast

import anyio
import attrs

from kube_actors.actors import (
    Actor,
    ActorRef,
    Later,
    Mail,
    current_cause,
    wall_clock_whole_seconds,
    whole_seconds_clock,
)
from kube_actors.api import (
    MAX_OBJECT_BYTES,
    NAME_ALPHABET,
    Binding,
    Create,
    CreateEach,
    CustomResourceDefinition,
    Delete,
    DeleteCollection,
    DeleteOptions,
    Eviction,
    FieldSelector,
    Get,
    KindInfo,
    Lease,
    List,
    Namespace,
    ObjectList,
    Patch,
    Pod,
    PodDisruptionBudget,
    PriorityClass,
    Secret,
    Selector,
    Service,
    ServiceAccount,
    TokenRequest,
    Update,
    UpdateStatus,
    Watch,
    WatchEvent,
    apply_patch,
    check_depth,
    check_list_options,
    check_object_size,
    compile_selector,
    default,
    evolve,
    from_dict,
    is_pod_terminal,
    kind_info,
    lookup_kind,
    lookup_plural,
    parse_field_selector,
    quick_new,
    size_bound,
    to_dict,
    validate,
    validate_status,
)
from kube_actors.api import ObjectMeta as _ObjectMeta
from kube_actors.api._registry import registration_of
from kube_actors.errors import (
    ActorStopped,
    AlreadyExists,
    ApiError,
    BadRequest,
    Compacted,
    Conflict,
    FieldCause,
    Gone,
    Invalid,
    MethodNotSupported,
    NotFound,
    ServiceUnavailable,
    StoreUnavailable,
    Timeout,
    WatchLagged,
)
from kube_actors.etcd import Compact as EtcdCompact
from kube_actors.etcd import (
    Compare,
    CompareTarget,
    DeleteRange,
    EndpointStatus,
    KeyEvent,
    Pipelined,
    PipelinedResponse,
    Put,
    Range,
    Txn,
    TxnBatch,
    TxnBatchResponse,
    TxnResponse,
    WatchCreate,
    Watcher,
    prefix_end,
)

from . import _crd_status as crd_status
from . import _custom_kinds as custom_kinds
from ._admission import (
    DEFAULT_INGRESS_CLASS,
    DEFAULT_PLUGINS,
    DEFAULT_STORAGE_CLASS,
    IDLE_WITHOUT,
    PROTECTED_NAMESPACES,
    SYSTEM_PRIORITY_CLASSES,
    AdmissionPlugin,
    Operation,
    for_creates_of,
    for_updates,
    joined,
    without,
)
from ._aggregator import AGGREGATED_VERSIONS, Aggregator
from ._binding import binding_conflict, bound_pod
from ._cache import CacheEvent, KindCache, with_resource_version
from ._create_each import each_create
from ._eviction import evict
from ._fields import applied, check_field_manager, with_managed_fields
from ._group_commit import GroupCommit, Handled
from ._keys import ROOT, kind_prefix, namespace_prefix, object_key, resource_of
from ._limit_ranger import limit_ranger
from ._pipeline import Commits, after_commit
from ._quota_admission import resource_quota
from ._renewal import is_renewal, renewed
from ._service_allocator import DEFAULT_NODE_PORTS, DEFAULT_SERVICE_CIDR, ServiceAllocator
from ._service_range import record_service_range
from ._strategy import prepare_for_create, prepare_for_status_update, prepare_for_update
from ._tokens import TokenIssuer, check_bound_object, validate_token_request
from ._tokens import answer as token_answer
from ._ttl import EVENT_TTL, LeaseReuse
from ._uids import uuid4_text
from ._versions import in_storage_version, in_version
from ._watch import ApiWatchStream, Matcher

__all__ = ["ApiServer"]

#: Kubernetes' alphabet for generated name suffixes: no vowels, no look-alikes.
_GENERATE_NAME_ATTEMPTS = 8
_MAX_PAGE_SIZE = 10_000  # the most keys one read of a chunked list asks the store for
#: How long a read waits for the cache to reach a resourceVersion (the watch cache's 3 s).
_FRESHNESS_TIMEOUT = 3.0
#: The most field manager names a renewal remembers as checked (``ApiServer._renew``).
_VALID_MANAGERS_KEPT = 256
_SYSTEM_NAMESPACES = (*PROTECTED_NAMESPACES, "kube-node-lease")
#: The back-off between attempts to watch the store again while etcd is down.
_STORE_RETRY_INITIAL = 0.1
_STORE_RETRY_MAX = 5.0
#: How long the cleanup of a deleted CRD waits before it looks again at objects that
#: finalizers keep (Kubernetes polls every 5 s).
_CRD_CLEANUP_RETRY = 5.0


@attrs.frozen
class _Write:
    """How a write was asked for: by which field manager, dry-run or not, and (for a
    server-side apply) the managedFields already worked out."""

    manager: str = ""
    dry_run: bool = False
    subresource: str = ""
    managed: bool = False


_SYSTEM = _Write(manager="kube-apiserver")


class _LeaseRoute(NamedTuple):
    """What ``_renewal`` works out once of the Lease kind (again if it is registered anew):
    its registration, cache and keys' prefix, and whether a renewal may take the shorter
    way at all (the conditions ``_renewal`` lists)."""

    info: KindInfo
    cache: KindCache
    prefix: str
    renewable: bool


#: What ``ApiServer.derived`` gives: its ``derive``'s result.
R = TypeVar("R")

#: Kinds whose writes run alone in a batch rather than parked (``_group_commit``): the
#: subresources that are not one write, CRDs (they change what is served) and Services
#: (they allocate addresses and ports).
_ALONE = frozenset({Eviction, TokenRequest, CustomResourceDefinition, Service})

#: Kinds whose creates are never plain (``_plain_create``): the subresources, CRDs and
#: Services (``_dispatch`` and ``_store_new`` do more for them).
_NOT_PLAIN_CREATES = frozenset({Binding, *_ALONE})

#: The keys of the LimitRanges' and the ResourceQuotas' caches (``_caches``).
_LIMIT_RANGES = IDLE_WITHOUT[limit_ranger]
_QUOTAS = IDLE_WITHOUT[resource_quota]
#: At most this many kinds' routes are kept (``_create_route``).
_CREATE_ROUTES_KEPT = 256
#: A kind's registration, its keys' prefix if its creates may be plain, and whether its
#: objects expire (``ApiServer._create_route``).
_CreateRoute = tuple[KindInfo, str, bool]


@attrs.frozen
class _Bookmark:
    """Timer message: send watchers a bookmark of the current resourceVersion."""


@attrs.frozen
class _CleanUpCrd:
    """Timer message: delete the objects of a CRD being deleted, then let the CRD go."""

    name: str


@attrs.frozen
class _Compact:
    """Timer message: compact the store's history up to ``revision``."""

    revision: int


class ApiServer(Actor):
    """The cluster's apiserver. Talks to the store only through the ``etcd`` actor."""

    component = "apiserver"

    #: The system's seeded source of randomness's ``getrandbits`` (``_new_uid``), set at start.
    _random_bits: Callable[[int], int]

    def __init__(
        self,
        etcd: ActorRef,
        *,
        admission: Sequence[AdmissionPlugin] = DEFAULT_PLUGINS,
        watch_cache_size: int = 10_000,
        max_watch_lag: int = 100_000,
        bookmark_interval: float = 60.0,
        compaction_interval: float = 300.0,
        event_ttl: int = EVENT_TTL,
        api_services: Mapping[str, str] | None = None,
        token_issuer: TokenIssuer | None = None,
        service_cidr: str = DEFAULT_SERVICE_CIDR,
        node_ports: tuple[int, int] = DEFAULT_NODE_PORTS,
        shared_store: bool = False,
    ) -> None:
        self.etcd = etcd
        #: Whether other apiservers write to the same store (several control planes, a real
        #: etcd): a consistent read (resourceVersion "") then asks the store for its
        #: revision, as Kubernetes' consistent reads from the watch cache do, since what
        #: this apiserver has seen may be behind another's acknowledged writes.
        self.shared_store = shared_store
        #: Signs the service-account tokens of ``serviceaccounts/token`` (a fresh key if None).
        self.token_issuer = token_issuer if token_issuer is not None else TokenIssuer()
        #: ``--event-ttl``: seconds an Event lives after its last write (0: forever).
        self.event_ttl = event_ttl
        self._leases = LeaseReuse()
        self.admission = tuple(admission)
        #: The same chain, the plugins that change only a created Pod's spec joined (one
        #: copy of the Pod for them all, ``joined``).
        self._admission_chain = joined(self.admission)
        #: Reads the wall clock to the whole second (``_now``); the running loop's from start.
        self._clock: Callable[[], dt.datetime] = wall_clock_whole_seconds
        #: The plugins of the chain that may act on an update (``for_updates``).
        self._update_chain = for_updates(self.admission)
        #: The plugins that may act on a create, by the created object's class (``_admit``):
        #: those that may while there are no LimitRanges and no quotas, LimitRanges alone,
        #: quotas alone, both (``_create_chain``).
        self._create_chains: dict[type[Any], tuple[tuple[AdmissionPlugin, ...], ...]] = {}
        self.watch_cache_size = watch_cache_size
        self.max_watch_lag = max_watch_lag
        self.bookmark_interval = bookmark_interval
        self.compaction_interval = compaction_interval
        self._caches: dict[tuple[str, str], KindCache] = {}
        #: A store key's part before its last ``/`` (a resource's prefix, and a namespace
        #: for a namespaced one) -> its resource's cache (``_cache_of_key``): what the
        #: watch of the store looks up for every event, at the cost of one lookup.
        self._caches_by_prefix: dict[str, KindCache] = {}
        #: class -> its registration, cache and key prefix (``_kind_cache``).
        self._kind_caches: dict[type[Any], tuple[KindInfo, KindCache, str]] = {}
        #: class -> its registration, if its creates may be plain its keys' prefix, and
        #: whether its objects expire (``_create_route``).
        self._create_routes: dict[type[Any], _CreateRoute] = {}
        #: What ``_renewal`` works out once of the Lease kind (``_LeaseRoute``).
        self._lease_route: _LeaseRoute | None = None
        #: The field managers whose names passed ``check_field_manager`` (at most
        #: ``_VALID_MANAGERS_KEPT``: the names come from any client).
        self._valid_managers: set[str] = set()
        self._loaded_at = 0
        #: The newest store revision any answer from etcd showed.
        self._store_revision = 0
        #: The newest revision a write of this apiserver was given, durable or not yet
        #: (``_pipeline``): the store's next write takes the one after (``_stamped``).
        self._written_revision = 0
        #: The newest revision the watch cache has applied.
        self._applied = 0
        self._catching_up: dict[int, list[asyncio.Future[None]]] = defaultdict(list)
        #: revision -> (the value this apiserver put, the same with its resourceVersion): the
        #: object a write answers with is then the very one the watch cache holds and every
        #: watcher receives, built once instead of twice. Entries go when the cache applies
        #: their revision.
        self._written: dict[int, tuple[Any, Any]] = {}
        #: storage key -> the trace id of the request writing it (only while tracing), noted
        #: before the write (its event may be applied before the write's answer comes back):
        #: the watch events of the change carry it, so a trace follows a change through the
        #: watches to what components did about it.
        self._causes: dict[str, int] = {}
        #: ClusterIPs (from ``service_cidr``, kube-apiserver's ``--service-cluster-ip-range``,
        #: which the cluster agreed with its store: ``_service_range``) and NodePorts, rebuilt
        #: from the stored Services at start; NodePorts from ``node_ports`` (first, last:
        #: ``--service-node-port-range``).
        self._services = ServiceAllocator(service_cidr, node_ports)
        #: Writes applied by the store and maybe not yet durable (``_pipeline``).
        self._commits = Commits(self._observe)
        self._pipelined = False
        #: The writes of a mailbox batch, committed together (``_group_commit``).
        # The driver steps ``_handle``'s coroutine itself (each of its ways is one, or a
        # renewal's or a plain create's write parked at once: ``_parked_renewal``,
        # ``_plain_create``).
        handle = cast("Callable[[Any], Handled]", self._handle)
        self._group = GroupCommit(handle, self._commit_batch, self._answer)
        #: Group versions served by other actors (``metrics.k8s.io``).
        self._aggregator = Aggregator(api_services or {}, self._lookup_actor)

    # ------------------------------------------------------------------------- start

    async def on_start(self) -> None:
        self._clock = whole_seconds_clock()  # the loop looked up once
        self._random_bits = self.random.getrandbits  # the system's source, looked up once
        snapshot = await self.etcd.ask(Range.prefix(ROOT))
        revision = snapshot.revision
        self._store_revision = self._applied = self._loaded_at = revision
        by_resource: dict[tuple[str, str], list[Any]] = defaultdict(list)
        for kv in snapshot.kvs:
            by_resource[resource_of(kv.key)].append(kv)
        for resource, kvs in by_resource.items():
            cache = self._cache_of_resource(*resource)
            if cache is not None:
                cache.load(kvs, revision)
        # The range the store records wins: another server of the cluster may have recorded
        # its own first (``_service_range``; the cluster checks a range it was given).
        recorded = await record_service_range(self.etcd, self._services.service_cidr)
        if recorded != self._services.service_cidr:
            self.log.warning(
                "service_range_from_store",
                configured=self._services.service_cidr,
                stored=recorded,
            )
            self._services = ServiceAllocator(recorded, self._services.node_ports)
        self._services.rng = self.random  # NodePorts drawn at random, reproducible by seed
        self._services.rebuild(self.all(Service))
        watcher = await self.etcd.ask(WatchCreate.prefix(ROOT, start_revision=revision + 1))
        self.start_soon(self._follow_store, watcher, name="apiserver:follow-store")
        # Over a durable store, writes are pipelined (``_pipeline``); over memory, plain.
        self._pipelined = (await self.etcd.ask(EndpointStatus())).durable
        self._commits.begin()
        await self._ensure_system_objects(fresh=not snapshot.kvs)
        await self._commits.wait()
        await self._caught_up()
        self.send_after(self.bookmark_interval, _Bookmark())
        # As kube-apiserver does: every interval, compact up to the revision the store had
        # one interval ago, so that history is kept for at least that long.
        self.send_after(self.compaction_interval, _Compact(self._store_revision))

    async def on_stop(self) -> None:
        self._close_watches("the apiserver stopped")
        custom_kinds.release(self)

    async def on_failure(self, error: BaseException) -> None:
        self._close_watches("the apiserver restarted")

    def _close_watches(self, why: str) -> None:
        for cache in self._caches.values():
            cache.close(Gone(f"watch closed: {why}; watch again"))

    async def _compact(self, revision: int) -> None:
        try:
            status = await self.etcd.ask(EndpointStatus())
            if revision > status.compact_revision:
                with contextlib.suppress(Compacted):  # someone compacted further meanwhile
                    await self.etcd.ask(EtcdCompact(revision=revision))
        except ActorStopped as error:  # etcd is down: compact at the next interval
            self.log.warning("compaction_skipped", error=repr(error))
        self.send_after(self.compaction_interval, _Compact(self._store_revision))

    async def _ensure_system_objects(self, *, fresh: bool) -> None:
        for crd in self._cache(kind_info(CustomResourceDefinition)).objects.values():
            custom_kinds.serve(crd, self)  # a durable store serves its custom kinds again
            if crd.metadata.deletion_timestamp is not None:
                self.send_after(0.0, _CleanUpCrd(crd.metadata.name))
        for name in _SYSTEM_NAMESPACES:
            if self.get(Namespace, "", name) is None:
                await self._create_system_object(Namespace(metadata=_ObjectMeta(name=name)))
        for priority_class in SYSTEM_PRIORITY_CLASSES:
            if self.get(PriorityClass, "", priority_class.metadata.name) is None:
                await self._create_system_object(priority_class)
        # The local-path provisioner's class, as kind installs it: only on a new store, so a
        # class an administrator deleted stays deleted across restarts.
        if fresh:
            await self._create_system_object(DEFAULT_STORAGE_CLASS)
            await self._create_system_object(DEFAULT_INGRESS_CLASS)

    async def _create_system_object(self, obj: Any) -> None:
        """Create one of the objects every cluster has. Another API server of the same store
        (a control plane started at the same moment) may have created it since the snapshot:
        then it is there, which is all this wants, as kube-apiserver's bootstrap controller
        takes AlreadyExists for done."""
        with contextlib.suppress(AlreadyExists):
            await self._create(obj, _SYSTEM)

    # ------------------------------------------------------------------------ dispatch

    async def receive(self, message: Any) -> Any:
        self._commits.begin()
        try:
            result = await self._handle(message)
        except (ActorStopped, StoreUnavailable) as error:
            raise self._unavailable(error)  # noqa: B904 (its cause is set)
        except Exception as error:
            # An answer that follows from a write waits for its commit, errors too.
            return self._commits.fail(error)
        return self._commits.answer(result)

    def _unavailable(self, error: ActorStopped | StoreUnavailable) -> Exception:
        """A store out of reach as the client is told: 503, and it retries. Another actor
        that stopped is answered as itself."""
        if isinstance(error, StoreUnavailable):  # a real etcd out of reach
            why = str(error)
        elif error.actor == self.etcd.name:
            why = "etcd is unavailable"
        else:
            return error
        unavailable = ServiceUnavailable(
            f"the server is currently unable to handle the request: {why}"
        )
        unavailable.__cause__ = error
        return unavailable

    async def receive_batch(self, batch: Sequence[Mail]) -> None:
        """Every request waiting in the mailbox, their writes committed together
        (``_group_commit``); the same answers as ``receive`` gives one by one. A
        ``CreateEach`` is its creates, each a request of its own (``_create_each``)."""
        for mail in batch:
            if type(mail.message) is CreateEach:
                batch = each_create(batch)
                if not batch:
                    return
                break
        if len(batch) == 1:  # nothing to group: the lone request's shorter way
            # Handled here, not in ``receive``'s coroutine (a client that waits for each
            # request is answered one coroutine less deep), and answered as a request of a
            # batch is (``_answer``): after the commit of its writes, if they need one.
            mail = batch[0]
            mail.enter()
            commits = self._commits
            commits.begin()
            try:
                result = await self._handle(mail.message)
            except Exception as error:
                self._answer(mail, None, error, commits.take())
                return
            self._answer(mail, result, None, commits.take())
            return
        await self._group.run(batch, self._exclusive)

    def _exclusive(self, message: Any) -> bool:
        """Whether ``message`` must run alone rather than park its write in the batch:
        anything but one plain write of an object (``_group_commit``)."""
        cls = type(message)
        if cls is Create:
            quotas = self._caches.get(_QUOTAS)  # (``_quota_counts``' first test, inline:
            if quotas is not None and quotas.objects and self._quota_counts(message.obj):
                return True  # most clusters have no quota, and every create asks)
            kind: Any = type(message.obj)
        elif cls is Update or cls is UpdateStatus:
            kind = type(message.obj)
        elif cls is Patch or cls is Delete:
            kind = message.kind
        else:
            return True
        return kind in _ALONE or self._aggregator.claims(message) is not None

    def _quota_counts(self, obj: Any) -> bool:
        """Whether a ResourceQuota may count ``obj``'s creation: its admission counts the
        namespace's use from the cache, so it must see every earlier create committed."""
        quotas = self._caches.get(_QUOTAS)
        if quotas is None or not quotas.objects:  # most clusters: no quota anywhere
            return False
        namespace = getattr(getattr(obj, "metadata", None), "namespace", "") or "default"
        return next(iter(quotas.in_namespace(namespace)), None) is not None

    def _answer(
        self, mail: Mail, result: Any, error: Exception | None, durable: asyncio.Future[None] | None
    ) -> None:
        """Answer one request of a batch; once ``durable`` is done, if it is given. (The
        driver runs ``_handle`` itself: a store out of reach is made a 503 here, as
        ``receive`` makes it, rather than in a coroutine around each request.)"""
        if error is not None:
            if isinstance(error, ActorStopped | StoreUnavailable):
                error = self._unavailable(error)
            error = _as_answer(error)
        if durable is not None:
            mail.answer(Later(after_commit(durable, result, error)))
        elif error is not None:
            mail.fail(error)
        else:
            mail.answer(result)

    async def _commit_batch(
        self, writes: Sequence[tuple[str, Txn]]
    ) -> tuple[Sequence[TxnResponse | Exception], asyncio.Future[None] | None]:
        """The parked writes of a batch as one store request (``_group_commit``)."""
        batch = TxnBatch(txns=[txn for _, txn in writes])
        if not self._pipelined:
            plain: TxnBatchResponse = await self.etcd.ask(batch)
            self._observe(plain.revision)
            return plain.outcomes, None
        reply: PipelinedResponse[TxnBatchResponse] = await self.etcd.ask(Pipelined(batch))
        outcomes = reply.response.outcomes
        self._written_revision = max(self._written_revision, reply.response.revision)
        for (key, _), outcome in zip(writes, outcomes, strict=True):
            if isinstance(outcome, TxnResponse):
                written = key if outcome.succeeded else None
                self._commits.written(reply, outcome.revision, written)
        return outcomes, reply.durable

    # The handlers of the write path hand on the awaitable of the next step rather than
    # awaiting it in a coroutine of their own where they have nothing left to do: a
    # thousand kubelets' Lease renewals wait in the apiserver at once, and each coroutine
    # they wait in is one more object that lives long enough for the collector to keep.

    def _handle(self, message: Any) -> Awaitable[Any]:
        cls = type(message)
        if cls is Update:
            renewal = self._renewal(message)
            if renewal is not None:  # most of what an idle cluster writes
                return renewal
        elif cls is Create:
            if type(message.obj) is Binding:
                if self._group.driving:
                    binding = self._parked_binding(message)
                    if binding is not None:  # the scheduler's binding of a pod
                        return binding
            else:
                created = self._plain_create(message)
                if created is not None:  # most creates
                    return created
        message, asked = in_storage_version(message)
        if asked is None:
            return self._dispatch(message)
        return self._in_version(self._dispatch(message), asked)

    @staticmethod
    async def _in_version(handled: Awaitable[Any], asked: Any) -> Any:
        return in_version(await handled, asked)

    async def _dispatch(self, message: Any) -> Any:
        aggregated = self._aggregator.claims(message)
        if aggregated is not None:
            return await self._aggregator.forward(aggregated, message)
        match message:
            case Create(obj=obj):
                if isinstance(obj, Binding):
                    return await self._bind(obj)
                if isinstance(obj, Eviction):
                    return await self._evict(obj)
                if isinstance(obj, TokenRequest):
                    return await self._request_token(obj)
                check_field_manager(message.field_manager, "CreateOptions")
                write = _Write(manager=message.field_manager, dry_run=message.dry_run)
                created = await self._create(obj, write)
                if not write.dry_run and isinstance(created, CustomResourceDefinition):
                    custom_kinds.serve(created, self)  # only a CRD serves a kind
                return created
            case Get():
                return await self._get(message)
            case List():
                return await self._list(message)
            case Watch():
                return await self._watch(message)
            case Update(obj=obj):
                check_field_manager(message.field_manager, "UpdateOptions")
                write = _Write(manager=message.field_manager, dry_run=message.dry_run)
                return self._served(await self._update(obj, write), write)
            case UpdateStatus(obj=obj):
                check_field_manager(message.field_manager, "UpdateOptions")
                write = _Write(
                    manager=message.field_manager, dry_run=message.dry_run, subresource="status"
                )
                return await self._update_status(obj, write)
            case Patch():
                return self._served(await self._patch(message), _Write(dry_run=message.dry_run))
            case Delete(kind=kind, name=name, options=options) if kind is CustomResourceDefinition:
                return await self._delete_crd(name, options, dry_run=message.dry_run)
            case Delete(kind=kind, name=name, namespace=namespace, options=options):
                deleted = await self._delete(
                    self._info(kind), namespace, name, options, dry_run=message.dry_run
                )
                if not message.dry_run and not getattr(
                    getattr(deleted, "metadata", None), "finalizers", ()
                ):
                    custom_kinds.stop_serving(deleted)
                return deleted
            case DeleteCollection():
                return await self._delete_collection(message)
            case _CleanUpCrd(name=name):
                await self._clean_up_crd(name)
                return None
            case _Compact(revision=revision):
                await self._compact(revision)
                return None
            case _Bookmark():
                self._publish_bookmarks()
                self.send_after(self.bookmark_interval, _Bookmark())
                return None
        raise MethodNotSupported(f"the apiserver does not handle {type(message).__name__}")

    # ------------------------------------------------------------------------- create

    async def _create(self, obj: Any, write: _Write) -> Any:
        info = self._info(type(obj))
        obj = self._scoped(info, obj)
        meta = obj.metadata
        if not meta.name:
            if not meta.generate_name:
                raise Invalid.for_object(
                    info.kind,
                    "",
                    [_required("metadata.name", "name or generateName is required")],
                    group=info.group,
                )
            obj = evolve(obj, metadata=evolve(meta, name=self._generated_name(meta.generate_name)))
            await self._caught_up()
        else:
            key = object_key(info, meta.namespace, meta.name)
            if not self._up_to_date_for(key):  # most creates: no coroutine to wait in
                await self._caught_up_for(key)
        now = self._now()
        obj = self._admitted_new(info, obj, now)
        if isinstance(obj, CustomResourceDefinition):
            obj = crd_status.accepted(obj, self._cache(info).objects.values(), now)
        if write.dry_run:
            if not write.managed:
                obj = with_managed_fields(
                    info, None, obj, manager=write.manager, subresource="", now=now
                )
            return self._dry_create(info, obj)
        if write.managed:
            version = str(self._foreseen_revision())
            obj = evolve(obj, metadata=evolve(obj.metadata, resource_version=version))
            _check_size(info, obj, obj.metadata.name or meta.generate_name)
        else:
            obj = self._versioned_new(info, obj, write.manager, now)
        # A generated name that is taken is drawn again, up to 7 times, as the apiserver does
        # since Kubernetes 1.32 (RetryGenerateName): 5 characters collide within thousands.
        retries = _GENERATE_NAME_ATTEMPTS - 1 if not meta.name else 0
        for _ in range(retries):
            try:
                return await self._store_new(info, obj)
            except AlreadyExists:
                name = self._generated_name(meta.generate_name)
                obj = evolve(obj, metadata=evolve(obj.metadata, name=name))
        return await self._store_new(info, obj)

    def _admitted_new(self, info: KindInfo, obj: Any, now: dt.datetime) -> Any:
        """The object a create of ``obj`` makes, before its managedFields: defaulted, with
        the system fields of a new object (``prepare_for_create``), admitted, validated."""
        hook = info.default  # ``default``, with the registration in hand
        if hook is not None:
            obj = hook(obj)
        obj = prepare_for_create(obj, uid=self._new_uid(), now=now)
        obj = self._admit("CREATE", info, obj, None)
        validate(obj)
        return obj

    def _versioned_new(self, info: KindInfo, obj: Any, manager: str, now: dt.datetime) -> Any:
        """The admitted new ``obj`` with its managedFields and the resourceVersion its write
        is foreseen to get, within the size the store takes (``_check_size``)."""
        # The resourceVersion the write is foreseen to get (``_stamped``, which then finds
        # it there) is set with the managedFields: one copy of the object and its metadata
        # where there were two. The store keeps no resourceVersion (Kubernetes clears it),
        # so the size checked is the object's without it (``_check_size``).
        obj = with_managed_fields(
            info,
            None,
            obj,
            manager=manager,
            subresource="",
            now=now,
            resource_version=str(self._foreseen_revision()),
        )
        _check_size(info, obj, obj.metadata.name or obj.metadata.generate_name)
        return obj

    def _plain_create(self, message: Create) -> Awaitable[Any] | None:
        """``_dispatch`` of a plain create, when nothing is to be waited for before its
        write; None for any other create, which ``_dispatch`` takes.

        A plain create is of an object named in full and scoped as its kind is, of a kind
        stored in the version it is served in and of no aggregated API (no conversion,
        nothing to forward), which is no subresource (a Binding, an Eviction, a
        TokenRequest), no CRD (it changes what is served) and no Service (it allocates),
        and no dry run. ``_create``'s steps are then known to wait for nothing before the
        write when the cache is up to date for the object's key: they run here, without
        ``_dispatch``'s and ``_create``'s coroutines, and in a batch (``_group_commit``)
        the write is parked at once with what answers it (``_created``), as a renewal's is:
        the Events, Pods and Nodes of a cluster, a batch at a time, need no coroutine."""
        obj = message.obj
        cls = type(obj)
        info = registration_of(cls)
        if info is None:
            return None  # ``_dispatch`` refuses it
        route = self._create_routes.get(cls)
        if route is None or route[0] is not info:  # the first, or registered anew
            route = self._create_route(cls, info)
        prefix = route[1]
        meta = obj.metadata
        name, namespace = meta.name, meta.namespace
        if not (prefix and name) or message.dry_run:
            return None
        if info.namespaced:
            if not namespace:
                return None  # ``_scoped`` gives it the default namespace
            key = f"{prefix}{namespace}/{name}"
        elif namespace:
            return None  # ``_scoped`` clears it
        else:
            key = prefix + name
        manager = message.field_manager
        # As ``_dispatch`` checks it; a name that passed before is valid (``_valid_managers``).
        if manager not in self._valid_managers:
            self._check_manager(manager, "CreateOptions")
        if not self._up_to_date_for(key):
            return None  # ``_create`` waits for it
        now = self._clock()  # ``_now``
        obj = self._versioned_new(info, self._admitted_new(info, obj, now), manager, now)
        lease = 0
        if route[2]:  # ``_expires``
            lease = self._leases.reused(self.event_ttl, self.now)
            if not lease:
                return self._put_new(info, key, obj, stamped=True)  # waits for a lease of etcd
        self._note_cause(key)
        txn = _creating(key, obj, lease)
        answer = functools.partial(self._created, info, key, obj)
        group = self._group
        if group.driving:
            return group.write_then(key, txn, answer)
        # Alone (a client that waits for each create): ``_put_new``'s write, answered in
        # the one coroutine of the write itself (``_write_alone``), not in one around it.
        return self._write_alone(key, txn, answer)

    def _create_route(self, cls: type[Any], info: KindInfo) -> _CreateRoute:
        """``cls``'s registration, its keys' prefix when its creates may be plain
        (``_plain_create``, else an empty prefix) and whether its objects expire
        (``_expires``); kept by class, as long as it is registered so."""
        plain = (
            cls not in _NOT_PLAIN_CREATES
            and info.stored_as is None
            and info.api_version not in AGGREGATED_VERSIONS
        )
        if len(self._create_routes) >= _CREATE_ROUTES_KEPT:
            self._create_routes.clear()  # kinds made and dropped (CRDs') do not pile up
        prefix = kind_prefix(info) if plain else ""
        route = self._create_routes[cls] = (info, prefix, self._expires(info))
        return route

    def _store_new(self, info: KindInfo, obj: Any) -> Awaitable[Any]:
        key = object_key(info, obj.metadata.namespace, obj.metadata.name)
        if not isinstance(obj, Service):  # only a Service takes addresses and ports
            return self._put_new(info, key, obj)
        return self._put_new_service(info, key, obj)

    async def _put_new_service(self, info: KindInfo, key: str, service: Any) -> Any:
        with self._services.reserving() as reservation:  # given back if this raises
            return await self._put_new(info, key, reservation.create(service))

    async def _put_new(
        self, info: KindInfo, key: str, stored: Any, *, stamped: bool = False
    ) -> Any:
        """Write ``stored`` under ``key`` if nothing is there; AlreadyExists if something is.
        ``stamped``: ``stored`` carries the resourceVersion foreseen for its write now
        (``_stamped``), which is foreseen again only if a wait for a lease came between."""
        self._note_cause(key)
        lease = 0
        if self._expires(info):  # an Event: most often the lease in hand, no coroutine
            lease = self._leases.reused(self.event_ttl, self.now)
            if not lease:
                lease = await self._lease_of(info)
                stamped = False  # other writes may have been foreseen meanwhile
        if not stamped:
            stored = self._stamped(stored)
        response = await self._write(key, _creating(key, stored, lease))
        return self._created(info, key, stored, response)

    def _created(self, info: KindInfo, key: str, stored: Any, response: TxnResponse) -> Any:
        """What a create of ``stored`` under ``key`` answers: the object as written, or
        AlreadyExists if something was there."""
        if not response.succeeded:
            self._forget_cause(key)
            raise _already_exists(info, stored.metadata.name)
        return self._written_object(info, key, stored, response.revision)

    async def _lease_of(self, info: KindInfo) -> int:
        """The etcd lease an object of ``info``'s kind is written with: Events expire
        ``event_ttl`` seconds after their last write; everything else never (0)."""
        if not self._expires(info):
            return 0
        return await self._leases.lease_for(self.etcd, self.event_ttl, self.now)

    def _expires(self, info: KindInfo) -> bool:
        """Whether objects of ``info``'s kind are written with a lease (``_lease_of``)."""
        return info.kind == "Event" and not info.group and bool(self.event_ttl)

    def _dry_create(self, info: KindInfo, obj: Any) -> Any:
        """What creating ``obj`` would store (dryRun=All): the same checks, nothing kept."""
        if self.get(info.cls, obj.metadata.namespace, obj.metadata.name) is not None:
            raise _already_exists(info, obj.metadata.name)
        with self._services.reserving() as reservation:
            obj = reservation.create(obj)
            reservation.cancel()
        return obj

    def _generated_name(self, prefix: str) -> str:
        return prefix + "".join(self.random.choice(NAME_ALPHABET) for _ in range(5))

    async def _bind(self, binding: Binding) -> Any:
        """The ``pods/binding`` subresource: set ``spec.nodeName`` once, and PodScheduled."""
        info = self._info(Pod)
        namespace = binding.metadata.namespace or "default"
        name = binding.metadata.name
        current = await self._current(info, namespace, name)
        conflict = binding_conflict(current, binding)
        if conflict is not None:
            raise conflict
        node = binding.target.name
        if not node:
            bound = bound_pod(current, node, self._now(), None)
            return await self._store(info, bound, current)
        # A node named where none was: a change, of a Pod not being deleted (both checked
        # above), so no comparison of the two Pods is needed to know it is one; and it is
        # written now, so it carries the resourceVersion foreseen for its write
        # (``_stamped``) from the copy that binds it.
        version = str(self._foreseen_revision())
        return await self._replace(info, bound_pod(current, node, self._now(), version), current)

    def _parked_binding(self, message: Create) -> Handled | None:
        """``_bind`` in a batch (``_group_commit``) when nothing is to be waited for before
        its write and it binds: the cache is up to date for the Pod, which is there, not
        assigned, not being deleted, and a node is named. Its write is parked with what
        answers it once committed (``_replaced``), as ``_parked_renewal``'s: no coroutine
        for each of the scheduler's bindings. None otherwise, for ``_bind`` to take it
        (a Binding is core/v1: stored as served, no aggregated API's)."""
        binding: Binding = message.obj
        node = binding.target.name
        if not node or message.dry_run:
            return None
        info, cache, prefix = self._kind_cache(Pod)
        namespace = binding.metadata.namespace or "default"
        key = f"{prefix}{namespace}/{binding.metadata.name}"
        if not self._up_to_date_for(key):
            return None
        current = cache.objects.get(key)
        if current is None or binding_conflict(current, binding) is not None:
            return None
        self._note_cause(key)
        bound = bound_pod(current, node, self._now(), str(self._foreseen_revision()))
        return self._group.write_then(
            key,
            _replacing(key, bound, current),
            functools.partial(self._replaced, info, key, bound),
        )

    async def _evict(self, eviction: Eviction) -> Any:
        """The ``pods/eviction`` subresource: see ``_eviction``."""
        pods, budgets = self._info(Pod), self._info(PodDisruptionBudget)
        namespace = eviction.metadata.namespace or "default"
        name = eviction.metadata.name
        pod = await self._current(pods, namespace, name)
        await self._caught_up()
        in_namespace = list(self._cache(budgets).in_namespace(namespace))

        async def store_budget(new: Any, old: Any) -> Any:
            return await self._store(budgets, new, old)

        async def delete_pod(options: DeleteOptions) -> Any:
            return await self._delete(pods, namespace, name, options)

        return await evict(
            eviction,
            pod=pod,
            budgets=in_namespace,
            now=self._now(),
            store_budget=store_budget,
            delete_pod=delete_pod,
        )

    async def _request_token(self, request: TokenRequest) -> TokenRequest:
        """The ``serviceaccounts/token`` subresource: see ``_tokens``."""
        spec = validate_token_request(request)
        namespace = request.metadata.namespace or "default"
        account = await self._current(self._info(ServiceAccount), namespace, request.metadata.name)
        ref, bound = spec.bound_object_ref, None
        if ref is not None:
            kind = Pod if ref.kind == "Pod" else Secret
            bound = await self._current(self._info(kind), namespace, ref.name)
        check_bound_object(account, spec, bound)
        audiences = spec.audiences or self.token_issuer.audiences
        spec = evolve(spec, audiences=audiences)
        now = self._now()
        assert spec.expiration_seconds is not None
        token = self.token_issuer.sign(
            account,
            audiences=audiences,
            expiration_seconds=spec.expiration_seconds,
            now=now,
            bound=bound,
        )
        request = evolve(request, metadata=evolve(request.metadata, namespace=namespace))
        return token_answer(request, spec, token, now)

    # ------------------------------------------------------------------------- update

    async def _update(self, obj: Any, write: _Write) -> Any:
        info = self._info(type(obj))
        obj = self._scoped(info, obj)
        current = await self._current(info, obj.metadata.namespace, obj.metadata.name)
        self._check_version(info, obj, current)
        new = self._admit("UPDATE", info, prepare_for_update(default(obj), current), current)
        if isinstance(new, CustomResourceDefinition):
            new = crd_status.accepted(new, self._cache(info).objects.values(), self._now())
            causes = crd_status.stored_versions_causes(new)
            if causes:
                raise Invalid.for_object(
                    info.kind, new.metadata.name, causes, group="apiextensions.k8s.io"
                )
        if not isinstance(new, Service):  # only a Service holds addresses and ports
            new = self._managed(info, current, new, write)
            return await self._validated_store(info, new, current, write)
        with self._services.reserving() as reservation:
            new = reservation.update(new, current)
            new = self._managed(info, current, new, write)
            stored = await self._validated_store(info, new, current, write)
            if write.dry_run:
                reservation.cancel()
            return stored

    def _renewal(self, message: Update) -> Awaitable[Any] | None:
        """The way of an update that may be a kubelet's Lease renewal (``_renewal``), whose
        outcome is known before dispatch (``_renew``); None for any other update.

        What ``_handle`` and ``_dispatch`` would do before ``_update`` is known for it: a
        Lease is stored in the one version it is served in and is no aggregated API's (no
        conversion, nothing to forward); and it is namespaced, and the renewal names its
        namespace (``_scoped`` leaves it as it is)."""
        obj = message.obj
        if type(obj) is not Lease or message.dry_run:
            return None
        route = self._lease_route
        if route is None or route.info is not kind_info(Lease):  # the first, or registered anew
            info, cache, prefix = self._kind_cache(Lease)
            renewable = (
                info.stored_as is None
                and info.api_version not in AGGREGATED_VERSIONS
                and info.namespaced
            )
            route = _LeaseRoute(info, cache, prefix, renewable)
            self._lease_route = route
        meta = obj.metadata
        if not (route.renewable and meta.namespace):
            return None
        key = f"{route.prefix}{meta.namespace}/{meta.name}"
        if self._group.driving and not self._update_chain:
            parked = self._parked_renewal(message, route, key)
            if parked is not None:
                return parked
        return self._renew(message, route, key)

    def _parked_renewal(
        self, message: Update, route: _LeaseRoute, key: str
    ) -> Awaitable[Any] | None:
        """``_renew`` in a batch (``_group_commit``) when nothing is to be waited for before
        its write: no plugin acts on updates, the field manager passed before, the cache is
        up to date for ``key``, and it is a renewal. Its write is parked with what answers it
        once committed (``_replaced``): no coroutine for a kubelet's renewal, a thousand of
        them a batch. None otherwise, for ``_renew`` to take it."""
        if message.field_manager not in self._valid_managers or not self._up_to_date_for(key):
            return None
        info = route.info
        current = route.cache.objects.get(key)
        if not _renews(info, message.obj, current):
            return None
        lease = self._renewed(message, info, key)
        if lease is None:
            return None
        return self._group.write_then(
            key,
            _replacing(key, lease, current),
            functools.partial(self._replaced, info, key, lease),
        )

    def _check_manager(self, manager: str, options_kind: str) -> None:
        """``check_field_manager``, and ``manager`` remembered as valid if it is: a name's
        validity is the name's alone, and the writes of a cluster's components (creates,
        renewals) name a few managers a great many times."""
        check_field_manager(manager, options_kind)
        if len(self._valid_managers) >= _VALID_MANAGERS_KEPT:
            # A client that names a new manager in every request must not grow the memo
            # without bound; a cluster's own writers (one name a component) fill it again
            # at once.
            self._valid_managers.clear()
        self._valid_managers.add(manager)

    def _renewed(self, message: Update, info: KindInfo, key: str) -> Any:
        """The renewal ``message`` as it is written (``renewed``), its cause noted; None
        when another manager owns renewTime (the general path records it)."""
        lease = renewed(
            message.obj,
            manager=message.field_manager,
            api_version=info.api_version,
            now=self._clock(),  # ``_now``
            resource_version=str(self._foreseen_revision()),
        )
        if lease is not None:
            self._note_cause(key)
        return lease

    async def _renew(self, message: Update, route: _LeaseRoute, key: str) -> Any:
        """``_update`` of ``message``, which ``_renewal`` let through, when it is a renewal
        (``is_renewal``); any other update goes on to ``_dispatch``.

        For a renewal the steps of ``_update`` have known outcomes: the stored Lease is
        ``current`` (read as ``_current`` reads it), whose resourceVersion the renewal
        carries (``is_renewal`` compares the whole metadata: ``_check_version`` passes, and
        the renewal is not being deleted as the stored Lease is not); it differs from it in
        ``renewTime``, so it is no no-op (``_store``); a Lease is not written with a lease of
        etcd (``_expires``), is no CRD (``_served``) and no Service. The field manager is
        checked and admission runs as for any update (the plugins of the chain that act on
        updates, ``for_updates``); when admission leaves the renewal as it is, it is
        written as ``_replace`` writes it, stamped with the revision foreseen for it by
        ``renewed``; otherwise it goes on along ``_update``'s general path."""
        manager = message.field_manager
        if manager not in self._valid_managers:  # first, as ``_dispatch`` checks it
            self._check_manager(manager, "UpdateOptions")
        if not self._up_to_date_for(key):
            await self._caught_up_for(key)
        obj = message.obj
        info = route.info
        current = route.cache.objects.get(key)
        if not _renews(info, obj, current):
            return await self._dispatch(message)
        # ``_admit``, without its call when no plugin of the chain acts on updates.
        admitted = self._admit("UPDATE", info, obj, current) if self._update_chain else obj
        if admitted is obj:
            lease = self._renewed(message, info, key)
            if lease is not None:  # valid and in size as the stored Lease is (``_renewal``)
                return self._replaced(
                    info, key, lease, await self._write(key, _replacing(key, lease, current))
                )
        write = _Write(manager=manager)
        new = self._managed(info, current, admitted, write)
        return await self._validated_store(info, new, current, write)

    async def _update_status(self, obj: Any, write: _Write) -> Any:
        info = self._info(type(obj))
        if not info.status_subresource:
            raise NotFound("the server could not find the requested resource", kind=info.kind)
        obj = self._scoped(info, obj)
        current = await self._current(info, obj.metadata.namespace, obj.metadata.name)
        self._check_version(info, obj, current)
        new = prepare_for_status_update(obj, current)
        if write.managed:
            managed = obj.metadata.managed_fields
            new = evolve(new, metadata=evolve(new.metadata, managed_fields=managed))
            return await self._validated_store(info, new, current, write)
        # A changed status is written (if valid) with the resourceVersion foreseen for its
        # write (``_stamped``, which then finds it there), set in the copy that sets its
        # managedFields: one copy of the object and its metadata where there were two. An
        # unchanged one keeps the stored version, for ``_store`` to see a no-op.
        version = None
        if not write.dry_run and new.status != current.status:
            version = str(self._foreseen_revision())
        new = self._managed(info, current, new, write, resource_version=version)
        return await self._validated_store(info, new, current, write)

    def _managed(
        self,
        info: KindInfo,
        current: Any,
        new: Any,
        write: _Write,
        *,
        resource_version: str | None = None,
    ) -> Any:
        if write.managed:
            return new
        return with_managed_fields(
            info,
            current,
            new,
            manager=write.manager,
            subresource=write.subresource,
            now=self._now(),
            resource_version=resource_version,
        )

    async def _patch(self, message: Patch) -> Any:
        info = self._info(message.kind)
        _check_patch_options(message)
        namespace = message.namespace or ("default" if info.namespaced else "")
        write = _Write(
            manager=message.field_manager,
            dry_run=message.dry_run,
            subresource=message.subresource,
        )
        if message.patch_type == "apply":
            check_depth(message.patch, "the patch")  # merge patches check their own depth
            return await self._server_side_apply(info, namespace, message, write)
        current = await self._current(info, namespace, message.name)
        document = apply_patch(to_dict(current), message.patch, message.patch_type)
        document.setdefault("apiVersion", info.api_version)
        document.setdefault("kind", info.kind)
        patched = from_dict(document)
        if type(patched) is not info.cls:
            raise BadRequest("a patch cannot change an object's apiVersion or kind")
        if message.subresource == "status":
            return await self._update_status(patched, write)
        return await self._update(patched, write)

    async def _server_side_apply(
        self, info: KindInfo, namespace: str, message: Patch, write: _Write
    ) -> Any:
        """Server-side apply: merge the manager's configuration, then write as an update
        (or a create, if the object is absent) with the managedFields the apply made."""
        await self._caught_up_for(object_key(info, namespace, message.name))
        current = self._cache(info).objects.get(object_key(info, namespace, message.name))
        if current is None and message.subresource == "status":
            raise _not_found(info, message.name)
        assert isinstance(message.patch, Mapping)
        obj = applied(
            info,
            current,
            message.patch,
            name=message.name,
            namespace=namespace,
            manager=message.field_manager,
            force=message.force,
            subresource=message.subresource,
            now=self._now(),
        )
        write = attrs.evolve(write, managed=True)
        if current is None:
            return await self._create(obj, write)
        if message.subresource == "status":
            return await self._update_status(obj, write)
        return await self._update(obj, write)

    def _check_version(self, info: KindInfo, obj: Any, current: Any) -> None:
        wanted = obj.metadata.resource_version
        if wanted and wanted != current.metadata.resource_version:
            raise _conflict(info, obj.metadata.name)

    def _validated_store(
        self, info: KindInfo, new: Any, current: Any, write: _Write
    ) -> Awaitable[Any]:
        _check_no_new_finalizers(info, new, current)
        if write.subresource == "status":
            validate_status(new, current)  # the status strategy's: all but the status is current's
        else:
            validate(new, current)
        if write.dry_run:
            # What the update would store; the object keeps its resourceVersion.
            return _done(current if new == current else new)
        # Status writes (kubelets, controllers) are most of a cluster's writes; the size
        # limit, an encoding of the whole object, is kept for the writes of whole objects.
        if write.subresource != "status" and new != current:
            check_object_size(new, info.kind, new.metadata.name)
        return self._store(info, new, current)

    def _store(self, info: KindInfo, new: Any, current: Any) -> Awaitable[Any]:
        """Write ``new`` over ``current`` if the store still has ``current``; a no-op update
        writes nothing. An object being deleted whose last finalizer went is deleted now."""
        if new == current:
            return _done(current)
        if _ready_to_go(new):
            return self._remove(info, new, current)
        return self._replace(info, new, current)

    async def _replace(self, info: KindInfo, new: Any, current: Any) -> Any:
        """``_store`` of a ``new`` known to differ from ``current`` and not to be deleted."""
        key = object_key(info, new.metadata.namespace, new.metadata.name)
        self._note_cause(key)
        lease = await self._lease_of(info) if self._expires(info) else 0
        new = self._stamped(new)
        return self._replaced(
            info, key, new, await self._write(key, _replacing(key, new, current, lease))
        )

    def _replaced(self, info: KindInfo, key: str, new: Any, response: TxnResponse) -> Any:
        """What ``_replace`` answers once the store has answered its write of ``new``."""
        if not response.succeeded:
            self._forget_cause(key)
            raise _conflict(info, new.metadata.name)
        return self._written_object(info, key, new, response.revision)

    def _write(self, key: str, txn: Txn) -> Awaitable[TxnResponse]:
        """Write through etcd; over a durable store without waiting for the commit
        (``_pipeline``); in a batch, parked for the batch's commit (``_group_commit``)."""
        if self._group.driving:
            return self._group.write(key, txn)
        return self._write_alone(key, txn)

    async def _write_alone(
        self, key: str, txn: Txn, then: Callable[[TxnResponse], Any] | None = None
    ) -> Any:
        """The store's response to ``txn``, or ``then`` of it: what the request answers,
        for a handler with nothing else to do after its write (``_plain_create``)."""
        if not self._pipelined:
            response: TxnResponse = await self.etcd.ask(txn)
            self._observe(response.revision)
        else:
            reply: PipelinedResponse[TxnResponse] = await self.etcd.ask(Pipelined(txn))
            response = reply.response
            self._written_revision = max(self._written_revision, response.revision)
            self._commits.written(reply, response.revision, key if response.succeeded else None)
        return response if then is None else then(response)

    def _stamped(self, obj: Any) -> Any:
        """``obj`` as it is to be stored: with the resourceVersion its write will be given,
        foreseen as the revision after the newest this apiserver knows of, plus one for each
        write parked before it in the batch (``_group_commit``).

        Every read sets an object's resourceVersion from its key's revision (Kubernetes
        clears it in etcd), so the value stored may carry any. Stored with the right one, it
        is the very object the write answers with and the watch cache holds and hands out,
        and the store and the cache share one copy of each object (the top-level object and
        its ObjectMeta) instead of each keeping its own. Foreseen wrong (another writer of
        the store, a write of the batch that failed its compare), the write's answer and the
        cache make their copy with the right one, as when nothing was foreseen.
        """
        return with_resource_version(obj, self._foreseen_revision())

    def _foreseen_revision(self) -> int:
        """The revision the next write of this apiserver is foreseen to get (``_stamped``)."""
        group = self._group
        revision = max(self._store_revision, self._written_revision) + 1
        if group.driving:
            revision += group.parked
        return revision

    def _written_object(self, info: KindInfo, key: str, stored: Any, revision: int) -> Any:
        """``stored`` as of ``revision``; if it needs a copy for that, the copy is kept for
        the watch cache to pick up (``_written``); if the cache applied the write first, the
        very object it holds."""
        if revision <= self._applied:
            cached = self._cache(info).objects.get(key)
            if cached is not None and cached.metadata.resource_version == str(revision):
                return cached
            return with_resource_version(stored, revision)
        version = str(revision)
        if stored.metadata.resource_version == version:  # foreseen (``_stamped``): most
            return stored  # writes (``with_resource_version``'s test, without its call)
        obj = evolve(stored, metadata=evolve(stored.metadata, resource_version=version))
        self._written[revision] = (stored, obj)
        return obj

    # ------------------------------------------------------------------------- delete

    async def _delete(
        self,
        info: KindInfo,
        namespace: str,
        name: str,
        options: DeleteOptions,
        *,
        dry_run: bool = False,
    ) -> Any:
        namespace = namespace or ("default" if info.namespaced else "")
        current = await self._current(info, namespace, name)
        self._admit("DELETE", info, current, current)
        _check_preconditions(info, current, options)
        meta = current.metadata
        finalizers = list(meta.finalizers)
        policy = options.propagation_policy
        if policy == "Orphan" and "orphan" not in finalizers:
            finalizers.append("orphan")
        elif policy == "Foreground" and "foregroundDeletion" not in finalizers:
            finalizers.append("foregroundDeletion")
        grace = self._grace_period(current, options)
        if meta.deletion_timestamp is not None:
            # Already being deleted: a shorter grace period may still bring it forward.
            shorter = grace < (meta.deletion_grace_period_seconds or 0)
            if not shorter and tuple(finalizers) == meta.finalizers:
                return current
        if grace > 0 or finalizers or _namespace_finalizers(current):
            marked = self._mark_deleted(current, grace, finalizers)
            if grace > 0 or not _ready_to_go(marked):
                return marked if dry_run else await self._store(info, marked, current)
        return current if dry_run else await self._remove(info, current, current)

    async def _delete_collection(self, message: DeleteCollection) -> ObjectList:
        """Each matching object deleted as ``Delete`` would (Kubernetes' deletecollection);
        one that went meanwhile is skipped."""
        info = self._info(message.kind)
        matches = self._matcher(info, message.namespace, message)
        await self._caught_up()
        selected = self._cache(info).selected(message.namespace, _pinned_name(message))
        targets = [obj for obj in selected if matches(obj)]
        deleted = []
        for obj in targets:
            meta = obj.metadata
            try:
                if info.cls is CustomResourceDefinition:  # its objects go first
                    gone = await self._delete_crd(
                        meta.name, message.options, dry_run=message.dry_run
                    )
                else:
                    gone = await self._delete(
                        info, meta.namespace, meta.name, message.options, dry_run=message.dry_run
                    )
            except NotFound:
                continue
            deleted.append(gone)
        return ObjectList(items=tuple(deleted), resource_version=str(self._applied))

    def _grace_period(self, obj: Any, options: DeleteOptions) -> int:
        if not isinstance(obj, Pod):
            return 0
        # An unscheduled or finished Pod has no kubelet to stop it: it goes at once.
        if not obj.spec.node_name or is_pod_terminal(obj):
            return 0
        if options.grace_period_seconds is not None:
            return max(options.grace_period_seconds, 0)
        seconds = obj.spec.termination_grace_period_seconds
        return 30 if seconds is None else seconds

    def _mark_deleted(self, obj: Any, grace: int, finalizers: list[str]) -> Any:
        meta = obj.metadata
        when = self._now() + dt.timedelta(seconds=grace)
        if meta.deletion_timestamp is not None and meta.deletion_timestamp < when:
            when = meta.deletion_timestamp
        meta = evolve(
            meta,
            deletion_timestamp=when,
            deletion_grace_period_seconds=grace,
            finalizers=tuple(finalizers),
        )
        marked = evolve(obj, metadata=meta)
        if isinstance(marked, Namespace):
            marked = evolve(marked, status=evolve(marked.status, phase="Terminating"))
        return marked

    async def _remove(self, info: KindInfo, last: Any, current: Any) -> Any:
        key = object_key(info, current.metadata.namespace, current.metadata.name)
        self._note_cause(key)
        response = await self._write(
            key,
            Txn(
                compare=(Compare.mod_revision(key, "=", _revision_of(current)),),
                success=(DeleteRange(key=key),),
            ),
        )
        if not response.succeeded:
            self._forget_cause(key)
            raise _conflict(info, current.metadata.name)
        self._services.release(current)
        return with_resource_version(last, response.revision)

    # ------------------------------------------------------------ custom resources

    def _served(self, written: Any, write: _Write) -> Any:
        """Serve what a CRD written by an update or patch now defines (a new version...)."""
        if not write.dry_run and isinstance(written, CustomResourceDefinition):
            custom_kinds.serve(written, self)
        return written

    async def _delete_crd(self, name: str, options: DeleteOptions, *, dry_run: bool) -> Any:
        """Kubernetes' first delete of a CRD marks it and its cleanup deletes its objects
        (``_crd_status``); a delete of a CRD already going is an ordinary delete."""
        info = self._info(CustomResourceDefinition)
        current = await self._current(info, "", name)
        if current.metadata.deletion_timestamp is not None:
            return await self._delete(info, "", name, options, dry_run=dry_run)
        self._admit("DELETE", info, current, current)
        _check_preconditions(info, current, options)
        marked = crd_status.marked_for_deletion(current, self._now())
        if dry_run:
            return marked
        stored = await self._store(info, marked, current)
        self.send_after(0.0, _CleanUpCrd(name))
        return stored

    async def _clean_up_crd(self, name: str) -> None:
        try:
            await self._finalize_crd(name)
        except ApiError as error:  # a conflict or a stuck object: try again later
            self.log.warning("crd_cleanup_failed", crd=name, error=str(error))
            self.send_after(_CRD_CLEANUP_RETRY, _CleanUpCrd(name))

    async def _finalize_crd(self, name: str) -> None:
        info = self._info(CustomResourceDefinition)
        try:
            crd = await self._current(info, "", name)
        except NotFound:
            return
        if crd_status.CLEANUP_FINALIZER not in crd.metadata.finalizers:
            return
        now = self._now()
        progress = crd_status.with_condition(
            crd,
            "Terminating",
            "True",
            "InstanceDeletionInProgress",
            "CustomResource deletion is in progress",
            now,
        )
        crd = await self._store(info, progress, crd)
        version = f"{crd.spec['group']}/{crd_status.storage_version(crd)}"
        served = lookup_kind(version, crd.spec["names"]["kind"])
        if crd_status.is_established(crd) and served is not None:
            await self._caught_up()
            for key, obj in list(self._cache(served).objects.items()):
                with contextlib.suppress(NotFound):
                    meta = obj.metadata
                    await self._delete(served, meta.namespace, meta.name, DeleteOptions())
                await self._caught_up_for(key)
            if self._cache(served).objects:  # finalizers of their own hold some back
                self.send_after(_CRD_CLEANUP_RETRY, _CleanUpCrd(name))
                return
            done = ("False", "InstanceDeletionCompleted", "removed all instances")
        else:
            done = ("False", "NeverEstablished", "resource was never established")
        finished = crd_status.with_condition(crd, "Terminating", *done, now)
        finalizers = tuple(f for f in crd.metadata.finalizers if f != crd_status.CLEANUP_FINALIZER)
        finished = evolve(finished, metadata=evolve(finished.metadata, finalizers=finalizers))
        await self._store(info, finished, crd)
        if not finalizers:
            custom_kinds.stop_serving(crd)

    # --------------------------------------------------------------------------- list

    async def _get(self, message: Get) -> Any:
        info = self._info(message.kind)
        key = object_key(info, message.namespace, message.name)
        if not message.resource_version and not self.shared_store:
            await self._caught_up()  # the usual read, the latest: no more to decide
            return self._cached_object(info, key, message.name)
        too_new = await self._fresh_enough(message.resource_version)
        if too_new:

            async def read() -> Any:
                return self._cached_object(info, key, message.name)

            async def read_store() -> Any:
                return await self._get_from_store(info, key, message.name)

            consistent = not message.resource_version
            return self._later(too_new, read, fallback=read_store if consistent else None)
        return self._cached_object(info, key, message.name)

    async def _get_from_store(self, info: KindInfo, key: str, name: str) -> Any:
        """The object as the store holds it now (a consistent read the cache was too slow
        for)."""
        found = await self.etcd.ask(Range(key=key))
        self._observe(found.revision)
        if not found.kvs:
            raise _not_found(info, name)
        kv = found.kvs[0]
        return with_resource_version(kv.value, kv.mod_revision)

    def _cached_object(self, info: KindInfo, key: str, name: str) -> Any:
        obj = self._cache(info).objects.get(key)
        if obj is None:
            raise _not_found(info, name)
        return obj

    async def _list(self, message: List) -> Any:
        version, match = message.resource_version, message.resource_version_match
        check_list_options(version, match, continue_token=message.continue_token)
        info = self._info(message.kind)
        matches = self._matcher(info, message.namespace, message)
        if match == "Exact":
            exact = _parse_version(version)

            async def read_exact() -> ObjectList:
                return await self._list_from_store(info, message, matches, at=exact)

            too_new = await self._fresh_enough(version)
            return self._later(too_new, read_exact) if too_new else await read_exact()
        if message.limit > 0 or message.continue_token:

            async def read_page() -> ObjectList:
                return await self._list_from_store(info, message, matches)

            # The store's latest revision is a consistent read by itself.
            too_new = await self._fresh_enough(version or "0")
            return self._later(too_new, read_page) if too_new else await read_page()
        too_new = await self._fresh_enough(version)
        if too_new:

            async def read_cached() -> ObjectList:
                return self._list_cached(info, message, matches)

            async def read_store() -> ObjectList:
                return await self._list_from_store(info, message, matches)

            consistent = not version
            return self._later(too_new, read_cached, fallback=read_store if consistent else None)
        return self._list_cached(info, message, matches)

    def _list_cached(self, info: KindInfo, message: List, matches: Matcher) -> ObjectList:
        cache = self._cache(info)
        selected = cache.selected(message.namespace, _pinned_name(message))
        items = tuple(obj for obj in selected if matches(obj))
        return ObjectList(items=items, resource_version=str(self._applied))

    async def _list_from_store(
        self, info: KindInfo, message: List, matches: Matcher, *, at: int = 0
    ) -> ObjectList:
        """A page of a chunked list, read from etcd at the first page's revision (``at``, or
        the latest) so that every page belongs to one consistent snapshot; without a limit,
        the whole list at that revision."""
        prefix = namespace_prefix(info, message.namespace)
        if message.continue_token:
            revision, start = _decode_continue(message.continue_token)
        else:
            revision, start = at, prefix
        limit = message.limit or sys.maxsize
        # A selector that keeps few objects would otherwise cost one store read per `limit`
        # keys (a quadratic list for limit=1): each read asks for twice as many keys as the
        # last, up to 10,000, as Kubernetes' storage layer does.
        page_size = min(limit, _MAX_PAGE_SIZE)
        items: list[Any] = []
        more = True
        while more and len(items) < limit:
            try:
                page = await self.etcd.ask(
                    Range(
                        key=start, range_end=prefix_end(prefix), revision=revision, limit=page_size
                    )
                )
            except Compacted:
                if not message.continue_token:
                    raise Gone("The resourceVersion for the provided list is too old.") from None
                raise Gone(
                    "The provided continue parameter is too old to display a consistent list "
                    "result. You can start a new list without the continue parameter."
                ) from None
            self._observe(page.revision)
            revision = revision or page.revision
            for kv in page.kvs:
                obj = with_resource_version(kv.value, kv.mod_revision)
                start = kv.key + "\x00"
                if matches(obj):
                    items.append(obj)
                    if len(items) == limit:
                        break
            more = page.more or (len(items) == limit and start <= page.kvs[-1].key)
            if not page.kvs:
                more = False
            page_size = min(max(page_size * 2, limit), _MAX_PAGE_SIZE)
        token = _encode_continue(revision, start) if more else ""
        return ObjectList(items=tuple(items), resource_version=str(revision), continue_token=token)

    # -------------------------------------------------------------------------- watch

    async def _watch(self, message: Watch) -> ApiWatchStream:
        info = self._info(message.kind)
        cache = self._cache(info)
        matches = self._matcher(info, message.namespace, message)
        version = message.resource_version
        initial: list[WatchEvent] = []
        if version in ("", "0"):
            if version == "":
                await self._caught_up()
            initial = [
                WatchEvent(type="ADDED", obj=obj, resource_version=obj.metadata.resource_version)
                for obj in cache.selected(message.namespace, _pinned_name(message))
                if matches(obj)
            ]
            after, position = self._applied, cache.log.end
        else:
            after = _parse_version(version)
            oldest = cache.oldest_resumable()
            if after < oldest:
                raise Gone(f"too old resource version: {after} ({oldest})")
            position = cache.position_after(after)
        log = cache.log
        backlog: list[CacheEvent] = []
        value = _trigger_value(cache.trigger_field, message.field_selector)
        if value is not None:
            triggered, complete_from = cache.triggered_log(value, self._applied)
            held = triggered.held()
            whole = triggered.start == 0 or (bool(held) and held[0].revision <= after)
            if after >= complete_from and whole:
                # Only this value's changes: the log holds nothing older than its creation.
                log, position = triggered, triggered.position_after(after, key=_revision_key)
            elif triggered.start == 0:
                # The value's log began after ``after`` (a kubelet lists, other writes land,
                # then it watches): the main log holds the changes in between.
                gap = log.held()[position - log.start :]
                backlog = list(itertools.takewhile(lambda e: e.revision <= complete_from, gap))
                log, position = triggered, 0
        return ApiWatchStream(
            log.subscribe(position),
            matches=None if matches.everything else matches,
            after_revision=after,
            initial=initial,
            backlog=backlog,
            allow_bookmarks=message.allow_bookmarks,
        )

    def _publish_bookmarks(self) -> None:
        for cache in self._caches.values():
            cache.publish_bookmark(self._applied)

    def _matcher(
        self, info: KindInfo, namespace: str, request: List | Watch | DeleteCollection
    ) -> _Matches:
        labels = (
            compile_selector(request.label_selector)
            if request.label_selector not in (None, "")
            else None
        )
        fields = parse_field_selector(request.field_selector) if request.field_selector else None
        return _Matches(namespace if info.namespaced else "", labels, fields)

    # ---------------------------------------------------------------- the watch cache

    async def _follow_store(self, watcher: Watcher) -> None:
        """Apply every change in the store to the watch cache, in revision order.

        When etcd restarts (its watches end with ``ActorStopped``) or the watch falls too far
        behind, watch again from the next revision not applied: the apiserver waits for etcd
        as kube-apiserver's watch cache does, instead of failing with it. Only history
        compacted meanwhile (``Compacted``) makes it fail, and its restart reloads the store.
        """
        backoff = _STORE_RETRY_INITIAL
        while True:
            try:
                async for events in watcher:
                    self._apply(events)
                    backoff = _STORE_RETRY_INITIAL
            except (ActorStopped, WatchLagged) as error:
                self.log.warning("store_watch_ended", error=repr(error), revision=self._applied)
            watcher = await self._watch_store(backoff)
            backoff = min(backoff * 2, _STORE_RETRY_MAX)

    async def _watch_store(self, backoff: float) -> Watcher:
        """A new watch of the store from the next revision; while etcd is down (a restart
        queues the request until it is back), retry after ``backoff`` doubling seconds."""
        while True:
            try:
                return await self.etcd.ask(
                    WatchCreate.prefix(ROOT, start_revision=self._applied + 1)
                )
            except ActorStopped:
                await anyio.sleep(backoff)
                backoff = min(backoff * 2, _STORE_RETRY_MAX)

    def _apply(self, events: Sequence[KeyEvent]) -> None:
        changes: dict[KindCache, list[CacheEvent]] = {}
        revision = self._applied
        written, causes, by_prefix = self._written, self._causes, self._caches_by_prefix
        for event in events:
            revision = event.kv.mod_revision
            key = event.kv.key
            cache = by_prefix.get(key[: key.rfind("/")])
            if cache is None:
                cache = self._cache_of_key(key)
            ready = None
            if written:
                entry = written.pop(revision, None)
                if entry is not None and entry[0] is event.kv.value:
                    ready = entry[1]
            cause = causes.pop(event.kv.key, None) if causes else None
            if cache is not None:
                change = cache.apply(event, ready, cause)
                # Not ``setdefault(cache, [])``: a list built and dropped for every event.
                listed = changes.get(cache)
                if listed is None:
                    changes[cache] = [change]
                else:
                    listed.append(change)
                if cache.info.cls is Service:  # the cache of Services holds nothing else
                    # Any apiserver's write, so that no two hand out one address.
                    gone = change.type == "DELETED"
                    self._services.observe(change.prev, None if gone else change.obj)
        self._applied = max(self._applied, revision)
        self._commits.applied(events)
        if written and min(written) <= self._applied:
            # Writes whose events never came (a watch restarted past them) are not waited for.
            for stale in [r for r in written if r <= self._applied]:
                del written[stale]
        self._store_revision = max(self._store_revision, revision)
        for cache, cache_events in changes.items():
            cache.publish(cache_events)
        if not self._catching_up:  # most batches: nobody waits for the cache
            return
        for target in [r for r in self._catching_up if r <= self._applied]:
            for waiter in self._catching_up.pop(target):
                if not waiter.done():
                    waiter.set_result(None)

    async def _caught_up(self) -> None:
        """Wait until the cache has applied everything the store is known to hold."""
        await self._wait_applied(self._store_revision)

    async def _caught_up_for(self, key: str) -> None:
        """``_caught_up``, and the cache has this apiserver's last write to ``key`` (which
        may be on its way to the disk still): a write decides on the object's latest state.
        In a batch, a write of ``key`` parked before it is committed first."""
        group = self._group
        if group.driving and group.waits_for(key):
            await group.barrier()
        await self._wait_applied(max(self._store_revision, self._commits.in_flight(key)))

    def _up_to_date_for(self, key: str) -> bool:
        """Whether ``_caught_up_for(key)`` has nothing to wait for."""
        if self._applied < self._store_revision:
            return False
        group = self._group
        if group.driving and key in group.parked_keys:  # ``waits_for``
            return False
        return self._applied >= self._commits.in_flight(key)

    async def _wait_applied(self, revision: int) -> None:
        if self._applied >= revision:
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._catching_up[revision].append(waiter)
        await waiter

    async def _fresh_enough(self, version: str) -> int:
        """Wait until the cache is as fresh as ``version`` asks (``""``: everything the store
        holds; ``"0"``: any state) and answer 0; or, for a version beyond the store's, answer
        it at once, for the read to wait in ``_later``."""
        if version == "" and self.shared_store:
            # Kubernetes' consistent read from the cache: the store's current revision, read
            # as a linearizable range is (a count of one key), then the cache waited for.
            latest = await self.etcd.ask(Range(key=ROOT, count_only=True))
            self._observe(latest.revision)
            if latest.revision > self._applied:
                return latest.revision
        elif version == "":
            await self._caught_up()
        elif version != "0":
            wanted = _parse_version(version)
            if wanted > self._store_revision:
                status = await self.etcd.ask(EndpointStatus())
                self._observe(status.revision)
            if wanted > self._store_revision:
                return wanted
            await self._wait_applied(wanted)
        return 0

    def _later(
        self,
        wanted: int,
        read: Callable[[], Awaitable[Any]],
        *,
        fallback: Callable[[], Awaitable[Any]] | None = None,
    ) -> Later:
        """``read()`` once the cache reaches ``wanted``: waited for, as Kubernetes' watch cache
        waits, up to 3 seconds of the running clock without holding up the mailbox (the writes
        that reach it may be behind this request), then a ``Timeout``; or, for a consistent
        read, ``fallback()``, the store read at once (Kubernetes falls back to etcd too)."""
        answer: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

        async def read_when_fresh() -> None:
            try:
                with anyio.move_on_after(_FRESHNESS_TIMEOUT):
                    await self._wait_applied(wanted)
                if self._applied < wanted:
                    if fallback is not None:
                        answer.set_result(await fallback())
                        return
                    answer.set_exception(Timeout.too_large_resource_version(wanted, self._applied))
                    return
                answer.set_result(await read())
            except Exception as error:
                answer.set_exception(error)
            finally:
                if not answer.done():  # the apiserver stopped: the asker is told so
                    answer.cancel()

        self.start_soon(read_when_fresh, name="apiserver:wait-fresh")
        return Later(answer)

    def _note_cause(self, key: str) -> None:
        cause = current_cause()
        if cause is not None:
            self._causes[key] = cause

    def _forget_cause(self, key: str) -> None:
        if self._causes:
            self._causes.pop(key, None)

    def _observe(self, revision: int) -> None:
        if revision > self._store_revision:
            self._store_revision = revision

    def _cache(self, info: KindInfo) -> KindCache:
        cache = self._caches.get((info.group or "core", info.plural))
        if cache is None:  # a resource seen the first time
            cache = self._cache_of_resource(info.group or "core", info.plural)
            assert cache is not None
        return cache

    def _cache_of_key(self, key: str) -> KindCache | None:
        """The cache of the resource of the store's ``key`` (``resource_of``), remembered
        by what comes before the key's last ``/`` (``_caches_by_prefix``) when that holds
        the resource's whole prefix: every key under it is then that resource's, as
        ``resource_of`` reads no further than the resource's prefix."""
        cache = self._cache_of_resource(*resource_of(key))
        if cache is not None:
            prefix = key[: key.rfind("/")]
            if f"{prefix}/".startswith(kind_prefix(cache.info)):
                self._caches_by_prefix[prefix] = cache
        return cache

    def _cache_of_resource(self, group: str, plural: str) -> KindCache | None:
        cache = self._caches.get((group, plural))
        if cache is None:
            info = lookup_plural(plural, "" if group == "core" else group)
            if info is None:
                return None
            # A resource first seen now had no objects at the initial load, and every
            # change since came through _apply: the empty cache is complete.
            cache = KindCache(info, retain=self.watch_cache_size, max_lag=self.max_watch_lag)
            cache.load((), self._loaded_at)
            self._caches[(group, plural)] = cache
        return cache

    # --------------------------------------------------------------------- utilities

    def _info(self, kind: type[Any]) -> KindInfo:
        try:
            return kind_info(kind)
        except (KeyError, LookupError, TypeError):
            name = getattr(kind, "__name__", repr(kind))
            raise BadRequest(f"no kind {name!r} is registered") from None
        except ApiError:
            raise

    def _scoped(self, info: KindInfo, obj: Any) -> Any:
        """The object with the namespace its scope asks for ("default" if none was given)."""
        meta = obj.metadata
        namespace = (meta.namespace or "default") if info.namespaced else ""
        if namespace == meta.namespace:
            return obj
        return evolve(obj, metadata=evolve(meta, namespace=namespace))

    async def _current(self, info: KindInfo, namespace: str, name: str) -> Any:
        key = object_key(info, namespace, name)
        if not self._up_to_date_for(key):
            await self._caught_up_for(key)
        obj = self._cache(info).objects.get(key)
        if obj is None:
            raise _not_found(info, name)
        return obj

    def _admit(self, operation: Operation, info: KindInfo, obj: Any, old: Any) -> Any:
        if operation == "UPDATE":
            chain = self._update_chain
        elif operation == "CREATE":
            chains = self._create_chains.get(type(obj))
            if chains is None:
                chains = self._create_chain(type(obj))
            # The caches LimitRanger's and ResourceQuota's lookups read (``IDLE_WITHOUT``).
            ranges, quotas = self._caches.get(_LIMIT_RANGES), self._caches.get(_QUOTAS)
            chain = chains[
                (1 if ranges is not None and ranges.objects else 0)
                | (2 if quotas is not None and quotas.objects else 0)
            ]
        else:
            chain = self._admission_chain
        for plugin in chain:
            obj = plugin(operation, info, obj, old, self)
        return obj

    def _create_chain(self, cls: type[Any]) -> tuple[tuple[AdmissionPlugin, ...], ...]:
        """The chain a create of ``cls`` passes (``for_creates_of``), joined, kept by class:
        without LimitRanger and ResourceQuota while neither has an object to look up
        (``IDLE_WITHOUT``), without one of them while it has none, or whole."""
        chain = joined(for_creates_of(self.admission, cls))
        chains = self._create_chains[cls] = (
            without(chain, (limit_ranger, resource_quota)),
            without(chain, (resource_quota,)),
            without(chain, (limit_ranger,)),
            chain,
        )
        return chains

    # Lookup, for admission plugins: reads the watch cache as it stands.
    def get(self, kind: type[Any], namespace: str, name: str) -> Any | None:
        found = self._kind_caches.get(kind)
        if found is None or found[0] is not registration_of(kind):  # (``_kind_cache``'s test,
            found = self._kind_cache(kind)  # inline: admission asks two or three a create)
        info, cache, prefix = found
        return cache.objects.get(
            f"{prefix}{namespace}/{name}" if info.namespaced else prefix + name
        )

    def all(self, kind: type[Any]) -> Iterable[Any]:
        found = self._kind_caches.get(kind)
        if found is None or found[0] is not registration_of(kind):  # (as ``get``)
            found = self._kind_cache(kind)
        return found[1].objects.values()

    def derived(self, kind: type[Any], derive: Callable[[Iterable[Any]], R]) -> R:
        found = self._kind_caches.get(kind)
        if found is None or found[0] is not registration_of(kind):  # (as ``get``)
            found = self._kind_cache(kind)
        return found[1].derived(derive)

    def in_namespace(self, kind: type[Any], namespace: str) -> Iterable[Any]:
        cache = self._kind_cache(kind)[1]
        # Admission asks on every create for kinds most namespaces have none of (quotas,
        # limit ranges): no walk to begin for those.
        return cache.in_namespace(namespace) if cache.objects else ()

    def _kind_cache(self, kind: type[Any]) -> tuple[KindInfo, KindCache, str]:
        """The kind's registration, its cache and its keys' prefix (``object_key``): worked
        out once for each registration of the kind (admission looks up four kinds on every
        create). A cache, once made, stays the resource's for the apiserver's life."""
        found = self._kind_caches.get(kind)
        if found is not None and found[0] is registration_of(kind):
            return found  # the usual case: known, and registered as it was
        try:
            info = kind_info(kind)
        except (KeyError, LookupError, TypeError):
            info = self._info(kind)  # raises BadRequest
        if found is None or found[0] is not info:
            found = self._kind_caches[kind] = (info, self._cache(info), kind_prefix(info))
        return found

    def _lookup_actor(self, name: str) -> ActorRef:
        return self.system.lookup(name)

    def _new_uid(self) -> str:
        return uuid4_text(self._random_bits(128))

    def _now(self) -> dt.datetime:
        # Kubernetes' timestamps have whole seconds.
        return self._clock()


# ------------------------------------------------------------------------ helpers


def _revision_key(event: CacheEvent) -> int:
    return event.revision


def _trigger_value(field: str, selector: str | None) -> str | None:
    """The value a watch's field selector pins the trigger field to, if it does."""
    if not field or not selector:
        return None
    terms = parse_field_selector(selector).terms
    if len(terms) == 1 and terms[0].field == field and not terms[0].negated:
        return terms[0].value
    return None


async def _done(value: Any) -> Any:
    """``value``, as the awaitable a write path returns when it writes nothing."""
    return value


def _pinned_name(request: List | Watch | DeleteCollection) -> str | None:
    """The one name a request's field selector allows (``metadata.name=<name>``), if any."""
    if not request.field_selector:
        return None
    for term in parse_field_selector(request.field_selector).terms:
        if term.field == "metadata.name" and not term.negated:
            return term.value
    return None


def _check_size(info: KindInfo, obj: Any, name: str) -> None:
    """``check_object_size`` of ``obj`` as the store keeps it, without its resourceVersion
    (a bound of the object with it that is within the limit is within it without it)."""
    if size_bound(obj) > MAX_OBJECT_BYTES:
        unversioned = evolve(obj, metadata=evolve(obj.metadata, resource_version=""))
        check_object_size(unversioned, info.kind, name)


def _resource(info: KindInfo) -> str:
    return f"{info.plural}.{info.group}" if info.group else info.plural


def _not_found(info: KindInfo, name: str) -> NotFound:
    return NotFound.for_object(info.plural, name, kind=info.kind, group=info.group)


def _already_exists(info: KindInfo, name: str) -> AlreadyExists:
    return AlreadyExists.for_object(info.plural, name, kind=info.kind, group=info.group)


def _conflict(info: KindInfo, name: str) -> Conflict:
    return Conflict(
        f'Operation cannot be fulfilled on {_resource(info)} "{name}": the object has been '
        "modified; please apply your changes to the latest version and try again",
        kind=info.kind,
        name=name,
        group=info.group,
    )


def _required(field: str, message: str) -> FieldCause:
    return FieldCause(field=field, message=f"Required value: {message}", type="FieldValueRequired")


def _revision_of(obj: Any) -> int:
    return int(obj.metadata.resource_version)


def _renews(info: KindInfo, obj: Any, current: Any) -> bool:
    """Whether the update of ``current`` (None: gone) to ``obj`` is a renewal
    (``is_renewal``) of a Lease that is not being deleted."""
    return (
        current is not None
        and current.metadata.deletion_timestamp is None
        and is_renewal(info, obj, current)
    )


#: What every update's write is made of (``quick_new``, by field name).
_new_txn: Final = quick_new(Txn)
_new_compare: Final = quick_new(Compare)
_new_put: Final = quick_new(Put)


def _creating(key: str, new: Any, lease: int) -> Txn:
    """The transaction that writes ``new`` at ``key`` if nothing is there."""
    return _new_txn(
        compare=(_new_compare(key=key, target=CompareTarget.CREATE, op="=", operand=0),),
        success=(_new_put(key=key, value=new, lease=lease),),
    )


def _replacing(key: str, new: Any, current: Any, lease: int = 0) -> Txn:
    """The transaction that writes ``new`` at ``key`` if the store still has ``current``."""
    # ``Compare.mod_revision`` of ``_revision_of(current)``, spelled out: every update of
    # an object (an idle cluster's Lease renewals) builds one.
    revision = int(current.metadata.resource_version)
    return _new_txn(
        compare=(_new_compare(key=key, target=CompareTarget.MOD, op="=", operand=revision),),
        success=(_new_put(key=key, value=new, lease=lease),),
    )


def _parse_version(version: str) -> int:
    try:
        value = int(version)
    except ValueError:
        raise BadRequest(f"invalid resource version {version!r}") from None
    if value < 0:
        raise BadRequest(f"invalid resource version {version!r}")
    return value


def _namespace_finalizers(obj: Any) -> bool:
    return isinstance(obj, Namespace) and bool(obj.spec.finalizers)


def _ready_to_go(obj: Any) -> bool:
    """Marked for deletion, no finalizers left, and no grace period still running."""
    meta = obj.metadata
    return (
        meta.deletion_timestamp is not None
        and not meta.finalizers
        and not _namespace_finalizers(obj)
        and not (isinstance(obj, Pod) and (meta.deletion_grace_period_seconds or 0) > 0)
    )


def _check_patch_options(message: Patch) -> None:
    """PatchOptions as Kubernetes validates them: apply needs a field manager; only apply
    takes ``force``."""
    check_field_manager(message.field_manager, "PatchOptions")
    causes = []
    if message.patch_type == "apply":
        if not message.field_manager:
            causes.append(_required("fieldManager", "is required for apply patch"))
        if not isinstance(message.patch, Mapping):
            raise BadRequest("an apply patch is a JSON or YAML object")
    elif message.force:
        causes.append(
            FieldCause(
                field="force",
                message="Forbidden: may not be specified for non-apply patch",
                type="FieldValueForbidden",
            )
        )
    if causes:
        raise Invalid.for_object("PatchOptions", "", causes, group="meta.k8s.io")


def _check_preconditions(info: KindInfo, obj: Any, options: DeleteOptions) -> None:
    pre = options.preconditions
    if pre is None:
        return
    meta = obj.metadata
    if pre.uid is not None and pre.uid != meta.uid:
        raise Conflict(
            f'Operation cannot be fulfilled on {_resource(info)} "{meta.name}": Precondition '
            f"failed: UID in precondition: {pre.uid}, UID in object meta: {meta.uid}",
            kind=info.kind,
            name=meta.name,
        )
    if pre.resource_version is not None and pre.resource_version != meta.resource_version:
        raise Conflict(
            f'Operation cannot be fulfilled on {_resource(info)} "{meta.name}": Precondition '
            f"failed: ResourceVersion in precondition: {pre.resource_version}, "
            f"ResourceVersion in object meta: {meta.resource_version}",
            kind=info.kind,
            name=meta.name,
        )


def _check_no_new_finalizers(info: KindInfo, new: Any, current: Any) -> None:
    if current.metadata.deletion_timestamp is None:
        return
    added = set(new.metadata.finalizers) - set(current.metadata.finalizers)
    if added:
        cause = FieldCause(
            field="metadata.finalizers",
            message="Forbidden: no new finalizers can be added if the object is being deleted, "
            f"found new finalizers {sorted(added)!r}",
            type="FieldValueForbidden",
        )
        raise Invalid.for_object(info.kind, new.metadata.name, [cause], group=info.group)


def _encode_continue(revision: int, start: str) -> str:
    raw = json.dumps({"rv": revision, "start": start}).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _decode_continue(token: str) -> tuple[int, str]:
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        return int(data["rv"]), str(data["start"])
    except (ValueError, KeyError, TypeError):
        raise BadRequest(f"invalid continue token {token!r}") from None


class _Matches:
    """Whether an object is in a list's or a watch's namespace and selectors. An object,
    not a closure: every watch keeps one (a kubelet's two, for each of thousands of nodes),
    and a closure over three names is five objects for the collector to scan."""

    __slots__ = ("_fields", "_labels", "_namespace")

    def __init__(
        self, namespace: str, labels: Selector | None, fields: FieldSelector | None
    ) -> None:
        self._namespace = namespace
        self._labels = labels
        self._fields = fields

    @property
    def everything(self) -> bool:
        """Whether it matches every object: no namespace, no selectors."""
        return not self._namespace and self._labels is None and self._fields is None

    def __call__(self, obj: Any) -> bool:
        meta = obj.metadata
        if self._namespace and meta.namespace != self._namespace:
            return False
        labels = self._labels
        if labels is not None and not labels.matches(meta.labels):
            return False
        fields = self._fields
        return fields is None or fields.matches(obj)


def _as_answer(error: Exception) -> Exception:
    """``error`` as the answer it is: an API error without the apiserver's frames.

    A refused request is answered (Kubernetes sends a Status), the apiserver did not fail:
    the error's traceback would keep the handler's frames, which keep the request's mail and
    its reply future, which keeps the error, a cycle for each refused request that only a
    full collection frees (a kubelet's first read of its Lease is a NotFound, on each of
    thousands of starting nodes). Any other error is a bug and keeps its frames."""
    if isinstance(error, ApiError):
        error.__traceback__ = None
    return error
