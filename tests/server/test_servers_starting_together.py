"""API servers of one cluster that start at the same moment (control planes started together
over one store, ``kube-actors up --leader-elect``): each keeps the
``kubernetes`` Service and the ``kube-root-ca.crt`` ConfigMaps as it starts, and none fails
to start because another wrote them first, as kube-apiserver's bootstrap controllers take an
AlreadyExists or a Conflict for another server's write and read again."""

from __future__ import annotations

from pathlib import Path

import anyio
import pytest

from kube_actors import Cluster
from kube_actors.api import ConfigMap, Endpoints, ObjectMeta, Service
from kube_actors.apiserver import ROOT_CA_CONFIG_MAP
from kube_actors.server import Served
from kube_actors.server._root_ca import _publish

pytestmark = pytest.mark.real_time


async def test_servers_started_together_beside_a_running_one_all_serve(tmp_path: Path) -> None:
    """The first server's Service names its port; the two started next both find it so,
    and both bring it up to date from the same version of it: one of them is second."""
    pki = tmp_path / "pki"
    async with (
        Cluster(clock="real") as cluster,
        cluster.serve(data_dir=str(tmp_path / "a"), cert_dir=pki) as first,
    ):
        served: list[Served] = []
        all_up, done = anyio.Event(), anyio.Event()

        async def serve(name: str) -> None:
            async with cluster.serve(data_dir=str(tmp_path / name), cert_dir=pki) as server:
                served.append(server)
                if len(served) == 2:
                    all_up.set()
                await done.wait()

        async with anyio.create_task_group() as group:
            group.start_soon(serve, "b")
            group.start_soon(serve, "c")
            await all_up.wait()
            ports = {int(s.url.rsplit(":", 1)[1]) for s in (first, *served)}
            service = await cluster.client.get(Service, "kubernetes", namespace="default")
            assert service.spec.cluster_ip == "127.10.0.1"
            [port] = service.spec.ports
            assert port.target_port in ports
            endpoints = await cluster.client.get(Endpoints, "kubernetes", namespace="default")
            assert {p.port for s in endpoints.subsets for p in s.ports} == ports
            done.set()


async def test_root_ca_published_by_two_servers_at_once_is_written_once(tmp_path: Path) -> None:
    """A ConfigMap from before (another CA): both servers read it, both write theirs over
    the same version, and the second write meets the first one's."""
    async with Cluster(clock="real") as cluster:
        old = ConfigMap(
            metadata=ObjectMeta(name=ROOT_CA_CONFIG_MAP, namespace="default"),
            data={"ca.crt": "an older CA"},
        )
        await cluster.client.create(old)
        async with anyio.create_task_group() as group:
            for _ in range(2):
                group.start_soon(_publish, cluster.client, "default", "the shared CA")
        published = await cluster.client.get(ConfigMap, ROOT_CA_CONFIG_MAP, namespace="default")
        assert published.data == {"ca.crt": "the shared CA"}
