"""Two independent clusters on one machine serve their Services side by side.

Each cluster that listens for real takes a Service range and a NodePort address of its own
(``Cluster.service_network``), so kube-proxy's listeners of one never meet the other's, though
both clusters draw the same NodePort from the same seed.
"""

from __future__ import annotations

from contextlib import AsyncExitStack

import anyio
import pytest

from kube_actors import Cluster
from kube_actors.api import Pod, Service
from kube_actors.proxy import served_by

from .test_services import hello_deployment

pytestmark = pytest.mark.real_time


async def _serve_hello(cluster: Cluster) -> tuple[Service, Service]:
    await cluster.client.create(hello_deployment(replicas=1))
    inside = await cluster.expose("deployment", "hello-nginx", port=8080, service_name="inside")
    outside = await cluster.expose(
        "deployment", "hello-nginx", type="NodePort", port=8080, service_name="outside"
    )
    return inside, outside


async def test_two_clusters_serve_cluster_ip_and_node_port_services_side_by_side() -> None:
    with anyio.fail_after(40):
        async with AsyncExitStack() as stack:
            clusters = [
                await stack.enter_async_context(
                    Cluster(nodes=1, runtime="subprocess", clock="real", controllers=None)
                )
                for _ in range(2)
            ]
            first, second = (c.service_network for c in clusters)
            assert first.service_cidr != second.service_cidr
            assert first.node_port_address != second.node_port_address
            services = [await _serve_hello(cluster) for cluster in clusters]
            node_ports = [outside.spec.ports[0].node_port for _, outside in services]
            assert node_ports[0] == node_ports[1]  # one seed, one draw: apart by address
            for cluster, (inside, outside) in zip(clusters, services, strict=True):
                await cluster.wait_serving("inside")
                await cluster.wait_serving("outside")
                [pod] = await cluster.client.list(Pod, namespace="default")
                mine = {pod.metadata.name}
                address = cluster.service_network.node_port_address
                node_port = outside.spec.ports[0].node_port
                assert node_port is not None
                assert set(await served_by(inside.spec.cluster_ip, 8080, 2)) == mine
                assert set(await served_by(address, node_port, 2)) == mine
                assert cluster.data_plane.statistics().failed == 0
