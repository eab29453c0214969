"""``LeaderElector``: client-go's leader election on a coordination.k8s.io/v1 Lease.

Candidates race to write themselves as the Lease's ``holderIdentity``; the holder renews
``renewTime`` every ``retry_period``. Expiry is judged by each observer's own clock, from
when it last saw the record *change* (client-go's ``observedTime``), never from the
timestamps in the record, so clocks need not agree. A holder that cannot renew within
``renew_deadline`` stops leading at once: its work is cancelled before the lease can expire
(``renew_deadline < lease_duration``), so two leaders never act at the same time. Taking the
lease from another holder increments ``leaseTransitions`` and sets ``acquireTime``.

All waits are on the running clock, so virtual-time tests drive elections exactly.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import anyio
import attrs

from kube_actors.actors import monotonic, wall_clock
from kube_actors.api import Lease, LeaseSpec, ObjectMeta
from kube_actors.errors import ApiError, NotFound

from .._log import get_logger
from ._client import Client

__all__ = ["JITTER_FACTOR", "LeaderElector", "timings_problem"]

_log = get_logger("kube_actors.client")

#: client-go's ``JitterFactor``: its candidates wait up to this much longer than a retry
#: period, so a renew deadline must be longer than one such wait.
JITTER_FACTOR = 1.2


def timings_problem(
    lease_duration: float,
    renew_deadline: float,
    retry_period: float,
    *,
    names: tuple[str, str, str] = ("lease_duration", "renew_deadline", "retry_period"),
) -> str:
    """What client-go's ``NewLeaderElector`` refuses in these timings, naming them as the
    caller's user gave them (``names``: arguments or flags); "" when they are valid."""
    lease, renew, retry = names
    for name, value in zip(names, (lease_duration, renew_deadline, retry_period), strict=True):
        if value <= 0:
            return f"{name} must be greater than zero, not {value:g}s"
    if lease_duration <= renew_deadline:
        return f"{lease} ({lease_duration:g}s) must be greater than {renew} ({renew_deadline:g}s)"
    if renew_deadline <= JITTER_FACTOR * retry_period:
        return (
            f"{renew} ({renew_deadline:g}s) must be greater than {retry} ({retry_period:g}s) "
            f"times client-go's jitter factor {JITTER_FACTOR:g}"
        )
    return ""


class LeaderElector:
    """Elects one leader among candidates sharing the Lease ``namespace/name``."""

    def __init__(
        self,
        client: Client,
        name: str,
        identity: str,
        *,
        namespace: str = "kube-system",
        lease_duration: float = 15.0,
        renew_deadline: float = 10.0,
        retry_period: float = 2.0,
    ) -> None:
        problem = timings_problem(lease_duration, renew_deadline, retry_period)
        if problem:
            raise ValueError(f"leader election: {problem}")
        self.client = client
        self.name = name
        self.namespace = namespace
        self.identity = identity
        self.lease_duration = lease_duration
        self.renew_deadline = renew_deadline
        self.retry_period = retry_period
        self._observed: LeaseSpec | None = None
        self._observed_at = 0.0
        self.leading = False

    async def run(self, lead: Callable[[], Awaitable[None]]) -> None:
        """Acquire the lease, then run ``lead()`` while it is held; return once leadership
        is lost (``lead`` cancelled) or ``lead`` returned."""
        # Polling is the protocol: client-go retries every retry_period.
        while not await self._try_acquire_or_renew():  # noqa: ASYNC110
            await anyio.sleep(self.retry_period)
        self.leading = True
        _log.info("leader_acquired", lease=f"{self.namespace}/{self.name}", identity=self.identity)
        try:
            async with anyio.create_task_group() as tg:

                async def leading() -> None:
                    await lead()
                    tg.cancel_scope.cancel()

                tg.start_soon(leading)
                await self._renew_until_lost()
                tg.cancel_scope.cancel()  # lost: stop acting now, before anyone can acquire
        finally:
            self.leading = False
        _log.info("leader_lost", lease=f"{self.namespace}/{self.name}", identity=self.identity)

    async def _renew_until_lost(self) -> None:
        while True:
            await anyio.sleep(self.retry_period)
            deadline = monotonic() + self.renew_deadline
            while not await self._try_acquire_or_renew():
                if monotonic() + self.retry_period > deadline:
                    return
                await anyio.sleep(self.retry_period)

    async def _try_acquire_or_renew(self) -> bool:
        now = wall_clock()
        try:
            current = await self.client.get(Lease, self.name, namespace=self.namespace)
        except NotFound:
            fresh = LeaseSpec(
                holder_identity=self.identity,
                lease_duration_seconds=round(self.lease_duration),
                acquire_time=now,
                renew_time=now,
                lease_transitions=0,
            )
            lease = Lease(metadata=ObjectMeta(name=self.name, namespace=self.namespace), spec=fresh)
            return await self._write(lease, create=True)
        except ApiError:
            return False
        spec = current.spec
        if spec != self._observed:
            self._observed, self._observed_at = spec, monotonic()
        holder = spec.holder_identity or ""
        unexpired = self._observed_at + self.lease_duration > monotonic()
        if holder and holder != self.identity and unexpired:
            return False  # held by another, not yet expired by our own clock
        if holder == self.identity:
            wanted = attrs.evolve(spec, renew_time=now)
        else:
            wanted = LeaseSpec(
                holder_identity=self.identity,
                lease_duration_seconds=round(self.lease_duration),
                acquire_time=now,
                renew_time=now,
                lease_transitions=(spec.lease_transitions or 0) + 1,
            )
        return await self._write(attrs.evolve(current, spec=wanted), create=False)

    async def _write(self, lease: Lease, *, create: bool) -> bool:
        try:
            stored = await (self.client.create(lease) if create else self.client.update(lease))
        except ApiError:
            return False  # a Conflict: someone else wrote first; an outage: try again
        self._observed, self._observed_at = stored.spec, monotonic()
        return True
