"""The data plane with real sockets: listeners follow the table, connections are balanced."""

from __future__ import annotations

import socket

import anyio
import pytest
from structlog.testing import capture_logs

from kube_actors.proxy import DataPlane, ServicePortEntry, ServiceTable

from ._net import ask, assert_only_loopback, named_backends

pytestmark = pytest.mark.real_time

CLUSTER_IP = "127.10.200.1"
PODS = [("127.64.200.1", 18080), ("127.64.200.2", 18080), ("127.64.200.3", 18080)]


def table(
    *backends: tuple[str, int],
    version: int,
    node_port: int | None = None,
    affinity: float | None = None,
    port: int = 18000,
) -> ServiceTable:
    entry = ServicePortEntry(
        namespace="default",
        name="web",
        port_name="",
        protocol="TCP",
        cluster_ip=CLUSTER_IP,
        port=port,
        node_port=node_port,
        endpoints=tuple(backends),
        affinity_timeout=affinity,
    )
    return ServiceTable(
        entries={entry.key: entry}, names={("default", "web"): (CLUSTER_IP,)}, version=(version, 0)
    )


async def test_two_pods_listen_on_the_same_port_each_on_its_own_ip() -> None:
    with anyio.fail_after(5):
        async with named_backends(*PODS[:2]):
            assert await ask(*PODS[0]) == "127.64.200.1:18080"
            assert await ask(*PODS[1]) == "127.64.200.2:18080"


async def test_connections_to_the_cluster_ip_and_the_node_port_go_round_the_ready_pods() -> None:
    with anyio.fail_after(5):
        async with named_backends(*PODS), DataPlane() as plane:
            assert await plane.apply(table(*PODS, version=1, node_port=31999))
            assert plane.listening() == [("127.0.0.1", 31999), (CLUSTER_IP, 18000)]
            assert_only_loopback()
            through_ip = [await ask(CLUSTER_IP, 18000) for _ in range(6)]
            assert sorted(through_ip) == sorted(f"{ip}:{port}" for ip, port in PODS * 2)
            through_node_port = {await ask("127.0.0.1", 31999) for _ in range(3)}
            assert len(through_node_port) == 3


async def test_a_service_without_ready_endpoints_refuses_and_listeners_follow_changes() -> None:
    with anyio.fail_after(5):
        async with named_backends(*PODS), DataPlane() as plane:
            await plane.apply(table(version=1))
            with pytest.raises(ConnectionRefusedError):
                await ask(CLUSTER_IP, 18000)
            await plane.apply(table(PODS[0], version=2))
            assert await ask(CLUSTER_IP, 18000) == "127.64.200.1:18080"
            # A pod that left the rotation gets nothing more.
            await plane.apply(table(PODS[1], version=3))
            assert {await ask(CLUSTER_IP, 18000) for _ in range(3)} == {"127.64.200.2:18080"}
            # An older table (a proxy whose caches lag) changes nothing.
            assert not await plane.apply(table(PODS[0], version=2))
            # The Service moves to another port: the old one closes.
            await plane.apply(table(PODS[1], version=4, port=18001))
            with pytest.raises(ConnectionRefusedError):
                await ask(CLUSTER_IP, 18000)
            assert await ask(CLUSTER_IP, 18001) == "127.64.200.2:18080"
        # Closing the plane closes every listener.
        with pytest.raises(ConnectionRefusedError):
            await ask(CLUSTER_IP, 18001)


async def test_client_ip_affinity_keeps_each_client_on_its_pod() -> None:
    with anyio.fail_after(5):
        async with named_backends(*PODS), DataPlane() as plane:
            await plane.apply(table(*PODS, version=1, affinity=10800))
            for client in ("127.0.0.2", "127.0.0.3", "127.0.0.4"):
                answers = {await ask(CLUSTER_IP, 18000, local_host=client) for _ in range(4)}
                assert len(answers) == 1
            firsts = {
                await ask(CLUSTER_IP, 18000, local_host=c)
                for c in ("127.0.0.2", "127.0.0.3", "127.0.0.4")
            }
            assert len(firsts) == 3  # new clients were still spread


async def test_bytes_flow_both_ways_with_half_close() -> None:
    async def echo(reader: anyio.abc.SocketStream) -> None:
        data = b""
        async with reader:
            try:
                while True:
                    data += await reader.receive()
            except anyio.EndOfStream:
                pass
            await reader.send(data[::-1])

    with anyio.fail_after(5):
        listener = await anyio.create_tcp_listener(local_host="127.64.200.9", local_port=18080)
        async with listener, anyio.create_task_group() as tg:
            tg.start_soon(listener.serve, echo)
            async with DataPlane() as plane:
                await plane.apply(table(("127.64.200.9", 18080), version=1))
                payload = bytes(range(256)) * 4096  # 1 MiB, more than any buffer
                async with await anyio.connect_tcp(CLUSTER_IP, 18000) as stream:
                    await stream.send(payload)
                    await stream.send_eof()
                    got = b""
                    try:
                        while True:
                            got += await stream.receive()
                    except anyio.EndOfStream:
                        pass
                assert got == payload[::-1]
            tg.cancel_scope.cancel()


async def test_without_bind_the_plane_keeps_the_table_and_opens_nothing() -> None:
    async with DataPlane(bind=False) as plane:
        await plane.apply(table(*PODS, version=1, node_port=31998))
        assert plane.listening() == []
        assert plane.resolve_all("web.default.svc.cluster.local") == (CLUSTER_IP,)
        with pytest.raises(ConnectionRefusedError):
            await ask(CLUSTER_IP, 18000)


async def test_an_address_another_process_holds_is_warned_about_once_and_taken_once_free() -> None:
    held = (CLUSTER_IP, 18001)
    holder = socket.create_server(held)  # another cluster's kube-proxy, say
    try:
        with anyio.fail_after(5):
            async with named_backends(PODS[0]), DataPlane() as plane:
                with capture_logs() as logs:
                    await plane.apply(table(PODS[0], version=1, port=18001))
                    await plane.apply(table(PODS[0], version=2, port=18001))  # tried again
                assert plane.listening() == []
                assert plane.statistics().failed == 1
                [failure] = plane.take_failures()
                assert failure.address == f"{CLUSTER_IP}:18001"
                assert failure.service == ("default", "web", "")
                assert "address already in use" in failure.error
                assert plane.take_failures() == []  # handed out once
                [warning] = [e for e in logs if e["event"] == "proxy_listen_failed"]
                assert warning["address"] == f"{CLUSTER_IP}:18001"
                assert "--service-cluster-ip-range" in warning["hint"]
                holder.close()
                await plane.apply(table(PODS[0], version=3, port=18001))
                assert plane.listening() == [held]
                assert plane.statistics().failed == 0
                assert await ask(*held) == "127.64.200.1:18080"
    finally:
        holder.close()
