"""A failure stays where it happened: a component that crashes, even in a loop, restarts on
its own with back-off; the others wait for it and the cluster keeps running and converges."""

from __future__ import annotations

from collections.abc import Callable

import anyio
import anyio.lowlevel
import pytest

from kube_actors import Cluster
from kube_actors.actors import Actor, Supervision
from kube_actors.api import Deployment, Event, Namespace, ObjectMeta
from kube_actors.errors import ActorEscalated, ServiceUnavailable

from .test_faults import assert_converged, start


async def crash_in_a_loop(cluster: Cluster, name: str, times: int) -> None:
    """Crash ``name`` each time it is back, ``times`` times: faster than its supervision's
    intensity (3 restarts in 10 s), which once escalated and stopped the whole cluster."""
    for _ in range(times):
        await _until(lambda: cluster.health()[name].state == "running")
        restarts = cluster.health()[name].restarts
        await cluster.crash(name)  # after the message in hand, which may wait on another
        await _until(lambda: cluster.health()[name].restarts > restarts)  # noqa: B023


async def _until(holds: Callable[[], bool]) -> None:
    """Let the running clock go on, a tenth of a second at a time, until ``holds()``."""
    for _ in range(600):
        if holds():
            return
        await anyio.sleep(0.1)
    raise AssertionError("still not true after 60 s")


async def test_etcd_crashing_does_not_crash_the_apiserver() -> None:
    async with Cluster(nodes=2, seed=5) as cluster:
        await start(cluster)
        for _ in range(3):
            await cluster.crash("etcd")
            await cluster.settle(1.0)
        health = cluster.health()
        assert health["etcd"].restarts == 3
        assert "ActorCrashed" in (health["etcd"].last_error or "")
        assert health["kube-apiserver"].restarts == 0
        await cluster.scale(Deployment, "hello-nginx", 4)
        await assert_converged(cluster, 4)


async def test_etcd_in_a_crash_loop_never_stops_the_cluster() -> None:
    async with Cluster(nodes=1, seed=5) as cluster:
        await start(cluster)
        await crash_in_a_loop(cluster, "etcd", 6)
        assert cluster.health()["etcd"].crash_looping
        assert cluster.health()["kube-apiserver"].restarts == 0
        await cluster.scale(Deployment, "hello-nginx", 3)
        await assert_converged(cluster, 3)


async def test_every_component_crashing_in_a_loop_is_restarted_and_the_cluster_converges() -> None:
    async with Cluster(nodes=2, seed=5) as cluster:
        await start(cluster)
        statistics = cluster.system.statistics()
        children = {child for s in statistics.values() for child in s.children}
        components = [name for name in statistics if name not in children]
        assert len(components) > 25
        for name in components:  # a kubelet's pod workers go with it: crash the kubelet
            await crash_in_a_loop(cluster, name, 5)
            assert cluster.health()[name].crash_looping, name
        await anyio.sleep(60)
        await cluster.scale(Deployment, "hello-nginx", 3)
        await assert_converged(cluster, 3)
        # Healthy again once each ran long enough without failing.
        await anyio.sleep(30)
        await cluster.settle()
        assert all(h.healthy for h in cluster.health().values())


async def test_a_crash_loop_is_reported_by_a_warning_event_and_a_log_line(
    quiet_logs: list[dict[str, object]],
) -> None:
    async with Cluster(nodes=1, seed=5) as cluster:
        await crash_in_a_loop(cluster, "kube-scheduler", 5)
        await cluster.settle(1.0)
        events = await cluster.client.list(Event, namespace="kube-system")
        backoff = [e for e in events if e.reason == "BackOff"]
        assert [e.type for e in backoff] == ["Warning"]
        assert backoff[0].involved_object.name == "kube-scheduler"
        assert "Back-off restarting failed component kube-scheduler" in backoff[0].message
    assert any(
        e["event"] == "actor_crash_looping" and e["actor"] == "kube-scheduler" for e in quiet_logs
    )


async def test_the_apiserver_answers_503_while_etcd_is_down() -> None:
    async with Cluster(seed=5) as cluster:
        await cluster.system.stop(cluster.system.lookup("etcd"))
        with pytest.raises(ServiceUnavailable, match="etcd is unavailable"):
            await cluster.client.create(Namespace(metadata=ObjectMeta(name="team-a")))
        # Reads are served from the watch cache meanwhile.
        assert await cluster.client.get(Namespace, "default")


async def test_a_client_of_a_stopped_apiserver_gets_a_503_not_an_actor_error() -> None:
    async with Cluster(seed=5) as cluster:
        await cluster.system.stop(cluster.apiserver)
        with pytest.raises(ServiceUnavailable) as raised:
            await cluster.client.get(Namespace, "default")
        assert raised.value.code == 503


async def test_rollout_status_follows_a_rollout_across_an_apiserver_restart() -> None:
    async with Cluster(nodes=2, seed=5) as cluster:
        await start(cluster, replicas=3)
        lines: list[str] = []
        await cluster.set_image(Deployment, "hello-nginx", nginx="nginx:1.27")
        async with anyio.create_task_group() as tg:

            async def follow() -> None:
                lines.append(await cluster.rollout_status("hello-nginx"))

            tg.start_soon(follow)
            await anyio.lowlevel.checkpoint()
            await cluster.restart_control_plane()
        assert lines == ['deployment "hello-nginx" successfully rolled out']
        await assert_converged(cluster, 3)


class _Fragile(Actor):
    component = "user"

    async def receive(self, message: object) -> object:
        raise RuntimeError("user actor failed")


async def test_a_user_actor_can_still_ask_for_escalation() -> None:
    async def scenario() -> None:
        async with Cluster(seed=5) as cluster:
            ref = await cluster.system.spawn(
                _Fragile, name="fragile", supervision=Supervision(escalate=True)
            )
            for _ in range(5):
                await ref.tell("boom")
                await cluster.settle(0.5)

    with pytest.raises(ActorEscalated, match="'fragile' failed more than 3 times"):
        await scenario()


async def test_the_testing_kits_rollout_watch_follows_pods_across_an_apiserver_restart() -> None:
    from kube_actors.testing._rollout_watch import RolloutWatch

    async with Cluster(nodes=1, seed=5) as cluster:
        await start(cluster, replicas=2)
        watch = RolloutWatch()
        await watch.start(cluster, "default")
        try:
            assert len(watch.pods) == 2
            await cluster.restart_control_plane()
            await cluster.scale(Deployment, "hello-nginx", 3)
            await assert_converged(cluster, 3)
            await anyio.sleep(2)  # its back-off while the apiserver was down
            assert len(watch.pods) == 3  # it listed again and kept watching
        finally:
            await watch.stop()
