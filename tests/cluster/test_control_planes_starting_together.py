"""Control planes of one cluster that start at the same moment over one store (``kube-actors
up --leader-elect`` processes started together): each bootstraps what every cluster has, and
none fails, or draws what the other draws, because the other started too."""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable
from typing import Literal

import anyio
import pytest
import structlog

from kube_actors import Cluster
from kube_actors.api import (
    ConfigMap,
    Namespace,
    ObjectMeta,
    PriorityClass,
    Service,
    ServicePort,
    ServiceSpec,
    StorageClass,
)
from kube_actors.etcd import MemoryBackend


async def _together(
    count: int,
    backend: MemoryBackend,
    body: Callable[[Cluster], Awaitable[None]],
    clock: Literal["virtual", "real"] = "virtual",
    proxy_bind: bool = False,
) -> None:
    """``count`` clusters over ``backend``, each one process's control plane, entered at
    the same moment; ``body`` runs in each once all of them are up."""
    all_up = anyio.Event()
    up = 0

    async def one() -> None:
        nonlocal up
        async with Cluster(
            store=backend, leader_elect=True, clock=clock, proxy_bind=proxy_bind
        ) as cluster:
            up += 1
            if up == count:
                all_up.set()
            await all_up.wait()
            await body(cluster)

    async with anyio.create_task_group() as group:
        for _ in range(count):
            group.start_soon(one)


async def test_control_planes_starting_together_on_a_new_store_bootstrap_it_without_a_crash(
    quiet_logs: list[structlog.typing.EventDict],
) -> None:
    backend = MemoryBackend()
    seen: list[tuple[list[str], list[str], list[str]]] = []

    async def look(cluster: Cluster) -> None:
        client = cluster.client
        seen.append(
            (
                [n.metadata.name for n in await client.list(Namespace)],
                [p.metadata.name for p in await client.list(PriorityClass)],
                [s.metadata.name for s in await client.list(StorageClass)],
            )
        )

    await _together(2, backend, look)
    # Both apiservers found the other's namespaces, priority classes and storage class as
    # their own: created once, and no apiserver crashed (and restarted) over them.
    crashes = [e for e in quiet_logs if e["event"] == "actor_crashed"]
    assert crashes == []
    assert len(seen) == 2
    assert seen[0] == seen[1]
    namespaces, priority_classes, storage_classes = seen[0]
    assert {"default", "kube-system", "kube-public", "kube-node-lease"} <= set(namespaces)
    assert {"system-cluster-critical", "system-node-critical"} <= set(priority_classes)
    assert storage_classes == ["standard"]


@pytest.mark.real_time
async def test_processes_starting_together_over_one_store_give_their_objects_uids_apart() -> None:
    backend = MemoryBackend()
    async with Cluster(store=backend, leader_elect=True, clock="real"):
        pass  # the first control plane made the store; the next two read one revision
    uids: dict[str, str] = {}

    async def create(cluster: Cluster) -> None:
        name = f"from-{len(uids)}"
        uids[name] = "pending"
        made = await cluster.client.create(
            ConfigMap(metadata=ObjectMeta(name=name, namespace="default"))
        )
        uids[name] = made.metadata.uid

    await _together(2, backend, create, clock="real")
    assert len(set(uids.values())) == 2, uids


async def test_listening_control_planes_starting_together_serve_the_range_the_store_records(
    quiet_logs: list[structlog.typing.EventDict],
) -> None:
    # Each listens for real, so each proposes a Service range of its own on this machine;
    # only one can be recorded, and the API server that finds the other's takes it, so the
    # cluster's ClusterIPs all come from one range.
    backend = MemoryBackend()
    names = iter(("web-a", "web-b"))
    networks: list[str] = []
    addresses: list[ipaddress.IPv4Address] = []

    async def create(cluster: Cluster) -> None:
        name = next(names)
        made = await cluster.client.create(
            Service(
                metadata=ObjectMeta(name=name, namespace="default"),
                spec=ServiceSpec(selector={"app": name}, ports=[ServicePort(port=80)]),
            )
        )
        networks.append(cluster.service_network.service_cidr)
        addresses.append(ipaddress.IPv4Address(made.spec.cluster_ip))

    await _together(2, backend, create, proxy_bind=True)
    [taken] = [e for e in quiet_logs if e["event"] == "service_range_from_store"]
    assert taken["configured"] != taken["stored"]
    assert networks == [taken["stored"]] * 2
    stored = ipaddress.IPv4Network(taken["stored"])
    assert len(addresses) == 2
    assert all(address in stored for address in addresses), addresses
    assert [e for e in quiet_logs if e["event"] == "actor_crashed"] == []
