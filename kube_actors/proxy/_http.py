"""A small HTTP client for reaching pods through Services: which pod answered?

``http_get`` sends one ``GET`` on a fresh connection (``Connection: close``), so every request
is a new connection for kube-proxy to balance. ``served_by`` sends ``count`` of them and names
the pod that answered each, read from the built-in images' answers: the echoserver's
``Hostname: <pod>`` line, the nginx stand-in's "from pod <pod>".
"""

from __future__ import annotations

import re

import anyio
import attrs

from kube_actors.errors import KubeActorsError

__all__ = ["HttpResponse", "http_get", "pod_name_of", "served_by"]

_ECHO = re.compile(r"^Hostname: (\S+)$", re.MULTILINE)
_NGINX = re.compile(r"from pod (\S+?)\.</p>")


@attrs.frozen(kw_only=True)
class HttpResponse:
    status: int
    headers: dict[str, str]
    body: str


async def http_get(
    host: str,
    port: int,
    path: str = "/",
    *,
    timeout: float = 5.0,
    local_host: str | None = None,
    host_header: str | None = None,
) -> HttpResponse:
    """``GET path`` from ``host:port`` on a new connection (from ``local_host`` if given),
    with ``Host: host_header`` (``host:port`` by default). A refused connection raises
    ``ConnectionRefusedError``."""
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {host_header or f'{host}:{port}'}\r\n"
        "User-Agent: kube-actors\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    with anyio.fail_after(timeout):
        try:
            stream = await anyio.connect_tcp(host, port, local_host=local_host)
        except OSError as error:
            if isinstance(error.__cause__, ConnectionRefusedError):
                raise error.__cause__ from None  # refused, plainly: no Service endpoint
            raise
        async with stream:
            await stream.send(request)
            chunks = []
            while True:
                try:
                    chunks.append(await stream.receive())
                except (anyio.EndOfStream, anyio.BrokenResourceError):
                    break
    return _parse(b"".join(chunks))


def _parse(raw: bytes) -> HttpResponse:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[1].isdigit():
        raise KubeActorsError(f"not an HTTP response: {raw[:80]!r}")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return HttpResponse(status=int(parts[1]), headers=headers, body=body.decode("utf-8", "replace"))


def pod_name_of(body: str) -> str:
    """The pod a built-in image's answer names ("" if it names none)."""
    found = _ECHO.search(body) or _NGINX.search(body)
    return found.group(1) if found else ""


async def served_by(
    host: str, port: int, count: int, *, path: str = "/", timeout: float = 5.0
) -> list[str]:
    """Send ``count`` GETs to ``host:port``, one after another, each on a new connection;
    the name of the pod that answered each, in order."""
    return [
        pod_name_of((await http_get(host, port, path, timeout=timeout)).body) for _ in range(count)
    ]
