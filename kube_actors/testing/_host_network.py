"""``HostNetwork``: several hosts on one machine, for tests of nodes that run on different hosts.

A host is a network namespace with a network of its own: its own loopback (so ClusterIPs
and pod addresses in it are its own), and one interface, ``eth0``, the far end of a veth
pair whose near end is a port of a bridge in the machine's namespace. The machine itself is
the first host (``root``), with the bridge's address. Every host has an address on the
test subnet and a pod CIDR; every host routes each other host's pod CIDR to that host's
address, which is what a cluster's pod network promises: a node's pod CIDR is routable from
every other node. A process runs in a host through ``host.command(argv)`` (``ip netns exec``)::

    with HostNetwork() as network:
        edge = network.add_host("edge")
        agent = subprocess.Popen(edge.command(["kube-actors", "agent", "--node-ip",
                                 edge.address, "--pod-cidr", edge.pod_cidr, ...]))

Only addresses of the benchmarking range 198.18.0.0/15 are used (never routed anywhere
else), eight /24s per process: its ``process_slot`` says which, so parallel test processes
never meet, and names carry the process id. Leaving the context deletes every namespace,
the bridge (and with it the routes through it) and any pod address left on the machine's
``lo`` in its range; entering it first deletes what a process that died left behind.

It needs Linux, iproute2's ``ip`` and the right to make namespaces (root):
``host_network_unavailable()`` says why not where they are missing, and entering raises
``NetworkNamespacesUnavailable`` with the same reason. Traffic between two namespaced hosts
crosses the bridge, which a firewall on the machine that filters bridged frames
(``br_netfilter`` with a FORWARD policy of DROP) may stop; traffic between the machine and
any host does not cross it.
"""

from __future__ import annotations

import ipaddress
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from types import TracebackType

import attrs

from ..errors import KubeActorsError
from ..runtime import process_slot

__all__ = ["Host", "HostNetwork", "NetworkNamespacesUnavailable", "host_network_unavailable"]

#: RFC 2544's range for testing networks: nothing real is routed there.
_TEST_RANGE = ipaddress.IPv4Network("198.18.0.0/15")
#: /24s per process slot: the hosts' subnet, the machine's pod CIDR, and six hosts' pod CIDRs.
_SUBNETS_PER_SLOT = 8
MAX_HOSTS = _SUBNETS_PER_SLOT - 2
_NAMESPACE_PREFIX = "kube-actors-"
_BRIDGE_PREFIX = "kab"
_HOST_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$")


class NetworkNamespacesUnavailable(KubeActorsError):
    """This machine does not let the test make network namespaces (not Linux, no ``ip``,
    or not root)."""


@attrs.frozen(kw_only=True)
class Host:
    """One host: its ``address`` on the test subnet (a Node's InternalIP, kubelet's
    ``--node-ip``), the ``pod_cidr`` the others route to it, and its network namespace
    (None for the machine's own)."""

    name: str
    address: str
    pod_cidr: str
    namespace: str | None

    def command(self, argv: Sequence[str]) -> list[str]:
        """``argv`` as a command that runs in this host's network namespace."""
        if self.namespace is None:
            return list(argv)
        return [_ip_binary(), "netns", "exec", self.namespace, *argv]


def host_network_unavailable() -> str | None:
    """Why this machine cannot make a ``HostNetwork``; None if it can."""
    if not sys.platform.startswith("linux"):
        return f"network namespaces are Linux's ({sys.platform} has none)"
    if shutil.which("ip") is None:
        return "iproute2's `ip` is not installed (apt-get install iproute2)"
    probe = f"{_NAMESPACE_PREFIX}{os.getpid()}-probe"
    made = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True)
    if made.returncode != 0:
        return f"`ip netns add` is not allowed here (root is needed): {made.stderr.strip()}"
    subprocess.run(["ip", "netns", "del", probe], capture_output=True)
    return None


