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
    EndpointAddress,
    EndpointPort,
    Endpoints,
    EndpointSubset,
    Lease,
    LeaseSpec,
    ObjectMeta,
)
from kube_actors.client import Client
from kube_actors.errors import AlreadyExists, ApiError, Conflict, NotFound

from .._log import get_logger

__all__ = ["ENDPOINT_ANNOTATION", "IDENTITY_LABEL", "ApiServerEndpoints", "endpoint_subsets"]

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
        namespace, name = _SERVICE
        subsets = endpoint_subsets(live)
        try:
            current = await self.client.get(Endpoints, name, namespace=namespace)
        except NotFound:
            with contextlib.suppress(AlreadyExists):  # another server made it meanwhile
                await self.client.create(
                    Endpoints(metadata=ObjectMeta(name=name, namespace=namespace), subsets=subsets)
                )
            return
        if current.subsets == subsets:
            return
        try:
            await self.client.update(attrs.evolve(current, subsets=subsets))
        except Conflict:
            return  # another server wrote it meanwhile; the next round looks again
        _log.info("apiserver_endpoints_updated", endpoints=sorted(live))
