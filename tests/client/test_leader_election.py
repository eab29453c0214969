"""Leader election on a Lease, in virtual time: client-go's durations, observed expiry."""

from __future__ import annotations

import anyio
import pytest

from kube_actors import Cluster
from kube_actors.actors import monotonic
from kube_actors.api import Lease
from kube_actors.client import LeaderElector


async def test_a_dead_leaders_lease_is_taken_after_the_lease_duration() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        first = LeaderElector(cluster.client, "kube-scheduler", "cp-1")
        second = LeaderElector(cluster.client, "kube-scheduler", "cp-2")
        led: list[tuple[str, float]] = []

        def leader(name: str):  # type: ignore[no-untyped-def]
            async def lead() -> None:
                led.append((name, monotonic()))
                await anyio.sleep_forever()

            return lead

        async with anyio.create_task_group() as tg:
            first_scope = anyio.CancelScope()

            async def run_first() -> None:
                with first_scope:
                    await first.run(leader("cp-1"))

            tg.start_soon(run_first)
            await anyio.sleep(1)
            tg.start_soon(second.run, leader("cp-2"))
            await anyio.sleep(30)
            assert [name for name, _ in led] == ["cp-1"]  # cp-1 renews; cp-2 waits
            first_scope.cancel()  # cp-1 dies without releasing
            killed = monotonic()
            await anyio.sleep(30)
            tg.cancel_scope.cancel()
        assert [name for name, _ in led] == ["cp-1", "cp-2"]
        taken = led[1][1] - killed
        # cp-2 saw the last renewal at most retry_period before the kill: it takes over once
        # 15 s passed on its own clock since then, at its next 2 s retry.
        assert 15 - 2 <= taken <= 15 + 2
        lease = await cluster.client.get(Lease, "kube-scheduler", namespace="kube-system")
        assert lease.spec.holder_identity == "cp-2"
        assert lease.spec.lease_transitions == 1


async def test_a_leader_that_cannot_renew_stops_leading_within_the_renew_deadline() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        elector = LeaderElector(cluster.client, "kube-controller-manager", "cp-1")
        stopped: list[float] = []

        async def lead() -> None:
            try:
                await anyio.sleep_forever()
            finally:
                stopped.append(monotonic())

        async with anyio.create_task_group() as tg:
            tg.start_soon(elector.run, lead)
            await anyio.sleep(5)
            assert elector.leading
            # Someone else takes the lease over (as after a partition): renewals now conflict.
            lease = await cluster.client.get(
                Lease, "kube-controller-manager", namespace="kube-system"
            )
            await cluster.client.patch(
                Lease,
                "kube-controller-manager",
                {"spec": {"holderIdentity": "cp-2"}},
                namespace="kube-system",
            )
            taken = monotonic()
            await anyio.sleep(20)
            tg.cancel_scope.cancel()
        assert lease.spec.holder_identity == "cp-1"
        assert not elector.leading
        assert len(stopped) == 1
        assert stopped[0] - taken <= 10 + 2  # within the renew deadline (and a retry)


def test_durations_are_refused_as_client_go_refuses_them() -> None:
    refused = {
        "lease_duration \\(15s\\) must be greater than renew_deadline \\(20s\\)": {
            "renew_deadline": 20
        },
        "renew_deadline \\(2.4s\\) must be greater than retry_period \\(2s\\) times "
        "client-go's jitter factor 1.2": {"renew_deadline": 2.4},
        "retry_period must be greater than zero": {"retry_period": 0},
    }
    for message, timings in refused.items():
        with pytest.raises(ValueError, match=message):
            LeaderElector(None, "x", "me", **timings)  # type: ignore[arg-type]
    LeaderElector(None, "x", "me", renew_deadline=2.5)  # type: ignore[arg-type]
