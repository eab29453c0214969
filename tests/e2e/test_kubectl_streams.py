"""kubectl's interactive verbs against containers that are real processes: exec (a command,
a shell fed on stdin, a terminal), attach (listening, and writing to a container's stdin),
run -i --rm and run -it, cp both ways, port-forward carrying real HTTP, and logs -f over
several pods."""

from __future__ import annotations

import os
import pty
import random
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import pytest

from kube_actors import Cluster
from kube_actors.api import Pod
from kube_actors.kubelet import NodeConfig
from kube_actors.server import Served

from ._kubectl import Kubectl, require_kubectl

pytestmark = pytest.mark.real_time

SHELL_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: box
spec:
  containers:
  - name: main
    image: busybox
    command: ["sh", "-c", "echo started; while true; do echo tick; sleep 0.2; done"]
    workingDir: {workdir}
    env:
    - name: GREETING
      value: hello
"""

WEB_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: web
    image: busybox
    command: ["sh", "-c", "exec python3 -m http.server 8080 --bind $POD_IP"]
    ports:
    - containerPort: 8080
    readinessProbe:
      tcpSocket:
        port: 8080
      periodSeconds: 1
"""


def _own_pod_network() -> NodeConfig:
    # Other suites on this machine run pods too: a /24 of our own keeps their servers and
    # ours apart.
    cidr = f"127.{random.randrange(100, 250)}.{random.randrange(0, 256)}.0/24"
    return NodeConfig(name="control-plane", control_plane=True, pod_cidr=cidr)


@asynccontextmanager
async def served_processes() -> AsyncIterator[tuple[Cluster, Served, Kubectl]]:
    async with (
        Cluster(nodes=[_own_pod_network()], runtime="subprocess", clock="real") as cluster,
        cluster.serve() as served,
    ):
        yield cluster, served, Kubectl(served.kubeconfig_path)


async def on_terminal(command: list[str], steps: list[tuple[bytes, bytes]]) -> tuple[int, bytes]:
    """Run ``command`` on a terminal of its own, as a user at a keyboard: for each step,
    once its text has been seen, type its input. The exit code and everything seen."""
    master, slave = pty.openpty()
    seen = b""
    try:
        async with await anyio.open_process(
            command, stdin=slave, stdout=slave, stderr=slave
        ) as process:
            os.close(slave)
            slave = -1
            with anyio.fail_after(30):
                for wanted, typed in steps:
                    while wanted not in seen:
                        seen += await anyio.to_thread.run_sync(os.read, master, 4096)
                    os.write(master, typed)
                code = await process.wait()
    finally:
        if slave >= 0:
            os.close(slave)
        os.close(master)
    return code, seen


async def test_exec_runs_in_the_container_and_passes_the_exit_code(tmp_path: Path) -> None:
    require_kubectl()
    workdir = tmp_path / "work"
    workdir.mkdir()
    async with served_processes() as (cluster, _, kubectl):
        await cluster.apply(SHELL_POD.format(workdir=workdir))
        pod = await cluster.wait_for(Pod, "box", condition="Ready", timeout=30)
        code, out, err = await kubectl.run(
            "exec", "box", "--", "sh", "-c", 'echo "$GREETING $POD_IP $(pwd)"; exit 3'
        )
        assert code == 3
        assert out == f"hello {pod.status.pod_ip} {workdir}\n"
        assert err == "command terminated with exit code 3\n"
        # A shell fed on stdin, line by line, as a user would type.
        code, out, err = await kubectl.run(
            "exec", "-i", "box", "--", "sh", stdin="echo one\necho two-$GREETING\nexit 7\n"
        )
        assert (code, out) == (7, "one\ntwo-hello\n")
        # The end of stdin reaches the command: cat ends.
        code, out, _ = await kubectl.run("exec", "-i", "box", "--", "cat", stdin="a\nb\n")
        assert (code, out) == (0, "a\nb\n")
        code, _, err = await kubectl.run("exec", "box", "--", "no-such-program")
        assert code == 1
        assert 'exec: "no-such-program": executable file not found in $PATH' in err
        code, _, err = await kubectl.run("exec", "box", "-c", "other", "--", "true")
        assert code == 1
        assert "container other not found in pod box" in err or "not valid for pod box" in err


