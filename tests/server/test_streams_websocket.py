"""exec, attach and port-forward over WebSockets, spoken frame by frame as client-go speaks
them: the channel protocol (v4 and v5) and SPDY/3.1 tunnelled for port-forward."""

from __future__ import annotations

import json
import random
import struct
import sys
from typing import Any

import aiohttp
import anyio
import pytest

from kube_actors.api import Container, ObjectMeta, Pod, PodSpec
from kube_actors.kubelet import NodeConfig
from kube_actors.runtime import ANNOTATION_PREFIX
from kube_actors.server._spdy import (
    PING,
    SYN_REPLY,
    SYN_STREAM,
    ControlFrame,
    DataFrame,
    FrameReader,
    HeaderCodec,
    control_frame,
    data_frame,
)

from .conftest import Api, serving

pytestmark = pytest.mark.real_time

EXEC = "/api/v1/namespaces/default/pods/{pod}/exec"


def box(annotations: dict[str, str] | None = None, command: tuple[str, ...] = ()) -> Pod:
    return Pod(
        metadata=ObjectMeta(name="box", namespace="default", annotations=annotations or {}),
        spec=PodSpec(containers=(Container(name="main", image="busybox", command=command),)),
    )


async def connect(api: Api, path: str, protocols: tuple[str, ...]) -> Any:
    return await api.session.ws_connect(
        api.served.url + path, protocols=protocols, headers=api.headers
    )


async def read_channels(socket: Any) -> list[tuple[int, bytes]]:
    received: list[tuple[int, bytes]] = []
    with anyio.fail_after(10):
        async for message in socket:
            if message.type is aiohttp.WSMsgType.BINARY:
                received.append((message.data[0], message.data[1:]))
    return received


async def test_exec_on_v4_sends_output_then_the_exit_code_as_a_status() -> None:
    replies = {"sh -c exit 3": {"stdout": "out\n", "stderr": "err\n", "exitCode": 3}}
    async with serving(nodes=1, scheduler=True) as api:
        await api.cluster.client.create(box({ANNOTATION_PREFIX + "exec": json.dumps(replies)}))
        await api.cluster.wait_for(Pod, "box", condition="Ready", timeout=10)
        query = "?command=sh&command=-c&command=exit+3&stdout=true&stderr=true"
        socket = await connect(api, EXEC.format(pod="box") + query, ("v4.channel.k8s.io",))
        assert socket.protocol == "v4.channel.k8s.io"
        received = await read_channels(socket)
    assert received[0] == (1, b"")  # ready
    assert (1, b"out\n") in received
    assert (2, b"err\n") in received
    channel, status = received[-1]
    assert channel == 3
    assert json.loads(status) == {
        "metadata": {},
        "status": "Failure",
        "message": "command terminated with non-zero exit code: exit status 3",
        "reason": "NonZeroExitCode",
        "details": {"causes": [{"reason": "ExitCode", "message": "3"}]},
    }


async def test_bad_exec_requests_are_answered_before_the_upgrade() -> None:
    async with serving(nodes=1, scheduler=True) as api:
        await api.cluster.client.create(box())
        await api.cluster.wait_for(Pod, "box", condition="Ready", timeout=10)
        path = EXEC.format(pod="box")
        status, body, _ = await api.call("GET", path + "?command=true")
        assert status == 400
        assert body["message"] == "you must specify at least 1 of stdin, stdout, stderr"
        status, body, _ = await api.call("GET", path + "?stdout=true")
        assert body["message"] == "you must specify at least one command for the container"
        status, body, _ = await api.call("GET", path + "?command=true&stdout=true&container=x")
        assert body["message"] == "container x is not valid for pod box"
        status, body, _ = await api.call("POST", path + "?command=true&stdout=true")
        assert (status, body["message"]) == (400, "Upgrade request required")


def _pod_network() -> list[NodeConfig]:
    cidr = f"127.{random.randrange(100, 250)}.{random.randrange(0, 256)}.0/24"
    return [NodeConfig(name="control-plane", control_plane=True, pod_cidr=cidr)]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="127.0.0.0/8")
async def test_v5_close_signal_ends_the_commands_stdin() -> None:
    async with serving(nodes=_pod_network(), scheduler=True, runtime="subprocess") as api:
        await api.cluster.client.create(box(command=("sleep", "600")))
        await api.cluster.wait_for(Pod, "box", condition="Ready", timeout=30)
        query = "?command=cat&stdin=true&stdout=true&stderr=true"
        socket = await connect(api, EXEC.format(pod="box") + query, ("v5.channel.k8s.io",))
        await socket.send_bytes(b"\x00fed to cat\n")
        await socket.send_bytes(b"\xff\x00")  # stdin is closed: cat ends
        received = await read_channels(socket)
    assert b"".join(data for channel, data in received if channel == 1) == b"fed to cat\n"
    assert received[-1] == (3, json.dumps({"metadata": {}, "status": "Success"}).encode())


async def test_port_forward_to_a_port_nothing_serves_reports_on_the_error_stream() -> None:
    async with serving(nodes=1, scheduler=True) as api:
        await api.cluster.client.create(box())
        await api.cluster.wait_for(Pod, "box", condition="Ready", timeout=10)
        path = "/api/v1/namespaces/default/pods/box/portforward"
        socket = await connect(api, path, ("SPDY/3.1+portforward.k8s.io",))
        codec = HeaderCodec()
        for stream_id, kind in ((1, "error"), (3, "data")):
            block = codec.encode({"streamtype": kind, "port": "80", "requestid": "0"})
            syn = struct.pack(">IIBB", stream_id, 0, 0, 0) + block
            await socket.send_bytes(control_frame(SYN_STREAM, 0, syn))
        await socket.send_bytes(control_frame(PING, 0, struct.pack(">I", 1)))
        await socket.send_bytes(data_frame(1, b"", fin=True))  # kubectl closes its error half
        reader = FrameReader()
        frames: list[ControlFrame | DataFrame] = []
        with anyio.fail_after(10):
            while not any(isinstance(f, DataFrame) and f.stream_id == 1 for f in frames):
                message = await socket.receive()
                frames += reader.feed(message.data)
        await socket.close()
    replies = [f.stream_id for f in frames if isinstance(f, ControlFrame) and f.type == SYN_REPLY]
    assert replies == [1, 3]
    assert ControlFrame(PING, 0, struct.pack(">I", 1)) in frames  # echoed
    data_end = next(f for f in frames if isinstance(f, DataFrame) and f.stream_id == 3)
    assert data_end.fin
    error = next(f for f in frames if isinstance(f, DataFrame) and f.stream_id == 1)
    assert error.fin
    assert b"error forwarding port 80 to pod default/box" in error.data


def test_frames_are_read_across_pieces_of_any_size() -> None:
    codec, peer = HeaderCodec(), HeaderCodec()
    block = codec.encode({"streamType": "data", "port": "8080"})
    wire = control_frame(SYN_STREAM, 0, struct.pack(">IIBB", 5, 0, 0, 0) + block)
    wire += data_frame(5, b"hello", fin=True)
    reader = FrameReader()
    frames = [frame for byte in wire for frame in reader.feed(bytes((byte,)))]
    syn, data = frames
    assert isinstance(syn, ControlFrame)
    assert syn.stream_id == 5
    assert peer.decode(syn.payload[10:]) == {"streamtype": "data", "port": "8080"}
    assert data == DataFrame(5, 1, b"hello")
