"""No process escapes a container: not a background grandchild, not one that calls
``setsid``, neither when the pod is deleted nor when the Python process is killed -9.

Each container's processes are found by a token in their command line (``sleep 7<token>``);
waits are bounded, on real time (these are real processes).
"""

from __future__ import annotations

import os
import random
import signal
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import anyio
import pytest

from kube_actors import Cluster
from kube_actors.api import Pod
from kube_actors.runtime import SubprocessRuntime
from kube_actors.runtime._isolation import choose_isolation

from ._helpers import start_pod

pytestmark = [
    pytest.mark.real_time,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and prctl"),
]

needs_namespaces = pytest.mark.skipif(
    choose_isolation(None) != "pid-namespace", reason="PID namespaces are not available here"
)


def _token() -> str:
    return str(random.randrange(10**6, 10**7))


def _scripts(token: str) -> dict[str, str]:
    """One container forks a background grandchild; the other's child leaves its session."""
    return {
        "forks": f"sleep 71{token} & sleep 72{token}",
        "escapes": f"setsid sleep 73{token} & sleep 74{token}",
    }


def _with_token(token: str) -> list[int]:
    """The pids of live (not zombie) processes whose command line holds ``token``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                if token.encode() not in cmdline.read():
                    continue
            with open(f"/proc/{entry}/stat") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                    continue
        except OSError:
            continue
        found.append(int(entry))
    return found


async def _until(predicate: Callable[[], bool], timeout: float = 20) -> None:
    """Poll: other processes' state changes come with no event to await."""
    with anyio.fail_after(timeout):
        while not predicate():  # noqa: ASYNC110
            await anyio.sleep(0.05)


_POD = """
apiVersion: v1
kind: Pod
metadata: {{name: {name}}}
spec:
  terminationGracePeriodSeconds: 1
  containers: [{{name: c, image: busybox, command: [sh, -c, "{script}"]}}]
"""


@pytest.mark.parametrize("isolation", ["pid-namespace", "subreaper"])
async def test_deleting_a_pod_kills_every_process_it_started(isolation: str) -> None:
    if isolation == "pid-namespace" and choose_isolation(None) != "pid-namespace":
        pytest.skip("PID namespaces are not available here")
    token = _token()
    async with SubprocessRuntime(isolation=isolation) as runtime:  # type: ignore[arg-type]
        assert runtime.isolation == isolation
        started = []
        for name, script in _scripts(token).items():
            started.append(await start_pod(runtime, pod=name, command=["sh", "-c", script]))
        await _until(lambda: len(_with_token(token)) >= 4)
        for sandbox, container in started:
            await runtime.stop_container(container, 1.0)
            await runtime.remove_pod_sandbox(sandbox)
        await _until(lambda: not _with_token(token))


async def test_a_cluster_deleting_its_pods_leaves_nothing_behind() -> None:
    token = _token()
    async with Cluster(nodes=1, runtime="subprocess", clock="real") as cluster:
        for name, script in _scripts(token).items():
            await cluster.apply(_POD.format(name=name, script=script))
        await _until(lambda: len(_with_token(token)) >= 4)
        await cluster.client.delete(Pod, "forks", namespace="default")
        await cluster.client.delete(Pod, "escapes", namespace="default")
        await _until(lambda: not _with_token(token))


@needs_namespaces
async def test_kill_9_of_the_python_process_leaves_no_container_process_alive(
    tmp_path: Path,
) -> None:
    token = _token()
    program = textwrap.dedent(
        f"""
        import anyio
        from kube_actors import Cluster

        POD = {_POD!r}
        SCRIPTS = {_scripts(token)!r}

        async def main():
            async with Cluster(nodes=1, runtime="subprocess", clock="real") as cluster:
                for name, script in SCRIPTS.items():
                    await cluster.apply(POD.format(name=name, script=script))
                print("APPLIED", flush=True)
                await anyio.sleep(60)

        anyio.run(main)
        """
    )
    # The cluster logs to stdout: a file takes it all (a pipe nobody reads would block it).
    output = tmp_path / "out"
    with anyio.fail_after(60), output.open("wb") as sink:  # a busy machine starts Python slowly
        async with await anyio.open_process(
            [sys.executable, "-c", program], stdout=sink, stderr=sink
        ) as parent:
            await _until(lambda: b"APPLIED" in output.read_bytes(), timeout=50)
            await _until(lambda: len(_with_token(token)) >= 4)
            parent.send_signal(signal.SIGKILL)
            await parent.wait()
    await _until(lambda: not _with_token(token))


@needs_namespaces
async def test_a_container_in_a_namespace_keeps_the_signal_handling_it_had(
    tmp_path: Path,
) -> None:
    """Its command is not the namespace's init, and SIGINT/SIGQUIT are not left ignored."""
    async with SubprocessRuntime(root=tmp_path) as runtime:
        script = "grep SigIgn /proc/self/status; echo pid $$"
        sandbox, container = await start_pod(runtime, command=["sh", "-c", script])
        with anyio.fail_after(10):
            await runtime.wait_container(container)
        log = await runtime.logs(sandbox, "main")
    ignored = int(log.split("SigIgn:")[1].split()[0], 16)
    assert ignored & ((1 << (signal.SIGINT - 1)) | (1 << (signal.SIGQUIT - 1))) == 0
    assert "pid 1\n" not in log