async def test_exec_with_a_terminal_runs_an_interactive_shell(tmp_path: Path) -> None:
    kubectl_binary = require_kubectl()
    async with served_processes() as (cluster, served, _):
        await cluster.apply(SHELL_POD.format(workdir=tmp_path))
        await cluster.wait_for(Pod, "box", condition="Ready", timeout=30)
        command = [kubectl_binary, "--kubeconfig", str(served.kubeconfig_path)]
        code, seen = await on_terminal(
            [*command, "exec", "-it", "box", "--", "sh"],
            [(b"", b"tty; echo marker-$((6*7))\n"), (b"marker-42", b"exit 5\n")],
        )
    assert b"/dev/pts/" in seen  # the shell runs on a terminal of its own
    assert code == 5, seen


async def test_attach_shows_what_the_container_writes_from_now_on(tmp_path: Path) -> None:
    kubectl_binary = require_kubectl()
    async with served_processes() as (cluster, served, _):
        await cluster.apply(SHELL_POD.format(workdir=tmp_path))
        await cluster.wait_for(Pod, "box", condition="Ready", timeout=30)
        # Ready is the process started, not yet its first line: attach once "started" is in
        # the log, so that the line is written before the attach on a loaded machine too.
        with anyio.fail_after(30):
            async for text in cluster.follow_logs("box"):
                if "started" in text:
                    break
        command = [kubectl_binary, "--kubeconfig", str(served.kubeconfig_path), "attach", "box"]
        async with await anyio.open_process(command) as attached:
            assert attached.stdout is not None
            seen = b""
            with anyio.fail_after(30):
                while seen.count(b"tick") < 2:
                    seen += await attached.stdout.receive()
            attached.terminate()
    assert b"started" not in seen  # written before the attach


LISTENER_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: listener
spec:
  containers:
  - name: main
    image: busybox
    command: ["sh", "-c", "while read line; do echo \\"heard $line\\"; done"]
    stdin: true
