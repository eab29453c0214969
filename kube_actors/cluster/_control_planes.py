"""Highly available control planes: several apiservers over one store, leaders by Lease.

``Cluster(control_planes=3)`` runs three control-plane replicas (``control-plane-0``...) over
the cluster's one etcd, as kubeadm's stacked HA topology does: every replica serves the API
(its own apiserver actor, with its own watch cache), while kube-scheduler and
kube-controller-manager run in every replica as *candidates*: each campaigns for its Lease
(``kube-system/kube-scheduler``, ``kube-system/kube-controller-manager``) with client-go's
leader election (``LeaderElector``), and only the holder acts. A replica that loses a Lease
stops that component at once (its actors are stopped: no two schedulers bind at the same
time) and campaigns again, as the real binaries exit on ``leaderelection lost`` and are
restarted; the next leader starts from fresh informers.

``Cluster(leader_elect=True)`` with one control plane is the same candidate in one process,
for a program that shares its store (a real etcd) with other processes: ``kube-actors up
--etcd-servers ... --leader-elect`` runs one such process of a highly available control plane.

Everything else (kubelets, kube-proxy, the user's client, the event broadcaster) reaches the
API through an ``ApiServerPool``: the replicas in turn, as a client behind a load balancer
does, skipping those stopped or cut off. Faults: ``stop_control_plane(i)`` (the process
dies: its apiserver and its candidates), ``start_control_plane(i)``,
``partition_control_plane(i)`` (nobody reaches its apiserver and its components reach
nothing; its leader stops acting once it cannot renew within the renew deadline) and
``heal_control_plane(i)``.

``LeadershipHistory`` records every term (who led which Lease, from when to when, on the
running clock) and whether two terms of one Lease ever overlapped.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import anyio
import anyio.abc
import attrs

from ..actors import Actor, ActorRef, ActorSystem, Supervision, is_virtual_time, monotonic
from ..api import Get, List, Watch
from ..client import LeaderElector
from ..client._leader import timings_problem
from ..errors import ActorNotFound, ActorStopped, ServiceUnavailable
from ._faults import Faults, InterceptedClient
from ._link import _LinkStream

__all__ = [
    "CONTROLLER_MANAGER_LEASE",
    "SCHEDULER_LEASE",
    "ApiServerPool",
    "ControlPlane",
    "ControlPlanes",
    "ElectionTimings",
    "LeadershipHistory",
    "Term",
]

#: The Leases kube-scheduler and kube-controller-manager elect their leader on (kube-system).
SCHEDULER_LEASE = "kube-scheduler"
CONTROLLER_MANAGER_LEASE = "kube-controller-manager"

#: What a leader runs while it holds a Lease: given the replica and where to spawn.
Lead = Callable[["ControlPlane", "ScopedSpawner"], Awaitable[None]]


@attrs.frozen(kw_only=True)
class ElectionTimings:
    """client-go's leader-election timings, as kube-scheduler's and kube-controller-manager's
    ``--leader-elect-lease-duration``, ``--leader-elect-renew-deadline`` and
    ``--leader-elect-retry-period`` default them (seconds)."""

    lease_duration: float = 15.0
    renew_deadline: float = 10.0
    retry_period: float = 2.0

    def __attrs_post_init__(self) -> None:
        # Checked here, where the user gives them, not in a campaign that starts later.
        problem = timings_problem(self.lease_duration, self.renew_deadline, self.retry_period)
        if problem:
            raise ValueError(f"leader election: {problem}")


@attrs.frozen(kw_only=True)
class Term:
    """One leader's term of one Lease: ``end`` is None while it lasts."""

    lease: str
    holder: str
    start: float
    end: float | None = None


class LeadershipHistory:
    """Every term of every Lease, and the overlaps if any (two leaders acting at once)."""

    def __init__(self) -> None:
        self.terms: list[Term] = []
        #: Terms that began while another term of the same Lease lasted.
        self.overlaps: list[tuple[Term, Term]] = []

    def began(self, lease: str, holder: str) -> None:
        term = Term(lease=lease, holder=holder, start=monotonic())
        for other in self.current(lease):
            self.overlaps.append((other, term))
        self.terms.append(term)

    def ended(self, lease: str, holder: str) -> None:
        for index, term in enumerate(self.terms):
            if term.lease == lease and term.holder == holder and term.end is None:
                self.terms[index] = attrs.evolve(term, end=monotonic())

    def current(self, lease: str) -> list[Term]:
        """The terms of ``lease`` that last now (one, or none between leaders)."""
        return [t for t in self.terms if t.lease == lease and t.end is None]

    def leader(self, lease: str) -> str | None:
        """The control plane leading ``lease`` now, if any."""
        current = self.current(lease)
        return current[-1].holder if current else None


