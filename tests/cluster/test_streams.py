"""``Cluster.exec``, ``open_exec``, ``attach`` and ``port_forward``: on the fake runtime (the
script answers, on virtual time) and on the subprocess runtime (real processes)."""

from __future__ import annotations

import json
import random
import sys

import anyio
import pytest
import structlog

from kube_actors import Cluster
from kube_actors.api import Container, ObjectMeta, Pod, PodSpec
from kube_actors.errors import BadRequest, ContainerRuntimeError
from kube_actors.kubelet import NodeConfig
from kube_actors.runtime import ANNOTATION_PREFIX


def pod(
    name: str,
    *,
    command: tuple[str, ...] = (),
    annotations: dict[str, str] | None = None,
    containers: tuple[str, ...] = ("main",),
    image: str = "busybox",
) -> Pod:
    return Pod(
        metadata=ObjectMeta(name=name, namespace="default", annotations=annotations or {}),
        spec=PodSpec(
            containers=tuple(Container(name=c, image=image, command=command) for c in containers)
        ),
    )


async def test_the_fake_runtime_answers_exec_from_the_pods_script() -> None:
    replies = {
        "cat /etc/hostname": {"stdout": "scripted\n"},
        "false": {"stderr": "no\n", "exitCode": 1},
    }
    annotations = {ANNOTATION_PREFIX + "exec": json.dumps(replies)}
    async with Cluster(nodes=1, clock="virtual") as cluster:
        await cluster.client.create(pod("box", annotations=annotations))
        await cluster.wait_for(Pod, "box", condition="Ready")
        found = await cluster.exec("box", ["cat", "/etc/hostname"])
        assert (found.stdout, found.stderr, found.exit_code) == ("scripted\n", "", 0)
        failed = await cluster.exec("box", ["false"], stdin="ignored")
        assert (failed.stdout, failed.stderr, failed.exit_code) == ("", "no\n", 1)
        silent = await cluster.exec("box", ["anything", "else"])
        assert (silent.stdout, silent.exit_code) == ("", 0)
        with pytest.raises(ContainerRuntimeError, match="do not listen"):
            await cluster.open_port_forward("box", 80)


async def test_exec_errors_are_the_apiservers() -> None:
    async with Cluster(nodes=1, clock="virtual") as cluster:
        await cluster.client.create(pod("two", containers=("a", "b")))
        await cluster.wait_for(Pod, "two", condition="Ready")
        with pytest.raises(BadRequest, match="container c is not valid for pod two"):
            await cluster.exec("two", ["true"], container="c")
        with pytest.raises(BadRequest, match="at least one command"):
            await cluster.exec("two", [])
        # No container named: kubectl's default, the first.
        assert (await cluster.exec("two", ["true"])).exit_code == 0
    async with Cluster(nodes=0, clock="virtual") as cluster:
        await cluster.client.create(pod("nowhere"))
        with pytest.raises(BadRequest, match="pod nowhere does not have a host assigned"):
            await cluster.exec("nowhere", ["true"])
    done = {ANNOTATION_PREFIX + "exit-after": "1s"}
    async with Cluster(nodes=1, clock="virtual") as cluster:
        finished = pod("done", annotations=done)
        finished = Pod(
            metadata=finished.metadata,
            spec=PodSpec(containers=finished.spec.containers, restart_policy="Never"),
        )
        await cluster.client.create(finished)
        await cluster.wait_for(Pod, "done", condition=lambda p: p.status.phase == "Succeeded")
        with pytest.raises(BadRequest, match="completed pod; current phase is Succeeded"):
            await cluster.exec("done", ["true"])


WEB = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: web
    image: busybox
    command: ["sh", "-c", "exec python3 -m http.server 8080 --bind $POD_IP"]
    readinessProbe:
      tcpSocket:
        port: 8080
      periodSeconds: 1