"""


async def test_attach_i_writes_to_the_containers_stdin_which_stays_open() -> None:
    kubectl_binary = require_kubectl()
    async with served_processes() as (cluster, served, _):
        await cluster.apply(LISTENER_POD)
        pod = await cluster.wait_for(Pod, "listener", condition="Ready", timeout=30)
        assert pod.spec.containers[0].stdin
        command = [kubectl_binary, "--kubeconfig", str(served.kubeconfig_path)]
        for word in ("first", "second"):
            async with await anyio.open_process([*command, "attach", "-i", "listener"]) as attached:
                assert attached.stdin is not None
                assert attached.stdout is not None
                seen = b""
                with anyio.fail_after(30):
                    await attached.stdin.send(f"{word}\n".encode())
                    while f"heard {word}".encode() not in seen:
                        seen += await attached.stdout.receive()
                    # The end of kubectl's stdin ends this attach, not the container's stdin
                    # (no stdinOnce): the next attach is heard too.
                    await attached.stdin.aclose()
                    assert await attached.wait() == 0
        pod = await cluster.client.get(Pod, "listener", namespace="default")
        assert pod.status.container_statuses[0].state.running is not None
        assert pod.status.container_statuses[0].restart_count == 0


async def test_run_i_rm_feeds_the_pod_then_deletes_it() -> None:
    require_kubectl()
    async with served_processes() as (_, _, kubectl):
        script = 'while read line; do echo "got $line"; done; echo "stdin ended"; exit 4'
        code, out, err = await kubectl.run(
            "run", "-i", "--rm", "--restart=Never", "--image=busybox", "talk", "--",
            "sh", "-c", script,
            stdin="one\ntwo\n",
        )  # fmt: skip
        # stdinOnce: the end of kubectl's stdin is the container's; its exit code comes back.
        assert code == 4, err
        assert out.startswith("got one\ngot two\nstdin ended\n")
        assert 'pod "talk" deleted' in out
        assert "pod default/talk terminated (Error)" in err
        code, _, err = await kubectl.run("get", "pod", "talk")
        assert code == 1
        assert 'pods "talk" not found' in err


async def test_run_it_gives_a_shell_on_a_terminal() -> None:
    kubectl_binary = require_kubectl()
    async with served_processes() as (_, served, _):
        command = [kubectl_binary, "--kubeconfig", str(served.kubeconfig_path)]
        run = ["run", "-it", "--rm", "--restart=Never", "--image=busybox", "shell", "--", "sh"]
        code, seen = await on_terminal(
            [*command, *run],
            [
                (b"command prompt", b"tty; echo marker-$((6*7))\n"),
                (b"marker-42", b"exit 6\n"),
            ],
        )
    assert b"/dev/pts/" in seen  # the container's own terminal
    assert code == 6, seen


async def test_cp_copies_a_file_into_the_pod_and_back(tmp_path: Path) -> None:
    require_kubectl()
    inside = tmp_path / "pod-side"
    inside.mkdir()
    async with served_processes() as (cluster, _, kubectl):
        await cluster.apply(SHELL_POD.format(workdir=inside))
        await cluster.wait_for(Pod, "box", condition="Ready", timeout=30)
        local = tmp_path / "notes.txt"
        local.write_text("to the pod\n")
        await kubectl("cp", str(local), f"box:{inside}/received.txt")
        assert (inside / "received.txt").read_text() == "to the pod\n"
        (inside / "report.txt").write_text("from the pod\n")
        back = tmp_path / "back.txt"
        await kubectl("cp", f"box:{inside}/report.txt", str(back))
        assert back.read_text() == "from the pod\n"


async def test_port_forward_carries_http_to_the_pod() -> None:
    kubectl_binary = require_kubectl()
    async with served_processes() as (cluster, served, _):
        await cluster.apply(WEB_POD)
        await cluster.wait_for(Pod, "web", condition="Ready", timeout=30)
        command = [kubectl_binary, "--kubeconfig", str(served.kubeconfig_path)]
        async with await anyio.open_process(
            [*command, "port-forward", "pod/web", "0:8080", "--address=127.0.0.1"]
        ) as forward:
            assert forward.stdout is not None
            printed = b""
            with anyio.fail_after(30):
                while b"Forwarding from" not in printed:
                    printed += await forward.stdout.receive()
                found = re.search(rb"127\.0\.0\.1:(\d+)", printed)
                assert found is not None
                port = int(found[1])
                for _ in range(3):  # every connection is a stream pair of its own
                    answer = await _http_get("127.0.0.1", port, "/")
                    assert answer.startswith(b"HTTP/1.0 200")
                    assert b"Directory listing" in answer
            forward.terminate()


async def _http_get(host: str, port: int, path: str) -> bytes:
    async with await anyio.connect_tcp(host, port) as connection:
        await connection.send(f"GET {path} HTTP/1.0\r\nHost: pod\r\n\r\n".encode())
        answer = b""
        async for chunk in connection:
            answer += chunk
    return answer


TALKERS = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: talkers
spec:
  replicas: 2
  selector:
    matchLabels:
      app: talkers
  template:
    metadata:
      labels:
        app: talkers
    spec:
      containers:
      - name: first
        image: busybox
        command:
        - sh
        - -c
        - echo early-$HOSTNAME; while true; do echo first-$HOSTNAME; sleep 0.3; done
      - name: second
        image: busybox
        command: ["sh", "-c", "while true; do echo second-$HOSTNAME; sleep 0.3; done"]
"""


async def test_logs_follow_several_pods_and_containers_with_prefixes() -> None:
    kubectl_binary = require_kubectl()
    async with served_processes() as (cluster, served, kubectl):
        await cluster.apply(TALKERS)
        await kubectl("wait", "--for=condition=Ready", "pod", "-l", "app=talkers", "--timeout=30s")
        names = (await kubectl("get", "pods", "-l", "app=talkers", "-o", "name")).split()
        pods = [name.removeprefix("pod/") for name in names]
        assert len(pods) == 2
        # Without -f, -l, --all-containers, --prefix: every container of every pod.
        out = await kubectl("logs", "-l", "app=talkers", "--all-containers", "--prefix")
        for pod in pods:
            assert f"[pod/{pod}/first] early-{pod}" in out
        command = [kubectl_binary, "--kubeconfig", str(served.kubeconfig_path), "logs", "-f"]
        wanted = [f"[pod/{pod}/{c}] {c}-{pod}" for pod in pods for c in ("first", "second")]
        async with await anyio.open_process(
            [*command, "-l", "app=talkers", "--all-containers", "--prefix", "--since=1h"]
        ) as follow:
            assert follow.stdout is not None
            seen = ""
            with anyio.fail_after(30):
                # Lines that appear while it follows, from all four containers.
                while not all(seen.count(line) >= 3 for line in wanted):
                    seen += (await follow.stdout.receive()).decode()
            follow.terminate()
