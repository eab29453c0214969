"""The lease endpoint reconciler: every API server of the cluster in the ``kubernetes``
Endpoints.

Several API servers may serve one cluster over one store (``kube-actors up --leader-elect``
on a shared etcd). Kubernetes' ``--endpoint-reconciler-type=lease`` (its default) keeps one
short-lived record per API server (``/masterleases/<ip>``, 15 s) and writes into the
``kubernetes`` Endpoints every address whose record is live, so that an API server that
dies leaves the Service within a lease's length and one that stops cleanly takes itself out
at once. Here each record is a ``coordination.k8s.io`` Lease in ``kube-system``, as
Kubernetes' API server identity Leases are (``kube-apiserver-<hash>``, labelled
``apiserver.kubernetes.io/identity=kube-apiserver``), with the address it serves on in an
annotation: renewed every 10 s (Kubernetes' reconcile interval), live for 15 s after its
renewal by the wall clock (the store holds no TTL the other servers would judge by).

The addresses become one subset per port: API servers on one host listen on different
ports, which one subset of addresses sharing ports cannot say.

As Kubernetes' API server does (its EndpointsAdapter), the reconciler writes the
EndpointSlices too, so kube-proxy routes the Service with no controller running: the
Endpoints are labelled ``endpointslice.kubernetes.io/skip-mirror: "true"`` (the mirroring
controller leaves them alone), and the slice ``kubernetes`` (label
``kubernetes.io/service-name: kubernetes`` only, every endpoint ready) holds the servers.
Servers on different ports, or of both address families, need more than one slice: the
others are ``kubernetes-<port>-<family>``. Any other slice of the Service is deleted, as
Kubernetes deletes slices it does not expect.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from typing import Final

import anyio
import attrs

from kube_actors.actors import wall_clock
from kube_actors.api import (
    SERVICE_NAME_LABEL,
    SKIP_MIRROR_LABEL,
    Endpoint,
    EndpointAddress,
    EndpointConditions,
    EndpointPort,
    Endpoints,
    EndpointSlice,
    EndpointSlicePort,
    EndpointSubset,
    Lease,
    LeaseSpec,
    ObjectMeta,
)
from kube_actors.client import Client
from kube_actors.errors import AlreadyExists, ApiError, Conflict, NotFound

from .._log import get_logger

__all__ = [
    "ENDPOINT_ANNOTATION",
    "IDENTITY_LABEL",
    "ApiServerEndpoints",
    "endpoint_slices",
    "endpoint_subsets",
]

_log = get_logger("kube_actors.server")

IDENTITY_LABEL: Final = "apiserver.kubernetes.io/identity"
#: Where an API server's Lease says which address and port it serves on.
ENDPOINT_ANNOTATION: Final = "kube-actors.io/endpoint"
NAMESPACE: Final = "kube-system"
LEASE_SECONDS: Final = 15
RECONCILE_INTERVAL: Final = 10.0
_SERVICE: Final = ("default", "kubernetes")


def endpoint_subsets(endpoints: Iterable[tuple[str, int]]) -> tuple[EndpointSubset, ...]:
    """The ``kubernetes`` Endpoints' subsets for these (ip, port): one per port, in order."""
    by_port: dict[int, set[str]] = defaultdict(set)
    for ip, port in endpoints:
        by_port[port].add(ip)
    return tuple(
        EndpointSubset(
            addresses=tuple(EndpointAddress(ip=ip) for ip in sorted(by_port[port])),
            ports=(EndpointPort(name="https", port=port, protocol="TCP"),),
        )
        for port in sorted(by_port)
    )


def endpoint_slices(endpoints: Iterable[tuple[str, int]]) -> dict[str, EndpointSlice]:
    """The ``kubernetes`` EndpointSlices for these (ip, port), by name: ``kubernetes`` for
    the lowest port (IPv4 before IPv6), one more per other port and family."""
    groups: dict[tuple[int, str], set[str]] = defaultdict(set)
    for ip, port in endpoints:
        groups[(port, "IPv6" if ":" in ip else "IPv4")].add(ip)
    namespace, name = _SERVICE
    labels = {SERVICE_NAME_LABEL: name}
    slices: dict[str, EndpointSlice] = {}
    for port, family in sorted(groups):
        slice_name = f"{name}-{port}-{family.lower()}" if slices else name
        slices[slice_name] = EndpointSlice(
            metadata=ObjectMeta(name=slice_name, namespace=namespace, labels=labels),
            address_type=family,
            endpoints=tuple(
                Endpoint(addresses=(ip,), conditions=EndpointConditions(ready=True))
                for ip in sorted(groups[(port, family)])
            ),
            ports=(EndpointSlicePort(name="https", protocol="TCP", port=port),),
        )
    if not slices:  # no server is live: the slice stays, empty
        meta = ObjectMeta(name=name, namespace=namespace, labels=labels)
        slices[name] = EndpointSlice(metadata=meta, address_type="IPv4")
    return slices


def _endpoint_of(lease: Lease, now: dt.datetime) -> tuple[str, int] | None:
    """The (ip, port) a live API server Lease names, None for an expired or odd one."""
    spec = lease.spec
    renewed = spec.renew_time or spec.acquire_time
    seconds = spec.lease_duration_seconds or LEASE_SECONDS
    if renewed is None or renewed + dt.timedelta(seconds=seconds) < now:
        return None
    ip, _, port = lease.metadata.annotations.get(ENDPOINT_ANNOTATION, "").rpartition(":")
    return (ip, int(port)) if ip and port.isdigit() else None


