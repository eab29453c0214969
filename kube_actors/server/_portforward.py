"""``pods/<name>/portforward``: kubectl's SPDY session tunnelled through a WebSocket.

kubectl opens, for each connection made to its local port, two SPDY streams with the
same ``requestID`` header: ``streamType: error`` and ``streamType: data``, each naming the
Pod's ``port``. Once both are there, the server connects to that port of the Pod (through
the cluster's ``StreamSource``, as the kubelet connects inside the Pod's network) and carries
bytes between the data stream and the connection. When the Pod's side ends, the data stream
is finished and then the error stream, which kubectl reads to its end: empty is success,
anything else is the error it prints (a port nothing listens on, say). The client's FIN on
the data stream half-closes the connection; its RST_STREAM closes it.

Frames from the client are read by one task; each forwarded connection has a task of its
own in the session's task group. Writes go through one lock, since the header compression
context is shared by every frame the session sends.
"""

from __future__ import annotations

import contextlib
from typing import Final

import anyio
import anyio.abc
import attrs
from aiohttp import WSMsgType, web
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from kube_actors.api import Pod
from kube_actors.client import Client
from kube_actors.errors import ApiError, BadRequest, ContainerRuntimeError

from ._exec import StreamSource
from ._paths import Target
from ._spdy import (
    GOAWAY,
    PING,
    RST_STREAM,
    SYN_REPLY,
    SYN_STREAM,
    ControlFrame,
    DataFrame,
    FrameReader,
    HeaderCodec,
    control_frame,
    data_frame,
)

__all__ = ["PORT_FORWARD_PROTOCOLS", "serve_port_forward"]

#: The tunnelling subprotocol kubectl asks for.
PORT_FORWARD_PROTOCOLS: Final = ("SPDY/3.1+portforward.k8s.io",)
_CHUNK: Final = 1 << 18


@attrs.define
class _Request:
    """The two streams of one forwarded connection, as they arrive."""

    port: int
    error_stream: int = 0
    data_stream: int = 0
    #: Bytes from the client for the Pod; None is the client's FIN.
    inbox: tuple[MemoryObjectSendStream[bytes | None], MemoryObjectReceiveStream[bytes | None]] = (
        attrs.field(factory=lambda: anyio.create_memory_object_stream[bytes | None](256))
    )
    started: bool = False

    def close(self) -> None:
        self.inbox[0].close()
        self.inbox[1].close()


class _Session:
    def __init__(self, socket: web.WebSocketResponse, source: StreamSource, target: Target) -> None:
        self.socket = socket
        self.source = source
        self.target = target
        self.codec = HeaderCodec()
        self.lock = anyio.Lock()
        self.requests: dict[str, _Request] = {}
        self.by_stream: dict[int, _Request] = {}

    async def send(self, frame: bytes) -> None:
        async with self.lock:
            await self.socket.send_bytes(frame)

    async def reply(self, stream_id: int) -> None:
        async with self.lock:
            block = self.codec.encode({})
            payload = stream_id.to_bytes(4, "big") + block
            await self.socket.send_bytes(control_frame(SYN_REPLY, 0, payload))

    async def run(self) -> None:
        reader = FrameReader()
        try:
            async with anyio.create_task_group() as tg:
                async for message in self.socket:
                    if message.type is not WSMsgType.BINARY:
                        break
                    for frame in reader.feed(message.data):
                        if not await self.handle(frame, tg):
                            tg.cancel_scope.cancel()
                            return
                tg.cancel_scope.cancel()
        finally:
            for request in self.requests.values():
                request.close()

    async def handle(self, frame: ControlFrame | DataFrame, tg: anyio.abc.TaskGroup) -> bool:
        if isinstance(frame, DataFrame):
            request = self.by_stream.get(frame.stream_id)
            if request is not None and frame.stream_id == request.data_stream:
                with contextlib.suppress(anyio.BrokenResourceError, anyio.ClosedResourceError):
                    if frame.data:
                        await request.inbox[0].send(frame.data)
                    if frame.fin:
                        await request.inbox[0].send(None)
            return True
        if frame.type == SYN_STREAM:
            await self.open_stream(frame, tg)
        elif frame.type == RST_STREAM:
            request = self.by_stream.get(frame.stream_id)
            if request is not None and frame.stream_id == request.data_stream:
                request.inbox[0].close()
        elif frame.type == PING:
            await self.send(control_frame(PING, 0, frame.payload))
        elif frame.type == GOAWAY:
            return False
        return True

    async def open_stream(self, frame: ControlFrame, tg: anyio.abc.TaskGroup) -> None:
        stream_id = frame.stream_id
        headers = self.codec.decode(frame.payload[10:])
        await self.reply(stream_id)
        request_id = headers.get("requestid", str(stream_id))
        try:
            port = int(headers.get("port", ""))
        except ValueError:
            port = 0
        request = self.requests.get(request_id)
        if request is None:
            request = self.requests[request_id] = _Request(port=port)
        self.by_stream[stream_id] = request
        if headers.get("streamtype") == "error":
            request.error_stream = stream_id
        else:
            request.data_stream = stream_id
        if request.error_stream and request.data_stream and not request.started:
            request.started = True
            tg.start_soon(self.forward, request_id, request)

    async def forward(self, request_id: str, request: _Request) -> None:
        failure = ""
        try:
            if not 0 < request.port < 65536:
                raise BadRequest(f"invalid port {request.port}")
            upstream = await self.source.open_port_forward(
                self.target.name, request.port, namespace=self.target.namespace
            )
        except (ApiError, ContainerRuntimeError) as error:
            failure = str(error)
        else:
            async with upstream, anyio.create_task_group() as tg:
                tg.start_soon(self.to_pod, request, upstream)
                await self.to_client(request, upstream)
                tg.cancel_scope.cancel()
        with contextlib.suppress(ConnectionError):
            await self.send(data_frame(request.data_stream, b"", fin=True))
            await self.send(data_frame(request.error_stream, failure.encode(), fin=True))
        request.close()
        self.requests.pop(request_id, None)
        self.by_stream.pop(request.data_stream, None)
        self.by_stream.pop(request.error_stream, None)

    async def to_client(self, request: _Request, upstream: anyio.abc.ByteStream) -> None:
        with contextlib.suppress(
            anyio.EndOfStream, anyio.BrokenResourceError, anyio.ClosedResourceError, OSError
        ):
            while True:  # reads bigger than iteration's 64 KiB: fewer, larger frames
                chunk = await upstream.receive(_CHUNK)
                await self.send(data_frame(request.data_stream, chunk))

    async def to_pod(self, request: _Request, upstream: anyio.abc.ByteStream) -> None:
        with contextlib.suppress(anyio.BrokenResourceError, anyio.ClosedResourceError, OSError):
            async for chunk in request.inbox[1]:
                if chunk is None:
                    await upstream.send_eof()
                    return
                await upstream.send(chunk)
            await upstream.aclose()  # reset by the client


async def serve_port_forward(
    request: web.Request, client: Client, source: StreamSource, target: Target
) -> web.StreamResponse:
    pod = await client.get(Pod, target.name, namespace=target.namespace)
    if not pod.spec.node_name:
        raise BadRequest(f"pod {pod.metadata.name} does not have a host assigned")
    socket = web.WebSocketResponse(protocols=PORT_FORWARD_PROTOCOLS, autoping=True)
    if not socket.can_prepare(request).ok:
        raise BadRequest("Upgrade request required")
    await socket.prepare(request)
    with contextlib.suppress(ConnectionError):
        await _Session(socket, source, target).run()
    await socket.close()
    return socket
