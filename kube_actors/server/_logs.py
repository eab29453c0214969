"""``pods/<name>/log``: a container's output as plain text, and ``follow`` as a stream.

The log itself comes from the node's container runtime, which only the cluster can reach: the
cluster hands the server a ``LogSource`` (``Cluster`` is one). Parameters are Kubernetes'
``PodLogOptions``: ``container`` (may be left out for a one-container Pod), ``previous``,
``tailLines``, ``limitBytes``, ``sinceSeconds``, ``sinceTime``, ``timestamps``; the runtime
reads only what the answer holds. ``follow`` keeps the response open and sends what the
container writes until it exits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Protocol

from aiohttp import web

from kube_actors.api import Pod
from kube_actors.client import Client
from kube_actors.errors import BadRequest

from ._params import parse_bool, parse_int
from ._paths import Target

__all__ = ["LogSource", "serve_logs"]


class LogSource(Protocol):
    """Reads and follows a container's log with ``PodLogOptions`` (``Cluster.logs`` and
    ``Cluster.follow_logs``)."""

    async def logs(
        self,
        pod: str,
        container: str | None = None,
        *,
        namespace: str = "default",
        previous: bool = False,
        limit_bytes: int | None = None,
        tail_lines: int | None = None,
        since_seconds: int | None = None,
        since_time: dt.datetime | None = None,
        timestamps: bool = False,
    ) -> str: ...

    def follow_logs(
        self,
        pod: str,
        container: str | None = None,
        *,
        namespace: str = "default",
        previous: bool = False,
        limit_bytes: int | None = None,
        tail_lines: int | None = None,
        since_seconds: int | None = None,
        since_time: dt.datetime | None = None,
        timestamps: bool = False,
    ) -> AsyncIterator[str]: ...


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


def _optional_int(query: dict[str, str], name: str) -> int | None:
    raw = query.get(name)
    return None if raw is None else parse_int(name, raw)


def _since_time(query: dict[str, str]) -> dt.datetime | None:
    raw = query.get("sinceTime")
    if raw is None:
        return None
    try:
        return dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest(f'sinceTime: Invalid value: "{raw}": not an RFC 3339 time') from None


async def serve_logs(
    request: web.Request, client: Client, source: LogSource, target: Target
) -> web.StreamResponse:
    query = dict(request.query)
    pod = await client.get(Pod, target.name, namespace=target.namespace)
    container = _container_of(pod, query.get("container", ""))
    previous = parse_bool("previous", query.get("previous", "false"))
    follow = parse_bool("follow", query.get("follow", "false"))
    if pod.spec.node_name == "":
        raise BadRequest(
            f'container "{container}" in pod "{pod.metadata.name}" is waiting to start: '
            "ContainerCreating"
        )
    options = {
        "namespace": target.namespace,
        "previous": previous,
        "limit_bytes": _optional_int(query, "limitBytes"),
        "tail_lines": _optional_int(query, "tailLines"),
        "since_seconds": _optional_int(query, "sinceSeconds"),
        "since_time": _since_time(query),
        "timestamps": parse_bool("timestamps", query.get("timestamps", "false")),
    }
    if not follow or previous:
        text = await source.logs(target.name, container, **options)  # type: ignore[arg-type]
        return web.Response(text=text, content_type="text/plain")
    pieces = source.follow_logs(target.name, container, **options)  # type: ignore[arg-type]
    response = web.StreamResponse(status=200, headers={"Content-Type": "text/plain"})
    response.enable_chunked_encoding()
    await response.prepare(request)
    try:
        async for piece in pieces:
            await response.write(piece.encode())
        await response.write_eof()
    except ConnectionError:
        pass  # the client went away: stop following
    return response