class ApiServerEndpoints:
    """This API server's Lease, and the ``kubernetes`` Endpoints made from every live one:
    ``await reconciler.run()`` until cancelled (then ``await reconciler.leave()``)."""

    def __init__(self, client: Client, ip: str, port: int) -> None:
        self.client = client
        self.ip = ip
        self.port = port
        digest = hashlib.sha256(f"{ip}:{port}".encode()).hexdigest()[:16]
        #: Stable for one address: a server started again on it renews its old Lease.
        self.lease_name = f"kube-apiserver-{digest}"

    async def run(self) -> None:
        while True:
            with contextlib.suppress(ApiError):  # the next round tries again
                await self.reconcile()
            await anyio.sleep(RECONCILE_INTERVAL)

    async def reconcile(self) -> None:
        """Renew this server's Lease, then write every live server into the Endpoints."""
        await self._renew()
        await self._write_endpoints(await self._live())

    async def leave(self) -> None:
        """Stopping cleanly: out of the Endpoints now, not once the Lease expires."""
        with contextlib.suppress(NotFound):
            await self.client.delete(Lease, self.lease_name, namespace=NAMESPACE)
        live = await self._live()
        live.discard((self.ip, self.port))
        await self._write_endpoints(live)

    async def _renew(self) -> None:
        now = wall_clock()
        meta = ObjectMeta(
            name=self.lease_name,
            namespace=NAMESPACE,
            labels={IDENTITY_LABEL: "kube-apiserver"},
            annotations={ENDPOINT_ANNOTATION: f"{self.ip}:{self.port}"},
        )
        spec = LeaseSpec(
            holder_identity=self.lease_name,
            lease_duration_seconds=LEASE_SECONDS,
            acquire_time=now,
            renew_time=now,
        )
        try:
            await self.client.create(Lease(metadata=meta, spec=spec))
        except AlreadyExists:
            current = await self.client.get(Lease, self.lease_name, namespace=NAMESPACE)
            renewed = attrs.evolve(current.spec, renew_time=now)
            await self.client.update(
                attrs.evolve(
                    current,
                    metadata=attrs.evolve(current.metadata, annotations=meta.annotations),
                    spec=renewed,
                )
            )

    async def _live(self) -> set[tuple[str, int]]:
        leases = await self.client.list(
            Lease, namespace=NAMESPACE, label_selector=f"{IDENTITY_LABEL}=kube-apiserver"
        )
        now = wall_clock()
        return {e for lease in leases if (e := _endpoint_of(lease, now)) is not None}

    async def _write_endpoints(self, live: set[tuple[str, int]]) -> None:
        await self._write_endpoints_object(live)
        await self._write_slices(live)

    async def _write_endpoints_object(self, live: set[tuple[str, int]]) -> None:
        namespace, name = _SERVICE
        subsets = endpoint_subsets(live)
        labels = {SKIP_MIRROR_LABEL: "true"}
        try:
            current = await self.client.get(Endpoints, name, namespace=namespace)
        except NotFound:
            meta = ObjectMeta(name=name, namespace=namespace, labels=labels)
            with contextlib.suppress(AlreadyExists):  # another server made it meanwhile
                await self.client.create(Endpoints(metadata=meta, subsets=subsets))
            return
        if current.subsets == subsets and current.metadata.labels == labels:
            return
        meta = attrs.evolve(current.metadata, labels=labels)
        try:
            await self.client.update(attrs.evolve(current, metadata=meta, subsets=subsets))
        except Conflict:
            return  # another server wrote it meanwhile; the next round looks again
        _log.info("apiserver_endpoints_updated", endpoints=sorted(live))

    async def _write_slices(self, live: set[tuple[str, int]]) -> None:
        namespace, name = _SERVICE
        desired = endpoint_slices(live)
        current = {
            s.metadata.name: s
            for s in await self.client.list(
                EndpointSlice, namespace=namespace, label_selector=f"{SERVICE_NAME_LABEL}={name}"
            )
        }
        for stale in current.keys() - desired.keys():
            with contextlib.suppress(NotFound):
                await self.client.delete(EndpointSlice, stale, namespace=namespace)
        for slice_name, wanted in desired.items():
            have = current.get(slice_name)
            # Another server's write meanwhile (Conflict, AlreadyExists, NotFound) is left
            # for the next round to look at.
            with contextlib.suppress(AlreadyExists, Conflict, NotFound):
                if have is not None and have.address_type != wanted.address_type:
                    await self.client.delete(EndpointSlice, slice_name, namespace=namespace)
                    have = None  # the address type cannot change: a new slice
                if have is None:
                    await self.client.create(wanted)
                elif (have.endpoints, have.ports, have.metadata.labels) != (
                    wanted.endpoints,
                    wanted.ports,
                    wanted.metadata.labels,
                ):
                    meta = attrs.evolve(have.metadata, labels=wanted.metadata.labels)
                    await self.client.update(
                        attrs.evolve(
                            have, metadata=meta, endpoints=wanted.endpoints, ports=wanted.ports
                        )
                    )
