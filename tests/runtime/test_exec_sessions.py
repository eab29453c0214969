"""Exec and attach sessions of the subprocess runtime: the container's environment and
namespace, stdin and its end, a terminal, and the output of a running container."""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator

import anyio
import pytest

from kube_actors.errors import ContainerRuntimeError
from kube_actors.runtime import ExecSession, SubprocessRuntime

from ._helpers import start_pod

pytestmark = [
    pytest.mark.real_time,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ptys and namespaces"),
]


@pytest.fixture
async def runtime() -> AsyncIterator[SubprocessRuntime]:
    async with SubprocessRuntime() as runtime:
        yield runtime


async def output_of(session: ExecSession) -> tuple[bytes, bytes, int]:
    out, err = b"", b""
    async with session:
        with anyio.fail_after(10):
            async for chunk in session.stdout:
                out += chunk
            if session.stderr is not None:
                async for chunk in session.stderr:
                    err += chunk
            return out, err, await session.wait()


async def test_exec_gets_the_containers_environment(runtime: SubprocessRuntime) -> None:
    _, container = await start_pod(
        runtime, command=["sleep", "60"], env={"GREETING": "hi"}, ip="127.97.0.5"
    )
    session = await runtime.open_exec(container, ["sh", "-c", "echo $GREETING $POD_IP; exit 2"])
    assert await output_of(session) == (b"hi 127.97.0.5\n", b"", 2)


@pytest.mark.skipif(os.geteuid() != 0, reason="entering a namespace needs root")
async def test_exec_joins_the_containers_pid_namespace(runtime: SubprocessRuntime) -> None:
    if runtime.isolation != "pid-namespace":
        pytest.skip("no PID namespaces on this machine")
    _, container = await start_pod(runtime, command=["sleep", "60"])
    out, _, code = await output_of(await runtime.open_exec(container, ["sh", "-c", "echo $$"]))
    # The container's init is 1 and its command 2: the exec is one of the first few pids.
    assert code == 0
    assert int(out) < 10


async def test_a_program_that_is_not_there_is_an_error(runtime: SubprocessRuntime) -> None:
    _, container = await start_pod(runtime, command=["sleep", "60"])
    with pytest.raises(ContainerRuntimeError, match='exec: "nope": executable file not found'):
        await runtime.open_exec(container, ["nope"])


async def test_closing_stdin_ends_a_command_that_reads_it(runtime: SubprocessRuntime) -> None:
    _, container = await start_pod(runtime, command=["sleep", "60"])
    session = await runtime.open_exec(container, ["wc", "-c"], stdin=True)
    assert session.stdin is not None
    await session.stdin.send(b"12345")
    await session.stdin.aclose()
    out, _, code = await output_of(session)
    assert (out.strip(), code) == (b"5", 0)


async def test_attach_gives_what_the_container_writes_next(runtime: SubprocessRuntime) -> None:
    script = (
        "echo before; read _ < /dev/stdin 2>/dev/null; while true; do echo now; sleep 0.1; done"
    )
    sandbox, container = await start_pod(runtime, command=["sh", "-c", script])
    written = ""
    with anyio.fail_after(10):
        async for piece in runtime.follow_logs(sandbox, "main"):
            written += piece
            if "before" in written:
                break
    async with await runtime.attach(container) as session:
        with anyio.fail_after(10):
            seen = await session.stdout.receive()
        await runtime.stop_container(container, 0)
        assert await session.wait() == 137
    assert b"now" in seen
    assert b"before" not in seen
