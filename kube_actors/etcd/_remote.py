"""``RemoteBackend``: the store kept in a real etcd cluster, over etcd's v3 gRPC API.

The other backends are the store; this one is a client of it. The same requests and answers
(``Range``, ``Put``, ``Txn``... and their responses) cross the network as etcd's own
messages (``_remote_wire``, on the gRPC stubs that the ``aetcd`` package generates), so a
revision is etcd's revision and a resourceVersion is an etcd mod revision, as in Kubernetes.
The calls are coroutines: ``RemoteEtcdActor`` awaits them where ``EtcdActor`` calls a local
backend. Several processes may share one etcd: etcd orders their writes, and the
apiserver's compare-and-swap transactions keep any of them from losing another's write.

Endpoints given as ``https://`` (or any endpoint with ``tls=EtcdTLS(...)``) are reached over
TLS (``_remote_tls``); a handshake that fails (a certificate not signed by the CA given, a
client certificate etcd refuses) is a ``StoreUnavailable`` that says so.

One gRPC channel spans the endpoints (``etcd://10.0.0.1:2379,10.0.0.2:2379``): it uses one
member and moves to another when that one goes away. A call that cannot reach a member
with a leader within ``timeout`` seconds raises ``StoreUnavailable`` (the apiserver's 503).
Reads are tried again within that time; a write is not, since etcd may have applied it
(the apiserver's client retries, and its compare-and-swap then tells what happened).

Leases live on etcd's clock, not the program's: an Event's TTL runs in real seconds even
under virtual time. ``compact_revision`` is not something etcd reports: it is found as the
oldest revision etcd can still read.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

import grpc
from aetcd import rpc  # type: ignore[import-untyped]

from ..errors import Compacted, FutureRevision, LeaseNotFound, StoreError, StoreUnavailable
from ._messages import DeleteRange, Put, Range, Txn
from ._remote_tls import EtcdTLS
from ._remote_watch import RemoteWatcher, outside, wall_sleep
from ._remote_wire import Recent, delete_pb, put_pb, range_pb, txn_pb
from ._responses import (
    CompactResponse,
    DeleteRangeResponse,
    EndpointStatusResponse,
    LeaseGrantResponse,
    LeaseKeepAliveResponse,
    LeaseRevokeResponse,
    LeaseTimeToLiveResponse,
    PutResponse,
    RangeResponse,
    TxnResponse,
)

__all__ = ["RemoteBackend", "endpoints_use_tls", "parse_endpoints"]

_RETRY_INITIAL = 0.02
#: A key no one writes: what the compacted-revision probe reads.
_PROBE_KEY = b"\0kube-actors/compaction-probe"


def parse_endpoints(endpoints: str | Iterable[str]) -> tuple[str, ...]:
    """``host:port`` of each endpoint, from ``"h:p,h:p"`` or a list; ``http://``,
    ``https://`` and ``etcd://`` prefixes allowed (kube-apiserver's ``--etcd-servers`` takes
    URLs). ``ValueError`` naming the endpoint that is not ``host:port``."""
    return tuple(address for _, address in _endpoints(endpoints))


def endpoints_use_tls(endpoints: str | Iterable[str]) -> bool:
    """Whether the endpoints are ``https://`` ones; ``ValueError`` if some are, some not."""
    schemes = {scheme == "https" for scheme, _ in _endpoints(endpoints)}
    if len(schemes) > 1:
        raise ValueError("etcd endpoints: either every one is https:// or none is")
    return schemes == {True}


def _endpoints(endpoints: str | Iterable[str]) -> list[tuple[str, str]]:
    items = endpoints.split(",") if isinstance(endpoints, str) else list(endpoints)
    parsed: list[tuple[str, str]] = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        url = urlsplit(item if "://" in item else f"etcd://{item}")
        if url.scheme not in ("etcd", "http", "https") or url.path not in ("", "/") or url.query:
            raise ValueError(
                f"etcd endpoint {item!r}: use host:port, http://host:port or https://host:port"
            )
        try:
            port = url.port
        except ValueError as error:
            raise ValueError(f"etcd endpoint {item!r}: {error}") from None
        if not url.hostname or port is None:
            raise ValueError(f"etcd endpoint {item!r} needs a host and a port: host:2379")
        host = f"[{url.hostname}]" if ":" in url.hostname else url.hostname
        parsed.append((url.scheme, f"{host}:{port}"))
    if not parsed:
        raise ValueError("no etcd endpoint given: host:port[,host:port...]")
    return parsed


