"""An embedding program for the crash tests: ``python crash_writer.py STORE LOG SEED``.

It runs a one-node cluster on the SQLite store ``STORE``. First it checks that the cluster
it found converged: the Deployment ``web`` Available with as many Pods as it asks for (it
creates ``web`` on a new store). Then it prints ``converged`` and writes until it is
killed: four tasks create, update and delete Services (names ``w<task>-<n>``, an annotation
``v`` their content) and scale ``web``. Every write is recorded in ``LOG``, one JSON line,
fsynced: an ``intent`` before the request, an ``ack`` with the resourceVersion once the
apiserver answered; each ``ack`` is also said on stdout, so that the test can kill the program
(``crash_after``) after a number of acknowledged writes rather than after a length of time, which
a loaded machine would fill with fewer. The test then checks the store against the log.
"""

from __future__ import annotations

import json
import logging
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

import anyio
import attrs
import structlog

from kube_actors import Cluster
from kube_actors.actors import run
from kube_actors.api import Deployment, Pod, Service, from_dict

TASKS = 4
NAMES = 12
WEB = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "default"},
    "spec": {
        "replicas": 2,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]},
        },
    },
}


def _drop_torn_line(path: str) -> None:
    """Cut a record the previous cycle's kill left unfinished (no newline): this cycle's
    first record would otherwise run on from it, and the two read as one broken line. It
    was never acknowledged (the ack is printed after its record is on disk)."""
    try:
        with open(path, "rb+") as file:
            text = file.read()
            if text and not text.endswith(b"\n"):
                file.truncate(text.rfind(b"\n") + 1)
    except FileNotFoundError:
        pass


class Log:
    def __init__(self, path: str) -> None:
        _drop_torn_line(path)
        self._file = open(path, "a")  # noqa: SIM115 (open for the program's life)

    def record(self, **entry: Any) -> None:
        self._file.write(json.dumps(entry) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())
        if entry["phase"] == "ack":
            print("ack", flush=True)  # read by ``crash_after``


def service(name: str, value: int) -> Service:
    made: Service = from_dict(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": name, "namespace": "default", "annotations": {"v": str(value)}},
            "spec": {"ports": [{"port": 80}]},
        }
    )
    return made


async def converge(cluster: Cluster, log: Log) -> None:
    found = next(iter(await cluster.client.list(Deployment)), None)
    if found is None:
        log.record(phase="intent", op="create-web", replicas=2)
        web: Deployment = await cluster.client.create(from_dict(WEB))
        log.record(phase="ack", op="create-web", replicas=2, rv=web.metadata.resource_version)
    else:
        web = found
    want = web.spec.replicas

    def settled(d: Deployment) -> bool:
        return d.status.available_replicas == want and d.status.updated_replicas == want

    await cluster.wait_for(Deployment, "web", condition=settled, timeout=120)
    await cluster.settle()
    pods = [p for p in await cluster.client.list(Pod) if p.metadata.deletion_timestamp is None]
    log.record(phase="converged", replicas=want, pods=len(pods))


async def writer(cluster: Cluster, log: Log, task: int, rng: random.Random) -> None:
    client = cluster.client
    while True:
        name = f"w{task}-{rng.randrange(NAMES)}"
        current = next((s for s in await client.list(Service) if s.metadata.name == name), None)
        value = rng.randrange(1_000_000)
        if current is None:
            log.record(phase="intent", op="create", name=name, v=value, task=task)
            made = await client.create(service(name, value))
            log.record(
                phase="ack",
                op="create",
                name=name,
                v=value,
                task=task,
                rv=made.metadata.resource_version,
                uid=made.metadata.uid,
            )
        elif rng.random() < 0.7:
            changed = attrs.evolve(
                current, metadata=attrs.evolve(current.metadata, annotations={"v": str(value)})
            )
            log.record(phase="intent", op="update", name=name, v=value, task=task)
            made = await client.update(changed)
            log.record(
                phase="ack",
                op="update",
                name=name,
                v=value,
                task=task,
                rv=made.metadata.resource_version,
            )
        else:
            log.record(phase="intent", op="delete", name=name, task=task)
            await client.delete(Service, name, namespace="default")
            log.record(phase="ack", op="delete", name=name, task=task)
        if task == 0 and rng.random() < 0.05:
            replicas = rng.randrange(1, 4)
            log.record(phase="intent", op="scale", replicas=replicas, task=task)
            scaled = await cluster.scale(Deployment, "web", replicas)
            log.record(
                phase="ack",
                op="scale",
                replicas=replicas,
                task=task,
                rv=scaled.metadata.resource_version,
            )


async def main(store: str, log_path: str, seed: int) -> None:
    log = Log(log_path)
    rng = random.Random(seed)
    async with Cluster(store=f"sqlite:///{store}?synchronous=normal", nodes=1) as cluster:
        await converge(cluster, log)
        print("converged", flush=True)
        async with anyio.create_task_group() as tg:
            for task in range(TASKS):
                tg.start_soon(writer, cluster, log, task, random.Random(rng.random()))


# The parent's side: the crash tests and ``benchmarks/crash.py`` run this program so.

#: How long a writer may take to converge, or to say its next acknowledged write.
BOUND = 120.0


def start(store: Path, log: Path, seed: int, stderr: IO[str] | int) -> subprocess.Popen[str]:
    """Run this program on ``store`` and ``log`` in a process of its own, its stdout a pipe
    for ``said``."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    return subprocess.Popen(
        [sys.executable, __file__, str(store), str(log), str(seed)],
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        env=env,
    )


def said(process: subprocess.Popen[str], what: str) -> bool:
    """Read the program's stdout until it says ``what`` (its acks before ``converged`` are
    passed over); False if it ended or was silent for ``BOUND`` seconds first (it is
    killed then)."""
    assert process.stdout is not None
    watchdog = threading.Timer(BOUND, process.kill)
    watchdog.start()
    try:
        return any(line.strip() == what for line in process.stdout)
    finally:
        watchdog.cancel()


def crash_after(process: subprocess.Popen[str], acks: int, offset: float) -> int:
    """SIGKILL the program once it has said ``acks`` acknowledged writes and ``offset``
    seconds more have passed (a moment inside the requests it has in flight); how many it
    said. Counting writes, not seconds, makes the crash come after as much work on a loaded
    machine as on an idle one."""
    told = 0
    while told < acks and said(process, "ack"):
        told += 1
    time.sleep(offset)
    kill(process)
    return told


def kill(process: subprocess.Popen[str]) -> None:
    """SIGKILL the program (if it still runs) and close its pipe."""
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.stdout is not None
    process.stdout.close()


if __name__ == "__main__":
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.ERROR))
    run(main, sys.argv[1], sys.argv[2], int(sys.argv[3]))
