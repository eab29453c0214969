"""``pods/<name>/exec`` and ``pods/<name>/attach`` over the channel WebSocket.

The query is Kubernetes' ``PodExecOptions`` (``command`` repeated, ``container``, ``stdin``,
``stdout``, ``stderr``, ``tty``) or ``PodAttachOptions``. The Pod, its container and its node
are checked before the upgrade, so a mistake is an ordinary error answer that kubectl prints;
then the command's streams are carried over channels (``_websocket_channels``) until it
ends, and its exit code goes back on the error channel. The session itself comes from the
cluster (``StreamSource``: ``Cluster`` is one), which asks the Pod's runtime as a kubelet does.

A request that is not a WebSocket upgrade (the SPDY upgrade of kubectl before 1.29) is
answered 400 "Upgrade request required" once its options have been checked.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Protocol

import anyio
import anyio.abc
from aiohttp import web

from kube_actors.api import Pod, requested_container
from kube_actors.client import Client
from kube_actors.errors import BadRequest, ContainerRuntimeError
from kube_actors.runtime import ExecSession

from ._params import parse_bool
from ._paths import Target
from ._websocket_channels import (
    CHANNEL_PROTOCOLS,
    CLOSE,
    RESIZE,
    STDERR,
    STDIN,
    STDOUT,
    ChannelSocket,
    exit_status,
    failure_status,
    resize_of,
)

__all__ = ["StreamSource", "serve_exec"]


class StreamSource(Protocol):
    """Opens exec, attach and port-forward sessions in a Pod (``Cluster`` is one)."""

    async def open_exec(
        self,
        pod: str,
        command: Sequence[str],
        *,
        container: str | None = None,
        namespace: str = "default",
        stdin: bool = False,
        tty: bool = False,
    ) -> ExecSession: ...

    async def attach(
        self,
        pod: str,
        *,
        container: str | None = None,
        namespace: str = "default",
        stdin: bool = False,
    ) -> ExecSession: ...

    async def open_port_forward(
        self, pod: str, port: int, *, namespace: str = "default"
    ) -> anyio.abc.ByteStream: ...


def _flag(request: web.Request, name: str) -> bool:
    return parse_bool(name, request.query.get(name, "false"))


async def serve_exec(
    request: web.Request, client: Client, source: StreamSource, target: Target, *, attach: bool
) -> web.StreamResponse:
    stdin, stdout, stderr, tty = (_flag(request, n) for n in ("stdin", "stdout", "stderr", "tty"))
    if not (stdin or stdout or stderr):
        raise BadRequest("you must specify at least 1 of stdin, stdout, stderr")
    command = request.query.getall("command", [])
    if not attach and not command:
        raise BadRequest("you must specify at least one command for the container")
    pod = await client.get(Pod, target.name, namespace=target.namespace)
    container = requested_container(pod, request.query.get("container", ""))
    socket = web.WebSocketResponse(protocols=CHANNEL_PROTOCOLS, autoping=True)
    if not socket.can_prepare(request).ok:
        # kubectl falls back to this (SPDY) when the WebSocket failed, and prints only this
        # answer: the reason the WebSocket failed must be here too.
        _check_running(pod, container)
        raise BadRequest("Upgrade request required")
    try:
        if attach:
            session = await source.attach(
                target.name, container=container, namespace=target.namespace, stdin=stdin
            )
        else:
            session = await source.open_exec(
                target.name,
                command,
                container=container,
                namespace=target.namespace,
                stdin=stdin,
                tty=tty,
            )
    except ContainerRuntimeError as error:
        # The runtime could not start it: kubectl prints the status's message.
        await socket.prepare(request)
        channels = ChannelSocket(socket)
        with contextlib.suppress(ConnectionError):
            await channels.send_status(failure_status(f"error executing command: {error}"))
        await channels.close()
        return socket
    async with session:
        await socket.prepare(request)
        await _carry(
            ChannelSocket(socket),
            session,
            stdout=stdout,
            stderr=stderr and not session.tty,
            # The kubelet ends an attach with Success whatever the container's exit code
            # (kubectl run reads that from the Pod's status).
            exit_code=not attach,
        )
    return socket


def _check_running(pod: Pod, container: str) -> None:
    statuses = pod.status.container_statuses if pod.status is not None else ()
    if not any(s.name == container and s.state.running is not None for s in statuses):
        raise BadRequest(f'unable to upgrade connection: container not found ("{container}")')


async def _carry(
    channels: ChannelSocket, session: ExecSession, *, stdout: bool, stderr: bool, exit_code: bool
) -> None:
    with contextlib.suppress(ConnectionError):
        await channels.send(STDOUT if stdout else STDERR, b"")  # the streams are ready
        async with anyio.create_task_group() as tg:
            tg.start_soon(_from_client, channels, session, tg.cancel_scope)
            async with anyio.create_task_group() as outputs:
                outputs.start_soon(_to_client, channels, session.stdout, STDOUT, stdout)
                outputs.start_soon(_to_client, channels, session.stderr, STDERR, stderr)
            code = await session.wait()
            await channels.send_status(exit_status(code if exit_code else 0))
            tg.cancel_scope.cancel()
    await channels.close()


async def _to_client(
    channels: ChannelSocket,
    stream: anyio.abc.ByteReceiveStream | None,
    channel: int,
    wanted: bool,
) -> None:
    if stream is None:
        return
    with contextlib.suppress(anyio.ClosedResourceError, anyio.BrokenResourceError, ConnectionError):
        async for chunk in stream:
            if wanted:
                await channels.send(channel, chunk)


async def _from_client(
    channels: ChannelSocket, session: ExecSession, scope: anyio.CancelScope
) -> None:
    stdin = session.stdin
    async for channel, payload in channels.messages():
        if channel == STDIN and stdin is not None:
            with contextlib.suppress(anyio.ClosedResourceError, anyio.BrokenResourceError):
                await stdin.send(payload)
        elif channel == RESIZE:
            size = resize_of(payload)
            if size is not None:
                session.resize(*size)
        elif channel == CLOSE and channels.closes_channels and payload[:1] == bytes((STDIN,)):
            await _end_stdin(session)
    # The client went away: the command goes with it.
    scope.cancel()


async def _end_stdin(session: ExecSession) -> None:
    stdin = session.stdin
    if stdin is None:
        return
    with contextlib.suppress(anyio.ClosedResourceError, anyio.BrokenResourceError, OSError):
        if session.tty and isinstance(stdin, anyio.abc.ByteStream):
            await stdin.send_eof()
        else:
            await stdin.aclose()
