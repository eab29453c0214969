"""Real sockets for proxy tests: tiny backends that answer with their name, and a check that
nothing this process (or its children) listens on is off loopback."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import os
from collections.abc import AsyncIterator
from pathlib import Path


class _Named(asyncio.Protocol):
    def __init__(self, name: bytes) -> None:
        self.name = name

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        transport.write(self.name)
        transport.close()


@contextlib.asynccontextmanager
async def named_backends(*addresses: tuple[str, int]) -> AsyncIterator[None]:
    """A server on each address that sends ``ip:port`` and closes."""
    loop = asyncio.get_running_loop()
    servers = [
        await loop.create_server(
            lambda a=address: _Named(f"{a[0]}:{a[1]}".encode()),  # type: ignore[misc]
            *address,
            reuse_address=True,
        )
        for address in addresses
    ]
    try:
        yield
    finally:
        for server in servers:
            server.close()
            await server.wait_closed()


async def ask(host: str, port: int, *, local_host: str | None = None) -> str:
    """Connect, read everything, return it as text."""
    local = (local_host, 0) if local_host else None
    reader, writer = await asyncio.open_connection(host, port, local_addr=local)
    data = await reader.read()
    writer.close()
    return data.decode()


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    with contextlib.suppress(OSError):
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
    return inodes


def _descendants(pid: int) -> list[int]:
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            for child in task.read_text().split():
                found.extend(_descendants(int(child)))
    return found


def listening_addresses() -> list[str]:
    """Every TCP address a socket of this process or its descendants listens on."""
    inodes: set[str] = set()
    for pid in _descendants(os.getpid()):
        inodes |= _socket_inodes(pid)
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[3] != "0A" or fields[9] not in inodes:
                    continue
                hex_ip, hex_port = fields[1].split(":")
                raw = bytes.fromhex(hex_ip)
                if len(raw) == 4:
                    ip = ipaddress.ip_address(raw[::-1])
                else:
                    words = [raw[i : i + 4][::-1] for i in range(0, 16, 4)]
                    ip = ipaddress.ip_address(b"".join(words))
                found.append(f"{ip}:{int(hex_port, 16)}")
    return found


def assert_only_loopback() -> None:
    for address in listening_addresses():
        ip = address.rsplit(":", 1)[0]
        assert ipaddress.ip_address(ip).is_loopback, f"something listens on {address}"
