"""Container logs: rotated as the kubelet rotates them, read in parts as PodLogOptions asks,
followed as ``kubectl logs -f`` follows them, never read whole into memory."""

from __future__ import annotations

import datetime as dt
import sys
import tracemalloc
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import pytest

from kube_actors import Cluster
from kube_actors.api import Pod, PodLogOptions
from kube_actors.errors import Invalid
from kube_actors.runtime import LogOptions, SubprocessRuntime
from kube_actors.runtime._log_files import LogFile
from kube_actors.runtime._log_reader import read_log

from ._helpers import start_pod

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pidfds")
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _written(path: Path, lines: int, *, max_size: int, max_files: int, width: int = 20) -> None:
    log = LogFile(str(path), max_size=max_size, max_files=max_files)
    for i in range(lines):
        log.write(f"line {i:06d} ".ljust(width, "x").encode() + b"\n", now=T0 + dt.timedelta(i))
    log.close()


def test_a_log_is_rotated_at_its_size_and_keeps_its_number_of_files(tmp_path: Path) -> None:
    path = tmp_path / "c.log"
    _written(path, 5000, max_size=20_000, max_files=3)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["c.log", "c.log.1", "c.log.2"]
    assert all(p.stat().st_size <= 20_000 for p in tmp_path.iterdir())
    text = read_log(str(path), 3, LogOptions())
    # The newest lines are kept, in order; the oldest were rotated away.
    lines = text.splitlines()
    assert lines[-1].startswith("line 004999")
    numbers = [int(line.split()[1]) for line in lines]
    assert numbers == list(range(numbers[0], 5000))
    assert numbers[0] > 0


def test_tail_since_limit_and_timestamps_read_only_what_they_ask(tmp_path: Path) -> None:
    path = tmp_path / "c.log"
    _written(path, 3000, max_size=20_000, max_files=4)
    tail = read_log(str(path), 4, LogOptions(tail_lines=3))
    assert [line.split()[1] for line in tail.splitlines()] == ["002997", "002998", "002999"]
    assert read_log(str(path), 4, LogOptions(tail_lines=0)) == ""
    since = read_log(str(path), 4, LogOptions(since_time=T0 + dt.timedelta(2998)))
    assert [line.split()[1] for line in since.splitlines()] == ["002998", "002999"]
    limited = read_log(str(path), 4, LogOptions(tail_lines=2, limit_bytes=25))
    assert limited == "line 002998 xxxxxxxx\nline"
    stamped = read_log(str(path), 4, LogOptions(tail_lines=1, timestamps=True))
    when = (T0 + dt.timedelta(2999)).strftime("%Y-%m-%dT%H:%M:%S")
    assert stamped == f"{when}.000000000Z line 002999 xxxxxxxx\n"


def test_a_long_line_is_cut_into_pieces_and_read_back_whole(tmp_path: Path) -> None:
    path = tmp_path / "c.log"
    log = LogFile(str(path), max_size=10**6, max_files=2)
    long_line = b"y" * 40_000
    log.write(b"first\n" + long_line[:100])
    log.write(long_line[100:] + b"\nlast")
    log.close()
    assert read_log(str(path), 2, LogOptions()) == f"first\n{'y' * 40_000}\nlast\n"
    assert read_log(str(path), 2, LogOptions(tail_lines=2)) == f"{'y' * 40_000}\nlast\n"


def test_tail_reads_from_the_end_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "c.log"
    log = LogFile(str(path), max_size=50 * 1024 * 1024, max_files=2)
    block = b"".join(b"%s\n" % (b"z" * 100) for _ in range(2000))
    for _ in range(100):
        log.write(block, now=T0)
    log.close()
    assert path.stat().st_size > 20 * 1024 * 1024
    tracemalloc.start()
    try:
        tail = read_log(str(path), 2, LogOptions(tail_lines=10))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(tail.splitlines()) == 10
    assert peak < 2 * 1024 * 1024  # the file is over 20 MiB; reading it whole would show


@pytest.fixture
async def runtime(tmp_path: Path) -> AsyncIterator[SubprocessRuntime]:
    async with SubprocessRuntime(root=tmp_path, log_max_size=64 * 1024, log_max_files=2) as rt:
        yield rt


