"""Several control planes over one store (``Cluster(control_planes=3)``), in virtual time:
every replica serves the API, the scheduler and the controllers act only where their Lease is
held, and a leader that dies or is cut off is replaced within the Lease's bounds."""

from __future__ import annotations

import asyncio

import pytest

from kube_actors import Cluster
from kube_actors.actors import monotonic
from kube_actors.api import Deployment, Lease, Pod, Service, from_dict
from kube_actors.client import Client
from kube_actors.cluster import CONTROLLER_MANAGER_LEASE, SCHEDULER_LEASE

WEB = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: nginx}]}
"""


async def test_one_control_plane_leads_each_lease_and_the_others_wait() -> None:
    async with Cluster(control_planes=3, nodes=2) as cluster:
        await cluster.settle(horizon=5)
        planes = cluster.control_planes
        for lease_name in (SCHEDULER_LEASE, CONTROLLER_MANAGER_LEASE):
            leader = planes.leader(lease_name)
            assert leader is not None
            lease = await cluster.client.get(Lease, lease_name, namespace="kube-system")
            assert lease.spec.holder_identity == planes.planes[leader].identity
        schedulers = [a for a in cluster.actors if a.endswith("/kube-scheduler")]
        assert schedulers == [f"control-plane-{planes.leader(SCHEDULER_LEASE)}/kube-scheduler"]
        await cluster.apply(WEB)
        await cluster.wait_for(Deployment, "web", condition="Available")
        assert planes.history.overlaps == []


async def test_a_stopped_leader_is_replaced_within_the_lease_duration() -> None:
    async with Cluster(control_planes=3, nodes=2) as cluster:
        await cluster.settle(horizon=5)
        planes = cluster.control_planes
        leader = planes.leader(CONTROLLER_MANAGER_LEASE)
        assert leader is not None
        await cluster.stop_control_plane(leader)
        stopped_at = monotonic()
        await cluster.apply(WEB)  # the pool sends it to a running apiserver
        await cluster.wait_for(Deployment, "web", condition="Available")
        successor = planes.leader(CONTROLLER_MANAGER_LEASE)
        assert successor not in (None, leader)
        term = planes.history.current(CONTROLLER_MANAGER_LEASE)[0]
        # Taken over once the lease expired by the others' clocks: 15 s after they saw the
        # last renewal (up to one retry period late), polled every retry period: 19 s at most.
        assert 15 - 2 <= term.start - stopped_at <= 15 + 2 * 2
        lease = await cluster.client.get(Lease, CONTROLLER_MANAGER_LEASE, namespace="kube-system")
        assert lease.spec.lease_transitions == 1
        assert planes.history.overlaps == []


async def test_a_partitioned_leader_stops_acting_before_another_takes_over() -> None:
    async with Cluster(control_planes=3, nodes=2) as cluster:
        await cluster.settle(horizon=5)
        planes = cluster.control_planes
        leader = planes.leader(SCHEDULER_LEASE)
        assert leader is not None
        cluster.partition_control_plane(leader)
        await cluster.settle(horizon=30)
        successor = planes.leader(SCHEDULER_LEASE)
        assert successor not in (None, leader)
        old, new = [t for t in planes.history.terms if t.lease == SCHEDULER_LEASE]
        assert old.end is not None
        assert old.end < new.start
        cluster.heal_control_plane(leader)
        await cluster.apply(WEB)
        await cluster.wait_for(Deployment, "web", condition="Available")
        pods = await cluster.client.list(Pod, label_selector="app=web")
        assert len(pods) == 3
        assert all(p.spec.node_name for p in pods)
        assert planes.history.overlaps == []


async def test_a_restarted_control_plane_serves_again_and_campaigns() -> None:
    async with Cluster(control_planes=2) as cluster:
        await cluster.settle(horizon=5)
        await cluster.stop_control_plane(0)
        await cluster.stop_control_plane(1)
        assert not [a for a in cluster.actors if a.startswith("control-plane-")]
        await cluster.start_control_plane(1)
        await cluster.settle(horizon=20)
        assert cluster.control_planes.leader(SCHEDULER_LEASE) == 1


async def test_control_planes_are_counted_from_one() -> None:
    with pytest.raises(ValueError, match="control_planes must be 1 or more"):
        Cluster(control_planes=0)
    with pytest.raises(ValueError, match="several control planes need leader election"):
        Cluster(control_planes=2, leader_elect=False)


async def test_services_made_through_different_apiservers_get_different_addresses() -> None:
    async with Cluster(control_planes=3) as cluster:
        await cluster.settle(horizon=5)
        planes = cluster.control_planes
        made = []
        for index in range(6):
            plane = planes.planes[index % 3]
            client = Client(planes.local_transport(plane))
            service = from_dict(
                {
                    "apiVersion": "v1",
                    "kind": "Service",
                    "metadata": {"name": f"s{index}", "namespace": "default"},
                    "spec": {"type": "NodePort", "ports": [{"port": 80}]},
                }
            )
            made.append(await client.create(service))
            await cluster.settle()
        assert all(isinstance(s, Service) for s in made)
        ips = [s.spec.cluster_ip for s in made]
        node_ports = [s.spec.ports[0].node_port for s in made]
        assert len(set(ips)) == len(ips)
        assert len(set(node_ports)) == len(node_ports)


async def _successor_with_unrelated_timers(extra: int) -> int | None:
    """The replica that takes the scheduler's Lease after its leader stops, in a cluster of
    seed 1 where ``extra`` timers far in the future are pending as well."""
    loop = asyncio.get_running_loop()
    far_off = [loop.call_later(10_000 + i, lambda: None) for i in range(extra)]
    try:
        async with Cluster(control_planes=3, nodes=1, seed=1) as cluster:
            await cluster.settle(horizon=5)
            planes = cluster.control_planes
            leader = planes.leader(SCHEDULER_LEASE)
            assert leader is not None
            await cluster.stop_control_plane(leader)
            await cluster.settle(horizon=30)
            return planes.leader(SCHEDULER_LEASE)
    finally:
        for timer in far_off:
            timer.cancel()


async def test_which_replica_succeeds_a_stopped_leader_does_not_depend_on_unrelated_timers() -> (
    None
):
    # The replicas retry at the same virtual instants; which retry runs first decides who
    # takes the Lease. It must follow from the seed alone: asyncio's heap ordered timers due
    # together by its shape, and one, five or nine timers pending elsewhere changed the winner.
    successors = {extra: await _successor_with_unrelated_timers(extra) for extra in range(10)}
    assert len(set(successors.values())) == 1, successors
