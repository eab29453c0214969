"""Watch over HTTP: the apiserver's watch stream as newline-delimited JSON events.

Each event is ``{"type": "ADDED", "object": {...}}`` on a line of its own, in a chunked
response that stays open until ``timeoutSeconds`` pass (Kubernetes' default is between 30 and
60 minutes; we take 30), the client goes away, or the stream ends with an ``ERROR`` event. A
start too old for the watch cache is not an HTTP error: as in Kubernetes, the response is 200
and its one event is an ``ERROR`` carrying a 410 ``Expired`` Status.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Final

import anyio
from aiohttp import web

from kube_actors.api import KindInfo, WatchEvent
from kube_actors.client import Client
from kube_actors.errors import ApiError, Gone

from ._encode import object_body, table_body, wants_table
from ._params import ListParams
from ._paths import Target
from ._status import status_of

__all__ = ["serve_watch"]

DEFAULT_TIMEOUT_SECONDS: Final = 1800


def _line(event_type: str, obj: Any) -> bytes:
    return json.dumps({"type": event_type, "object": obj}, separators=(",", ":")).encode() + b"\n"


def _bookmark(info: KindInfo, resource_version: str) -> dict[str, Any]:
    return {
        "kind": info.kind,
        "apiVersion": info.api_version,
        "metadata": {"resourceVersion": resource_version},
    }


def _encode(info: KindInfo, event: WatchEvent, as_table: str | None) -> bytes:
    if event.type == "ERROR":
        error = event.error if isinstance(event.error, ApiError) else Gone(str(event.error))
        return _line("ERROR", status_of(error))
    if event.type == "BOOKMARK":
        return _line("BOOKMARK", _bookmark(info, event.resource_version))
    if as_table is not None:
        # One-row Tables, as kubectl get -w reads them.
        return _line(event.type, table_body(info, [event.obj], include_object=as_table))
    return _line(event.type, object_body(event.obj))


def _encode_batch(info: KindInfo, batch: Sequence[WatchEvent], as_table: str | None) -> bytes:
    return b"".join(_encode(info, event, as_table) for event in batch)


async def serve_watch(
    request: web.Request,
    client: Client,
    target: Target,
    params: ListParams,
    *,
    field_selector: str | None = None,
) -> web.StreamResponse:
    """Answer a ``watch=true`` request with a stream of events."""
    info = target.info
    response = web.StreamResponse(
        status=200, headers={"Content-Type": "application/json", "Cache-Control": "no-cache"}
    )
    response.enable_chunked_encoding()
    try:
        stream = await client.watch(
            info.cls,
            namespace=target.namespace,
            label_selector=params.label_selector or None,
            field_selector=field_selector or params.field_selector or None,
            resource_version=params.resource_version,
            allow_bookmarks=params.allow_watch_bookmarks,
        )
    except Gone as error:
        await response.prepare(request)
        await response.write(_line("ERROR", status_of(error)))
        await response.write_eof()
        return response
    as_table = (
        request.query.get("includeObject", "") or "Metadata"
        if wants_table(request.headers.get("Accept", ""))
        else None
    )
    await response.prepare(request)
    timeout = params.timeout_seconds or DEFAULT_TIMEOUT_SECONDS
    try:
        with anyio.move_on_after(timeout):
            while True:
                batch = await stream.next_batch()
                if not batch:
                    break
                await response.write(_encode_batch(info, batch, as_table))
                if batch[-1].type == "ERROR":
                    break
    except ConnectionError:
        return response  # the client went away: nothing left to tell it
    finally:
        stream.close()
    await response.write_eof()
    return response
