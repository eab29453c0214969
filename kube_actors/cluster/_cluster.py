"""``Cluster``: a Kubernetes cluster in this process, the one place that wires components.

It runs the control plane (etcd, the apiserver, the controllers, the scheduler) and nodes
(a kubelet, a container runtime and a kube-proxy each), offers kubectl's verbs, runs user
controllers next to the built-in ones, and is where faults are injected::

    async with Cluster(nodes=3, clock="virtual", seed=1) as cluster:
        for result in await cluster.apply("demo.yaml"):
            print(result)                      # deployment.apps/hello created
        await cluster.wait_for(Deployment, "hello", condition="Available")
        with cluster.faults.conflicts(component="deployment-controller", probability=0.3):
            await cluster.scale(Deployment, "hello", 5)
            await cluster.settle()

``Cluster(...).sync()`` drives the same cluster from synchronous code (see ``_sync``).

Every component talks to the apiserver through a client of its own, named after it, so a
fault can be aimed at one component (see ``kube_actors.cluster._faults``).
"""

from __future__ import annotations

import contextlib
import functools
import os
import secrets
import socket
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from types import TracebackType
from typing import Any, Literal, TypeVar, overload

import anyio
import anyio.abc
import attrs

from .. import kubectl
from ..actors import ActorRef, ActorSystem, ClockKind, is_virtual_time
from ..api import (
    Deployment,
    Event,
    IntOrString,
    Node,
    NodeMetrics,
    Pod,
    PodLogOptions,
    PodMetrics,
    Service,
    Summary,
    kind_info,
)
from ..apiserver import (
    DEFAULT_NODE_PORTS,
    DEFAULT_SERVICE_CIDR,
    AdmissionPlugin,
    ApiServer,
    TokenIssuer,
    default_plugins,
    first_service_ip,
    parse_node_port_range,
    parse_service_cidr,
)
from ..apiserver._ttl import EVENT_TTL
from ..client import (
    Client,
    EventRecorder,
    EventSink,
    InformerFactory,
    SharedInformer,
    Transport,
)
from ..controllers import BUILTIN_COMPONENTS, BUILTIN_CONTROLLERS, ControllerContext
from ..errors import BadRequest, KubeActorsError, NotFound
from ..etcd import MemoryBackend
from ..kubectl import ApplyResult, Condition, Source
from ..kubelet import (
    AbandonContainers,
    GetSummary,
    Kubelet,
    KubeletTimings,
    NodeConfig,
    pod_sandbox,
    streaming,
)
from ..metrics_server import MetricsServer
from ..proxy import DataPlane, IngressController, IngressServer, KubeProxy
from ..reconcile import ControllerSpec, Reconciler, WatchSource, spawn_controller
from ..runtime import ContainerRuntime, ContainerState, ExecSession, FakeRuntime, process_slot
from ..scheduler import Scheduler, SchedulerSettings
from ..server import ApiHttpServer, ServiceAccountTokens
from ._clock_choice import announce_clock
from ._control_planes import (
    CONTROLLER_MANAGER_LEASE,
    SCHEDULER_LEASE,
    ControlPlane,
    ControlPlanes,
    ElectionTimings,
    ScopedSpawner,
)
from ._exit import leaving_error
from ._faults import USER, Faults, InterceptedClient
from ._health import COMPONENT_SUPERVISION, ComponentHealth, health_of, report_crash_loops
from ._heap import COLLECTOR, HEAP, THRESHOLDS
from ._holder import ResourceHolder, hold
from ._link import NodeLink
from ._logs import find_log, follow, log_options, read_log
from ._nodes import NodeHandle, RuntimeChoice, host_ip, make_runtime, node_config, pod_cidr
from ._served_authority import ServedAuthority
from ._service_network import ServiceNetwork, ServiceNetworks, network_of
from ._store import (
    AnyStore,
    close_store,
    etcd_actor,
    parse_store,
    shared_with_others,
    store_revision,
)
from ._streams import (
    ExecOutput,
    attach,
    default_container,
    forward_port,
    open_exec,
    run_to_end,
    runtime_of,
)
from ._sync import SyncCluster

__all__ = ["Cluster"]

T = TypeVar("T")

#: What ``add_controller`` runs: a spec, a reconciler, or a maker of one given its client.
ControllerArg = ControllerSpec | Reconciler | Callable[[Client], Reconciler]


