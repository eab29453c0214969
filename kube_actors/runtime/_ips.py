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
        low, high = ipaddress.IPv4Address(first), ipaddress.IPv4Address(last)
        if low > high:
            raise ValueError(f"{first}..{last} is not a range of addresses")
        self._range = f"{first}..{last}"
        self._first, self._next, self._last = int(low), int(low), int(high)
        self._free: list[int] = []
        self._taken: set[str] = set()

    def allocate(self) -> str:
        while self._free:
            candidate = str(ipaddress.IPv4Address(self._free.pop()))
            if candidate not in self._taken:
                self._taken.add(candidate)
                return candidate
        while self._next <= self._last:
            value, self._next = self._next, self._next + 1
            if value & 0xFF in (0, 255):  # keep clear of addresses that look like networks
                continue
            candidate = str(ipaddress.IPv4Address(value))
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
            value = int(ipaddress.IPv4Address(ip))
            if self._first <= value <= self._last:  # one reserved from outside is not ours
                self._free.append(value)


class LoopbackPool(AddressPool):
    """An ``AddressPool`` of the loopback network.

    127.0.0.0/16 is left to the host (127.0.0.1 and friends), so pods start at 127.1.0.1.
    """

    def __init__(self, first: str = "127.1.0.1", last: str = "127.255.255.254") -> None:
        loopback = ipaddress.IPv4Network("127.0.0.0/8")
        low, high = ipaddress.IPv4Address(first), ipaddress.IPv4Address(last)
        if low not in loopback or high not in loopback or low > high:
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
