"""The data plane: real TCP listeners on ClusterIPs and NodePorts, forwarding to endpoints.

One ``DataPlane`` per host, shared by every node's kube-proxy (they share the machine's
loopback, as kube-proxies of one host would share its iptables). Each proxy hands it the table
it built; the plane keeps the newest (a table built from older informer caches than the one in
force is ignored), and where it binds sockets it makes its listeners match the table:

- ``ClusterIP:port`` for every TCP Service port with ready endpoints, and
  ``node_port_address:nodePort`` for NodePort Services (127.0.0.1, or the node's address on
  a host of its own). A Service port with no ready endpoint has no
  listener, so a connection to it is refused, as Kubernetes' REJECT rule refuses it; a port
  that gains endpoints is bound, a Service changed or deleted is rebound or closed;
- every address is checked to be loopback or a node's address before it is bound;
  nothing listens elsewhere;
- an address another process holds (another cluster on this machine with the same Service
  range or NodePort address, see ``cluster._service_network``) is not listened on: the plane
  warns once (``proxy_listen_failed``, naming the address and what to do), tries again at
  every sync, and hands the failure to a kube-proxy (``take_failures``), which records a
  Warning Event on the Service;
- each accepted connection goes to an endpoint its Service port's ``Balancer`` picks, through
  asyncio protocols on both sides that copy bytes as they come, pass half-closes on, and stop
  reading one side while the other cannot keep up.

UDP (and SCTP) Service ports are kept in the table and resolve, but are not forwarded.

Without ``bind`` (the fake runtime, where no pod listens) the plane only keeps the table:
name resolution and endpoint membership work the same, and no socket is opened.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
from collections.abc import Iterable
from types import TracebackType
from typing import Any

import anyio
import attrs

from kube_actors.actors import monotonic
from kube_actors.errors import KubeActorsError

from .._log import get_logger
from ._balancer import Balancer
from ._table import Backend, PortKey, ServicePortEntry, ServiceTable

__all__ = ["LISTEN_ADVICE", "DataPlane", "DataPlaneStatistics", "ListenFailure"]

_log = get_logger("kube_actors.proxy")

#: A listening address: (IP, port).
Address = tuple[str, int]

#: How many bytes a side may have waiting to be written before the other side stops reading.
_HIGH_WATER = 256 * 1024

#: What to do about an address another process holds, as the warning and the Event say it.
LISTEN_ADVICE = (
    "another process listens there, most likely another cluster on this machine with the same "
    "Service range or NodePort address: give each cluster its own (service_cidr, "
    "--service-cluster-ip-range), or none, so that each takes one of its own; or another "
    "kube-proxy of this cluster on this host, which serves it then"
)


@attrs.frozen(kw_only=True)
class DataPlaneStatistics:
    services: int
    listeners: int
    connections: int
    refused: int
    active: int
    #: Addresses wanted and not listened on (``proxy_listen_failed``).
    failed: int = 0


@attrs.frozen(kw_only=True)
class ListenFailure:
    """An address the plane could not listen on: ``ip:port``, the Service port it was for
    (``namespace``, ``name``, port name) and the system's error."""

    address: str
    service: PortKey
    error: str


