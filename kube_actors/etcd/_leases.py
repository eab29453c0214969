"""The lease table of the memory backend: TTLs, deadlines and attached keys.

Time is never read here: whoever drives the store passes ``now`` (the running clock's
seconds), so leases expire the same way under real and virtual time. Deadlines sit in a
heap with lazy deletion: a keep-alive pushes a new entry and the stale one is skipped when
it surfaces, so a refresh is O(log n) and finding the next expiry O(1) amortised.
"""

from __future__ import annotations

import heapq
import math

import attrs

from ..errors import LeaseNotFound, StoreError

__all__ = ["Lease", "LeaseTable"]


@attrs.define
class Lease:
    id: int
    ttl: int
    deadline: float
    keys: set[str] = attrs.field(factory=set)

    def remaining(self, now: float) -> int:
        """Seconds left, rounded up as etcd reports them (never below 0)."""
        return max(0, math.ceil(self.deadline - now))


class LeaseTable:
    def __init__(self) -> None:
        self._leases: dict[int, Lease] = {}
        self._deadlines: list[tuple[float, int]] = []
        self._next_id = 1

    def __len__(self) -> int:
        return len(self._leases)

    def __contains__(self, lease: int) -> bool:
        return lease in self._leases

    @property
    def next_id(self) -> int:
        """The id the next grant without one gets (or a higher one, if that is taken)."""
        return self._next_id

    def skip_ids_below(self, first: int) -> None:
        """Never hand out an id below ``first`` (ids used before a restart)."""
        self._next_id = max(self._next_id, first)

    def ids(self) -> list[int]:
        return list(self._leases)

    def get(self, lease: int) -> Lease:
        try:
            return self._leases[lease]
        except KeyError:
            raise LeaseNotFound(lease) from None

    def grant(self, ttl: int, *, id: int, now: float) -> Lease:
        if ttl <= 0:
            raise ValueError(f"a lease needs a positive TTL, not {ttl}")
        if id < 0:
            raise ValueError(f"lease ids are positive, not {id}")
        if id == 0:
            # Deterministic ids (etcd's are random) keep runs reproducible from a seed.
            while self._next_id in self._leases:
                self._next_id += 1
            id = self._next_id
            self._next_id += 1
        elif id in self._leases:
            raise StoreError(f"lease {id} already exists")
        lease = Lease(id, ttl, now + ttl)
        self._leases[id] = lease
        heapq.heappush(self._deadlines, (lease.deadline, id))
        return lease

    def refresh(self, lease: int, *, now: float) -> Lease:
        found = self.get(lease)
        if now + found.ttl != found.deadline:
            found.deadline = now + found.ttl
            heapq.heappush(self._deadlines, (found.deadline, lease))
        return found

    def remove(self, lease: int) -> Lease:
        """Forget the lease (its keys are the caller's to delete)."""
        found = self.get(lease)
        del self._leases[lease]
        return found

    def attach(self, lease: int, key: str) -> None:
        self._leases[lease].keys.add(key)

    def detach(self, lease: int, key: str) -> None:
        found = self._leases.get(lease)
        if found is not None:
            found.keys.discard(key)

    def next_deadline(self) -> float | None:
        """When the next lease expires, if any lease exists."""
        deadlines = self._deadlines
        while deadlines:
            deadline, lease = deadlines[0]
            found = self._leases.get(lease)
            if found is not None and found.deadline == deadline:
                return deadline
            heapq.heappop(deadlines)
        return None

    def expired(self, now: float) -> list[int]:
        """The leases whose deadline is at or before ``now``, soonest first."""
        due: list[int] = []
        while (deadline := self.next_deadline()) is not None and deadline <= now:
            _, lease = heapq.heappop(self._deadlines)
            if lease not in due:  # refreshed to the same deadline: one entry per refresh
                due.append(lease)
        return due
