"""Pod addresses on the loopback network: every pod its own 127.x.y.z.

On Linux the whole of 127.0.0.0/8 reaches the loopback interface, so two pods can both
listen on port 8080 at different addresses and nothing listens anywhere but loopback.
(macOS routes only 127.0.0.1 unless aliases are added with ``ifconfig lo0 alias``.)
"""

from __future__ import annotations

import ipaddress

__all__ = ["LoopbackPool", "default_pool"]


class LoopbackPool:
    """Hands out loopback addresses from ``first`` to ``last``, lowest free first.

    127.0.0.0/16 is left to the host (127.0.0.1 and friends), so pods start at 127.1.0.1.
    """

    def __init__(self, first: str = "127.1.0.1", last: str = "127.255.255.254") -> None:
        loopback = ipaddress.IPv4Network("127.0.0.0/8")
        low, high = ipaddress.IPv4Address(first), ipaddress.IPv4Address(last)
        if low not in loopback or high not in loopback or low > high:
            raise ValueError(f"{first}..{last} is not a range of the loopback network")
        self._range = f"{first}..{last}"
        self._next, self._last = int(low), int(high)
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
            self._free.append(int(ipaddress.IPv4Address(ip)))


_DEFAULT = LoopbackPool()


def default_pool() -> LoopbackPool:
    """The pool runtimes share when none is given, so pods of different nodes never clash."""
    return _DEFAULT