def _target(endpoints: Sequence[str]) -> str:
    """One gRPC target for every endpoint: ``ipv4:a:p,b:p`` (names resolved now)."""
    addresses: list[str] = []
    for endpoint in endpoints:
        host, _, port = endpoint.rpartition(":")
        host = host.strip("[]")
        try:
            ipaddress.ip_address(host)
            found = [host]
        except ValueError:
            infos = socket.getaddrinfo(host, int(port), type=socket.SOCK_STREAM)
            found = sorted({str(info[4][0]) for info in infos})
        addresses += [f"[{a}]:{port}" if ":" in a else f"{a}:{port}" for a in found]
    scheme = "ipv6" if all(a.startswith("[") for a in addresses) else "ipv4"
    if scheme == "ipv4":
        addresses = [a for a in addresses if not a.startswith("[")]
    return f"{scheme}:{','.join(addresses)}"


class RemoteBackend:
    """The store in a real etcd cluster. ``endpoints``: ``"host:port[,host:port...]"`` or a
    list of them (``https://host:port`` for TLS). ``tls``: the CA, certificate and key files
    for TLS (``https://`` endpoints without it trust the system's roots). ``timeout``:
    seconds a call may wait for a member with a leader.

    Connects on first use; ``close()`` (a coroutine) closes the channel.
    """

    def __init__(
        self,
        endpoints: str | Iterable[str],
        *,
        tls: EtcdTLS | None = None,
        timeout: float = 5.0,
    ) -> None:
        endpoints = endpoints if isinstance(endpoints, str) else tuple(endpoints)
        self.endpoints = parse_endpoints(endpoints)
        if timeout <= 0:
            raise ValueError(f"timeout must be positive, not {timeout}")
        self.timeout = timeout
        if tls is None and endpoints_use_tls(endpoints):
            tls = EtcdTLS()
        self.tls = tls
        self._credentials = tls.credentials() if tls is not None else None
        self._channel: grpc.aio.Channel | None = None
        self._stubs: dict[str, Any] = {}
        self._recent = Recent()
        self._watchers: set[RemoteWatcher] = set()
        #: The newest revision any answer showed, and the compaction known to have happened.
        self.revision = 0
        self._compacted = 0

    def __repr__(self) -> str:
        return f"RemoteBackend({','.join(self.endpoints)!r})"

    @property
    def url(self) -> str:
        """The store as ``Cluster(store=...)`` names it."""
        return "etcd://" + ",".join(self.endpoints)

    def _stub(self, name: str) -> Any:
        stub = self._stubs.get(name)
        if stub is None:
            stub = self._stubs[name] = getattr(rpc, f"{name}Stub")(self.channel())
        return stub

    def channel(self) -> grpc.aio.Channel:
        if self._channel is None:
            options = [
                ("grpc.lb_policy_name", "pick_first"),
                ("grpc.max_receive_message_length", 64 * 1024 * 1024),
                ("grpc.initial_reconnect_backoff_ms", 50),
                ("grpc.max_reconnect_backoff_ms", 1000),
            ]
            target = _target(self.endpoints)
            if self._credentials is not None:
                # The certificate is checked against the host the user named (an address
                # list has no name of its own).
                host = self.endpoints[0].rpartition(":")[0].strip("[]")
                options.append(("grpc.ssl_target_name_override", host))
                self._channel = grpc.aio.secure_channel(target, self._credentials, options)
            else:
                self._channel = grpc.aio.insecure_channel(target, options=options)
        return self._channel

    async def close(self) -> None:
        for watcher in list(self._watchers):
            watcher.close()
        channel, self._channel = self._channel, None
        self._stubs = {}
        if channel is not None:
            await channel.close()

    # ----------------------------------------------------------------------- the calls

    async def _call(self, call: Callable[..., Any], request: Any, *, retry: bool) -> Any:
        """One unary call: waits up to ``timeout`` for a member; reads are retried."""
        deadline = time.monotonic() + self.timeout
        backoff = _RETRY_INITIAL
        while True:
            left = deadline - time.monotonic()
            try:
                response = await outside(
                    call(request, timeout=max(left, 0.001), wait_for_ready=True)
                )
            except grpc.aio.AioRpcError as error:
                if error.code() not in _UNAVAILABLE:
                    raise
                if not retry or time.monotonic() + backoff >= deadline:
                    raise StoreUnavailable(await self._unavailable(error)) from None
                await wall_sleep(backoff)
                backoff *= 2
                continue
            self.revision = max(self.revision, response.header.revision)
            return response

    async def range(self, request: Range) -> RangeResponse:
        try:
            pb = await self._call(self._stub("KV").Range, range_pb(request), retry=True)
        except grpc.aio.AioRpcError as error:
            raise await self._store_error(error, request.revision) from None
        return self._recent.range_response(pb, pb.header.revision, keys_only=request.keys_only)

    async def put(self, request: Put) -> PutResponse:
        try:
            pb = await self._call(self._stub("KV").Put, put_pb(request), retry=False)
        except grpc.aio.AioRpcError as error:
            raise await self._store_error(error, lease=request.lease) from None
        revision = pb.header.revision
        self._recent.remember(request.key, revision, request.value)
        self._expect(((request.key, None),), revision)
        return self._recent.put_response(pb, revision)

    async def delete(self, request: DeleteRange) -> DeleteRangeResponse:
        try:
            pb = await self._call(self._stub("KV").DeleteRange, delete_pb(request), retry=False)
        except grpc.aio.AioRpcError as error:
            raise await self._store_error(error) from None
        if pb.deleted:
            self._expect(((request.key, request.range_end),), pb.header.revision)
        return self._recent.delete_response(pb, pb.header.revision)

    async def txn(self, request: Txn) -> TxnResponse:
        try:
            pb = await self._call(self._stub("KV").Txn, txn_pb(request), retry=False)
        except grpc.aio.AioRpcError as error:
            raise await self._store_error(error, lease=_lease_of(request)) from None
        response = self._recent.txn_response(request, pb)
        ops = request.success if response.succeeded else request.failure
        written: list[tuple[str, str | None]] = []
        for op, result in zip(ops, response.responses, strict=True):
            if isinstance(op, Put):
                written.append((op.key, None))
            elif isinstance(result, DeleteRangeResponse) and result.deleted:
                assert isinstance(op, DeleteRange)
                written.append((op.key, op.range_end))
        if written:
            self._expect(written, response.revision)
        return response

    async def compact(self, revision: int) -> CompactResponse:
        request = rpc.CompactionRequest(revision=revision)
        try:
            pb = await self._call(self._stub("KV").Compact, request, retry=False)
        except grpc.aio.AioRpcError as error:
            raise await self._store_error(error, revision) from None
        self._compacted = max(self._compacted, revision)
        return CompactResponse(revision=pb.header.revision)

    async def status(self) -> EndpointStatusResponse:
        pb = await self._call(self._stub("Maintenance").Status, rpc.StatusRequest(), retry=True)
        # Writes are answered once etcd committed them: never before, so not "durable" in
        # the sense of ``EndpointStatusResponse`` (a write answered before its commit).
        return EndpointStatusResponse(
            revision=pb.header.revision,
            compact_revision=await self.compact_revision(pb.header.revision),
            durable=False,
        )

    async def compact_revision(self, current: int | None = None) -> int:
        """The oldest revision etcd can still read (0 if it never compacted): etcd does not
        tell, so it is found by reading at revisions, from the last one known."""
        if current is None:
            current = (await self.status()).revision

        async def readable(revision: int) -> bool:
            probe = rpc.RangeRequest(key=_PROBE_KEY, revision=revision, count_only=True)
            try:
                await self._call(self._stub("KV").Range, probe, retry=True)
            except grpc.aio.AioRpcError as error:
                if "compacted" in (error.details() or ""):
                    return False
                raise
            return True

        low = max(self._compacted, 1)
        if await readable(low):
            return self._compacted
        high = current  # the current revision is always readable
        while low + 1 < high:
            middle = (low + high) // 2
            if await readable(middle):
                high = middle
            else:
                low = middle
        self._compacted = high
        return high

    # ------------------------------------------------------------------------- leases

    async def lease_grant(self, ttl: int, *, id: int = 0) -> LeaseGrantResponse:
        request = rpc.LeaseGrantRequest(TTL=ttl, ID=id)
        pb = await self._call(self._stub("Lease").LeaseGrant, request, retry=False)
        if pb.error:
            raise StoreError(f"etcd refused the lease: {pb.error}")
        return LeaseGrantResponse(revision=pb.header.revision, id=pb.ID, ttl=pb.TTL)

    async def lease_revoke(self, id: int) -> LeaseRevokeResponse:
        request = rpc.LeaseRevokeRequest(ID=id)
        try:
            pb = await self._call(self._stub("Lease").LeaseRevoke, request, retry=False)
        except grpc.aio.AioRpcError as error:
            raise await self._store_error(error, lease=id) from None
        return LeaseRevokeResponse(revision=pb.header.revision)

    async def lease_keep_alive(self, id: int) -> LeaseKeepAliveResponse:
        async def once(request: Any, *, timeout: float, wait_for_ready: bool) -> Any:
            stream = self._stub("Lease").LeaseKeepAlive(
                timeout=timeout, wait_for_ready=wait_for_ready
            )
            try:
                await stream.write(request)
                return await stream.read()
            finally:
                stream.cancel()

        pb = await self._call(once, rpc.LeaseKeepAliveRequest(ID=id), retry=True)
        if pb.TTL <= 0:
            raise LeaseNotFound(id)
        return LeaseKeepAliveResponse(revision=pb.header.revision, id=pb.ID, ttl=pb.TTL)

    async def lease_time_to_live(self, id: int, *, keys: bool = False) -> LeaseTimeToLiveResponse:
        request = rpc.LeaseTimeToLiveRequest(ID=id, keys=keys)
        pb = await self._call(self._stub("Lease").LeaseTimeToLive, request, retry=True)
        return LeaseTimeToLiveResponse(
            revision=pb.header.revision,
            id=pb.ID,
            ttl=pb.TTL,
            granted_ttl=pb.grantedTTL,
            keys=tuple(k.decode() for k in pb.keys),
        )

    # -------------------------------------------------------------------------- watch

    def watch(
        self, key: str, range_end: str | None = None, start_revision: int = 0
    ) -> RemoteWatcher:
        """A watch of ``key`` (or ``[key, range_end)``) from ``start_revision`` (0: from the
        next write); it connects when first read."""
        watcher = RemoteWatcher(
            self.channel,
            self._recent,
            key,
            range_end,
            start_revision,
            on_close=self._watchers.discard,
        )
        self._watchers.add(watcher)
        return watcher

    def _expect(self, written: Sequence[tuple[str, str | None]], revision: int) -> None:
        for watcher in self._watchers:
            if any(watcher.overlaps(key, end) for key, end in written):
                watcher.expect(revision)

    # ------------------------------------------------------------------------- errors

    async def _unavailable(self, error: grpc.aio.AioRpcError) -> str:
        details = error.details() or error.code().name
        where = ",".join(self.endpoints)
        if self.tls is not None and not _HANDSHAKE.search(details):
            # A call that waits for a connection only says its deadline passed; one that
            # does not wait says why the connection failed (a handshake refused, say).
            probe = rpc.RangeRequest(key=_PROBE_KEY, count_only=True)
            try:
                await outside(self._stub("KV").Range(probe, timeout=1.0, wait_for_ready=False))
            except grpc.aio.AioRpcError as failed:
                details = failed.details() or details
        if self.tls is not None and _HANDSHAKE.search(details):
            return (
                f"etcd at {where}: the TLS handshake failed (is --etcd-cafile the CA that "
                "signed etcd's certificate, and --etcd-certfile/--etcd-keyfile a client "
                f"certificate that etcd trusts?): {details}"
            )
        return f"etcd is unavailable at {where}: {details}"

    async def _store_error(
        self, error: grpc.aio.AioRpcError, revision: int = 0, *, lease: int = 0
    ) -> Exception:
        """The store's exception for etcd's error, as the memory store raises it."""
        details = error.details() or ""
        if "compacted" in details:
            return Compacted(revision, await self.compact_revision())
        if "future revision" in details:
            return FutureRevision(revision, (await self.status()).revision)
        if "lease not found" in details:
            return LeaseNotFound(lease)
        if error.code() is grpc.StatusCode.INVALID_ARGUMENT:
            return ValueError(details.removeprefix("etcdserver: "))
        return StoreError(f"etcd: {details or error.code().name}")


def _lease_of(request: Txn) -> int:
    for op in (*request.success, *request.failure):
        if isinstance(op, Put) and op.lease:
            return op.lease
    return 0


_HANDSHAKE = re.compile(r"(?i)ssl|tls|handshake|certificate")
_UNAVAILABLE = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED})
