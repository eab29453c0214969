"""The ``kubernetes`` Endpoints list every API server serving the cluster (Kubernetes' lease
endpoint reconciler): several servers over one store each add themselves, one that stops
cleanly takes itself out, and one whose Lease expired (it died) is left out."""

from __future__ import annotations

import datetime as dt

import pytest

from kube_actors import Cluster
from kube_actors.actors import wall_clock
from kube_actors.api import Endpoints, EndpointSlice, Lease, LeaseSpec, ObjectMeta
from kube_actors.client import Client
from kube_actors.server._endpoint_reconciler import (
    ENDPOINT_ANNOTATION,
    IDENTITY_LABEL,
    ApiServerEndpoints,
)

pytestmark = pytest.mark.real_time


def _served(endpoints: Endpoints) -> list[tuple[str, int]]:
    return [(a.ip, p.port) for s in endpoints.subsets for a in s.addresses for p in s.ports]


async def _sliced(client: Client) -> dict[str, list[tuple[str, int | None]]]:
    """The ``kubernetes`` slices: name -> (address, port) of each endpoint."""
    slices = await client.list(
        EndpointSlice, namespace="default", label_selector="kubernetes.io/service-name=kubernetes"
    )
    return {
        s.metadata.name: [(a, p.port) for e in s.endpoints for a in e.addresses for p in s.ports]
        for s in slices
    }


async def test_every_server_of_one_store_is_in_the_endpoints_until_it_stops() -> None:
    async with Cluster(clock="real") as cluster, cluster.serve() as first:
        first_port = int(first.url.rsplit(":", 1)[1])
        async with cluster.serve() as second:
            second_port = int(second.url.rsplit(":", 1)[1])
            both = await cluster.client.get(Endpoints, "kubernetes", namespace="default")
            assert _served(both) == sorted(
                [("127.0.0.1", first_port), ("127.0.0.1", second_port)],
                key=lambda e: e[1],
            )
            assert all(len(s.ports) == 1 for s in both.subsets)  # one subset per port
            # A slice has one set of ports: the server on the higher port gets its own.
            low, high = sorted([first_port, second_port])
            assert await _sliced(cluster.client) == {
                "kubernetes": [("127.0.0.1", low)],
                f"kubernetes-{high}-ipv4": [("127.0.0.1", high)],
            }
        left = await cluster.client.get(Endpoints, "kubernetes", namespace="default")
        assert _served(left) == [("127.0.0.1", first_port)]
        assert await _sliced(cluster.client) == {"kubernetes": [("127.0.0.1", first_port)]}
        leases = await cluster.client.list(
            Lease, namespace="kube-system", label_selector=f"{IDENTITY_LABEL}=kube-apiserver"
        )
        assert [lease.metadata.annotations[ENDPOINT_ANNOTATION] for lease in leases] == [
            f"127.0.0.1:{first_port}"
        ]


async def test_a_server_whose_lease_expired_is_left_out() -> None:
    async with Cluster(clock="real") as cluster:
        died = wall_clock() - dt.timedelta(seconds=16)
        await cluster.client.create(
            Lease(
                metadata=ObjectMeta(
                    name="kube-apiserver-dead",
                    namespace="kube-system",
                    labels={IDENTITY_LABEL: "kube-apiserver"},
                    annotations={ENDPOINT_ANNOTATION: "127.0.0.9:6443"},
                ),
                spec=LeaseSpec(lease_duration_seconds=15, renew_time=died),
            )
        )
        reconciler = ApiServerEndpoints(cluster.client, "127.0.0.1", 6444)
        await reconciler.reconcile()
        endpoints = await cluster.client.get(Endpoints, "kubernetes", namespace="default")
        assert _served(endpoints) == [("127.0.0.1", 6444)]
        assert await _sliced(cluster.client) == {"kubernetes": [("127.0.0.1", 6444)]}
        await reconciler.leave()
        endpoints = await cluster.client.get(Endpoints, "kubernetes", namespace="default")
        assert endpoints.subsets == ()
        assert await _sliced(cluster.client) == {"kubernetes": []}
