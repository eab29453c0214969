"""Network probes as the kubelet's prober runs them: a real HTTP GET or TCP connect.

An HTTP probe succeeds on a status from 200 to 399 (redirects are not followed, as the
kubelet does not follow them to another host); a TCP probe succeeds if the connection
opens. Anything else, including a timeout, is a failure.
"""

from __future__ import annotations

from collections.abc import Sequence

import anyio
import anyio.abc

from kube_actors.api import ContainerPort, HTTPGetAction, IntOrString

from ._types import PROBE_SUCCESS, ProbeOutcome, ProbeResult

__all__ = ["http_get_probe", "resolve_port", "tcp_socket_probe"]


def _failure(message: str) -> ProbeResult:
    return ProbeResult(outcome=ProbeOutcome.FAILURE, message=message)


def resolve_port(port: IntOrString, ports: Sequence[ContainerPort]) -> int | None:
    """A probe's port: a number, or the name of one of the container's ports."""
    if isinstance(port, int):
        return port
    if port.isdigit():
        return int(port)
    return next((p.container_port for p in ports if p.name == port), None)


async def tcp_socket_probe(host: str, port: int, *, timeout: float) -> ProbeResult:
    try:
        with anyio.fail_after(timeout):
            stream = await anyio.connect_tcp(host, port)
    except TimeoutError:
        return _failure(f"dial tcp {host}:{port}: i/o timeout")
    except OSError as err:
        return _failure(f"dial tcp {host}:{port}: {err.strerror or err}")
    await stream.aclose()
    return PROBE_SUCCESS


async def http_get_probe(
    action: HTTPGetAction, host: str, port: int, *, timeout: float
) -> ProbeResult:
    if action.scheme.upper() == "HTTPS":
        return ProbeResult(outcome=ProbeOutcome.UNKNOWN, message="HTTPS probes are not supported")
    path = action.path or "/"
    headers = {"Host": f"{host}:{port}", "User-Agent": "kube-probe/1.0", "Accept": "*/*"}
    headers.update({h.name: h.value for h in action.http_headers})
    request = f"GET {path} HTTP/1.1\r\n"
    request += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    request += "Connection: close\r\n\r\n"
    try:
        with anyio.fail_after(timeout):
            async with await anyio.connect_tcp(host, port) as stream:
                await stream.send(request.encode())
                head = await _read_status_line(stream)
    except TimeoutError:
        return _failure(f"Get http://{host}:{port}{path}: context deadline exceeded")
    except (OSError, anyio.EndOfStream, anyio.BrokenResourceError) as err:
        return _failure(f"Get http://{host}:{port}{path}: {err}")
    parts = head.split(" ", 2)
    if len(parts) < 2 or not parts[1].isdigit():
        return _failure(f"malformed HTTP response: {head!r}")
    status = int(parts[1])
    if 200 <= status < 400:
        return PROBE_SUCCESS
    return _failure(f"HTTP probe failed with statuscode: {status}")


async def _read_status_line(stream: anyio.abc.ByteStream) -> str:
    data = b""
    while b"\r\n" not in data and len(data) < 8192:
        data += await stream.receive()
    return data.split(b"\r\n", 1)[0].decode("latin-1")
