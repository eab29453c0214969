"""Watch over HTTP: the apiserver's watch stream as JSON lines or protobuf frames.

In JSON each event is ``{"type": "ADDED", "object": {...}}`` on a line of its own; in
protobuf (``application/vnd.kubernetes.protobuf;stream=watch``) each is a ``WatchEvent``
after its length as four big-endian bytes, the object inside it written whole (``k8s\\x00``
and an ``Unknown``). The chunked response stays open until ``timeoutSeconds`` pass
(Kubernetes' default is between 30 and 60 minutes; we take 30), the client goes away, or the
stream ends with an ``ERROR`` event. A start too old for the watch cache is not an HTTP error:
as in Kubernetes, the response is 200 and its one event is an ``ERROR`` carrying a 410
``Expired`` Status. Each stored object is encoded once for all watchers (``EncodedCache``).
"""

from __future__ import annotations

from typing import Any, Final

import anyio
from aiohttp import web

from kube_actors.api import KindInfo, WatchEvent
from kube_actors.client import Client
from kube_actors.errors import ApiError, Gone, NotAcceptable

from ._encode import Encoder, encode_as, has_protobuf
from ._negotiate import PROTOBUF, Encoding, negotiate_stream
from ._params import ListParams
from ._paths import Target
from ._status import status_of

__all__ = ["serve_watch"]

DEFAULT_TIMEOUT_SECONDS: Final = 1800


def _bookmark(info: KindInfo, resource_version: str, encoding: Encoding) -> dict[str, Any]:
    """An object of the watched kind (a PartialObjectMetadata for a metadata watch) that
    carries only the resourceVersion."""
    kind, api_version = info.kind, info.api_version
    if encoding.convert == "PartialObjectMetadata":
        kind, api_version = encoding.convert, encoding.meta_api_version
    return {
        "kind": kind,
        "apiVersion": api_version,
        "metadata": {"resourceVersion": resource_version},
    }


def _error(error: BaseException | None) -> dict[str, Any]:
    return status_of(error if isinstance(error, ApiError) else Gone(str(error)))


def _encode(
    encoder: Encoder, info: KindInfo, event: WatchEvent, encoding: Encoding, include: str
) -> bytes:
    embedded: bytes | None = None
    if event.type == "ERROR":
        embedded = encode_as(_error(event.error), encoding)
    elif event.type == "BOOKMARK":
        embedded = encode_as(_bookmark(info, event.resource_version, encoding), encoding)
    elif encoding.table:
        # One-row Tables, as kubectl get -w reads them.
        embedded = encoder.table(info, [event.obj], encoding, include_object=include)
    return encoder.watch_event(info, event, encoding, embedded)


async def serve_watch(
    request: web.Request,
    client: Client,
    encoder: Encoder,
    target: Target,
    params: ListParams,
    *,
    field_selector: str | None = None,
) -> web.StreamResponse:
    """Answer a ``watch=true`` request with a stream of events."""
    info = target.info
    encoding = negotiate_stream(request.headers.get("Accept", ""), protobuf=has_protobuf(info))
    if encoding.convert == "PartialObjectMetadataList":
        # A watch's events each carry one object.
        raise NotAcceptable(
            "you requested PartialObjectMetadataList, but a watch event holds one object"
        )
    content_type: str = encoding.media_type
    if encoding.media_type == PROTOBUF:
        content_type += ";stream=watch"
    response = web.StreamResponse(
        status=200, headers={"Content-Type": content_type, "Cache-Control": "no-cache"}
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
        gone = WatchEvent(type="ERROR", error=error)
        await response.write(_encode(encoder, info, gone, encoding, ""))
        await response.write_eof()
        return response
    include = request.query.get("includeObject", "") or "Metadata"
    await response.prepare(request)
    timeout = params.timeout_seconds or DEFAULT_TIMEOUT_SECONDS
    try:
        with anyio.move_on_after(timeout):
            while True:
                batch = await stream.next_batch()
                if not batch:
                    break
                chunk = b"".join(_encode(encoder, info, e, encoding, include) for e in batch)
                await response.write(chunk)
                if batch[-1].type == "ERROR":
                    break
    except ConnectionError:
        return response  # the client went away: nothing left to tell it
    finally:
        stream.close()
    await response.write_eof()
    return response