class DataPlane:
    """The host's service table and, where ``bind``, its listeners. An async context manager:
    leaving it closes every listener and every forwarded connection."""

    def __init__(self, *, bind: bool = True, node_port_address: str = "127.0.0.1") -> None:
        self.bind = bind
        self.node_port_address = node_port_address
        #: Where NodePorts listen: ``node_port_address``, then the addresses added for the
        #: nodes that share this plane (``add_node_port_address``).
        self.node_port_addresses: tuple[str, ...] = (node_port_address,)
        self.table = ServiceTable()
        self._routes: dict[Address, PortKey] = {}
        self._servers: dict[Address, asyncio.Server] = {}
        self._balancers: dict[PortKey, Balancer] = {}
        self._pipes: set[_Pipe] = set()
        #: The connects in flight: owned here, cancelled when the plane closes.
        self._connecting: set[asyncio.Task[None]] = set()
        self._open = False
        self._lock = asyncio.Lock()
        self._changed = asyncio.Event()
        self._connections = 0
        self._refused = 0
        #: Wanted addresses another process holds -> the error; warned about once each.
        self._failed: dict[Address, str] = {}
        self._unreported: list[ListenFailure] = []

    async def __aenter__(self) -> DataPlane:
        self._open = True
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        self._open = False
        await self._close_all()
        for task in list(self._connecting):
            task.cancel()
        if self._connecting:
            await asyncio.wait(self._connecting)
        return None

    # ------------------------------------------------------------------------ tables

    async def apply(self, table: ServiceTable) -> bool:
        """Put ``table`` in force unless the one in force is as new; whether it was."""
        async with self._lock:
            old = self.table.version
            new = table.version
            if (new[0] < old[0] or new[1] < old[1]) or (new == old and new != (0, 0)):
                return False
            self.table = table
            self._balancers = {key: self._balancers.get(key, Balancer()) for key in table.entries}
            if self.bind:
                await self._sync_listeners()
            changed, self._changed = self._changed, asyncio.Event()
            changed.set()
            return True

    async def add_node_port_address(self, address: str) -> None:
        """Listen on NodePorts at ``address`` too: a node of this plane's host whose
        InternalIP is an address of the host's own (kube-proxy's ``--nodeport-addresses``)."""
        async with self._lock:
            if address in self.node_port_addresses:
                return
            self.node_port_addresses = (*self.node_port_addresses, address)
            if self.bind:
                await self._sync_listeners()

    async def wait_changed(self) -> ServiceTable:
        """Wait for the next table to be put in force; returns it."""
        await self._changed.wait()
        return self.table

    async def wait_listening(self, addresses: Iterable[Address]) -> None:
        """Wait until this plane listens on every one of ``addresses`` (ClusterIP:port,
        ``node_port_address``:nodePort): a Service is reachable from then on. A plane that
        does not bind (fake containers serve no sockets) never listens: that is an error."""
        if not self.bind:
            raise KubeActorsError("this data plane opens no sockets (bind=False)")
        wanted = set(addresses)
        while not wanted.issubset(self._servers):
            await self.wait_changed()

    async def wait_answering(self, addresses: Iterable[Address]) -> None:
        """Wait until this plane listens on every one of ``addresses`` and, behind each, an
        endpoint accepts a connection.

        A pod without a readiness probe is Ready, and so an endpoint, as soon as its container
        started, before its process listens; Kubernetes forwards to it all the same and the
        client is refused, as it is here. A person retries; this is that retry, so that a
        program's first request after it finds a Service reachable is answered. It tries the
        endpoints again each time the table changes, else after a short back-off."""
        wanted = list(addresses)
        await self.wait_listening(wanted)
        delay = 0.005
        for address in wanted:
            while not await self._an_endpoint_accepts(address):
                with anyio.move_on_after(delay):
                    await self.wait_changed()
                delay = min(delay * 2, 0.2)

    async def _an_endpoint_accepts(self, address: Address) -> bool:
        key = self._wanted().get(address)
        entry = self.table.entries.get(key) if key is not None else None
        for backend in entry.endpoints if entry is not None else ():
            try:
                with anyio.fail_after(1):
                    _, writer = await asyncio.open_connection(*backend)
            except (OSError, TimeoutError):
                continue
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
            return True
        return False

    def resolve_all(self, name: str) -> tuple[str, ...]:
        """What ``name.namespace[.svc.cluster.local]`` resolves to, as this plane knows it."""
        return self.table.resolve_all(name)

    def listening(self) -> list[Address]:
        """The addresses listened on, sorted."""
        return sorted(self._servers)

    def statistics(self) -> DataPlaneStatistics:
        return DataPlaneStatistics(
            services=len(self.table.names),
            listeners=len(self._servers),
            connections=self._connections,
            refused=self._refused,
            active=len(self._pipes) // 2,
            failed=len(self._failed),
        )

    def take_failures(self) -> list[ListenFailure]:
        """The listen failures not taken yet (each is handed out once, to one kube-proxy)."""
        failures, self._unreported = self._unreported, []
        return failures

    # --------------------------------------------------------------------- listeners

    def _wanted(self) -> dict[Address, PortKey]:
        wanted: dict[Address, PortKey] = {}
        for entry in self.table.entries.values():
            if entry.protocol != "TCP" or not entry.endpoints:
                continue
            wanted[(entry.cluster_ip, entry.port)] = entry.key
            if entry.node_port:
                for node_address in self.node_port_addresses:
                    wanted[(node_address, entry.node_port)] = entry.key
        return wanted

    async def _sync_listeners(self) -> None:
        wanted = self._wanted()
        self._routes = wanted
        for address in [a for a in self._failed if a not in wanted]:
            del self._failed[address]
        for address in [a for a in self._servers if a not in wanted]:
            await self._close(address)
        for address in wanted:
            if address not in self._servers:
                await self._listen(address)

    async def _listen(self, address: Address) -> None:
        host, port = address
        if not ipaddress.ip_address(host).is_loopback and host not in self.node_port_addresses:
            _log.error("proxy_refused_non_loopback_address", address=f"{host}:{port}")
            return
        loop = asyncio.get_running_loop()
        try:
            server = await loop.create_server(
                lambda: _Pipe(self, address), host, port, reuse_address=True, backlog=1024
            )
        except OSError as error:
            self._listen_failed(address, str(error))
            return
        self._failed.pop(address, None)
        self._servers[address] = server
        _log.debug("proxy_listening", address=f"{host}:{port}")

    def _listen_failed(self, address: Address, error: str) -> None:
        if address in self._failed:
            self._failed[address] = error
            return  # warned already; tried again at every sync
        self._failed[address] = error
        where = f"{address[0]}:{address[1]}"
        _log.warning("proxy_listen_failed", address=where, error=error, hint=LISTEN_ADVICE)
        key = self._routes.get(address)
        if key is not None:
            self._unreported.append(ListenFailure(address=where, service=key, error=error))

    async def _close(self, address: Address) -> None:
        server = self._servers.pop(address)
        server.close()
        with contextlib.suppress(Exception):
            await server.wait_closed()

    async def _close_all(self) -> None:
        for address in list(self._servers):
            server = self._servers.pop(address)
            server.close()
        for pipe in list(self._pipes):
            pipe.abort()
        self._routes = {}

    # ------------------------------------------------------------------- connections

    def _pick(self, address: Address, client_ip: str) -> Backend | None:
        key = self._routes.get(address)
        entry: ServicePortEntry | None = self.table.entries.get(key) if key else None
        balancer = self._balancers.get(key) if key else None
        if entry is None or balancer is None:
            return None
        return balancer.pick(entry, client_ip, monotonic())

    def _accepted(self, inbound: _Pipe) -> None:
        self._connections += 1
        peer = inbound.transport_info("peername")
        client_ip = peer[0] if peer else ""
        backend = self._pick(inbound.address, client_ip)
        if backend is None or not self._open:
            self._refused += 1
            inbound.abort()  # the endpoints went between the accept and now
            return
        inbound.pause()
        # A task of its own per connect, as asyncio's servers give each connection; the
        # plane keeps it and cancels it on close (a structured-concurrency task group cannot
        # be entered here: these start from a protocol callback, outside any task).
        task = asyncio.get_running_loop().create_task(self._connect(inbound, backend))
        self._connecting.add(task)
        task.add_done_callback(self._connecting.discard)

    async def _connect(self, inbound: _Pipe, backend: Backend) -> None:
        """Connect to ``backend``; if it refuses (a process not listening yet, or gone), try
        the next endpoints as kube-proxy's userspace mode did, then reset the client."""
        loop = asyncio.get_running_loop()
        tried = {backend}
        while True:
            try:
                await loop.create_connection(
                    lambda b=backend: _Pipe(self, b, peer=inbound),  # type: ignore[misc]
                    *backend,
                )
            except OSError:
                peer = inbound.transport_info("peername")
                retry = self._pick(inbound.address, peer[0] if peer else "")
                if retry is None or retry in tried or inbound.closed:
                    self._refused += 1
                    inbound.abort()
                    return
                tried.add(retry)
                backend = retry
                continue
            inbound.resume()
            return


