"""Container runtime benchmark: how fast pods reach Running, against raw asyncio.

Run with ``python -m benchmarks.runtime``. In one run, on one machine, for the same
``sh -c 'sleep 3600'`` processes:

- subprocess runtime, create -> Running: for each pod ``run_pod_sandbox``,
  ``create_container``, ``start_container``, in pods/s, against the rate at which
  ``asyncio.create_subprocess_exec`` alone starts the same processes (target: at least 0.5x);
- subprocess runtime, the whole life (create -> Running, then stop with no grace and wait for
  the exit), against asyncio starting, killing and reaping the same processes (target: at
  least 0.5x);
- fake runtime: the whole life of scripted containers on virtual time, in containers per wall
  second, beside the subprocess runtime's (no target: it shows what a fake buys).

Rounds alternate between the runtime and the baseline and the best of each is kept, so a
noisy neighbour costs both sides alike.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import time

import anyio

from kube_actors.actors import run
from kube_actors.runtime import (
    ContainerConfig,
    FakeRuntime,
    PodSandboxConfig,
    SubprocessRuntime,
)

from ._report import Figure, print_figures

ARGV = ("sh", "-c", "sleep 3600")


async def raw_asyncio(n: int) -> tuple[float, float]:
    """(start rate, start-kill-reap rate) of ``n`` processes with bare asyncio."""
    begin = time.perf_counter()
    processes = [
        await asyncio.create_subprocess_exec(
            *ARGV,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for _ in range(n)
    ]
    started = time.perf_counter() - begin
    for process in processes:
        process.kill()
    for process in processes:
        await process.wait()
    return n / started, n / (time.perf_counter() - begin)


def _configs(i: int) -> tuple[PodSandboxConfig, ContainerConfig]:
    sandbox = PodSandboxConfig(name=f"sleeper-{i}", uid=f"uid-{i}", node_name="bench")
    return sandbox, ContainerConfig(name="sleep", image="busybox", command=ARGV)


async def subprocess_runtime(n: int) -> tuple[float, float]:
    """(create -> Running rate, whole-life rate) of ``n`` pods in the subprocess runtime."""
    configs = [_configs(i) for i in range(n)]
    async with SubprocessRuntime() as runtime:
        begin = time.perf_counter()
        containers = []
        for sandbox_config, config in configs:
            sandbox = await runtime.run_pod_sandbox(sandbox_config)
            container = await runtime.create_container(sandbox, config)
            await runtime.start_container(container)
            containers.append(container)
        started = time.perf_counter() - begin
        async with anyio.create_task_group() as tg:
            for container in containers:
                tg.start_soon(runtime.stop_container, container, 0.0)
        whole = time.perf_counter() - begin
    return n / started, n / whole


async def fake_runtime(n: int) -> float:
    """Containers per wall second through a whole scripted life on virtual time."""
    configs = [_configs(i) for i in range(n)]
    runtime = FakeRuntime()
    runtime.script("sleep", exit_after=30.0)
    async with runtime:
        begin = time.perf_counter()
        containers = []
        for sandbox_config, config in configs:
            sandbox = await runtime.run_pod_sandbox(sandbox_config)
            container = await runtime.create_container(sandbox, config)
            await runtime.start_container(container)
            containers.append(container)
        for container in containers:
            await runtime.wait_container(container)
        return n / (time.perf_counter() - begin)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pods", type=int, default=200)
    parser.add_argument("--fake-pods", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)

    raw_start = raw_life = ours_start = ours_life = 0.0
    for _ in range(args.rounds):
        start, life = anyio.run(raw_asyncio, args.pods, backend="asyncio")
        raw_start, raw_life = max(raw_start, start), max(raw_life, life)
        start, life = anyio.run(subprocess_runtime, args.pods, backend="asyncio")
        ours_start, ours_life = max(ours_start, start), max(ours_life, life)
    fake = max(run(fake_runtime, args.fake_pods, clock="virtual") for _ in range(args.rounds))

    print_figures(
        f"kube_actors.runtime ({args.pods} x sh -c 'sleep 3600')",
        [
            Figure(
                name="subprocess runtime: create -> Running",
                value=ours_start,
                unit="pods/s",
                baseline_name="asyncio start",
                baseline=raw_start,
                target=">= 0.5x",
            ),
            Figure(
                name="subprocess runtime: create -> Running -> killed",
                value=ours_life,
                unit="pods/s",
                baseline_name="asyncio start+kill+reap",
                baseline=raw_life,
                target=">= 0.5x",
            ),
            Figure(
                name=f"fake runtime: {args.fake_pods} lives of 30 s, virtual time",
                value=fake,
                unit="pods/s",
                baseline_name="subprocess runtime",
                baseline=ours_life,
                target="(information)",
            ),
        ],
    )


if __name__ == "__main__":
    main()
