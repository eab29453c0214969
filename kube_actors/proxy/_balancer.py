"""Choosing an endpoint for a connection: round-robin, or sticky by client IP.

kube-proxy's userspace and nftables modes spread connections evenly; with
``sessionAffinity: ClientIP`` a client keeps its endpoint while it comes back within
``timeoutSeconds`` of its last connection (and while that endpoint stays ready).
"""

from __future__ import annotations

from ._table import Backend, ServicePortEntry

__all__ = ["Balancer"]


class Balancer:
    """The rotation and the affinities of one Service port."""

    __slots__ = ("_affinity", "_next")

    def __init__(self) -> None:
        self._next = 0
        #: client IP -> (endpoint, when the affinity lapses)
        self._affinity: dict[str, tuple[Backend, float]] = {}

    def pick(self, entry: ServicePortEntry, client_ip: str, now: float) -> Backend | None:
        """The endpoint for a connection from ``client_ip``; None if none is ready."""
        backends = entry.endpoints
        if not backends:
            return None
        timeout = entry.affinity_timeout
        if timeout is not None:
            sticky = self._affinity.get(client_ip)
            if sticky is not None and sticky[1] > now and sticky[0] in backends:
                self._affinity[client_ip] = (sticky[0], now + timeout)
                return sticky[0]
        chosen = backends[self._next % len(backends)]
        self._next = (self._next + 1) % len(backends)
        if timeout is not None:
            self._affinity[client_ip] = (chosen, now + timeout)
            if len(self._affinity) > 4096:
                self._forget_lapsed(now)
        return chosen

    def _forget_lapsed(self, now: float) -> None:
        self._affinity = {ip: a for ip, a in self._affinity.items() if a[1] > now}