class ControlPlane:
    """One control-plane replica: its apiserver, and its candidates for the Leases."""

    def __init__(self, index: int, identity: str) -> None:
        self.index = index
        self.name = f"control-plane-{index}"
        #: The identity its candidates write as the Lease's holder (client-go:
        #: ``<hostname>_<uuid>``).
        self.identity = identity
        self.apiserver: ActorRef | None = None
        self.partitioned = False
        self._streams: list[_LinkStream] = []
        self._scope: anyio.CancelScope | None = None
        self._stopped = anyio.Event()

    def __repr__(self) -> str:
        state = "partitioned" if self.partitioned else "running" if self.running else "stopped"
        return f"<ControlPlane {self.name} {state}>"

    @property
    def running(self) -> bool:
        return self.apiserver is not None and self.apiserver.alive

    @property
    def reachable(self) -> bool:
        return self.running and not self.partitioned

    def cut(self) -> None:
        """Nobody reaches this apiserver any more: its open watches end."""
        self.partitioned = True
        streams, self._streams = self._streams, []
        for stream in streams:
            stream.close()

    # A Transport: what this replica's own components send through.

    @property
    def transport_name(self) -> str:
        return f"{self.name}/kube-apiserver"

    async def send(self, message: object, *, timeout: float | None = None) -> Any:
        ref = self.apiserver
        if ref is None or not ref.alive or self.partitioned:
            raise ServiceUnavailable(
                f"the server is currently unable to handle the request ({self.name}'s "
                "kube-apiserver cannot be reached)"
            )
        result = await ref.ask(message, timeout=timeout)
        if isinstance(message, Watch):
            stream = _LinkStream(result)
            self._streams = [s for s in self._streams if not s.closed]
            self._streams.append(stream)
            return stream
        return result


class _Local:
    """The transport of a replica's own components: its apiserver and nothing else (as
    kube-scheduler and kube-controller-manager talk to the apiserver on their host)."""

    def __init__(self, plane: ControlPlane) -> None:
        self._plane = plane

    @property
    def name(self) -> str:
        return self._plane.transport_name

    async def ask(self, message: object, *, timeout: float | None = None) -> Any:
        return await self._plane.send(message, timeout=timeout)


class ApiServerPool:
    """A transport over several apiservers, as a client behind a load balancer sees them:
    requests go to one replica while it answers, and to the next when it is stopped or cut
    off. A read (or a watch) whose replica dies under it is tried on the next; a write is
    not (it may have been applied): the caller gets ``ServiceUnavailable`` and retries, as
    over HTTP."""

    def __init__(self, planes: Sequence[ControlPlane]) -> None:
        self._planes = planes
        self._current = 0

    @property
    def name(self) -> str:
        return "kube-apiserver"

    def __repr__(self) -> str:
        return f"ApiServerPool({[p.name for p in self._planes]})"

    async def ask(self, message: object, *, timeout: float | None = None) -> Any:
        count = len(self._planes)
        for attempt in range(count):
            index = (self._current + attempt) % count
            plane = self._planes[index]
            if not plane.reachable:
                continue
            try:
                result = await plane.send(message, timeout=timeout)
            except (ActorStopped, ServiceUnavailable):
                if not _is_read(message):
                    raise ServiceUnavailable(
                        "the server is currently unable to handle the request "
                        f"({plane.name}'s kube-apiserver stopped while handling it)"
                    ) from None
                continue
            self._current = index
            return result
        raise ServiceUnavailable(
            "the server is currently unable to handle the request (no kube-apiserver of "
            f"{', '.join(p.name for p in self._planes)} can be reached)"
        )


def _is_read(message: object) -> bool:
    return isinstance(message, Get | List | Watch)


class ScopedSpawner:
    """Spawns a leader's actors under one name prefix, so that losing the Lease stops every
    one of them (and the informers they started, named under the same prefix)."""

    def __init__(self, system: ActorSystem, prefix: str) -> None:
        self.system = system
        self.prefix = prefix

    async def spawn(
        self,
        factory: Callable[[], Actor],
        *,
        name: str | None = None,
        mailbox_capacity: int | None = None,
        supervision: Supervision | None = None,
    ) -> ActorRef:
        return await self.system.spawn(
            factory,
            name=f"{self.prefix}/{name}" if name else None,
            mailbox_capacity=mailbox_capacity,
            supervision=supervision,
        )

    async def stop_all(self) -> None:
        for name in sorted(self.system.statistics(), reverse=True):
            if name == self.prefix or name.startswith(f"{self.prefix}/"):
                try:
                    ref = self.system.lookup(name)
                except ActorNotFound:
                    continue  # a child, stopped with its parent
                await self.system.stop(ref)


