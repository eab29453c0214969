"""The subprocess runtime with real processes, on real time; every wait is bounded."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import anyio
import pytest

from kube_actors.actors import monotonic
from kube_actors.api import ExecAction, HTTPGetAction, Probe, TCPSocketAction
from kube_actors.errors import ContainerRuntimeError, ImagePullError
from kube_actors.runtime import (
    ContainerRuntime,
    ContainerState,
    ContainerStatus,
    ProbeKind,
    SubprocessRuntime,
)
from kube_actors.runtime._process import ORPHANED_EXIT, death_signal_launcher

from ._helpers import create_container, process_tree, start_pod

pytestmark = [
    pytest.mark.real_time,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="127.0.0.0/8 and pidfds"),
]


@pytest.fixture
async def runtime() -> AsyncIterator[SubprocessRuntime]:
    async with SubprocessRuntime() as runtime:
        yield runtime


async def wait_exited(runtime: ContainerRuntime, container: str) -> ContainerStatus:
    with anyio.fail_after(5):
        return await runtime.wait_container(container)


async def poll_until(predicate: Callable[[], bool]) -> None:
    """Wait until ``predicate`` holds: another process's state comes with no event to await."""
    with anyio.fail_after(15):
        while True:
            if predicate():
                return
            await anyio.sleep(0.01)