class HostNetwork:
    """The machine as host ``root`` plus the hosts ``add_host`` makes; a context manager."""

    def __init__(self) -> None:
        self._pid = os.getpid()
        slot = process_slot()
        first = int(_TEST_RANGE.network_address) + slot * _SUBNETS_PER_SLOT * 256
        self._subnets = [
            ipaddress.IPv4Network((first + k * 256, 24)) for k in range(_SUBNETS_PER_SLOT)
        ]
        self._range = ipaddress.IPv4Network((first, 24 - 3))  # all eight /24s
        self.bridge = f"{_BRIDGE_PREFIX}{self._pid}"
        self._root: Host | None = None
        self.hosts: list[Host] = []

    @property
    def root(self) -> Host:
        """The machine's own namespace, as a host: the bridge's address and a pod CIDR."""
        if self._root is None:
            raise KubeActorsError("the host network is not up: use it as `with HostNetwork()`")
        return self._root

    @property
    def subnet(self) -> str:
        """The hosts' subnet (a /24)."""
        return str(self._subnets[0])

    def _veth(self, index: int) -> str:
        """The machine's end of host ``index``'s veth pair (a bridge port)."""
        return f"{self.bridge}h{index}"

    def _address(self, index: int) -> str:
        return str(self._subnets[0].network_address + 1 + index)

    def __enter__(self) -> HostNetwork:
        reason = host_network_unavailable()
        if reason is not None:
            raise NetworkNamespacesUnavailable(reason)
        _sweep_stale()
        self._remove_pod_addresses()
        try:
            _ip("link", "add", self.bridge, "type", "bridge")
            _ip("addr", "add", f"{self._address(0)}/24", "dev", self.bridge)
            _ip("link", "set", self.bridge, "up")
        except BaseException:
            self._tear_down()
            raise
        self._root = Host(
            name="root", address=self._address(0), pod_cidr=str(self._subnets[1]), namespace=None
        )
        return self

    def add_host(self, name: str) -> Host:
        """A new host ``name`` (a DNS label): its namespace, link, address and routes."""
        root = self.root
        if not _HOST_NAME.match(name) or name == root.name:
            raise ValueError(f"host name {name!r}: a DNS label of at most 32 characters")
        if any(host.name == name for host in self.hosts):
            raise ValueError(f"a host named {name!r} exists already")
        index = len(self.hosts) + 1
        if index > MAX_HOSTS:
            raise KubeActorsError(f"a HostNetwork holds at most {MAX_HOSTS} hosts")
        host = Host(
            name=name,
            address=self._address(index),
            pod_cidr=str(self._subnets[index + 1]),
            namespace=f"{_NAMESPACE_PREFIX}{self._pid}-{name}",
        )
        assert host.namespace is not None
        veth = self._veth(index)
        _ip("netns", "add", host.namespace)
        self.hosts.append(host)
        inside = ("-n", host.namespace)
        _ip("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", host.namespace)
        _ip("link", "set", veth, "master", self.bridge)
        _ip("link", "set", veth, "up")
        _ip(*inside, "addr", "add", f"{host.address}/24", "dev", "eth0")
        _ip(*inside, "link", "set", "eth0", "up")
        _ip(*inside, "link", "set", "lo", "up")
        for other in [root, *self.hosts[:-1]]:
            _route(host, other)
            _route(other, host)
        return host

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._tear_down()

    def _tear_down(self) -> None:
        for index, host in enumerate(self.hosts, start=1):
            assert host.namespace is not None
            # The pair now: a namespace's own devices go only when the kernel gets to it.
            _ip("link", "del", self._veth(index), check=False)
            _ip("netns", "del", host.namespace, check=False)
        self.hosts = []
        _ip("link", "del", self.bridge, check=False)  # its routes go with it
        self._remove_pod_addresses()
        self._root = None

    def _remove_pod_addresses(self) -> None:
        """Pod addresses a runtime of this process (or of a dead one in its slot) left on
        the machine's ``lo``."""
        for address in _loopback_addresses():
            if ipaddress.IPv4Address(address) in self._range:
                _ip("-4", "addr", "del", f"{address}/32", "dev", "lo", check=False)


def _route(on: Host, to: Host) -> None:
    """On host ``on``: ``to``'s pod CIDR through ``to``'s address."""
    where = ("-n", on.namespace) if on.namespace is not None else ()
    _ip(*where, "route", "add", to.pod_cidr, "via", to.address)


def _sweep_stale() -> None:
    """Delete the namespaces and bridges of test processes that died without cleaning up."""
    listed = _ip("netns", "list", check=False)
    for line in listed.splitlines():
        name = line.split(" ", 1)[0]
        found = re.match(rf"^{_NAMESPACE_PREFIX}(\d+)-", name)
        if found and not _alive(int(found.group(1))):
            _ip("netns", "del", name, check=False)
    links = _ip("-o", "link", "show", "type", "bridge", check=False)
    for found in re.finditer(rf"^\d+: ({_BRIDGE_PREFIX}(\d+))[:@]", links, re.MULTILINE):
        if not _alive(int(found.group(2))):
            _ip("link", "del", found.group(1), check=False)


def _loopback_addresses() -> list[str]:
    shown = _ip("-4", "-o", "addr", "show", "dev", "lo", check=False)
    return re.findall(r"\binet (\d+\.\d+\.\d+\.\d+)/", shown)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _ip_binary() -> str:
    return shutil.which("ip") or "ip"


def _ip(*argv: str, check: bool = True) -> str:
    done = subprocess.run([_ip_binary(), *argv], capture_output=True, text=True)
    if check and done.returncode != 0:
        raise KubeActorsError(f"`ip {' '.join(argv)}` failed: {done.stderr.strip()}")
    return done.stdout
