"""Objects that expire: Events live ``--event-ttl`` (1 h) after their last write.

kube-apiserver stores an Event with an etcd lease of that TTL, attached again at every
write (an update restarts the hour); etcd deletes the key when the lease expires, and the
deletion reaches watchers like any other. Granting a lease per write would double the
writes, so, as the apiserver's lease manager does, a lease is shared by the writes of a
short window: it is granted for the TTL plus that window (5 % of the TTL, at most 60 s, and
at most 1000 objects), so every object lives at least the TTL and at most the window more.
"""

from __future__ import annotations

from kube_actors.actors import ActorRef
from kube_actors.etcd import LeaseGrant

__all__ = ["EVENT_TTL", "LeaseReuse"]

#: kube-apiserver's ``--event-ttl`` default, in seconds.
EVENT_TTL = 3600

_REUSE_FRACTION = 0.05
_REUSE_MAX_SECONDS = 60
_REUSE_MAX_OBJECTS = 1000


class LeaseReuse:
    """The lease the next write of an expiring object is attached to."""

    __slots__ = ("_attached", "_expires_at", "_lease")

    def __init__(self) -> None:
        self._lease = 0
        self._expires_at = float("-inf")
        self._attached = 0

    def reused(self, ttl: int, now: float) -> int:
        """The lease in hand, attached to one more object written ``now`` to keep it at
        least ``ttl`` seconds, if it may be (most writes); else 0, and nothing changed."""
        reuse = min(int(ttl * _REUSE_FRACTION), _REUSE_MAX_SECONDS)
        # Reusable if it outlives this object's TTL, but not by more than the window.
        if (
            now + ttl < self._expires_at <= now + ttl + reuse
            and self._attached < _REUSE_MAX_OBJECTS
        ):
            self._attached += 1
            return self._lease
        return 0

    async def lease_for(self, etcd: ActorRef, ttl: int, now: float) -> int:
        """A lease that keeps an object written ``now`` at least ``ttl`` seconds."""
        lease = self.reused(ttl, now)
        if lease:
            return lease
        reuse = min(int(ttl * _REUSE_FRACTION), _REUSE_MAX_SECONDS)
        granted = await etcd.ask(LeaseGrant(ttl=ttl + reuse))
        self._lease, self._expires_at, self._attached = granted.id, now + ttl + reuse, 1
        return self._lease
