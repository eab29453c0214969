"""Each cluster on a machine listens for its Services on addresses of its own.

kube-proxy listens on every Service's ``ClusterIP:port`` and on ``<NodePort address>:nodePort``,
on the machine's loopback. Two independent clusters on one machine (two ``kube-actors up``,
two test processes, two ``Cluster`` objects of one program) that drew from one Service range
would listen on the same addresses, and the second one's listeners would fail. So a cluster
that listens for real and was given no range takes a *slot* of its own: slot ``k`` is the
Service range ``127.{10+k}.0.0/16`` and the NodePort address ``127.0.0.{1+k}``. Slot 0 is the
default (``127.10.0.0/16`` and ``127.0.0.1``): the first cluster on a machine looks as it
always did, and a cluster that opens no socket (the fake runtime, virtual time) always uses
it, so a seed gives the same ClusterIPs whatever else runs on the machine.

A slot is held by an exclusive lock on ``<tmp>/kube-actors-service-ranges-<uid>/<k>.lock``
for as long as the cluster runs; the system lets it go when the process ends, however it
ends. A lock is per open file, so two clusters of one process hold two slots as two
processes do. A slot whose addresses something listens on already (a cluster of another
user, or of a version that takes no lock; on Linux, as ``/proc/net/tcp`` lists them) is
passed over too. The store has the last word (``apiserver._service_range``): a cluster
whose store records a range (a restart, another control plane of the same cluster over a
shared etcd) uses that one and holds its slot if it is free; a range given by the user is
used as given. With every slot taken, slot 0 is shared, and kube-proxy warns about each
address it cannot listen on (``proxy_listen_failed``).
"""

from __future__ import annotations

import atexit
import fcntl
import ipaddress
import os
import sys
import tempfile
from pathlib import Path
from typing import IO, Final

import attrs

from .._log import get_logger
from ..actors import ActorRef
from ..apiserver import (
    DEFAULT_NODE_PORTS,
    DEFAULT_SERVICE_CIDR,
    check_service_range,
    recorded_service_range,
)

__all__ = ["SLOTS", "ServiceNetwork", "ServiceNetworks", "network_of"]

_log = get_logger("kube_actors.cluster")

#: How many clusters on one machine get ranges of their own: 127.10/16 up to 127.63/16,
#: below the pods' 127.64.0.0/10.
SLOTS: Final = 54
_FIRST_OCTET: Final = 10
_DEFAULT_NODE_PORT_ADDRESS: Final = "127.0.0.1"
#: ``/proc/net/tcp``'s state of a listening socket.
_LISTEN: Final = "0A"


@attrs.frozen(kw_only=True)
class ServiceNetwork:
    """Where a cluster's Services are served on this machine: ClusterIPs from
    ``service_cidr``, NodePorts on ``node_port_address``."""

    service_cidr: str
    node_port_address: str


def _slot_cidr(slot: int) -> str:
    return f"127.{_FIRST_OCTET + slot}.0.0/16"


def _slot_of(cidr: str) -> int | None:
    network = ipaddress.IPv4Network(cidr)
    for slot in range(SLOTS):
        if network == ipaddress.IPv4Network(_slot_cidr(slot)):
            return slot
    return None


def network_of(cidr: str) -> ServiceNetwork:
    """The network of a cluster whose Service range is ``cidr``: a slot's range has the
    slot's NodePort address, any other range the default one."""
    slot = _slot_of(cidr)
    address = _DEFAULT_NODE_PORT_ADDRESS if slot is None else f"127.0.0.{1 + slot}"
    return ServiceNetwork(service_cidr=cidr, node_port_address=address)


class _Slot:
    """A slot held: the lock's open file."""

    def __init__(self, number: int, handle: IO[str]) -> None:
        self.number = number
        self._handle = handle
        atexit.register(self.release)

    def release(self) -> None:
        if not self._handle.closed:
            self._handle.close()  # closing the file lets the lock go
        atexit.unregister(self.release)


def _lock_dir() -> Path:
    directory = Path(tempfile.gettempdir()) / f"kube-actors-service-ranges-{os.getuid()}"
    directory.mkdir(exist_ok=True)
    return directory


