"""Pod addresses outside loopback: put on the host's ``lo`` while the pod's sandbox is up.

A pod IP of 127.0.0.0/8 needs nothing (Linux delivers that whole network to ``lo``). A node
whose pods other hosts reach has a routable pod CIDR (``10.244.1.0/24``, kubelet's
``--pod-cidr``), which the other hosts route to this host's address; for a packet that
arrives here to reach a pod's socket, the pod's address must be one of this host's own. So
the subprocess runtime adds it to ``lo`` as a /32 when the sandbox is made and removes it
when the sandbox stops, as a CNI plugin gives each pod its address and takes it back. It
uses iproute2's ``ip`` in the network namespace the runtime runs in (a host's, or a test's
``ip netns exec``), and needs the right to change addresses there (root, CAP_NET_ADMIN).

An address left by a runtime that died (``kill -9``) is taken over by the next pod given it
rather than refused.
"""

from __future__ import annotations

import ipaddress
import shutil
import subprocess

import anyio

from kube_actors.errors import ContainerRuntimeError

__all__ = ["add_pod_address", "needs_host_address", "remove_pod_address"]

#: The interface pod addresses go on: every host has it, and it is always up.
POD_ADDRESS_DEVICE = "lo"


def needs_host_address(ip: str) -> bool:
    """Whether ``ip`` must be added to the host before a pod can listen on it."""
    return bool(ip) and not ipaddress.ip_address(ip).is_loopback


async def add_pod_address(ip: str) -> None:
    """Make ``ip`` an address of this host (``ip addr add <ip>/32 dev lo``)."""
    code, error = await _ip("add", ip)
    if code != 0 and "File exists" not in error:
        raise ContainerRuntimeError(f"cannot give the pod its address {ip}: {error}")


async def remove_pod_address(ip: str) -> None:
    """Take ``ip`` off the host again; one already gone is fine."""
    await _ip("del", ip)


async def _ip(verb: str, ip: str) -> tuple[int, str]:
    program = shutil.which("ip")
    if program is None:
        raise ContainerRuntimeError(
            f"pod IP {ip} is not a loopback address: the subprocess runtime adds it to "
            f"{POD_ADDRESS_DEVICE} with `ip`, which is not installed (apt-get install iproute2)"
        )
    argv = [program, "-4", "addr", verb, f"{ip}/32", "dev", POD_ADDRESS_DEVICE]
    result = await anyio.run_process(argv, check=False, stdin=subprocess.DEVNULL)
    return result.returncode, result.stderr.decode(errors="replace").strip()