class Cluster:
    """A Kubernetes cluster on one actor system; use it as an async context manager.

    ``nodes``: how many (``control-plane``, ``node-1``...) or ``NodeConfig`` descriptions
    (capacity, labels, taints). ``runtime``: "fake", "subprocess", or a factory of a
    ``ContainerRuntime`` per node. ``store``: "memory" (the default),
    "sqlite:///path/to/store.db" (durable: a cluster entered again on the file comes back as
    it was; see ``_store``), "etcd://host:2379[,host:2379...]" (a real etcd cluster, which
    several processes may share), or a ``Backend`` or ``RemoteBackend`` instance, which survives a
    ``restart_control_plane()``. ``clock``: None (the default) runs on whatever loop is
    running, which is real time under ``asyncio.run`` or ``anyio.run``; "virtual" or "real"
    also check that it is the right kind (virtual time
    needs ``kube_actors.actors.run``, ``sync()``, or the pytest setup to provide its loop).
    The cluster logs the clock it runs on (``cluster_clock``).
    ``seed`` feeds the one random source (names, uids, faults); on real time, a process
    that shares its store with others (``leader_elect=True``, one control plane) adds
    randomness of its own, so that processes started alike never draw the same uids.
    ``trace=True`` records every message. ``scheduler``: settings (profiles, plugin
    weights), or False for none.
    ``controllers``: the names of the built-in controllers to run (default: all).
    ``terminated_pod_gc_threshold``: how many finished Pods the pod GC keeps (0: all).
    ``storage_dir``: where the local-path provisioner makes PersistentVolumes (None: a
    directory under the system's temporary directory).
    ``metric_resolution``: run a metrics server scraping the kubelets every so many seconds
    (metrics-server's default is 15), serving ``metrics.k8s.io``; None (the default): none.
    ``control_planes``: how many control-plane replicas over the one store (see
    ``_control_planes``): each serves the API, and the scheduler and the controllers run
    only where their Lease is held. ``leader_elect``: whether they elect leaders (default:
    when there are several replicas; True with one is a candidate among other processes on a
    shared store). ``leader_election``: the election's timings (client-go's by default).
    ``event_ttl``: seconds an Event lives after its last write (kube-apiserver's
    ``--event-ttl``, 1 h; 0: forever), through a store lease: on the memory and SQLite stores
    leases run on the cluster's clock (under virtual time Events expire in simulated hours),
    on a real etcd on etcd's own clock, in real seconds whatever the cluster's clock.
    ``service_account_key_file``: the PEM file of the key that signs service-account tokens
    (made there on first use), so that tokens stay valid across restarts; None: a fresh key.
    ``node_name``: the name of the first of ``nodes`` (a count), the others are
    ``<node_name>-1``...; default ``control-plane``, ``node-1``... Processes that share one
    cluster (``leader_elect=True``) each name their nodes apart.
    ``service_cidr``: the Service range ClusterIPs come from (kube-apiserver's
    ``--service-cluster-ip-range``). None (the default): the range the store records, else
    ``127.10.0.0/16``, or, for a cluster that listens for real (``runtime="subprocess"``,
    ``proxy_bind=True``), a /16 of 127.0.0.0/8 that no other running cluster on this machine
    holds, with NodePorts on an address of its own (``_service_network``). A range given must
    be the one the store records, else entering raises ``ServiceRangeMismatch``.
    ``service_node_port_range``: the ports NodePorts come from (kube-apiserver's
    ``--service-node-port-range``: ``30000-32767``, the default; ``31000+99``; one port).
    ``gc_freeze``: after each ``settle()`` that follows much work, move the objects alive out
    of the cyclic garbage collector's sight (``gc.collect()`` then ``gc.freeze()``, see
    ``_heap``), and put them back when the cluster closes: for large clusters simulated for
    long, whose full collections otherwise rescan the whole cluster. ``gc_threshold``: the
    collector's first threshold while the cluster runs (CPython's is 700; at 50,000 young
    collections cost an idle cluster a few percent of its CPU instead of a tenth or a
    fifth). The collector is the process's, so both are opt-in, and both are put back when
    the cluster closes.
    """

    def __init__(
        self,
        *,
        store: str | AnyStore = "memory",
        clock: ClockKind | None = None,
        seed: int = 0,
        trace: bool = False,
        admission: Iterable[AdmissionPlugin] | None = None,
        watch_cache_size: int = 10_000,
        max_watch_lag: int = 100_000,
        controllers: Iterable[str] | None = None,
        nodes: int | Sequence[NodeConfig] = 0,
        runtime: RuntimeChoice = "fake",
        control_plane_taint: bool = False,
        kubelet_timings: KubeletTimings | None = None,
        kubelet_events: bool = True,
        scheduler: SchedulerSettings | bool = True,
        node_monitor_grace_period: float = 50.0,
        default_toleration_seconds: int = 300,
        proxy_bind: bool | None = None,
        ingress_port: int = 0,
        terminated_pod_gc_threshold: int = 12500,
        storage_dir: str | os.PathLike[str] | None = None,
        metric_resolution: float | None = None,
        control_planes: int = 1,
        leader_elect: bool | None = None,
        leader_election: ElectionTimings | None = None,
        service_account_key_file: str | os.PathLike[str] | None = None,
        event_ttl: int = EVENT_TTL,
        node_name: str = "",
        gc_freeze: bool = False,
        gc_threshold: int | None = None,
        service_cidr: str | None = None,
        service_node_port_range: str | None = None,
    ) -> None:
        if event_ttl < 0:
            raise ValueError(f"event_ttl must be 0 (Events never expire) or more, not {event_ttl}")
        self._event_ttl = event_ttl
        given_range = parse_service_cidr(service_cidr) if service_cidr is not None else None
        self._node_ports = (
            parse_node_port_range(service_node_port_range)
            if service_node_port_range is not None
            else DEFAULT_NODE_PORTS
        )
        # Only a cluster that listens for real needs a range no other cluster here holds;
        # the others keep the default, so that a seed gives the same ClusterIPs everywhere.
        listens = proxy_bind if proxy_bind is not None else runtime == "subprocess"
        self._service_networks = ServiceNetworks(given=given_range, claim=listens)
        self._service_network = network_of(given_range or DEFAULT_SERVICE_CIDR)
        if control_planes < 1:
            raise ValueError(f"control_planes must be 1 or more, not {control_planes}")
        if leader_elect is False and control_planes > 1:
            raise ValueError(
                "several control planes need leader election (leader_elect=False would run "
                "a scheduler and the controllers in each of them at once)"
            )
        self._control_plane_count = control_planes
        self._leader_elect = control_planes > 1 if leader_elect is None else leader_elect
        self._election_timings = leader_election
        self._planes: ControlPlanes | None = None
        # A store named by a string is the cluster's own: opened on entry, closed on exit.
        self._store_choice = parse_store(store) if isinstance(store, str) else None
        self.backend: AnyStore = store if not isinstance(store, str) else MemoryBackend()
        self.clock = clock
        self.seed = seed
        # Components restart on their own, forever: a crash loop is reported, never escalated.
        self.system = ActorSystem(seed=seed, trace=trace, supervision=COMPONENT_SUPERVISION)
        #: The faults in force: ``cluster.faults.conflicts(component=..., probability=...)``.
        self.faults = Faults(seed)
        # Every component's client, to point at a restarted apiserver.
        self._clients: list[InterceptedClient] = []
        # One signing key for the cluster's life: tokens outlive a control-plane restart,
        # and a restart of the process too when the key is kept in a file.
        self._token_issuer = (
            TokenIssuer()
            if service_account_key_file is None
            else TokenIssuer.from_key_file(service_account_key_file)
        )
        self._admission = (
            tuple(admission)
            if admission is not None
            else default_plugins(toleration_seconds=default_toleration_seconds)
        )
        self._node_monitor_grace_period = node_monitor_grace_period
        self._terminated_pod_gc_threshold = terminated_pod_gc_threshold
        self._storage_dir = os.fspath(storage_dir) if storage_dir is not None else ""
        self._watch_cache_size = watch_cache_size
        self._max_watch_lag = max_watch_lag
        self._controller_names = (
            tuple(BUILTIN_CONTROLLERS) if controllers is None else tuple(controllers)
        )
        unknown = [n for n in self._controller_names if n not in BUILTIN_CONTROLLERS]
        if unknown:
            raise ValueError(
                f"unknown controllers {unknown}: "
                f"the built-in ones are {sorted(BUILTIN_CONTROLLERS)}"
            )
        self._informers: InformerFactory | None = None
        #: The informers the kubelets of this host share (``_host_services``).
        self._kubelet_informers: InformerFactory | None = None
        #: One control plane that elects leaders: a process among others over one store.
        self._shares_store = self._leader_elect and control_planes == 1
        # Pods that really listen take this process's share of the loopback pod network, and
        # so do the nodes of a process that shares its cluster with other processes.
        shared = runtime == "subprocess" or self._shares_store
        self._pod_slot = process_slot() if shared else 0
        if isinstance(nodes, int):
            configs = [
                node_config(i, control_plane_taint=control_plane_taint, slot=self._pod_slot)
                for i in range(nodes)
            ]
            if node_name:
                configs = [
                    attrs.evolve(c, name=node_name if i == 0 else f"{node_name}-{i}")
                    for i, c in enumerate(configs)
                ]
        else:
            configs = list(nodes)
        self._initial_nodes = configs
        self._runtime_choice = runtime
        self._kubelet_timings = kubelet_timings
        self._kubelet_events = kubelet_events
        self._nodes: dict[str, NodeHandle] = {}
        if scheduler is True:
            scheduler = SchedulerSettings()
        self._scheduler_settings = scheduler or None
        self._scheduler: ActorRef | None = None
        self._runtime_releases: list[anyio.Event] = []
        self._runtime_holder: ResourceHolder | None = None
        # kube-proxy's data plane binds sockets only where pods serve real ones.
        #: None: bind when the first node's runtime serves real sockets (``serves_sockets``).
        self._proxy_bind = proxy_bind
        self._data_plane: DataPlane | None = None
        self._ingress_port = ingress_port
        self._ingress_server: IngressServer | None = None
        self._etcd: ActorRef | None = None
        self._apiserver: ActorRef | None = None
        self._client: Client | None = None
        self._events: ActorRef | None = None
        self._running = False
        #: metrics-server's scrape interval; None runs no metrics server.
        self._metric_resolution = metric_resolution
        self._served_authority = ServedAuthority()
        self._gc_freeze = gc_freeze
        if gc_threshold is not None and gc_threshold < 1:
            raise ValueError(
                f"gc_threshold must be 1 or more (allocations between young collections), "
                f"not {gc_threshold}; None leaves the collector's own"
            )
        self._gc_threshold = gc_threshold
        self._holds_threshold = False
        self._holds_heap = False  # between entry and exit with gc_freeze (see _heap)

    # -------------------------------------------------------------------- lifecycle

    async def __aenter__(self) -> Cluster:
        if self._running:
            raise KubeActorsError(
                "this Cluster is running already: enter 'async with Cluster(...)' once, "
                "and make another Cluster for a second cluster"
            )
        self._check_clock()
        announce_clock(self.clock)
        if self._store_choice is not None:
            self.backend = self._store_choice.open()
        revision = await store_revision(self.backend)
        if self._shares_store and not is_virtual_time():
            # Other processes serve this store too, from the same seed (``up``'s), and two
            # started together read the same revision: seeded alike they would give two
            # objects one uid and draw the same generated names. Each takes a sequence of
            # its own, as kube-apiserver's random uids are.
            self.system.random.seed(f"{self.seed}/{revision}/{secrets.token_hex(16)}")
        elif revision > 1:
            # A store with a history, written by an earlier run from this same seed: the
            # names and uids drawn now must not be the ones that run drew (two Pods with one
            # uid), so the sequence continues from a point of the store's own.
            self.system.random.seed(f"{self.seed}/{revision}")
        await self.system.__aenter__()
        self._running = True
        if self._gc_freeze:
            HEAP.hold()
            self._holds_heap = True
        if self._gc_threshold is not None:
            THRESHOLDS.hold(self._gc_threshold)
            self._holds_threshold = True
        try:
            await self._start_control_plane()
            await self._start_metrics_server()
            await self._start_controllers()
            await self._start_scheduler()
            await self.add_nodes(self._initial_nodes)
        except BaseException as error:
            await self.__aexit__(type(error), error, error.__traceback__)
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        with anyio.CancelScope(shield=True):
            if self._planes is not None:
                await self._planes.stop_candidates()  # tasks, which the system would await
            # The kubelets first (their pod workers stop the containers), then the runtimes.
            for handle in reversed(list(self._nodes.values())):
                if handle.kubelet is not None and handle.kubelet.alive:
                    await self.system.stop(handle.kubelet)
            for release in self._runtime_releases:
                release.set()
            if self._runtime_holder is not None:
                self._runtime_holder.release()
                self._runtime_holder = None
        self._running = False
        try:
            return await self.system.__aexit__(exc_type, exc, tb)
        except BaseExceptionGroup as group:
            error = leaving_error(group, exc)
        finally:
            self._service_networks.release()
            if self._holds_heap:
                self._holds_heap = False
                HEAP.release()
            if self._holds_threshold and self._gc_threshold is not None:
                self._holds_threshold = False
                THRESHOLDS.release(self._gc_threshold)
            # etcd committed everything when it stopped; the file is closed after it.
            if self._store_choice is not None:
                await close_store(self.backend)
        # Raised here, outside the handler, so that the group is not its context.
        if error is exc:
            return False  # the body's own exception: let it go on as itself
        raise error

    def _check_clock(self) -> None:
        if self.clock is None:
            return
        virtual = is_virtual_time()
        if self.clock == "virtual" and not virtual:
            raise KubeActorsError(
                "Cluster(clock='virtual') needs the virtual-time event loop: run your "
                "program with kube_actors.actors.run(main) (or anyio.run with "
                "backend_options={'loop_factory': VirtualTimeEventLoop})"
            )
        if self.clock == "real" and virtual:
            raise KubeActorsError("Cluster(clock='real') is running on the virtual-time loop")

    async def _start_control_plane(self) -> None:
        backend = self.backend
        self._etcd = await self.system.spawn(lambda: etcd_actor(backend), name="etcd")
        self._service_network = await self._service_networks.propose(self._etcd)
        if self._leader_elect:
            if self._planes is None:
                self._planes = ControlPlanes(
                    self.system,
                    self.faults,
                    count=self._control_plane_count,
                    leases={
                        SCHEDULER_LEASE: self._lead_scheduler,
                        CONTROLLER_MANAGER_LEASE: self._lead_controllers,
                    },
                    start_apiserver=self._spawn_apiserver,
                    timings=self._election_timings,
                    # One control plane among other processes names itself as client-go's
                    # candidates do, <hostname>_<uuid>: the Lease says which host leads.
                    host=socket.gethostname() if self._control_plane_count == 1 else "",
                )
            await self._planes.start_apiservers()
        else:
            self._apiserver = await self._spawn_apiserver("kube-apiserver")
        self._service_network = await self._service_networks.confirm(self._etcd)
        if self._client is None:
            self._client = self.client_for(USER)
        else:
            # Keep the clients everyone holds: informers built on them re-watch or re-list.
            for client in self._clients:
                if self._apiserver is not None:
                    client.apiserver = self._apiserver
        if "event-broadcaster" not in self.system:
            sink_client = self.client_for("event-broadcaster")
            self._events = await self.system.spawn(
                lambda: EventSink(sink_client), name="event-broadcaster"
            )
            report_crash_loops(self.system, self._events)

    async def _spawn_apiserver(self, name: str) -> ActorRef:
        etcd = self._etcd
        assert etcd is not None
        admission = self._admission
        cache_size, max_lag = self._watch_cache_size, self._max_watch_lag
        services = {"metrics.k8s.io/v1beta1": "metrics-server"}
        # Another apiserver's writes, in this process or another, reach this one's cache
        # later than their writers hear back: consistent reads ask the store.
        shared = self._control_plane_count > 1 or shared_with_others(self.backend)
        return await self.system.spawn(
            lambda: ApiServer(
                etcd,
                admission=admission,
                watch_cache_size=cache_size,
                max_watch_lag=max_lag,
                api_services=services,
                token_issuer=self._token_issuer,
                event_ttl=self._event_ttl,
                service_cidr=self._service_network.service_cidr,
                node_ports=self._node_ports,
                shared_store=shared,
            ),
            name=name,
        )

    async def _start_metrics_server(self) -> None:
        resolution = self._metric_resolution
        if resolution is None:
            return
        client = self.client_for("metrics-server")
        await self.system.spawn(
            lambda: MetricsServer(client, self._scrape, metric_resolution=resolution),
            name="metrics-server",
        )

    async def _scrape(self, node: str) -> Summary:
        """A node's Summary, as metrics-server reads it from the kubelet."""
        handle = self._nodes.get(node)
        if handle is None or handle.kubelet is None or not handle.kubelet.alive:
            raise NotFound(f'no kubelet runs on node "{node}"')
        summary: Summary = await handle.kubelet.ask(GetSummary())
        return summary

    def client_for(self, component: str) -> Client:
        """A client of the apiserver for ``component``: what it sends passes the faults
        aimed at that name (``cluster.faults``). Each component of the cluster has one."""
        client = InterceptedClient(self._api, component=component, faults=self.faults)
        self._clients.append(client)
        return client

    @property
    def _api(self) -> ActorRef | Transport:
        """Where clients send: the apiserver, or the pool of the control planes' ones."""
        return self._planes.pool if self._planes is not None else self.apiserver

    async def _start_controllers(self) -> None:
        # The controllers share informers, as in kube-controller-manager; each writes
        # through a client of its own.
        self._informers = InformerFactory(self.client_for("kube-controller-manager"))
        if self._planes is not None:
            return  # the built-in ones run where kube-controller-manager's Lease is held
        for spec in self._builtin_controllers(self.client_for, self._informers):
            await self.add_controller(spec)

    def _builtin_controllers(
        self, client_for: Callable[[str], Client], informers: InformerFactory
    ) -> list[ControllerSpec]:
        specs = []
        for name in self._controller_names:
            context = ControllerContext(
                client=client_for(BUILTIN_COMPONENTS[name]),
                informers=informers,
                recorder=self.event_recorder,
                node_monitor_grace_period=self._node_monitor_grace_period,
                terminated_pod_gc_threshold=self._terminated_pod_gc_threshold,
                storage_dir=self._storage_dir,
                spawner=self.system,
                resource_metrics=self._metric_resolution is not None,
                access_review=self._served_authority.review,
                signing_authority=self._served_authority.authority,
            )
            specs.append(BUILTIN_CONTROLLERS[name](context))
        return specs

    async def _start_scheduler(self) -> None:
        if self._planes is not None:
            await self._planes.start_candidates()
            return
        settings = self._scheduler_settings
        if settings is None:
            return
        client = self.client_for("kube-scheduler")
        self._scheduler = await self.system.spawn(
            lambda: Scheduler(client, settings), name="kube-scheduler"
        )

    # ------------------------------------------------------------ control planes (HA)

    def _local_client(self, plane: ControlPlane, component: str) -> Client:
        assert self._planes is not None
        transport = self._planes.local_transport(plane)
        return InterceptedClient(transport, component=component, faults=self.faults)

    async def _lead_scheduler(self, plane: ControlPlane, spawner: ScopedSpawner) -> None:
        settings = self._scheduler_settings
        if settings is None:
            return
        client = self._local_client(plane, "kube-scheduler")
        await self.system.spawn(
            lambda: Scheduler(client, settings, instance=plane.identity), name=spawner.prefix
        )

    async def _lead_controllers(self, plane: ControlPlane, spawner: ScopedSpawner) -> None:
        # A new term starts from fresh informers, as a restarted kube-controller-manager.
        def client_for(component: str) -> Client:
            return self._local_client(plane, component)

        informers = InformerFactory(
            client_for("kube-controller-manager"), name=f"{spawner.prefix}/informers"
        )
        for spec in self._builtin_controllers(client_for, informers):
            await spawn_controller(spawner, spec, informers)

    @property
    def control_planes(self) -> ControlPlanes:
        """The control-plane replicas and their elections (``Cluster(control_planes=N)``
        or ``leader_elect=True``): ``.planes``, ``.leader(lease)``, ``.history``."""
        if self._planes is None:
            raise KubeActorsError(
                "this cluster elects no leaders: Cluster(control_planes=3) or leader_elect=True"
            )
        return self._planes

    async def stop_control_plane(self, index: int) -> None:
        """Control plane ``index``'s process dies: what it leads stops at once, its
        apiserver stops, and clients go to the others; the others take over its Leases once
        they expire."""
        await self.control_planes.stop(index)

    async def start_control_plane(self, index: int) -> None:
        """Start a stopped control plane again: it serves the API and campaigns."""
        await self.control_planes.start(index)

    def partition_control_plane(self, index: int) -> None:
        """Cut control plane ``index`` off: nobody reaches its apiserver and its components
        reach nothing; its leaders stop once they cannot renew within the renew deadline."""
        self.control_planes.partition(index)

    def heal_control_plane(self, index: int) -> None:
        """Reconnect a partitioned control plane."""
        self.control_planes.heal(index)

    async def add_controller(
        self,
        controller: ControllerArg,
        *,
        for_: type[Any] | None = None,
        owns: Iterable[type[Any]] = (),
        watches: Iterable[WatchSource] = (),
        name: str | None = None,
        workers: int = 1,
    ) -> ActorRef:
        """Run a controller with the cluster's shared informers, work queue and back-off,
        as the actor ``controller/<name>``.

        Either a ``ControllerSpec``, or a reconciler with what it watches::

            await cluster.add_controller(WorkerPoolReconciler, for_=WorkerPool,
                                         owns=[Deployment, Service])

        ``controller`` is then a ``Reconciler``, or something that makes one from a
        ``Client`` (a class taking the client, say): that client is the controller's own,
        component ``<name>-controller`` for fault injection. ``name`` defaults to the kind
        reconciled, lowercased; ``watches`` pairs kinds with map functions
        (``obj -> Iterable[Request]``) or event handlers.
        """
        if self._informers is None:
            raise KubeActorsError("the cluster is not running: use 'async with Cluster()'")
        if isinstance(controller, ControllerSpec):
            if for_ is not None or owns or watches or name is not None or workers != 1:
                raise TypeError(
                    "add_controller takes a ControllerSpec alone: for_, owns, watches, name "
                    "and workers are its fields"
                )
            spec = controller
        else:
            spec = self._spec_of(controller, for_, owns, watches, name, workers)
        for kind, _ in spec.sources():
            _check_registered(kind)
        if f"controller/{spec.name}" in self.system:
            if spec.name in self._controller_names:
                raise KubeActorsError(
                    f"a controller named {spec.name!r} is running already (the built-in one: "
                    f"it reconciles {spec.for_.__name__} too): give yours another name=..."
                )
            raise KubeActorsError(
                f"a controller named {spec.name!r} was added to this cluster already. Is the "
                "cluster shared? The examples of a @given test that uses the 'cluster' "
                "fixture all share one cluster (the fixture is set up once per test): use "
                "kube_actors.testing.run_with_cluster for a fresh cluster per example. "
                "Two controllers of one kind in one cluster need name=... each."
            )
        return await spawn_controller(self.system, spec, self._informers)

    def _spec_of(
        self,
        controller: Reconciler | Callable[[Client], Reconciler],
        for_: type[Any] | None,
        owns: Iterable[type[Any]],
        watches: Iterable[WatchSource],
        name: str | None,
        workers: int,
    ) -> ControllerSpec:
        if for_ is None:
            raise TypeError("add_controller needs for_=, the kind the reconciler reconciles")
        _check_registered(for_)
        name = name or kind_info(for_).kind.lower()
        reconciler: Reconciler
        if isinstance(controller, type) or not hasattr(controller, "reconcile"):
            reconciler = controller(self.client_for(f"{name}-controller"))
        else:
            reconciler = controller
        return ControllerSpec(
            for_=for_,
            owns=owns,
            watches=watches,
            reconciler=reconciler,
            name=name,
            workers=workers,
        )

    @property
    def informers(self) -> InformerFactory:
        """The informers the controllers share: ``cluster.informers.informer(Pod).indexer``
        is a cache of every Pod, kept current by one list and watch."""
        if self._informers is None:
            raise KubeActorsError("the cluster is not running: use 'async with Cluster()'")
        return self._informers

    @property
    def token_issuer(self) -> TokenIssuer:
        """The signer of the cluster's service-account tokens (``serviceaccounts/token``);
        the served API checks bearer tokens against it."""
        return self._token_issuer

    @property
    def actors(self) -> list[str]:
        """The names of the running actors (``kube-apiserver``, ``controller/deployment``,
        ``kubelet/node-1``, ``informers/pods``...), as ``crash`` takes them."""
        return sorted(self.system.statistics())

    async def crash(self, actor: str) -> None:
        """Crash an actor, as if a message it handled had raised: its supervisor restarts
        it with fresh state (a controller re-registers with its informers and reconciles
        every object again), however often it crashes (see ``health()``). It fails after
        the message in hand; what is queued waits for the next incarnation
        (``ActorRef.crash``)."""
        self.system.lookup(actor).crash("injected by Cluster.crash")

    def health(self) -> dict[str, ComponentHealth]:
        """Each running component (actor) by name: its state, restarts, whether it is crash
        looping, and its last error. A component that fails restarts on its own with
        back-off, forever; the others wait for it, and the cluster keeps running."""
        return health_of(self.system)

    async def restart_control_plane(self) -> None:
        """Stop the apiserver and etcd, then start them again on the same store.

        Every acknowledged write survives; watches open before the restart end, as a
        real apiserver's would, and clients re-list.
        """
        if self._planes is not None:
            for plane in self._planes.planes:
                await self._planes.stop(plane.index)
        for ref in (self._apiserver, self._etcd):
            if ref is not None:
                await self.system.stop(ref)
        await self._start_control_plane()
        if self._planes is not None:
            await self._planes.start_candidates()

    async def save_snapshot(self, path: str | os.PathLike[str]) -> None:
        """Write a snapshot of the store to the new file ``path``, as ``etcdctl snapshot
        save`` does, while the cluster runs: every write acknowledged so far is in it.
        ``kube-actors snapshot restore`` (``restore_snapshot``) makes a data directory of it."""
        save = getattr(self.backend, "save_snapshot", None)
        if save is None:
            raise KubeActorsError(
                "snapshots are taken of a durable store: Cluster(store='sqlite:///...')"
            )
        await save(path)

    # ------------------------------------------------------------------------ nodes

    async def add_node(self, config: NodeConfig | None = None) -> str:
        """Start a node (the next ``node-N`` if no config is given): its runtime and its
        kubelet, which registers the Node. Returns its name."""
        handle = self._new_node(config)
        await self._start_node(handle)
        return handle.config.name

    async def add_nodes(self, nodes: int | Sequence[NodeConfig]) -> list[str]:
        """Start several nodes side by side, as the cluster's first ones start: ``nodes``
        more ``node-N``, or one a config. Returns their names, once every kubelet has
        started (registered, or retrying)."""
        configs: Sequence[NodeConfig | None] = [None] * nodes if isinstance(nodes, int) else nodes
        # A cluster that freezes the heap freezes what the nodes leave as they come; any
        # other keeps the collector off meanwhile (``_heap``).
        with contextlib.nullcontext() if self._holds_heap else COLLECTOR.paused():
            handles = [self._new_node(config) for config in configs]
            await self._start_nodes(handles)
        return [handle.config.name for handle in handles]

    async def _start_nodes(self, handles: Sequence[NodeHandle]) -> None:
        """Start these nodes side by side, as a cluster's kubelets start on their own hosts:
        each registers its Node while the others do, so the apiserver takes their writes in
        batches. ``_NODES_STARTING`` workers take the nodes in order (a task for each of
        thousands of nodes would cost more than its node's start)."""
        if not handles:
            return
        await self._ensure_data_plane(handles[0])
        waiting = iter(handles)
        started = 0

        async def starter() -> None:
            nonlocal started
            for handle in waiting:
                await self._start_node(handle)
                started += 1
                if self._holds_heap and started % _NODES_STARTING == 0:
                    # Thousands of nodes leave their objects behind for good: with
                    # gc_freeze, they are frozen as they come, not rescanned each time the
                    # heap grows.
                    HEAP.growing()

        async with anyio.create_task_group() as group:
            for _ in range(min(_NODES_STARTING, len(handles))):
                group.start_soon(starter)

    def _new_node(self, config: NodeConfig | None) -> NodeHandle:
        """The handle of a node about to start, named and addressed (not started yet)."""
        index = len(self._nodes)
        config = config or node_config(index, slot=self._pod_slot)
        if not config.pod_cidr:
            # Each node its own loopback pod network, or two pods would share an IP.
            config = attrs.evolve(config, pod_cidr=pod_cidr(index, self._pod_slot))
        if config.name in self._nodes:
            raise KubeActorsError(f"a node named {config.name!r} exists already")
        handle = NodeHandle(
            config=config,
            index=index,
            runtime=make_runtime(self._runtime_choice, config),
            link=self._node_link(config.name),
            host_ip=config.node_ip or host_ip(index),
        )
        self._nodes[config.name] = handle
        return handle

    async def _start_node(self, handle: NodeHandle) -> None:
        # Runtimes are entered and left in the one task of the cluster's holder (each may
        # own a task group); they are left after the kubelets stopped (see __aexit__).
        if self._runtime_holder is None:
            self._runtime_holder = ResourceHolder()
            await self.system.start_task(self._runtime_holder.run, name="runtimes")
        await self._runtime_holder.hold(handle.runtime, f"runtime/{handle.config.name}")
        await self._start_kubelet(handle)
        await self._serve_node_ports(handle)

    def _node_link(self, node: str) -> NodeLink:
        link = NodeLink(self._api, node=node, faults=self.faults)
        self._clients.append(link)
        return link

    async def _serve_node_ports(self, handle: NodeHandle) -> None:
        """The node's NodePorts, served by the host's kube-proxy: at its InternalIP too, if
        it was given one of the host's addresses (kube-proxy's ``--nodeport-addresses``)."""
        plane = await self._ensure_data_plane(handle)
        if handle.config.node_ip:
            await plane.add_node_port_address(handle.config.node_ip)

    async def _ensure_data_plane(self, handle: NodeHandle) -> DataPlane:
        """The host's data plane and the kube-proxy that programs it, started with the first
        node (binding sockets if that node's runtime serves real ones).

        The nodes of a ``Cluster`` share one host, so one network: where Kubernetes runs a
        kube-proxy on each node to program that node's rules, here the one table of the one
        host serves every node, and one kube-proxy (one watch of Services and one of
        EndpointSlices) builds it, however many nodes join. A ``NodeAgent`` on another host
        runs that host's own."""
        if self._data_plane is None:
            bind = self._proxy_bind
            if bind is None:
                bind = handle.runtime.serves_sockets
            plane = DataPlane(bind=bind, node_port_address=self._service_network.node_port_address)
            release = anyio.Event()
            self._runtime_releases.append(release)
            name = "kube-proxy/data-plane"
            await self.system.start_task(hold, plane, release, name, name=name)
            self._data_plane = plane
            client = self.client_for("kube-proxy")
            recorder = self.event_recorder("kube-proxy")
            await self.system.spawn(
                lambda: KubeProxy(client, plane, recorder=recorder), name="kube-proxy"
            )
            await self._start_ingress(bind)
        return self._data_plane

    async def _start_ingress(self, bind: bool) -> None:
        """The built-in ingress controller, and its listener beside the data plane's."""
        server = IngressServer(listen=bind, port=self._ingress_port)
        release = anyio.Event()
        self._runtime_releases.append(release)
        name = "ingress-controller/server"
        await self.system.start_task(hold, server, release, name, name=name)
        self._ingress_server = server
        client = self.client_for("ingress-controller")
        await self.system.spawn(
            lambda: IngressController(client, server), name="ingress-controller"
        )

    async def _start_kubelet(self, handle: NodeHandle) -> None:
        link, runtime, config = handle.link, handle.runtime, handle.config
        timings = self._kubelet_timings
        recorder = self.event_recorder("kubelet", config.name) if self._kubelet_events else None
        services = await self._host_services()
        # A partial, not a lambda: the supervisor keeps the factory for restarts, and a
        # closure over seven names costs nine objects a node where this costs three.
        handle.kubelet = await self.system.spawn(
            functools.partial(
                Kubelet,
                link,
                runtime,
                config,
                host_ip=handle.host_ip,
                timings=timings,
                recorder=recorder,
                services=services,
            ),
            name=f"kubelet/{config.name}",
        )

    async def _host_services(self) -> SharedInformer[Service]:
        """The Services the host's kubelets read (for their pods' service environment
        variables), started with the first kubelet: as the host's one kube-proxy, one list
        and watch for every node of the cluster, where each kubelet would hold its own."""
        if self._kubelet_informers is None:
            self._kubelet_informers = InformerFactory(
                self.client_for("kubelet"), name="kubelet-informers"
            )
        informers = self._kubelet_informers
        services = informers.informer(Service)
        await informers.start(self.system)
        return services

    @property
    def nodes(self) -> list[str]:
        """The names of the cluster's nodes, in the order they were added."""
        return list(self._nodes)

    def runtime(self, node: str) -> ContainerRuntime:
        """The container runtime of a node."""
        return self._node(node).runtime

    def _node(self, name: str) -> NodeHandle:
        try:
            return self._nodes[name]
        except KeyError:
            raise KubeActorsError(f"no node named {name!r}") from None

    async def stop_node(self, name: str, *, kill_containers: bool = False) -> None:
        """The node dies: its kubelet stops, so its heartbeats end. Its containers keep
        running (a machine that lost its kubelet) unless ``kill_containers``."""
        handle = self._node(name)
        if handle.kubelet is None or not handle.kubelet.alive:
            return
        if not kill_containers:
            await handle.kubelet.ask(AbandonContainers())
        await self.system.stop(handle.kubelet)
        handle.kubelet = None

    async def start_node(self, name: str) -> None:
        """Start a stopped node's kubelet again; it takes over what is bound to it."""
        handle = self._node(name)
        if handle.kubelet is None or not handle.kubelet.alive:
            await self._start_kubelet(handle)

    def partition_node(self, name: str) -> None:
        """Cut the node off the apiserver: its requests fail and its watches end."""
        self._node(name).link.partition()

    def heal_node(self, name: str) -> None:
        """Reconnect a partitioned node."""
        self._node(name).link.heal()

    async def logs(
        self,
        pod: str,
        container: str | None = None,
        *,
        namespace: str = "default",
        previous: bool = False,
        options: PodLogOptions | None = None,
    ) -> str:
        """A container's log, as ``kubectl logs`` prints it: ``options`` says which part
        (``PodLogOptions``: tail, since, limit, timestamps), checked as Kubernetes checks it
        (``Invalid``); only what the answer holds is read into memory. ``container`` (may be
        left out for a one-container pod) and ``previous`` (the instance before the current
        one) are shorthands for the same fields of ``options``.
        """
        wanted = log_options(pod, options or PodLogOptions(), container, previous)
        where = await find_log(self.client, self._runtimes(), pod, wanted.container, namespace)
        return await read_log(where, wanted)

    async def follow_logs(
        self,
        pod: str,
        container: str | None = None,
        *,
        namespace: str = "default",
        previous: bool = False,
        options: PodLogOptions | None = None,
    ) -> AsyncIterator[str]:
        """``kubectl logs -f``: what ``logs`` gives, then each new piece of the log as the
        container writes it, until the container has exited."""
        wanted = log_options(pod, options or PodLogOptions(), container, previous)
        where = await find_log(self.client, self._runtimes(), pod, wanted.container, namespace)
        async for text in follow(where, wanted):
            yield text

    async def exec(
        self,
        pod: str,
        command: Sequence[str],
        *,
        container: str | None = None,
        namespace: str = "default",
        stdin: bytes | str | None = None,
    ) -> ExecOutput:
        """``kubectl exec pod -- command``: run ``command`` in the running container (the
        annotated default or the first, unless ``container`` names one) to its end, fed
        ``stdin`` if given; its stdout, stderr and exit code."""
        data = stdin.encode() if isinstance(stdin, str) else stdin
        session = await self.open_exec(
            pod, command, container=container, namespace=namespace, stdin=data is not None
        )
        return await run_to_end(session, data)

    async def open_exec(
        self,
        pod: str,
        command: Sequence[str],
        *,
        container: str | None = None,
        namespace: str = "default",
        stdin: bool = False,
        tty: bool = False,
    ) -> ExecSession:
        """``kubectl exec -it``: the command's live session (its streams and exit code);
        use it as ``async with``."""
        if not command:
            raise BadRequest("you must specify at least one command for the container")
        found, runtime = await runtime_of(self.client, self._runtimes(), pod, namespace)
        name = default_container(found, container)
        return await open_exec(runtime, found, name, command, stdin=stdin, tty=tty)

    async def attach(
        self,
        pod: str,
        *,
        container: str | None = None,
        namespace: str = "default",
        stdin: bool = False,
    ) -> ExecSession:
        """``kubectl attach [-i]``: the running container's output from now on, until it
        exits; with ``stdin``, ``session.stdin`` writes to the container's stdin (None when
        its spec has no ``stdin: true``). Closing ``session.stdin`` ends the session, or,
        for a container with ``stdinOnce`` and no ``tty``, ends the container's stdin (it
        reads EOF) while its output goes on. Use it as ``async with``."""
        found, runtime = await runtime_of(self.client, self._runtimes(), pod, namespace)
        name = default_container(found, container)
        return await attach(runtime, found, name, stdin=stdin)

    @contextlib.asynccontextmanager
    async def port_forward(
        self,
        pod: str,
        port: int,
        *,
        namespace: str = "default",
        address: str = "127.0.0.1",
        local_port: int = 0,
    ) -> AsyncIterator[tuple[str, int]]:
        """``kubectl port-forward pod local:port``: while the context lasts, connections to
        the yielded ``(host, port)`` reach ``port`` of the pod::

            async with cluster.port_forward("web-0", 8080) as (host, port):
                ...  # connect to host:port
        """
        found, runtime = await runtime_of(self.client, self._runtimes(), pod, namespace)
        async with forward_port(
            runtime, found, port, address=address, local_port=local_port
        ) as where:
            yield where

    async def open_port_forward(
        self, pod: str, port: int, *, namespace: str = "default"
    ) -> anyio.abc.ByteStream:
        """One connection to ``port`` of the pod (what the HTTP server's port-forward
        carries)."""
        found, runtime = await runtime_of(self.client, self._runtimes(), pod, namespace)
        return await streaming(runtime).port_forward(await pod_sandbox(runtime, found), port)

    def _runtimes(self) -> dict[str, ContainerRuntime]:
        return {name: handle.runtime for name, handle in self._nodes.items()}

    async def kill_container(self, pod: str, container: str, *, namespace: str = "default") -> None:
        """A container dies from outside (the kubelet is not asked): its kubelet notices
        and applies the pod's restart policy."""
        found = await self.client.get(Pod, pod, namespace=namespace)
        handle = self._node(found.spec.node_name)
        runtime = handle.runtime
        for sandbox in await runtime.list_pod_sandboxes():
            if sandbox.config.uid != found.metadata.uid:
                continue
            for status in await runtime.list_containers(
                sandbox_id=sandbox.id, name=container, state=ContainerState.RUNNING
            ):
                if isinstance(runtime, FakeRuntime):
                    runtime.kill_container(status.id)
                else:
                    await runtime.stop_container(status.id, 0)
                return
        raise NotFound(f'container "{container}" of pod "{pod}" is not running')

    # ------------------------------------------------------------------- components

    @property
    def client(self) -> Client:
        if self._client is None:
            raise KubeActorsError("the cluster is not running: use 'async with Cluster()'")
        return self._client

    @property
    def apiserver(self) -> ActorRef:
        """The apiserver actor (of several control planes, the first one running)."""
        if self._apiserver is None and self._planes is not None:
            for plane in self._planes.planes:
                if plane.apiserver is not None:
                    return plane.apiserver
        if self._apiserver is None:
            raise KubeActorsError("the cluster is not running: use 'async with Cluster()'")
        return self._apiserver

    def event_recorder(self, component: str, host: str = "") -> EventRecorder:
        """A recorder of Events for a component (``component`` and ``host`` as its source)."""
        if self._events is None:
            raise KubeActorsError("the cluster is not running: use 'async with Cluster()'")
        return EventRecorder(self._events, component, host)

    # ------------------------------------------------------------------------ verbs

    async def apply(
        self,
        source: Source | Iterable[Source],
        *,
        server_side: bool = False,
        force_conflicts: bool = False,
        field_manager: str = "",
    ) -> list[ApplyResult]:
        """``kubectl apply``: create each object, or bring the stored one in line with it.

        ``source``: a manifest path, YAML text, a manifest dict, an API object, or a list of
        these. Every object is checked before the first write, so bad input changes
        nothing. Returns one ``ApplyResult`` per object, in order: ``.object`` as stored,
        ``.action`` ("created", "configured" or "unchanged"), and ``str()`` as kubectl
        prints it (``deployment.apps/hello created``).

        ``server_side=True`` is ``kubectl apply --server-side``: the apiserver merges each
        object and records the fields of ``field_manager`` (``kubectl``); a field another
        manager owns is a ``Conflict`` unless ``force_conflicts``.
        """
        return await kubectl.apply(
            self.client,
            source,
            server_side=server_side,
            force_conflicts=force_conflicts,
            field_manager=field_manager,
        )

    @overload
    async def wait_for(
        self,
        kind: type[T],
        name: str,
        *,
        namespace: str = "default",
        condition: Literal["delete"],
        timeout: float = 60.0,
    ) -> None: ...

    @overload
    async def wait_for(
        self,
        kind: type[T],
        name: str,
        *,
        namespace: str = "default",
        condition: str | Callable[[T], bool] = "Ready",
        timeout: float = 60.0,
    ) -> T: ...

    async def wait_for(
        self,
        kind: type[T],
        name: str,
        *,
        namespace: str = "default",
        condition: Condition = "Ready",
        timeout: float = 60.0,
    ) -> T | None:
        """Like ``kubectl wait --for=condition=...``: the object once ``condition`` holds.

        ``condition``: a condition type ("Available", "condition=Ready", "Ready=False";
        types compare as kubectl compares them, ignoring case), "delete" (returns None once
        the object is gone), or a predicate on the object.
        ``timeout`` is on the running clock; a ``TimeoutError`` says what was awaited.
        """
        namespace = self._namespace_of(kind, namespace)
        obj: T | None = await kubectl.wait_for(
            self.client, kind, name, namespace=namespace, condition=condition, timeout=timeout
        )
        return obj

    async def scale(
        self, kind: type[T], name: str, replicas: int, *, namespace: str = "default"
    ) -> T:
        """``kubectl scale``."""
        obj: T = await kubectl.scale(self.client, kind, name, replicas, namespace=namespace)
        return obj

    async def set_image(
        self, kind: type[T], name: str, *, namespace: str = "default", **images: str
    ) -> T:
        """``kubectl set image deployment/web web=nginx:1.27``: container name -> image."""
        obj: T = await kubectl.set_image(self.client, kind, name, images, namespace=namespace)
        return obj

    async def rollout_status(
        self,
        name: str,
        *,
        namespace: str = "default",
        on_progress: Callable[[str], None] | None = None,
        timeout: float = 600.0,
    ) -> str:
        """``kubectl rollout status deployment/<name>``: waits; progress lines go to
        ``on_progress``; returns the last one."""
        return await kubectl.rollout_status(
            self.client, name, namespace=namespace, on_progress=on_progress, timeout=timeout
        )

    async def rollout_undo(
        self, name: str, *, namespace: str = "default", to_revision: int = 0
    ) -> Deployment:
        """``kubectl rollout undo deployment/<name> [--to-revision=N]``."""
        restored: Deployment = await kubectl.rollback(
            self.client, name, namespace, to_revision=to_revision
        )
        return restored

    async def cordon(self, node: str) -> Node:
        """``kubectl cordon``: no new Pod is scheduled on ``node``."""
        return await kubectl.cordon(self.client, node)

    async def uncordon(self, node: str) -> Node:
        """``kubectl uncordon``."""
        return await kubectl.uncordon(self.client, node)

    async def drain(
        self,
        node: str,
        *,
        ignore_daemonsets: bool = True,
        delete_emptydir_data: bool = False,
        force: bool = False,
        timeout: float | None = None,
    ) -> list[str]:
        """``kubectl drain --ignore-daemonsets``: cordon, then evict each Pod through the
        eviction API (waiting while a PodDisruptionBudget refuses) until all are gone."""
        return await kubectl.drain(
            self.client,
            node,
            ignore_daemonsets=ignore_daemonsets,
            delete_emptydir_data=delete_emptydir_data,
            force=force,
            timeout=timeout,
        )

    async def top_pods(
        self, *, namespace: str = "default", label_selector: str | None = None
    ) -> list[PodMetrics]:
        """``kubectl top pods``: the Pods' usage as the metrics server last measured it
        (needs ``Cluster(metric_resolution=...)``; ServiceUnavailable without it)."""
        return await self.client.list(
            PodMetrics, namespace=namespace, label_selector=label_selector
        )

    async def top_nodes(self) -> list[NodeMetrics]:
        """``kubectl top nodes``: the Nodes' usage as the metrics server last measured it."""
        return await self.client.list(NodeMetrics)

    async def describe(self, kind: type[Any], name: str, *, namespace: str = "default") -> str:
        """``kubectl describe``: the object as text, its Events last."""
        return await kubectl.describe(
            self.client, kind, name, namespace=self._namespace_of(kind, namespace)
        )

    async def events(self, obj: Any) -> list[Event]:
        """The Events about ``obj``, oldest first."""
        return await kubectl.events_for(self.client, obj)

    async def expose(
        self,
        kind: str | type[Any],
        name: str,
        *,
        port: int | None = None,
        target_port: IntOrString | None = None,
        type: str = "ClusterIP",
        service_name: str | None = None,
        protocol: str | None = None,
        namespace: str = "default",
        session_affinity: str | None = None,
    ) -> Service:
        """``kubectl expose deployment hello --type=NodePort --port=8080``, with its
        defaults: the Service is named like the object and selects what it selects."""
        return await kubectl.expose(
            self.client,
            kind,
            name,
            port=port,
            target_port=target_port,
            type=type,
            service_name=service_name,
            protocol=protocol,
            namespace=namespace,
            session_affinity=session_affinity,
        )

    async def wait_serving(
        self, name: str, *, namespace: str = "default", timeout: float = 30.0
    ) -> Service:
        """Wait until kube-proxy listens for the Service on every TCP port (its ClusterIP and,
        if it has one, its NodePort), which it does once the Service has ready endpoints, and
        an endpoint behind each accepts connections (a Ready pod whose process does not listen
        yet refuses, as in Kubernetes); then a connection to it is served. ``TimeoutError``
        naming the Service otherwise."""
        service = await self.client.get(Service, name, namespace=namespace)
        plane = self.data_plane
        addresses = []
        for port in service.spec.ports:
            if port.protocol not in ("", "TCP"):
                continue
            if service.spec.cluster_ip not in ("", "None"):
                addresses.append((service.spec.cluster_ip, port.port))
            if port.node_port:
                addresses.append((plane.node_port_address, port.node_port))
        try:
            with anyio.fail_after(timeout):
                await plane.wait_answering(addresses)
        except TimeoutError:
            raise TimeoutError(
                f"Service {namespace}/{name} is not served after {timeout} s (no ready "
                "endpoints, or a port kube-proxy could not listen on)"
            ) from None
        return service

    async def resolve(self, name: str) -> str:
        """The address ``name.namespace[.svc.cluster.local]`` resolves to: the ClusterIP (the
        first ready Pod's IP for a headless Service; see ``resolve_all``)."""
        found = await kubectl.resolve_all(self.client, name)
        if not found:
            raise NotFound(f"{name} resolves to no address (a headless Service, no ready Pod)")
        return found[0]

    async def resolve_all(self, name: str) -> list[str]:
        """Every address ``name`` resolves to (all ready Pods of a headless Service)."""
        return await kubectl.resolve_all(self.client, name)

    @property
    def ingress_address(self) -> tuple[str, int]:
        """Where the built-in ingress controller answers HTTP: ``(host, port)``."""
        server = self._ingress_server
        if server is None:
            raise KubeActorsError("the cluster has no nodes, so no ingress controller")
        if not server.listen:
            raise KubeActorsError("the ingress controller opens no socket (bind=False)")
        return server.host, server.port

    @property
    def service_network(self) -> ServiceNetwork:
        """Where this cluster's Services are served on this machine: ``service_cidr`` (the
        range ClusterIPs come from, agreed with the store when the cluster started) and
        ``node_port_address`` (where NodePorts listen)."""
        return self._service_network

    @property
    def data_plane(self) -> DataPlane:
        """The host's kube-proxy data plane: its service table, listeners, statistics."""
        if self._data_plane is None:
            raise KubeActorsError("the cluster has no nodes, so no kube-proxy")
        return self._data_plane

    def _namespace_of(self, kind: type[Any], namespace: str) -> str:
        return namespace if kind_info(kind).namespaced else ""

    async def settle(self, horizon: float = 0.0, *, timeout: float = 60.0) -> None:
        """Wait until no component has work left and no timer is due within ``horizon``."""
        await self.system.settle(horizon, timeout=timeout)
        if self._holds_heap:
            HEAP.settled()

    def serve(
        self,
        *,
        address: str = "127.0.0.1",
        port: int = 0,
        data_dir: str | None = None,
        cert_dir: str | os.PathLike[str] | None = None,
        tls: bool = True,
        token_auth_file: str | None = None,
        encoded_cache_bytes: int = 64 << 20,
    ) -> ApiHttpServer:
        """Serve Kubernetes' REST API for kubectl and any client, for as long as the
        context lasts::

            async with cluster.serve() as served:
                print(f"kubectl --kubeconfig {served.kubeconfig_path} get pods")

        Loopback only unless ``address`` says otherwise; ``port`` 0 picks a free port; TLS
        material, the admin token and the kubeconfig live in ``data_dir`` (a temporary
        directory if None); ``cert_dir`` holds the CA and the admin token instead, for
        several control planes of one cluster to share (``kube-actors up --cert-dir``). On
        virtual time the clock then follows the wall clock.
        ``token_auth_file`` adds users' bearer tokens (Kubernetes' ``--token-auth-file``
        CSV: ``token,user,uid,"group1,group2"``); RBAC decides what each user may do.
        ``encoded_cache_bytes`` bounds the server's cache of encoded objects (0: no cache).
        """
        server = ApiHttpServer(
            self.client_for("http-api"),
            logs=self,
            streams=self,
            address=address,
            port=port,
            data_dir=data_dir,
            cert_dir=cert_dir,
            tls=tls,
            token_auth_file=token_auth_file,
            authenticators=[ServiceAccountTokens(self._token_issuer, self.client_for("http-api"))],
            encoded_cache_bytes=encoded_cache_bytes,
            kubernetes_service_ip=first_service_ip(self._service_network.service_cidr),
        )
        # The certificate controllers review and sign through the API this process serves.
        return self._served_authority.add(server)

    def sync(self) -> SyncCluster:
        """This cluster for synchronous code (scripts, notebooks), on a loop of its own::

            with Cluster(nodes=2, clock="virtual").sync() as cluster:
                print(cluster.apply("demo.yaml"))
                cluster.wait_for(Deployment, "hello", condition="Available")

        Every method is this class's own, run on that loop; see ``SyncCluster``. A cluster
        that is running already (inside ``async with``) is refused: await its methods.
        """
        if self._running:
            raise KubeActorsError(
                "sync() on a Cluster that is running already (inside 'async with'): in async "
                "code, await its methods (await cluster.apply(...)); sync() is for synchronous "
                "code, on a Cluster that is not started: with Cluster(...).sync() as cluster:"
            )
        return SyncCluster(self)


def _check_registered(kind: type[Any]) -> None:
    try:
        kind_info(kind)
    except KeyError:
        raise KubeActorsError(
            f"{kind.__name__} is not a registered kind: call "
            f"kube_actors.api.register_kind({kind.__name__}) first"
        ) from None


#: Nodes that start at once (``Cluster._start_nodes``): enough for the apiserver to take their
#: registrations in batches, few enough that the Events they record (six a node) never
#: overflow the event broadcaster's queue, which drops what it cannot hold.
_NODES_STARTING = 64
