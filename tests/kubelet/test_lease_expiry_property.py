"""Property: a node whose Lease stops being renewed goes Unknown exactly at the end of the
grace period (50 s after its last renewal), never before, whenever and however it stops,
while the nodes that keep renewing stay Ready (issue #22: a healthy node's renewals no
longer cause reconciles of their own). The kubelet renews on one heartbeat with its status
check when both periods are 10 s (the default) and on a timer of its own otherwise: both
are drawn, and so is ``gc_freeze`` (a frozen heap changes what a run costs, never what it
does)."""

from __future__ import annotations

import asyncio
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from kube_actors import Cluster
from kube_actors.actors import DEFAULT_EPOCH, monotonic, run
from kube_actors.api import Lease, Node, get_condition
from kube_actors.controllers.nodelifecycle import NODE_MONITOR_GRACE_PERIOD
from kube_actors.kubelet import KubeletTimings

_HALF_SECONDS = st.integers(min_value=0, max_value=400).map(lambda n: n / 2)


async def _ready(cluster: Cluster, name: str) -> tuple[str, dt.datetime | None]:
    node = await cluster.client.get(Node, name)
    ready = get_condition(node.status.conditions, "Ready")
    assert ready is not None
    return ready.status, ready.last_transition_time


async def _until(moment: float) -> None:
    """Let the virtual clock run to ``moment`` seconds since the epoch."""
    await asyncio.sleep(moment - monotonic())


async def _scenario(
    nodes: int, victim: int, stop_at: float, partition: bool, renew_every: float, gc_freeze: bool
) -> None:
    timings = KubeletTimings(lease_renew_interval=renew_every)
    async with Cluster(
        nodes=nodes, controllers=["nodelifecycle"], kubelet_timings=timings, gc_freeze=gc_freeze
    ) as cluster:
        await cluster.settle()
        name = cluster.nodes[victim]
        await _until(monotonic() + stop_at)
        if partition:
            cluster.partition_node(name)
        else:
            await cluster.stop_node(name)
        await cluster.settle()
        lease = await cluster.client.get(Lease, name, namespace="kube-node-lease")
        assert lease.spec.renew_time is not None
        last_renewal = (lease.spec.renew_time - DEFAULT_EPOCH).total_seconds()
        deadline = last_renewal + NODE_MONITOR_GRACE_PERIOD

        await _until(deadline - 0.5)
        await cluster.settle()
        assert (await _ready(cluster, name))[0] == "True"  # not before the grace period

        await _until(deadline)
        await cluster.settle()
        status, since = await _ready(cluster, name)
        assert status == "Unknown"  # and exactly at its end
        assert since == (DEFAULT_EPOCH + dt.timedelta(seconds=deadline)).replace(microsecond=0)

        await _until(deadline + 60)
        await cluster.settle()
        for other in cluster.nodes:
            if other != name:
                assert (await _ready(cluster, other))[0] == "True"


@settings(max_examples=12, deadline=None)
@given(
    nodes=st.integers(min_value=2, max_value=4),
    victim=st.integers(min_value=0, max_value=3),
    stop_at=_HALF_SECONDS,
    partition=st.booleans(),
    renew_every=st.sampled_from([10.0, 7.0]),
    gc_freeze=st.booleans(),
)
def test_a_node_that_stops_renewing_goes_unknown_at_the_end_of_the_grace_period(
    nodes: int, victim: int, stop_at: float, partition: bool, renew_every: float, gc_freeze: bool
) -> None:
    run(_scenario, nodes, victim % nodes, stop_at, partition, renew_every, gc_freeze)