"""


def _node() -> NodeConfig:
    cidr = f"127.{random.randrange(100, 250)}.{random.randrange(0, 256)}.0/24"
    return NodeConfig(name="control-plane", control_plane=True, pod_cidr=cidr)


@pytest.mark.real_time
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ptys, 127.0.0.0/8")
async def test_exec_and_port_forward_on_real_processes(
    quiet_logs: list[structlog.typing.EventDict],
) -> None:
    async with Cluster(nodes=[_node()], runtime="subprocess", clock="real") as cluster:
        await cluster.apply(WEB)
        running = await cluster.wait_for(Pod, "web", condition="Ready", timeout=30)
        shown = await cluster.exec("web", ["sh", "-c", "echo $POD_IP; echo oops >&2; exit 4"])
        assert (shown.stdout, shown.stderr, shown.exit_code) == (
            f"{running.status.pod_ip}\n",
            "oops\n",
            4,
        )
        assert (await cluster.exec("web", ["cat"], stdin="fed\n")).stdout == "fed\n"
        # A terminal: one output stream, its size set by resize.
        async with await cluster.open_exec("web", ["sh"], stdin=True, tty=True) as session:
            assert session.stdin is not None
            assert session.stderr is None
            session.resize(123, 45)
            await session.stdin.send(b"stty size; exit 9\n")
            seen = b""
            with anyio.fail_after(10):
                async for chunk in session.stdout:
                    seen += chunk
                assert await session.wait() == 9
        assert b"45 123" in seen
        async with cluster.port_forward("web", 8080) as (host, port):
            with anyio.fail_after(30):
                answer = await _http_get(host, port)
        # Nothing listens on 8081: the connection is closed at once, and the reason logged.
        async with cluster.port_forward("web", 8081) as (host, port):
            with anyio.fail_after(30):
                async with await anyio.connect_tcp(host, port) as connection:
                    assert [chunk async for chunk in connection] == []
        failed = [e for e in quiet_logs if e["event"] == "port_forward_failed"]
        assert failed[0]["port"] == 8081
        assert "failed to connect" in failed[0]["error"]
        assert answer.startswith(b"HTTP/1.0 200")


async def _http_get(host: str, port: int) -> bytes:
    async with await anyio.connect_tcp(host, port) as connection:
        await connection.send(b"GET / HTTP/1.0\r\n\r\n")
        answer = b""
        async for chunk in connection:
            answer += chunk
    return answer


async def test_attach_to_a_scripted_container_ends_when_it_exits() -> None:
    script = {ANNOTATION_PREFIX + "exit-after": "5s", ANNOTATION_PREFIX + "exit-code": "4"}
    async with Cluster(nodes=1, clock="virtual") as cluster:
        never = pod("once", annotations=script)
        await cluster.client.create(
            Pod(
                metadata=never.metadata,
                spec=PodSpec(containers=never.spec.containers, restart_policy="Never"),
            )
        )
        await cluster.wait_for(Pod, "once", condition="Ready")
        async with await cluster.attach("once") as session:
            assert [chunk async for chunk in session.stdout] == []
            assert await session.wait() == 4


async def test_attach_with_stdin_reaches_only_a_container_whose_spec_has_stdin() -> None:
    async with Cluster(nodes=1, clock="virtual") as cluster:
        await cluster.apply(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "interactive"},
                "spec": {
                    "containers": [
                        {"name": "shell", "image": "busybox", "stdin": True, "tty": True},
                        {"name": "plain", "image": "busybox"},
                    ]
                },
            }
        )
        found = await cluster.wait_for(Pod, "interactive", condition="Ready")
        shell = found.spec.containers[0]
        assert (shell.stdin, shell.stdin_once, shell.tty) == (True, False, True)
        async with await cluster.attach("interactive", stdin=True) as session:
            assert session.tty
            assert session.stdin is not None
            await session.stdin.send(b"a scripted container reads nothing\n")
        async with await cluster.attach("interactive", container="plain", stdin=True) as plain:
            assert plain.stdin is None
            assert not plain.tty