class ControlPlanes:
    """The replicas of a cluster's control plane and their elections (see the module)."""

    def __init__(
        self,
        system: ActorSystem,
        faults: Faults,
        *,
        count: int,
        leases: dict[str, Lead],
        start_apiserver: Callable[[str], Awaitable[ActorRef]],
        timings: ElectionTimings | None = None,
        host: str = "",
    ) -> None:
        if count < 1:
            raise ValueError(f"control_planes must be 1 or more, not {count}")
        self.system = system
        self.faults = faults
        self.timings = timings or ElectionTimings()
        self.history = LeadershipHistory()
        self._leases = leases
        self._start_apiserver = start_apiserver
        self.planes = [
            ControlPlane(i, f"{host or f'control-plane-{i}'}_{_uuid(system)}") for i in range(count)
        ]
        #: What every component outside the control plane sends through.
        self.pool = ApiServerPool(self.planes)

    def plane(self, index: int) -> ControlPlane:
        if not 0 <= index < len(self.planes):
            raise IndexError(
                f"no control plane {index}: the cluster has {len(self.planes)} "
                f"(0 to {len(self.planes) - 1})"
            )
        return self.planes[index]

    def local_transport(self, plane: ControlPlane) -> _Local:
        return _Local(plane)

    def leader(self, lease: str) -> int | None:
        """The index of the control plane leading ``lease`` now, if any."""
        holder = self.history.leader(lease)
        return next((p.index for p in self.planes if p.name == holder), None)

    async def start_apiservers(self) -> None:
        # One after the other: the first writes the system objects, the others find them.
        for plane in self.planes:
            if not plane.running:
                plane.apiserver = await self._start_apiserver(f"{plane.name}/kube-apiserver")

    async def start_candidates(self) -> None:
        for plane in self.planes:
            if plane._scope is None:
                await self.system.start_task(self._campaigns, plane, name=f"{plane.name}/election")

    async def start(self, index: int) -> None:
        """Start a stopped control plane: its apiserver, then its candidates."""
        plane = self.plane(index)
        plane.partitioned = False
        if not plane.running:
            plane.apiserver = await self._start_apiserver(f"{plane.name}/kube-apiserver")
        if plane._scope is None:
            await self.system.start_task(self._campaigns, plane, name=f"{plane.name}/election")

    async def stop_candidates(self) -> None:
        """End every campaign (the cluster is leaving): what leads stops."""
        for plane in self.planes:
            if plane._scope is not None:
                plane._scope.cancel()
                await plane._stopped.wait()

    async def stop(self, index: int) -> None:
        """The control plane's process dies: its leaders stop at once, then its apiserver."""
        plane = self.plane(index)
        if plane._scope is not None:
            plane._scope.cancel()
            await plane._stopped.wait()
        if plane.apiserver is not None:
            await self.system.stop(plane.apiserver)
            plane.apiserver = None
        plane.cut()
        plane.partitioned = False

    def partition(self, index: int) -> None:
        self.plane(index).cut()

    def heal(self, index: int) -> None:
        self.plane(index).partitioned = False

    async def _campaigns(
        self, plane: ControlPlane, *, task_status: anyio.abc.TaskStatus[None]
    ) -> None:
        plane._stopped = anyio.Event()
        try:
            with anyio.CancelScope() as scope:
                plane._scope = scope
                async with anyio.create_task_group() as tg:
                    for lease, lead in self._leases.items():
                        tg.start_soon(self._campaign, plane, lease, lead)
                    task_status.started()
        finally:
            plane._scope = None
            plane._stopped.set()

    async def _campaign(self, plane: ControlPlane, lease: str, lead: Lead) -> None:
        client = InterceptedClient(self.local_transport(plane), component=lease, faults=self.faults)
        timings = self.timings
        elector = LeaderElector(
            client,
            lease,
            plane.identity,
            lease_duration=timings.lease_duration,
            renew_deadline=timings.renew_deadline,
            retry_period=timings.retry_period,
        )
        spawner = ScopedSpawner(self.system, f"{plane.name}/{lease}")

        async def leading() -> None:
            self.history.began(lease, plane.name)
            try:
                await lead(plane, spawner)
                await anyio.sleep_forever()
            finally:
                with anyio.CancelScope(shield=True):
                    await spawner.stop_all()
                    self.history.ended(lease, plane.name)

        while True:  # a lost lease ends the term; the replica campaigns again
            await elector.run(leading)


def _uuid(system: ActorSystem) -> uuid.UUID:
    if not is_virtual_time():
        return uuid.uuid4()  # processes started with one seed must not share an identity
    # Drawn from the seeded source: a virtual-time run elects the same identities again.
    return uuid.UUID(int=system.random.getrandbits(128), version=4)
