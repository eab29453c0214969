"""A routable pod CIDR: the subprocess runtime puts each pod's address on the host's ``lo``
while the pod's sandbox is up, so that other hosts, which route the CIDR here, reach it."""

from __future__ import annotations

import ipaddress
import subprocess
import sys

import anyio
import pytest

from kube_actors.errors import ContainerRuntimeError
from kube_actors.proxy import served_by
from kube_actors.runtime import PodSandboxConfig, SubprocessRuntime
from kube_actors.testing import HostNetwork

from ._helpers import start_pod

pytestmark = pytest.mark.real_time

FETCH = "import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=5).read())"


async def wait_listening(host: str, port: int) -> None:
    """The server process starts on its own time: wait (bounded) until it accepts."""
    with anyio.fail_after(10):
        while True:
            try:
                await (await anyio.connect_tcp(host, port)).aclose()
            except OSError:
                await anyio.sleep(0.02)
            else:
                return


def addresses_on_lo() -> str:
    return subprocess.run(
        ["ip", "-4", "-o", "addr", "show", "dev", "lo"], capture_output=True, text=True, check=True
    ).stdout


async def test_a_pod_on_a_routable_address_is_reached_from_another_host_until_it_stops(
    host_network: HostNetwork,
) -> None:
    edge = host_network.add_host("edge")
    ip = str(ipaddress.ip_network(host_network.root.pod_cidr).network_address + 7)
    async with SubprocessRuntime() as runtime:
        sandbox, _ = await start_pod(runtime, "echoserver", pod="web", ports=[8080], ip=ip)
        assert f"inet {ip}/32" in addresses_on_lo()
        await wait_listening(ip, 8080)
        assert await served_by(ip, 8080, 1) == ["web"]
        fetched = await anyio.run_process(
            edge.command([sys.executable, "-c", FETCH, f"http://{ip}:8080/"])
        )
        assert b"pod name:\\tweb" in fetched.stdout  # from the other host, through its route
        await runtime.stop_pod_sandbox(sandbox)
        assert f"inet {ip}/32" not in addresses_on_lo()


async def test_a_routable_address_the_host_cannot_take_fails_the_sandbox_and_leaves_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")  # no `ip` to add the address with
    async with SubprocessRuntime() as runtime:
        with pytest.raises(ContainerRuntimeError, match=r"pod IP 10\.244\.1\.5 .*iproute2"):
            await runtime.run_pod_sandbox(PodSandboxConfig(name="web", ip="10.244.1.5"))
        assert await runtime.list_pod_sandboxes() == []
