"""Kubernetes' channel protocol over WebSocket (``v5.channel.k8s.io`` and older).

kubectl 1.29+ runs ``exec`` and ``attach`` over a WebSocket whose binary messages each start
with a channel byte: 0 stdin (client to server), 1 stdout, 2 stderr, 3 the error channel
(one ``metav1.Status`` when the command has ended: Success, or Failure with reason
``NonZeroExitCode`` and the exit code as an ``ExitCode`` cause), 4 terminal resizes
(``{"Width": w, "Height": h}``). ``v5`` adds channel 255: ``[255, n]`` from the client closes
channel ``n``, which is how the end of stdin reaches the command. The server closes the
WebSocket normally when it is done, which ends every channel on the client's side.

Before anything else, the server writes an empty message on the first output channel the
client asked for, as the kubelet does, to say that the streams are ready.
"""

from __future__ import annotations

import json
from typing import Any, Final

from aiohttp import WSMsgType, web

__all__ = [
    "CHANNEL_PROTOCOLS",
    "CLOSE",
    "ERROR",
    "RESIZE",
    "STDERR",
    "STDIN",
    "STDOUT",
    "ChannelSocket",
    "exit_status",
]

#: The subprotocols served, newest first (v1-v3 lack the status channel's exit codes).
CHANNEL_PROTOCOLS: Final = ("v5.channel.k8s.io", "v4.channel.k8s.io")
STDIN, STDOUT, STDERR, ERROR, RESIZE, CLOSE = 0, 1, 2, 3, 4, 255


def exit_status(exit_code: int) -> dict[str, Any]:
    """The status the error channel carries for a command that exited with ``exit_code``."""
    if exit_code == 0:
        return {"metadata": {}, "status": "Success"}
    return {
        "metadata": {},
        "status": "Failure",
        "message": f"command terminated with non-zero exit code: exit status {exit_code}",
        "reason": "NonZeroExitCode",
        "details": {"causes": [{"reason": "ExitCode", "message": str(exit_code)}]},
    }


def failure_status(message: str) -> dict[str, Any]:
    """The status of an exec that could not run at all (kubectl prints its message)."""
    return {"metadata": {}, "status": "Failure", "message": message, "reason": "InternalError"}


class ChannelSocket:
    """One accepted channel WebSocket: send on a channel, receive the client's messages."""

    def __init__(self, socket: web.WebSocketResponse) -> None:
        self.socket = socket
        #: Whether the client may close channels (v5).
        self.closes_channels = socket.ws_protocol == CHANNEL_PROTOCOLS[0]

    async def send(self, channel: int, data: bytes) -> None:
        await self.socket.send_bytes(bytes((channel,)) + data)

    async def send_status(self, status: dict[str, Any]) -> None:
        await self.send(ERROR, json.dumps(status).encode())

    async def messages(self) -> Any:
        """(channel, payload) for each binary message until the client closes."""
        async for message in self.socket:
            if message.type is WSMsgType.BINARY and message.data:
                yield message.data[0], message.data[1:]
            elif message.type in (WSMsgType.ERROR, WSMsgType.CLOSE):
                return

    async def close(self) -> None:
        await self.socket.close()


def resize_of(payload: bytes) -> tuple[int, int] | None:
    """(width, height) of a resize message; None if it is not one."""
    try:
        size = json.loads(payload)
        return int(size["Width"]), int(size["Height"])
    except (ValueError, KeyError, TypeError):
        return None
