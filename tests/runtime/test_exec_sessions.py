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


async def read_until(session: ExecSession, marker: bytes) -> bytes:
    seen = b""
    with anyio.fail_after(10):
        while marker not in seen:
            seen += await session.stdout.receive()
    return seen


async def test_attach_writes_to_stdin_and_stdin_once_closes_it(runtime: SubprocessRuntime) -> None:
    script = 'while read line; do echo "got $line"; done; echo "stdin ended"; exit 3'
    _, container = await start_pod(
        runtime, command=["sh", "-c", script], stdin=True, stdin_once=True
    )
    async with await runtime.attach(container, stdin=True) as session:
        assert session.stdin is not None
        await session.stdin.send(b"one\n")
        assert b"got one" in await read_until(session, b"got one")
        # The first attach's stdin ends: the container reads EOF, its output goes on.
        await session.stdin.aclose()
        assert b"stdin ended" in await read_until(session, b"stdin ended")
        with anyio.fail_after(10):
            assert await session.wait() == 3


async def test_stdin_stays_open_across_attaches_without_stdin_once(
    runtime: SubprocessRuntime,
) -> None:
    _, container = await start_pod(runtime, command=["cat"], stdin=True)
    for word in (b"first", b"second"):
        async with await runtime.attach(container, stdin=True) as session:
            assert session.stdin is not None
            await session.stdin.send(word + b"\n")
            assert word in await read_until(session, word)
            await session.stdin.aclose()  # this session ends; cat goes on reading
            with anyio.fail_after(10):
                assert await session.wait() == 0
    status = await runtime.container_status(container)
    assert status.state.name == "RUNNING"


async def test_a_container_without_stdin_reads_eof_and_attach_has_no_stdin(
    runtime: SubprocessRuntime,
) -> None:
    _, container = await start_pod(runtime, command=["sh", "-c", "cat; echo cat-done; sleep 60"])
    with anyio.fail_after(10):
        async for piece in runtime.follow_logs(*(await _sandbox_and_name(runtime, container))):
            if "cat-done" in piece:
                break
    async with await runtime.attach(container, stdin=True) as session:
        assert session.stdin is None


async def test_a_tty_container_runs_on_a_terminal_attach_types_into(
    runtime: SubprocessRuntime,
) -> None:
    _, container = await start_pod(runtime, command=["sh"], stdin=True, tty=True)
    async with await runtime.attach(container, stdin=True) as session:
        assert session.tty
        assert session.stderr is None
        assert session.stdin is not None
        session.resize(100, 40)
        await session.stdin.send(b"tty; stty size; echo m-$((6*7))\n")
        seen = await read_until(session, b"m-42\r\n")
        assert b"/dev/pts/" in seen
        assert b"40 100" in seen
        await session.stdin.send(b"exit 5\n")
        with anyio.fail_after(10):
            assert await session.wait() == 5


async def _sandbox_and_name(runtime: SubprocessRuntime, container: str) -> tuple[str, str]:
    status = await runtime.container_status(container)
    return status.sandbox_id, status.name
