"""Pod addresses: by default on the loopback network, every pod its own 127.x.y.z.

On Linux the whole of 127.0.0.0/8 reaches the loopback interface, so two pods can both
listen on port 8080 at different addresses and nothing listens anywhere but loopback.
(macOS routes only 127.0.0.1 unless aliases are added with ``ifconfig lo0 alias``.)
A node whose pods other hosts reach has a routable pod CIDR instead (``AddressPool``).
"""

from __future__ import annotations

import atexit
import fcntl
import ipaddress
import os
import tempfile
from pathlib import Path
from typing import IO

__all__ = ["PROCESS_SLOTS", "AddressPool", "LoopbackPool", "default_pool", "process_slot"]

#: How many processes can run pods on the loopback network at once without sharing
#: addresses: the pods' 127.64.0.0/10 cut in shares of four /16s (1024 nodes' /24s).
PROCESS_SLOTS = 48


class AddressPool:
    """Hands out IPv4 addresses from ``first`` to ``last``, lowest free first.

    A node's pod CIDR becomes one (the kubelet's): on loopback by default, or a routable
    range (``10.244.1.0/24``) on a host whose pods other hosts reach, where the runtime
    puts each pod's address on the host (see ``_pod_address``).
    """

    def __init__(self, first: str, last: str) -> None:
        low, high = _address_int(first), _address_int(last)
        if low > high:
            raise ValueError(f"{first}..{last} is not a range of addresses")
        self._range = f"{first}..{last}"
        self._first, self._next, self._last = low, low, high
        self._free: list[int] = []
        self._taken: set[str] = set()

    @classmethod
    def for_cidr(cls, cidr: str) -> AddressPool:
        """The pool of a pod CIDR's hosts (``10.244.1.0/24``: .1 to .254); a /31 or /32's
        every address (RFC 3021). Built without listing the hosts (254 objects a /24)."""
        network, bits = _network(cidr)
        last = network | ((1 << (32 - bits)) - 1)
        if bits >= 31:
            return cls(_dotted(network), _dotted(last))
        return cls(_dotted(network + 1), _dotted(last - 1))

    def allocate(self) -> str:
        while self._free:
            candidate = _dotted(self._free.pop())
            if candidate not in self._taken:
                self._taken.add(candidate)
                return candidate
        while self._next <= self._last:
            value, self._next = self._next, self._next + 1
            if value & 0xFF in (0, 255):  # keep clear of addresses that look like networks
                continue
            candidate = _dotted(value)
            if candidate not in self._taken:
                self._taken.add(candidate)
                return candidate
        raise RuntimeError(f"no free address left in {self._range}")

    def reserve(self, ip: str) -> None:
        """Mark an address given from outside (by the kubelet) as taken."""
        self._taken.add(ip)

    def release(self, ip: str) -> None:
        if ip in self._taken:
            self._taken.discard(ip)
            value = _address_int(ip)
            if self._first <= value <= self._last:  # one reserved from outside is not ours
                self._free.append(value)


# Every node's pool is made with its first pod and hands out an address a pod: the plain
# dotted quads below are read and written here, the ipaddress module (a few dozen calls an
# address) left for anything else, and for the errors.


def _address_int(text: str) -> int:
    """An IPv4 address as an int, as ``int(ipaddress.IPv4Address(text))``."""
    parts = text.split(".")
    if len(parts) == 4 and all(_octet(p) for p in parts):
        a, b, c, d = parts
        return (int(a) << 24) | (int(b) << 16) | (int(c) << 8) | int(d)
    return int(ipaddress.IPv4Address(text))  # the other forms, or its error


def _octet(part: str) -> bool:
    """A decimal octet as ipaddress reads one: 0-255, no sign, no leading zero."""
    return (
        0 < len(part) <= 3
        and part.isascii()
        and part.isdigit()
        and (part == "0" or part[0] != "0")
        and int(part) <= 255
    )


def _network(cidr: str) -> tuple[int, int]:
    """A network's address and prefix length, as ``ipaddress.IPv4Network(cidr)`` reads them
    (host bits set is an error)."""
    address, slash, prefix = cidr.partition("/")
    if slash and prefix.isascii() and prefix.isdigit() and len(prefix) <= 2:
        bits = int(prefix)
        if bits <= 32 and (prefix == "0" or prefix[0] != "0"):
            value = _address_int(address)
            if value & ((1 << (32 - bits)) - 1) == 0:
                return value, bits
    network = ipaddress.IPv4Network(cidr)  # another form (a netmask), or its error
    return int(network.network_address), network.prefixlen


def _dotted(value: int) -> str:
    """``str(ipaddress.IPv4Address(value))`` for an int of 32 bits."""
    return f"{value >> 24}.{(value >> 16) & 0xFF}.{(value >> 8) & 0xFF}.{value & 0xFF}"


class LoopbackPool(AddressPool):
    """An ``AddressPool`` of the loopback network.

    127.0.0.0/16 is left to the host (127.0.0.1 and friends), so pods start at 127.1.0.1.
    """

    def __init__(self, first: str = "127.1.0.1", last: str = "127.255.255.254") -> None:
        low, high = _address_int(first), _address_int(last)
        if low >> 24 != 127 or high >> 24 != 127 or low > high:  # not both in 127.0.0.0/8
            raise ValueError(f"{first}..{last} is not a range of the loopback network")
        super().__init__(first, last)


_DEFAULT: LoopbackPool | None = None


def default_pool() -> LoopbackPool:
    """The pool runtimes share when none is given, so pods of different nodes never clash:
    the last /16 of this process's slot (``process_slot``), apart from other processes."""
    global _DEFAULT
    if _DEFAULT is None:
        last = 64 + (process_slot() + 1) * ((256 - 64) // PROCESS_SLOTS) - 1
        _DEFAULT = LoopbackPool(f"127.{last}.0.1", f"127.{last}.255.254")
    return _DEFAULT


_slot: tuple[int, IO[str] | None] | None = None


def process_slot() -> int:
    """This process's share of the pod network, the same for as long as it lives.

    Two processes running pods for real (two test runs, pytest-xdist workers) would otherwise
    hand out the same 127.64.x.y and meet each other's listeners. Each claims the first free
    slot by an exclusive lock on ``<tmp>/kube-actors-slots-<uid>/<n>.lock``, which the system
    lets go when the process ends, however it ends; with every slot taken it shares slot 0.
    """
    global _slot
    if _slot is None:
        directory = Path(tempfile.gettempdir()) / f"kube-actors-slots-{os.getuid()}"
        directory.mkdir(exist_ok=True)
        _slot = (0, None)
        for number in range(PROCESS_SLOTS):
            handle = (directory / f"{number}.lock").open("a")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                continue
            _slot = (number, handle)  # the handle stays open: the lock is held until exit
            atexit.register(handle.close)
            break
    return _slot[0]