async def http_get(host: str, port: int, path: str = "/") -> str:
    """One real HTTP/1.0 request, retried while the server is still starting."""
    with anyio.fail_after(5):
        while True:
            try:
                stream = await anyio.connect_tcp(host, port)
            except OSError:
                await anyio.sleep(0.02)
                continue
            async with stream:
                await stream.send(f"GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())
                data = b""
                try:
                    while True:
                        data += await stream.receive()
                except anyio.EndOfStream:
                    return data.decode()


async def test_a_shell_command_logs_and_exits_with_its_code_as_an_error(
    runtime: SubprocessRuntime,
) -> None:
    sandbox, container = await start_pod(runtime, command=["sh", "-c", "echo hi; exit 3"])
    status = await wait_exited(runtime, container)
    assert (status.state, status.exit_code, status.reason) == (ContainerState.EXITED, 3, "Error")
    assert await runtime.logs(sandbox, "main") == "hi\n"


async def test_a_command_that_succeeds_is_completed_and_stderr_is_logged_too(
    runtime: SubprocessRuntime,
) -> None:
    sandbox, container = await start_pod(runtime, command=["sh", "-c", "echo out; echo err >&2"])
    status = await wait_exited(runtime, container)
    assert (status.exit_code, status.reason) == (0, "Completed")
    assert await runtime.logs(sandbox, "main") == "out\nerr\n"


async def test_pause_stops_promptly_on_sigterm(runtime: SubprocessRuntime) -> None:
    _, container = await start_pod(runtime, "pause")
    process = runtime._containers[container].process
    assert process is not None
    # As real pause, once it runs it exits 0 on SIGTERM.
    await poll_until(lambda: any(_catches_sigterm(pid) for pid in process_tree(process.pid)))
    start = monotonic()
    with anyio.fail_after(5):
        await runtime.stop_container(container, 30)
    assert monotonic() - start < 5
    status = await runtime.container_status(container)
    assert (status.exit_code, status.signal, status.reason) == (0, 0, "Completed")


async def test_a_process_ignoring_sigterm_is_killed_after_the_grace_period(
    runtime: SubprocessRuntime,
) -> None:
    script = "trap '' TERM; echo trapped; sleep 30"
    _, container = await start_pod(runtime, command=["sh", "-c", script])
    log = Path((await runtime.container_status(container)).log_path)
    await poll_until(lambda: "trapped" in log.read_text())
    start = monotonic()
    with anyio.fail_after(5):
        await runtime.stop_container(container, 0.5)
    assert monotonic() - start >= 0.5
    status = await runtime.container_status(container)
    assert (status.exit_code, status.signal, status.reason) == (137, 9, "Error")


async def test_two_echoservers_share_a_port_on_their_own_ips_and_answer_with_their_pod_names(
    runtime: SubprocessRuntime,
) -> None:
    pods = {}
    for pod in ("echo-a", "echo-b"):
        sandbox, _ = await start_pod(runtime, "registry.k8s.io/echoserver:1.10", pod=pod)
        pods[pod] = (await runtime.pod_sandbox_status(sandbox)).ip
    assert pods["echo-a"] != pods["echo-b"]
    for pod, ip in pods.items():
        reply = await http_get(ip, 8080, "/hello?x=1")
        assert reply.startswith("HTTP/1.1 200")
        assert f"Hostname: {pod}" in reply
        assert f"pod IP:\t{ip}" in reply
        assert "real path=/hello" in reply
        assert "query=x=1" in reply


async def test_the_nginx_stand_in_serves_a_page_on_the_declared_port(
    runtime: SubprocessRuntime,
) -> None:
    sandbox, container = await start_pod(runtime, "nginx:1.27", ports=[8081])
    ip = (await runtime.pod_sandbox_status(sandbox)).ip
    assert (await http_get(ip, 8081)).startswith("HTTP/1.1 200")
    assert (await http_get(ip, 8081, "/missing")).startswith("HTTP/1.1 404")
    http = Probe(http_get=HTTPGetAction(path="/", port="http"))
    assert (await runtime.probe(container, ProbeKind.READINESS, http)).ok
    tcp_closed = Probe(tcp_socket=TCPSocketAction(port=9))
    assert not (await runtime.probe(container, ProbeKind.LIVENESS, tcp_closed)).ok


async def test_containers_see_the_downward_api_and_their_env(runtime: SubprocessRuntime) -> None:
    script = 'echo "$POD_NAME $POD_NAMESPACE $POD_IP $NODE_NAME $GREETING"'
    sandbox, container = await start_pod(
        runtime, pod="env-pod", command=["sh", "-c", script], env={"GREETING": "hello"}
    )
    await wait_exited(runtime, container)
    ip = (await runtime.pod_sandbox_status(sandbox)).ip
    assert await runtime.logs(sandbox, "main") == f"env-pod default {ip} node-1 hello\n"


async def test_an_unknown_image_cannot_be_pulled(runtime: SubprocessRuntime) -> None:
    with pytest.raises(ImagePullError, match="not in the image catalog"):
        await runtime.pull_image("example.com/nope:1")
    with pytest.raises(ImagePullError):
        await start_pod(runtime, "example.com/nope:1")


async def test_a_command_that_cannot_exec_ends_as_a_start_error(runtime: SubprocessRuntime) -> None:
    with pytest.raises(ContainerRuntimeError, match="no-such-program"):
        await start_pod(runtime, command=["no-such-program-here"])
    [status] = await runtime.list_containers()
    assert (status.exit_code, status.reason) == (128, "StartError")


async def test_exec_returns_the_exit_code_and_output(runtime: SubprocessRuntime) -> None:
    _, container = await start_pod(runtime, "pause")
    result = await runtime.exec(container, ["sh", "-c", 'echo "$POD_NAME"; echo oops >&2; exit 4'])
    assert (result.exit_code, result.output) == (4, "pod\noops\n")
    slow = await runtime.exec(container, ["sleep", "10"], timeout=0.2)
    assert slow.timed_out
    probe = Probe(exec=ExecAction(command=["sh", "-c", "exit 1"]))
    assert not (await runtime.probe(container, ProbeKind.LIVENESS, probe)).ok


async def test_previous_logs_are_kept_across_a_recreated_container(
    runtime: SubprocessRuntime,
) -> None:
    sandbox, first = await start_pod(runtime, command=["sh", "-c", "echo first; exit 1"])
    await wait_exited(runtime, first)
    second = await create_container(
        runtime, sandbox, command=["sh", "-c", "echo second"], attempt=1
    )
    await runtime.remove_container(first)
    await runtime.start_container(second)
    await wait_exited(runtime, second)
    assert await runtime.logs(sandbox, "main") == "second\n"
    assert await runtime.logs(sandbox, "main", previous=True) == "first\n"


async def test_a_memory_limit_is_enforced_and_reported_as_oom_killed(
    runtime: SubprocessRuntime,
) -> None:
    hog = "x = bytearray(2 * 1024**3)"
    _, container = await start_pod(
        runtime, "python:3.11", command=["python", "-c", hog], memory_limit=512 * 1024**2
    )
    status = await wait_exited(runtime, container)
    assert (status.exit_code, status.reason) == (1, "OOMKilled")


async def test_no_container_outlives_the_runtime() -> None:
    async with SubprocessRuntime() as runtime:
        _, container = await start_pod(runtime, command=["sh", "-c", "sleep 30 & sleep 30"])
        record = runtime._containers[container]
        assert record.process is not None
        group = record.process.pid
    # Killed with the runtime; the background sleep, reparented, is reaped by init shortly.
    await poll_until(lambda: not _group_alive(group))


async def test_containers_die_with_a_python_process_that_is_killed() -> None:
    program = textwrap.dedent(
        """
        import sys, anyio
        from kube_actors.runtime import ContainerConfig, PodSandboxConfig, SubprocessRuntime

        async def main():
            async with SubprocessRuntime() as runtime:
                sandbox = await runtime.run_pod_sandbox(PodSandboxConfig(name="orphan"))
                config = ContainerConfig(name="c", image="busybox", command=["sleep", "30"])
                container = await runtime.create_container(sandbox, config)
                await runtime.start_container(container)
                print("PID", runtime._containers[container].process.pid, flush=True)
                await anyio.sleep(30)

        anyio.run(main)
        """
    )
    with anyio.fail_after(30):  # a busy machine starts Python slowly
        async with await anyio.open_process([sys.executable, "-c", program]) as parent:
            assert parent.stdout is not None
            assert parent.stderr is not None
            line = b""
            async for chunk in parent.stdout:
                line += chunk
                if b"PID " in line and line.endswith(b"\n"):
                    break
            if b"PID " not in line:  # the helper failed: say why
                pytest.fail((await parent.stderr.receive()).decode())
            child = int(line.split(b"PID ")[1].split()[0])
            # Killed at once: the container may not have its death signal yet (setpriv sets
            # it after it starts), and must die all the same (an orphan checks its parent).
            parent.send_signal(signal.SIGKILL)
            await parent.wait()
            await poll_until(lambda: not _alive(child))


def test_a_container_whose_parent_died_before_its_death_signal_exits_unrun() -> None:
    """The check behind ``setpriv``: a child whose parent is not the process that started
    it (that one died before the death signal was set) exits without running its command;
    one whose parent is there runs it."""
    if not death_signal_launcher(os.getpid()):
        if os.environ.get("CI"):
            pytest.fail("util-linux's setpriv with --pdeathsig is missing")
        pytest.skip("util-linux's setpriv with --pdeathsig is missing")
    command = ["sh", "-c", "echo ran"]
    orphan = subprocess.run(
        [*death_signal_launcher(os.getppid()), *command], capture_output=True, check=False
    )
    assert (orphan.returncode, orphan.stdout) == (ORPHANED_EXIT, b"")
    child = subprocess.run(
        [*death_signal_launcher(os.getpid()), *command], capture_output=True, check=False
    )
    assert (child.returncode, child.stdout) == (0, b"ran\n")


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie waiting for init to reap it is dead enough; one reaped meanwhile, too.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _catches_sigterm(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("SigCgt:"):
                    return bool(int(line.split()[1], 16) & (1 << (signal.SIGTERM - 1)))
    except FileNotFoundError:
        pass
    return False


async def test_exits_are_seen_without_pidfds_too(
    runtime: SubprocessRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr(os, "pidfd_open")
    _, container = await start_pod(runtime, command=["sh", "-c", "exit 5"])
    assert (await wait_exited(runtime, container)).exit_code == 5
