"""The crash test against ``kube-actors up``: clients write over the HTTP API, the server dies.

Used by ``test_crash_http.py`` and ``benchmarks/crash.py``. One cycle (``cycle``):

1. start ``kube-actors up --runtime fake`` on a data directory and read its URL;
2. check that the cluster it found converges (the Deployment ``web`` Available, as many
   running Pods as it asks for; on a new data directory, create ``web`` first), watching
   over HTTP;
3. write from four client tasks over HTTPS as the kubernetes clients do: create, update
   and delete Services, scale ``web``; every request is recorded in a log (``intent``
   before it is sent, ``ack`` with the resourceVersion once answered) in the lines
   ``crash_check`` reads;
4. SIGKILL the server once ``acks`` writes were acknowledged and ``offset`` seconds more
   passed, while requests are in flight (counting writes rather than seconds: a loaded
   machine writes less in a second).

Then ``crash_check.check`` compares the store file with the log: every acknowledged write
there, nothing else, resourceVersions never going back; the next cycle's start checks that
the cluster converges on it.
"""

from __future__ import annotations

import contextlib
import json
import random
import signal
import ssl
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import anyio
import anyio.abc

from .crash_writer import BOUND, NAMES, TASKS, WEB

_SERVICES = "/api/v1/namespaces/default/services"
_DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments"
_PODS = "/api/v1/namespaces/default/pods"
#: What a killed server's client sees: the connection goes, or was refused.
_GONE = (aiohttp.ClientError, ConnectionError, OSError)


class Log:
    """The record of every request: the test process is not the one killed, so a line
    written is a line kept. ``reached`` is set once ``acks`` answers were recorded."""

    def __init__(self, path: Path, acks: int = 0) -> None:
        self.path = path
        self.acks_left = acks
        self.reached = anyio.Event()

    def record(self, **entry: Any) -> None:
        with self.path.open("a") as file:
            file.write(json.dumps(entry) + "\n")
        if entry["phase"] == "ack":
            self.acks_left -= 1
            if self.acks_left <= 0:
                self.reached.set()


class Api:
    """A minimal Kubernetes API client over one aiohttp session (TLS, bearer token)."""

    def __init__(self, url: str, data_dir: Path) -> None:
        context = ssl.create_default_context(cafile=str(data_dir / "pki" / "ca.crt"))
        token = (data_dir / "admin.token").read_text().strip()
        self.url = url
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(ssl=context),
            headers={"Authorization": f"Bearer {token}"},
            timeout=aiohttp.ClientTimeout(total=60),
        )

    async def call(
        self, method: str, path: str, body: Any = None, content_type: str = "application/json"
    ) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body)
        headers = {"Content-Type": content_type}
        async with self.session.request(
            method, self.url + path, data=data, headers=headers
        ) as response:
            return response.status, await response.json(content_type=None)

    async def watch(
        self, path: str, version: str, selector: str = ""
    ) -> AsyncIterator[dict[str, Any]]:
        """The events of a watch from ``version`` on (one JSON object per line)."""
        query = f"?watch=true&resourceVersion={version}{selector}"
        async with self.session.get(self.url + path + query) as response:
            async for line in response.content:
                if line.strip():
                    yield json.loads(line)

    async def close(self) -> None:
        await self.session.close()


async def start_up(data_dir: Path) -> tuple[anyio.abc.Process, str]:
    """``kube-actors up`` on ``data_dir`` (any free port): the process and its URL."""
    command = [
        sys.executable, "-c", "from kube_actors.cli import main; raise SystemExit(main())",
        "up", "--port", "0", "--runtime", "fake", "--data-dir", str(data_dir),
    ]  # fmt: skip
    process = await anyio.open_process(command, stderr=None)
    assert process.stdout is not None
    seen = ""
    try:
        with anyio.fail_after(120):
            while "Ctrl-C" not in seen:
                seen += (await process.stdout.receive()).decode()
    except BaseException:
        process.kill()
        await process.wait()
        raise
    marker = "running at "
    url = seen[seen.index(marker) + len(marker) :].split()[0]
    return process, url


async def converge(api: Api, log: Log) -> None:
    """Create ``web`` on a new store, then wait (bounded) until it has its Pods."""
    status, found = await api.call("GET", f"{_DEPLOYMENTS}/web")
    if status == 404:
        log.record(phase="intent", op="create-web", replicas=2)
        status, found = await api.call("POST", _DEPLOYMENTS, WEB)
        assert status == 201, found
        rv = found["metadata"]["resourceVersion"]
        log.record(phase="ack", op="create-web", replicas=2, rv=rv)
    want = found["spec"]["replicas"]
    with anyio.fail_after(120):
        await _until_available(api, want)
        pods = await _until_pods(api, want)
    log.record(phase="converged", replicas=want, pods=pods)