@linux_only
@pytest.mark.real_time
async def test_a_chatty_container_is_rotated_and_its_log_stays_bounded(
    runtime: SubprocessRuntime,
) -> None:
    script = "i=0; while [ $i -lt 20000 ]; do echo line $i; i=$((i+1)); done"
    sandbox, container = await start_pod(runtime, command=["sh", "-c", script])
    with anyio.fail_after(30):
        await runtime.wait_container(container)
    directory = Path((await runtime.container_status(container)).log_path).parent
    logs = [p for p in directory.iterdir() if ".log" in p.name]
    assert len(logs) == 2
    assert sum(p.stat().st_size for p in logs) <= 2 * 64 * 1024
    tail = await runtime.logs(sandbox, "main", options=LogOptions(tail_lines=2))
    assert tail == "line 19998\nline 19999\n"


@linux_only
@pytest.mark.real_time
async def test_following_a_log_gives_each_line_as_it_is_written_and_ends_with_the_container(
    runtime: SubprocessRuntime,
) -> None:
    script = "echo one; read x < /dev/null; sleep 0.3; echo two; sleep 0.3; echo three"
    sandbox, _ = await start_pod(runtime, command=["sh", "-c", script])
    pieces: list[str] = []
    with anyio.fail_after(20):
        async for text in runtime.follow_logs(sandbox, "main"):
            pieces.append(text)
    assert "".join(pieces) == "one\ntwo\nthree\n"
    assert len(pieces) >= 2  # not one read at the end


async def test_the_fake_runtime_honours_the_options_too() -> None:
    async with Cluster(seed=1, nodes=1) as cluster:
        await cluster.apply(
            """
apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations: {fake.kube-actors.io/logs: "a\\nb\\nc"}
spec:
  containers: [{name: c, image: busybox}]
"""
        )
        await cluster.settle()
        assert await cluster.logs("p") == "a\nb\nc\n"
        assert await cluster.logs("p", options=PodLogOptions(tail_lines=2)) == "b\nc\n"
        assert await cluster.logs("p", options=PodLogOptions(limit_bytes=3)) == "a\nb"
        assert (
            (await cluster.logs("p", options=PodLogOptions(timestamps=True)))
            .split(" ")[0]
            .endswith("Z")
        )
        await anyio.sleep(10)  # virtual time
        assert (
            await cluster.logs("p", options=PodLogOptions(since_seconds=5)) == ""
        )  # written when it started
        assert await cluster.logs("p", options=PodLogOptions(since_seconds=60)) == "a\nb\nc\n"
        with pytest.raises(Invalid) as raised:
            await cluster.logs("p", options=PodLogOptions(tail_lines=-1, limit_bytes=0))
        assert {c.field for c in raised.value.causes} == {"tailLines", "limitBytes"}
        with pytest.raises(Invalid, match="at most one of `sinceTime` or `sinceSeconds`"):
            await cluster.logs("p", options=PodLogOptions(since_seconds=5, since_time=T0))
        followed = [text async for text in _first(cluster.follow_logs("p"))]
        assert followed == ["a\nb\nc\n"]


async def _first(texts: AsyncIterator[str]) -> AsyncIterator[str]:
    async for text in texts:
        yield text
        return


@linux_only
@pytest.mark.real_time
async def test_a_cluster_follows_a_pods_log_as_the_pods_log_subresource_will() -> None:
    manifest = """
apiVersion: v1
kind: Pod
metadata: {name: talker}
spec:
  restartPolicy: Never
  containers: [{name: c, image: busybox, command: [sh, -c, "echo a; sleep 0.3; echo b"]}]
"""
    async with Cluster(nodes=1, runtime="subprocess", clock="real") as cluster:
        await cluster.apply(manifest)
        await cluster.wait_for(
            Pod, "talker", condition=lambda pod: bool(pod.status.container_statuses), timeout=20
        )
        with anyio.fail_after(20):
            pieces = [
                text
                async for text in cluster.follow_logs(
                    "talker", options=PodLogOptions(timestamps=True)
                )
            ]
    lines = "".join(pieces).splitlines()
    assert [line.split(" ", 1)[1] for line in lines] == ["a", "b"]
    assert all(line.split(" ", 1)[0].endswith("Z") for line in lines)