class _Pipe(asyncio.Protocol):
    """One side of a forwarded connection: what it reads, the other side writes."""

    __slots__ = ("address", "closed", "eof", "peer", "plane", "transport")

    def __init__(self, plane: DataPlane, address: Address, *, peer: _Pipe | None = None) -> None:
        self.plane = plane
        self.address = address
        self.peer = peer
        self.transport: asyncio.Transport | None = None
        self.eof = False
        self.closed = False

    def transport_info(self, name: str) -> Any:
        return self.transport.get_extra_info(name) if self.transport is not None else None

    # A pipe made by a listener has no peer yet: the plane connects one.
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.plane._pipes.add(self)
        if self.peer is None:
            self.plane._accepted(self)
            return
        self.peer.peer = self
        transport.set_write_buffer_limits(high=_HIGH_WATER)
        self.peer.transport_limits()
        if self.peer.closed:
            self.abort()

    def transport_limits(self) -> None:
        if self.transport is not None:
            self.transport.set_write_buffer_limits(high=_HIGH_WATER)

    def data_received(self, data: bytes) -> None:
        peer = self.peer
        if peer is not None and peer.transport is not None:
            peer.transport.write(data)

    def eof_received(self) -> bool:
        self.eof = True
        peer = self.peer
        if peer is None or peer.transport is None or peer.eof:
            return False  # both sides are done: close
        if peer.transport.can_write_eof():
            peer.transport.write_eof()
        return True

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.plane._pipes.discard(self)
        peer = self.peer
        if peer is not None and peer.transport is not None and not peer.closed:
            if exc is None:
                peer.transport.close()
            else:
                peer.transport.abort()

    # Flow control: a side that cannot write fast enough stops the other from reading.
    def pause_writing(self) -> None:
        if self.peer is not None:
            self.peer.pause()

    def resume_writing(self) -> None:
        if self.peer is not None:
            self.peer.resume()

    def pause(self) -> None:
        if self.transport is not None and not self.closed:
            self.transport.pause_reading()

    def resume(self) -> None:
        if self.transport is not None and not self.closed and not self.transport.is_closing():
            self.transport.resume_reading()

    def abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()
