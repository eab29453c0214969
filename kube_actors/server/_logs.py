"""``pods/<name>/log``: a container's output as plain text, and ``follow`` as a stream.

The log itself comes from the node's container runtime, which only the cluster can reach: the
cluster hands the server a ``LogSource`` (``Cluster`` is one). The query string is the API's
``PodLogOptions`` (``container``, ``previous``, ``tailLines``, ``limitBytes``, ``sinceSeconds``,
``sinceTime``, ``timestamps``, ``follow``), checked before anything is read; the runtime reads
only what the answer holds. ``follow`` keeps the response open and sends what the container
writes until it exits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Mapping
from typing import Protocol

from aiohttp import web

from kube_actors.api import PodLogOptions
from kube_actors.errors import BadRequest

from ._params import parse_bool, parse_int
from ._paths import Target

__all__ = ["LogSource", "pod_log_options_of", "serve_logs"]


class LogSource(Protocol):
    """Reads and follows a container's log (``Cluster.logs`` and ``Cluster.follow_logs``)."""

    async def logs(
        self, pod: str, *, namespace: str = "default", options: PodLogOptions | None = None
    ) -> str: ...

    def follow_logs(
        self, pod: str, *, namespace: str = "default", options: PodLogOptions | None = None
    ) -> AsyncIterator[str]: ...


def pod_log_options_of(query: Mapping[str, str]) -> PodLogOptions:
    """``PodLogOptions`` from the query string, each parameter parsed as Kubernetes parses it."""
    return PodLogOptions(
        container=query.get("container", ""),
        previous=parse_bool("previous", query.get("previous", "false")),
        follow=parse_bool("follow", query.get("follow", "false")),
        tail_lines=_optional_int(query, "tailLines"),
        since_seconds=_optional_int(query, "sinceSeconds"),
        since_time=_since_time(query),
        timestamps=parse_bool("timestamps", query.get("timestamps", "false")),
        limit_bytes=_optional_int(query, "limitBytes"),
    )


def _optional_int(query: Mapping[str, str], name: str) -> int | None:
    raw = query.get(name)
    return None if raw is None else parse_int(name, raw)


def _since_time(query: Mapping[str, str]) -> dt.datetime | None:
    raw = query.get("sinceTime")
    if raw is None:
        return None
    try:
        return dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest(f'sinceTime: Invalid value: "{raw}": not an RFC 3339 time') from None


async def serve_logs(request: web.Request, source: LogSource, target: Target) -> web.StreamResponse:
    options = pod_log_options_of(request.query)
    options.check(target.name)  # the options first, as Kubernetes checks them
    if not options.follow or options.previous:
        text = await source.logs(target.name, namespace=target.namespace, options=options)
        return web.Response(text=text, content_type="text/plain")
    pieces = source.follow_logs(target.name, namespace=target.namespace, options=options)
    # the first piece before the headers: an error (no such container) is still a Status
    first = await anext(pieces, None)
    response = web.StreamResponse(status=200, headers={"Content-Type": "text/plain"})
    response.enable_chunked_encoding()
    await response.prepare(request)
    try:
        if first is not None:
            await response.write(first.encode())
            async for piece in pieces:
                await response.write(piece.encode())
        await response.write_eof()
    except ConnectionError:
        pass  # the client went away: stop following
    return response
