"""The WorkerPool controller, unchanged, against ``kube-actors up`` in another process: its
client from ``Client.from_kubeconfig``, its informers and work queue from a ``Manager``."""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import anyio.abc
import pytest

from kube_actors import Client
from kube_actors.api import Deployment, Service, load_manifests
from kube_actors.client import ignore_not_found
from kube_actors.reconcile import ControllerSpec, Manager

from ._load import EXAMPLES, load_example

pytestmark = pytest.mark.real_time

example: Any = load_example("worker_pool")
WorkerPool = example.WorkerPool

# The server process must know the kind too (there are no CustomResourceDefinitions yet): it
# loads the example, then runs `up`.
_SCRIPT = str(EXAMPLES / "worker_pool.py")
_UP = f"""
import importlib.util, sys
spec = importlib.util.spec_from_file_location("examples_worker_pool", {_SCRIPT!r})
module = importlib.util.module_from_spec(spec)
sys.modules["examples_worker_pool"] = module
spec.loader.exec_module(module)
from kube_actors.cli import main
sys.exit(main(sys.argv[1:]))
"""


@contextlib.asynccontextmanager
async def kube_actors_up(data_dir: Path) -> AsyncIterator[Path]:
    """``kube-actors up`` (fake runtime, two nodes, in memory) in a process of its own; the
    kubeconfig it wrote."""
    command = [sys.executable, "-c", _UP, "up", "--runtime", "fake", "--nodes", "2"]
    command += ["--port", "0", "--store", "memory", "--data-dir", str(data_dir)]
    process = await anyio.open_process(command)
    try:
        assert process.stdout is not None
        output = b""
        with anyio.fail_after(60):
            async for chunk in process.stdout:
                output += chunk
                if b"Ctrl-C stops the cluster" in output:
                    break
        yield data_dir / "kubeconfig"
    finally:
        process.send_signal(signal.SIGTERM)
        with anyio.move_on_after(20):
            await process.wait()
        if process.returncode is None:
            process.kill()
        await process.aclose()


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 60) -> None:
    with anyio.fail_after(timeout):
        # Another process's state, over HTTP: poll it, bounded by the timeout.
        while not await check():  # noqa: ASYNC110
            await anyio.sleep(0.1)


async def test_the_worker_pool_controller_runs_over_http_against_another_process(
    tmp_path: Path,
) -> None:
    async with (
        kube_actors_up(tmp_path) as kubeconfig,
        Client.from_kubeconfig(kubeconfig) as client,
        Manager(client) as manager,
    ):
        await manager.add(
            ControllerSpec(
                for_=WorkerPool,
                owns=[Deployment, Service],
                reconciler=example.WorkerPoolReconciler(client),
            )
        )
        [pool] = load_manifests(example.POOL)
        await client.create(pool)

        async def ready(replicas: int) -> bool:
            pool = await client.get(WorkerPool, "crunchers", namespace="default")
            done: bool = example.ready(replicas)(pool)
            return done

        await eventually(lambda: ready(3))
        service = await client.get(Service, "crunchers", namespace="default")
        assert service.spec.ports[0].port == 8000
        await client.patch(WorkerPool, "crunchers", {"spec": {"replicas": 5}}, namespace="default")
        await eventually(lambda: ready(5))
        deployment = await client.get(Deployment, "crunchers", namespace="default")
        assert deployment.spec.replicas == 5

        await client.delete(WorkerPool, "crunchers", namespace="default")

        async def collected() -> bool:
            gone = await ignore_not_found(client.get(Deployment, "crunchers", namespace="default"))
            return gone is None

        await eventually(collected)  # the server's garbage collector, by the owner reference