def _take(number: int) -> _Slot | None:
    handle = (_lock_dir() / f"{number}.lock").open("a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return _Slot(number, handle)


def _take_first_free() -> _Slot | None:
    busy = _busy_slots()
    for number in range(SLOTS):
        if number in busy:
            continue
        slot = _take(number)
        if slot is not None:
            return slot
    return None


def _busy_slots() -> set[int]:
    """The slots whose Service range, or NodePort address on a NodePort, something listens
    on (read from Linux's ``/proc/net/tcp``; none known elsewhere)."""
    busy: set[int] = set()
    for ip, port in _listening():
        first, second, third, fourth = ip.packed
        node_port = DEFAULT_NODE_PORTS[0] <= port <= DEFAULT_NODE_PORTS[1]
        if first != 127:
            continue
        if _FIRST_OCTET <= second < _FIRST_OCTET + SLOTS:
            busy.add(second - _FIRST_OCTET)
        elif second == third == 0 and 0 < fourth <= SLOTS and node_port:
            busy.add(fourth - 1)
    return busy


def _listening() -> list[tuple[ipaddress.IPv4Address, int]]:
    try:
        lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
    except OSError:
        return []
    found = []
    for line in lines:
        fields = line.split()
        if len(fields) < 4 or fields[3] != _LISTEN:
            continue
        address, _, port = fields[1].partition(":")
        # The kernel writes the address as the 32-bit word in the host's byte order.
        packed = int(address, 16).to_bytes(4, sys.byteorder)
        found.append((ipaddress.IPv4Address(packed), int(port, 16)))
    return found


class ServiceNetworks:
    """What one cluster holds of the machine's Service ranges.

    ``given``: the range the user gave (None: none). ``claim``: whether the cluster listens
    for real, and so needs a slot of its own; without it the range is the recorded one or
    the default, and no lock is taken."""

    def __init__(self, *, given: str | None, claim: bool) -> None:
        self.given = given
        self.claim = claim
        self._slot: _Slot | None = None

    async def propose(self, etcd: ActorRef) -> ServiceNetwork:
        """The network to start the API server with, before it records its range: the given
        range, the one the store ``etcd`` serves records, or a slot's; ``ServiceRangeMismatch``
        if a given range is not the recorded one."""
        recorded = await recorded_service_range(etcd)
        if self.given is not None:
            check_service_range(self.given, recorded)
            return self._network(self.given)
        return self._network(recorded or self._proposal())

    async def confirm(self, etcd: ActorRef) -> ServiceNetwork:
        """The network the store recorded once the API server started: the proposed one,
        unless another control plane of the cluster recorded its own first."""
        recorded = await recorded_service_range(etcd)
        assert recorded is not None  # every API server records one as it starts
        if self.given is not None:
            check_service_range(self.given, recorded)
        network = self._network(recorded)
        _log.info(
            "service_network",
            service_cidr=network.service_cidr,
            node_port_address=network.node_port_address,
        )
        return network

    def release(self) -> None:
        """Let the slot go (the cluster stopped)."""
        if self._slot is not None:
            self._slot.release()
            self._slot = None

    def _network(self, cidr: str) -> ServiceNetwork:
        if self.claim:
            self._hold(cidr)
        return network_of(cidr)

    def _proposal(self) -> str:
        if not self.claim:
            return DEFAULT_SERVICE_CIDR
        if self._slot is None:
            self._slot = _take_first_free()
            if self._slot is None:
                _log.warning(
                    "service_ranges_exhausted",
                    slots=SLOTS,
                    service_cidr=DEFAULT_SERVICE_CIDR,
                    hint="every Service range of this machine is held by a running cluster; "
                    "this one shares the default and may not listen on every Service",
                )
                return DEFAULT_SERVICE_CIDR
        return _slot_cidr(self._slot.number)

    def _hold(self, cidr: str) -> None:
        """Hold the slot of ``cidr`` (the store's range may not be the one proposed); a slot
        held by another process of the same cluster stays theirs."""
        number = _slot_of(cidr)
        if self._slot is not None and self._slot.number == number:
            return
        self.release()
        if number is not None:
            self._slot = _take(number)
