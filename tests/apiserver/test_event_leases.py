"""Events share etcd leases as kube-apiserver's lease manager shares them: one lease for the
writes of a short window, at most 1000 objects, every object kept at least the TTL; the
apiserver takes the lease in hand without asking etcd (``reused``) whenever it may."""

from __future__ import annotations

from typing import Any

import anyio

from kube_actors.apiserver._ttl import LeaseReuse
from kube_actors.etcd import LeaseGrant


class _Etcd:
    """Grants leases numbered 1, 2, ... and remembers their TTLs."""

    def __init__(self) -> None:
        self.granted: list[int] = []

    async def ask(self, message: LeaseGrant) -> Any:
        self.granted.append(message.ttl)

        class Granted:
            id = len(self.granted)

        return Granted()


def test_a_lease_is_shared_by_a_thousand_objects_of_its_window_then_granted_anew() -> None:
    async def main() -> None:
        etcd, leases = _Etcd(), LeaseReuse()
        assert leases.reused(3600, 0.0) == 0  # none in hand yet
        assert await leases.lease_for(etcd, 3600, 0.0) == 1  # type: ignore[arg-type]
        assert etcd.granted == [3600 + 60]  # the TTL and the window (5 %, at most 60 s)
        assert [leases.reused(3600, 1.0) for _ in range(999)] == [1] * 999
        assert leases.reused(3600, 1.0) == 0  # the thousandth-and-first: not this lease
        assert await leases.lease_for(etcd, 3600, 1.0) == 2  # type: ignore[arg-type]
        # Past the window the lease would not keep a new object the whole TTL.
        assert leases.reused(3600, 60.0) == 2
        assert leases.reused(3600, 61.0) == 0
        assert await leases.lease_for(etcd, 3600, 61.0) == 3  # type: ignore[arg-type]
        assert len(etcd.granted) == 3

    anyio.run(main)