async def _until_available(api: Api, want: int) -> None:
    def settled(deployment: dict[str, Any]) -> bool:
        status = deployment.get("status", {})
        return bool(
            status.get("observedGeneration", 0) >= deployment["metadata"].get("generation", 0)
            and status.get("availableReplicas", 0) == want
            and status.get("updatedReplicas", 0) == want
            and status.get("replicas", 0) == want
        )

    selector = "&fieldSelector=metadata.name%3Dweb"
    _, listed = await api.call("GET", f"{_DEPLOYMENTS}?{selector[1:]}")
    if any(settled(d) for d in listed["items"]):
        return
    version = listed["metadata"]["resourceVersion"]
    async for event in api.watch(_DEPLOYMENTS, version, selector):
        if settled(event["object"]):
            return


async def _until_pods(api: Api, want: int) -> int:
    """The running Pods of ``web`` once there are ``want`` (terminating ones leave)."""
    _, listed = await api.call("GET", _PODS + "?labelSelector=app%3Dweb")
    pods = {p["metadata"]["name"]: p for p in listed["items"]}

    def active() -> int:
        return sum(1 for p in pods.values() if not p["metadata"].get("deletionTimestamp"))

    if active() == want:
        return want
    version = listed["metadata"]["resourceVersion"]
    async for event in api.watch(_PODS, version, "&labelSelector=app%3Dweb"):
        obj = event["object"]
        if event["type"] == "DELETED":
            pods.pop(obj["metadata"]["name"], None)
        else:
            pods[obj["metadata"]["name"]] = obj
        if active() == want:
            return want
    return active()


def _service(name: str, value: int) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": "default", "annotations": {"v": str(value)}},
        "spec": {"ports": [{"port": 80}]},
    }


async def writer(api: Api, log: Log, task: int, rng: random.Random) -> None:
    """Write until the server goes away. A request whose answer never came stays an
    ``intent`` in the log."""
    try:
        while True:
            await _write_once(api, log, task, rng)
    except _GONE:
        return


async def _write_once(api: Api, log: Log, task: int, rng: random.Random) -> None:
    name = f"w{task}-{rng.randrange(NAMES)}"
    status, current = await api.call("GET", f"{_SERVICES}/{name}")
    value = rng.randrange(1_000_000)
    if status == 404:
        log.record(phase="intent", op="create", name=name, v=value, task=task)
        status, made = await api.call("POST", _SERVICES, _service(name, value))
        assert status == 201, made
        meta = made["metadata"]
        log.record(
            phase="ack", op="create", name=name, v=value, task=task,
            rv=meta["resourceVersion"], uid=meta["uid"],
        )  # fmt: skip
    elif rng.random() < 0.7:
        current["metadata"]["annotations"] = {"v": str(value)}
        log.record(phase="intent", op="update", name=name, v=value, task=task)
        status, made = await api.call("PUT", f"{_SERVICES}/{name}", current)
        assert status == 200, made
        rv = made["metadata"]["resourceVersion"]
        log.record(phase="ack", op="update", name=name, v=value, task=task, rv=rv)
    else:
        log.record(phase="intent", op="delete", name=name, task=task)
        status, gone = await api.call("DELETE", f"{_SERVICES}/{name}")
        assert status == 200, gone
        log.record(phase="ack", op="delete", name=name, task=task)
    if task == 0 and rng.random() < 0.05:
        replicas = rng.randrange(1, 4)
        log.record(phase="intent", op="scale", replicas=replicas, task=task)
        patch = {"spec": {"replicas": replicas}}
        status, scaled = await api.call(
            "PATCH", f"{_DEPLOYMENTS}/web", patch, "application/merge-patch+json"
        )
        assert status == 200, scaled
        rv = scaled["metadata"]["resourceVersion"]
        log.record(phase="ack", op="scale", replicas=replicas, task=task, rv=rv)


_last_converge = [0.0]


def converge_seconds() -> float:
    """How long the last ``cycle`` took from starting the server to a converged cluster."""
    return _last_converge[0]


async def cycle(data_dir: Path, log_path: Path, seed: int, acks: int, offset: float) -> int:
    """One start, convergence, writes and SIGKILL (after ``acks`` answered writes and
    ``offset`` seconds); the requests acknowledged meanwhile."""
    before = _acks(log_path)
    began = time.perf_counter()
    process, url = await start_up(data_dir)
    api = Api(url, data_dir)
    try:
        await converge(api, Log(log_path))
        _last_converge[0] = time.perf_counter() - began
        rng = random.Random(seed)
        log = Log(log_path, acks)
        async with anyio.create_task_group() as tasks:
            for task in range(TASKS):
                tasks.start_soon(writer, api, log, task, random.Random(rng.random()))
            with anyio.fail_after(BOUND):  # the writers stop only when the server goes
                await log.reached.wait()
            await anyio.sleep(offset)  # the crash moment: the writers are busy meanwhile
            process.send_signal(signal.SIGKILL)
    finally:
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
        await process.wait()
        await process.aclose()
        await api.close()
    return _acks(log_path) - before


def _acks(log_path: Path) -> int:
    if not log_path.exists():
        return 0
    return sum(1 for line in log_path.read_text().splitlines() if '"ack"' in line)
