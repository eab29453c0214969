"""``pods/<name>/log``: a container's output as plain text, and ``follow`` as a stream.

The log itself comes from the node's container runtime, which only the cluster can reach: the
cluster hands the server a ``LogReader``. Parameters are Kubernetes' ``PodLogOptions``:
``container`` (may be left out for a one-container Pod), ``previous``, ``tailLines``,
``limitBytes``; ``follow`` keeps the response open and sends what the container writes until
the Pod stops running or goes away.
"""

from __future__ import annotations

from typing import Final, Protocol

import anyio
from aiohttp import web

from kube_actors.api import Pod
from kube_actors.client import Client
from kube_actors.errors import BadRequest, NotFound

from ._params import parse_bool, parse_int
from ._paths import Target

__all__ = ["LogReader", "serve_logs"]

#: How often a followed log is read again, on the running clock.
FOLLOW_INTERVAL: Final = 0.2


class LogReader(Protocol):
    """Reads a container's log: ``await reader(namespace, pod, container, previous=False)``."""

    async def __call__(
        self, namespace: str, pod: str, container: str, *, previous: bool = False
    ) -> str: ...


def _container_of(pod: Pod, wanted: str) -> str:
    names = [c.name for c in pod.spec.containers]
    if not wanted:
        if len(names) != 1:
            raise BadRequest(
                f"a container name must be specified for pod {pod.metadata.name}, "
                f"choose one of: [{' '.join(names)}]"
            )
        return names[0]
    if wanted not in names:
        raise BadRequest(f"container {wanted} is not valid for pod {pod.metadata.name}")
    return wanted


def _trim(text: str, tail_lines: int | None, limit_bytes: int | None) -> str:
    if tail_lines is not None:
        lines = text.splitlines(keepends=True)
        text = "".join(lines[-tail_lines:]) if tail_lines > 0 else ""
    if limit_bytes is not None:
        text = text.encode()[:limit_bytes].decode(errors="ignore")
    return text


def _optional(query: dict[str, str], name: str) -> int | None:
    raw = query.get(name)
    if raw is None:
        return None
    value = parse_int(name, raw)
    if value < 0 or (name == "limitBytes" and value == 0):
        raise BadRequest(f"{name}: Invalid value: {value}: must be greater than 0")
    return value


async def serve_logs(
    request: web.Request, client: Client, read: LogReader, target: Target
) -> web.StreamResponse:
    query = dict(request.query)
    pod = await client.get(Pod, target.name, namespace=target.namespace)
    container = _container_of(pod, query.get("container", ""))
    previous = parse_bool("previous", query.get("previous", "false"))
    follow = parse_bool("follow", query.get("follow", "false"))
    tail_lines, limit_bytes = _optional(query, "tailLines"), _optional(query, "limitBytes")
    if pod.spec.node_name == "":
        raise BadRequest(
            f'container "{container}" in pod "{pod.metadata.name}" is waiting to start: '
            "ContainerCreating"
        )
    full = await read(target.namespace, target.name, container, previous=previous)
    text = _trim(full, tail_lines, limit_bytes)
    if not follow or previous:
        return web.Response(text=text, content_type="text/plain")
    response = web.StreamResponse(status=200, headers={"Content-Type": "text/plain"})
    response.enable_chunked_encoding()
    await response.prepare(request)
    await response.write(text.encode())
    await _follow(response, client, read, target, container, len(full))
    return response


async def _follow(
    response: web.StreamResponse,
    client: Client,
    read: LogReader,
    target: Target,
    container: str,
    sent: int,
) -> None:
    # The runtime keeps the whole log; each read sends what came after the last one.
    try:
        while True:
            full = await read(target.namespace, target.name, container)
            if len(full) > sent:
                await response.write(full[sent:].encode())
                sent = len(full)
            try:
                pod = await client.get(Pod, target.name, namespace=target.namespace)
            except NotFound:
                break
            if pod.status.phase in ("Succeeded", "Failed") or pod.metadata.deletion_timestamp:
                break
            await anyio.sleep(FOLLOW_INTERVAL)
        await response.write_eof()
    except ConnectionError:
        return
