from __future__ import annotations

import asyncio
import itertools

from kube_actors import Cluster
from kube_actors.actors import monotonic
from kube_actors.api import Container, Pod

from ._pods import pod, probe


async def _get(cluster: Cluster, name: str = "web") -> Pod:
    return await cluster.client.get(Pod, name, namespace="default")


async def _restart_times(cluster: Cluster, until: float) -> list[float]:
    """The simulated times at which the container's restart count went up."""
    times: list[float] = []
    seen = 0
    start = monotonic()
    while monotonic() - start < until:
        await cluster.settle()
        current = (await _get(cluster)).status.container_statuses[0].restart_count
        if current > seen:
            times.extend([monotonic()] * (current - seen))
            seen = current
        await asyncio.sleep(1)
    return times


async def test_a_crashing_container_restarts_at_once_then_backs_off_10_20_40_up_to_300_s() -> None:
    async with Cluster(nodes=2, controllers=()) as cluster:
        await cluster.client.create(pod(script={"app.crash": "true"}))
        times = await _restart_times(cluster, until=1200)
        gaps = [b - a for a, b in zip([0.0, *times], times, strict=False)]
        assert gaps[:8] == [0.0, 10.0, 20.0, 40.0, 80.0, 160.0, 300.0, 300.0]
        status = (await _get(cluster)).status.container_statuses[0]
        assert status.state.waiting is not None
        assert status.state.waiting.reason == "CrashLoopBackOff"
        assert "back-off 300s restarting failed container=app" in status.state.waiting.message
        assert status.last_state.terminated is not None
        assert status.last_state.terminated.exit_code == 1
        assert (await _get(cluster)).status.phase == "Running"


async def test_the_back_off_starts_over_after_ten_minutes_of_clean_running() -> None:
    async with Cluster(nodes=2, controllers=()) as cluster:
        await cluster.client.create(pod(script={"app.exit-after": "1s", "app.exit-code": "2"}))
        early = await _restart_times(cluster, until=100)
        assert [round(b - a) for a, b in itertools.pairwise(early)][:3] == [11, 21, 41]
        await cluster.client.delete(Pod, "web", namespace="default")
        await cluster.settle(horizon=60)
        await cluster.client.create(pod(script={"app.exit-after": "700s", "app.exit-code": "2"}))
        late = await _restart_times(cluster, until=2200)
        # Each run lasts 700 s, more than twice the 300 s cap: no back-off accumulates.
        assert [round(b - a) for a, b in itertools.pairwise(late)][:2] == [700, 700]


async def test_a_liveness_failure_restarts_the_container_after_the_failure_threshold() -> None:
    async with Cluster(nodes=2, controllers=()) as cluster:
        container = Container(
            name="app", image="nginx", liveness_probe=probe(period=10, failures=3)
        )
        await cluster.client.create(
            pod(script={"app.liveness-fails-after": "15s"}, containers=[container])
        )
        times = await _restart_times(cluster, until=60)
        # Probes at 0, 10, 20, 30, 40: failing from 20 on, the third failure is at 40.
        assert times[0] == 40.0
        status = (await _get(cluster)).status.container_statuses[0]
        assert status.restart_count == 1


async def test_readiness_drives_the_ready_condition() -> None:
    async with Cluster(nodes=2, controllers=()) as cluster:
        container = Container(
            name="app", image="nginx", readiness_probe=probe(period=5, failures=1)
        )
        await cluster.client.create(pod(script={"app.ready-after": "12s"}, containers=[container]))
        await cluster.settle()
        current = await _get(cluster)
        ready = {c.type: c.status for c in current.status.conditions}
        assert current.status.phase == "Running"
        assert ready["Ready"] == "False"
        assert not current.status.container_statuses[0].ready
        await asyncio.sleep(16)
        await cluster.settle()
        ready = {c.type: c.status for c in (await _get(cluster)).status.conditions}
        assert ready["Ready"] == "True"
        assert ready["ContainersReady"] == "True"


async def test_a_container_killed_from_outside_is_restarted_by_its_kubelet() -> None:
    async with Cluster(nodes=2, controllers=()) as cluster:
        await cluster.client.create(pod())
        await cluster.settle()
        await cluster.kill_container("web", "app")
        await cluster.settle()
        status = (await _get(cluster)).status.container_statuses[0]
        assert status.restart_count == 1
        assert status.state.running is not None
        assert status.last_state.terminated is not None
        assert status.last_state.terminated.exit_code == 137


async def test_restart_policies_decide_the_final_phase() -> None:
    async with Cluster(nodes=2, controllers=()) as cluster:
        await cluster.client.create(
            pod("done", restart_policy="Never", script={"app.exit-after": "5s"})
        )
        await cluster.client.create(
            pod(
                "broken",
                restart_policy="Never",
                script={"app.exit-after": "5s", "app.exit-code": "3"},
            )
        )
        await cluster.client.create(
            pod("retried", restart_policy="OnFailure", script={"app.crash": "true"})
        )
        await cluster.settle(horizon=30)
        phases = {p.metadata.name: p.status.phase for p in await cluster.client.list(Pod)}
        assert phases == {"done": "Succeeded", "broken": "Failed", "retried": "Running"}
        broken = await _get(cluster, "broken")
        terminated = broken.status.container_statuses[0].state.terminated
        assert terminated is not None
        assert (terminated.exit_code, terminated.reason) == (3, "Error")


async def test_init_containers_run_one_after_another_before_the_containers() -> None:
    async with Cluster(nodes=2, controllers=()) as cluster:
        inits = [
            Container(name="first", image="busybox"),
            Container(name="second", image="busybox"),
        ]
        await cluster.client.create(
            pod(
                init_containers=inits,
                script={"first.exit-after": "5s", "second.exit-after": "7s"},
            )
        )
        await cluster.settle(horizon=4)
        early = await _get(cluster)
        assert early.status.phase == "Pending"
        assert early.status.container_statuses[0].state.waiting is not None
        assert early.status.init_container_statuses[1].state.waiting is not None
        await cluster.settle(horizon=20)
        later = await _get(cluster)
        assert later.status.phase == "Running"
        assert [
            s.state.terminated.reason
            for s in later.status.init_container_statuses
            if s.state.terminated
        ] == ["Completed", "Completed"]
        initialized = {c.type: c for c in later.status.conditions}["Initialized"]
        assert initialized.status == "True"
